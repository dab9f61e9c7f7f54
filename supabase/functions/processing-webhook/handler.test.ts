// processing-webhook: the pipeline each source drives, against a real Postgres (migrations,
// trigger, flags). Authentication, replay and malformed requests: handler-auth.test.ts.
import assert from 'node:assert/strict';
import { admin, dbFingerprint, documentRow, progressRows, setFlag, test, testDeps } from '../_test/helpers.ts';
import { processingWebhook } from './handler.ts';
import { makeDocument, send, type SendOptions, SHARED_SECRET, typesOf, webhookEvents } from './test-support.ts';

const deps = testDeps();
const handler = processingWebhook(() => deps);
const post = (body: unknown, opts: SendOptions = {}) => send(handler, deps, body, opts);
const storage = (body: Record<string, unknown>, opts: SendOptions = {}) => post({ source: 'storage', ...body }, opts);

/** Expect a refusal with `status`/`code` that changed nothing. */
async function refused(body: unknown, opts: SendOptions, status: number, code: string) {
  const before = await dbFingerprint();
  const res = await post(body, opts);
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  assert.ok(res.body.error.message.length > 10, 'the message says what to fix');
  assert.deepEqual(await dbFingerprint(), before, 'nothing written, nothing recorded');
  return res;
}

test('storage completed, LlamaParse off: uploaded → processing → completed, with its realtime rows', async () => {
  const doc = await makeDocument({ status: 'uploading' });
  const res = await storage({ documentId: doc.id, status: 'completed', size: doc.size, md5: doc.hash.toUpperCase() });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, {
    received: true, webhookId: res.id, duplicate: false, documentId: doc.id, status: 'completed', outcome: 'applied',
  });
  const row = await documentRow(doc.id);
  assert.equal(row.status, 'completed');
  assert.equal(Number(row.bytes_uploaded), doc.size);
  assert.equal(Number(row.upload_progress), 100);
  assert.equal(Number(row.processing_progress), 100);
  assert.equal(row.llama_parse_job_id, null);
  assert.equal(new Date(row.last_progress_at).getTime(), deps.clock.now().getTime(), 'timestamps come from the clock');
  const rows = await progressRows(doc.id);
  assert.deepEqual(typesOf(rows), ['complete', 'status_change', 'status_change', 'status_change']);
  const moves = rows.filter((r) => r.payload.type === 'status_change').map((r) => `${r.payload.from}→${r.payload.to}`).sort();
  assert.deepEqual(moves, ['processing→completed', 'uploaded→processing', 'uploading→uploaded']);
  assert.ok(rows.every((r) => r.payload.documentId === doc.id));
  const [event] = await webhookEvents(res.id);
  assert.equal(event?.source, 'storage');
  assert.equal(event?.document_id, doc.id);
  assert.equal(event?.outcome, 'applied');
  assert.deepEqual(event?.payload, JSON.parse(JSON.stringify({ source: 'storage', documentId: doc.id, status: 'completed', size: doc.size, md5: doc.hash.toUpperCase() })));
});

test('LlamaParse on for the user: parsing with a job → progress → embedding → completed', async () => {
  const doc = await makeDocument();
  const other = await makeDocument();
  await setFlag('llama_parse_integration', { is_enabled: true, target_user_ids: [doc.userId] });
  try {
    const stored = await storage({ documentId: doc.id, status: 'completed', size: doc.size });
    assert.equal(stored.body.status, 'parsing');
    const row = await documentRow(doc.id);
    assert.equal(row.status, 'parsing');
    assert.match(row.llama_parse_job_id, /^[0-9a-f-]{36}$/, 'a LlamaParse job is recorded');
    const moves = (await progressRows(doc.id)).map((r) => `${r.payload.type}:${r.payload.to}`).sort();
    assert.deepEqual(moves, ['status_change:parsing', 'status_change:uploaded']);
    const parsingRow = (await progressRows(doc.id)).find((r) => r.payload.to === 'parsing');
    assert.equal(parsingRow?.payload.jobId, row.llama_parse_job_id);

    assert.equal((await storage({ documentId: other.id, status: 'completed' })).body.status, 'completed', 'the flag is per user');

    const jobId = row.llama_parse_job_id as string;
    deps.clock.advance(1000);
    const running = await post({ event: 'parse.running', jobId, progress: 40 }, { source: 'llamaparse' });
    assert.equal(running.status, 200, JSON.stringify(running.body));
    assert.equal(running.body.status, 'parsing');
    let updated = await documentRow(doc.id);
    assert.equal(Number(updated.processing_progress), 40);
    assert.equal(new Date(updated.last_progress_at).getTime(), deps.clock.now().getTime());
    const progress = (await progressRows(doc.id)).filter((r) => r.payload.type === 'progress_update');
    assert.equal(progress.length, 1);
    assert.equal(progress[0]!.payload.stage, 'parsing');
    assert.equal(progress[0]!.payload.progress, 40);

    const late = await post({ event: 'parse.pending', job_id: jobId, progress: 10 }, { source: 'llamaparse' });
    assert.equal(late.status, 200);
    assert.equal(Number((await documentRow(doc.id)).processing_progress), 40, 'progress never goes back');

    deps.clock.advance(1000);
    const parsed = await post({ event: 'parse.success', jobId, documentId: doc.id }, { source: 'llamaparse' });
    assert.equal(parsed.body.status, 'embedding');
    updated = await documentRow(doc.id);
    assert.equal(updated.processing_stage, 'embedding');
    assert.equal(Number(updated.processing_progress), 0);

    const embedding = await post({ source: 'embedding', documentId: doc.id, status: 'progress', progress: 50 });
    assert.equal(embedding.body.status, 'embedding');
    deps.clock.advance(1000);
    const done = await post({ source: 'embedding', documentId: doc.id, status: 'completed' });
    assert.equal(done.status, 200);
    assert.equal(done.body.status, 'completed');
    updated = await documentRow(doc.id);
    assert.equal(updated.status, 'completed');
    assert.equal(Number(updated.processing_progress), 100);
    const types = typesOf(await progressRows(doc.id));
    assert.deepEqual(types, ['complete', 'progress_update', 'progress_update', 'progress_update', 'status_change', 'status_change', 'status_change', 'status_change']);
  } finally {
    await setFlag('llama_parse_integration', { is_enabled: false, target_user_ids: [] });
  }
});

test('failures from every source: failed with code and message, and an error row', async () => {
  const cases: [string, (d: Awaited<ReturnType<typeof makeDocument>>) => [unknown, SendOptions], string, string | RegExp][] = [
    ['uploading', (d) => [{ source: 'storage', documentId: d.id, status: 'failed', error: { code: 'object_rejected', message: 'Bucket quota exceeded' } }, {}], 'object_rejected', 'Bucket quota exceeded'],
    ['pending', (d) => [{ source: 'storage', documentId: d.id, status: 'failed' }, {}], 'upload_failed', /upload it again/],
    ['parsing', (d) => [{ event: 'parse.error', jobId: d.jobId, error: 'Encrypted PDF' }, { source: 'llamaparse' }], 'parse_failed', 'Encrypted PDF'],
    ['parsing', (d) => [{ event: 'parse.error', jobId: d.jobId, error: { code: 'ignored_code', message: 'Page 3 unreadable' } }, { source: 'llamaparse' }], 'parse_failed', 'Page 3 unreadable'],
    ['parsing', (d) => [{ event: 'parse.cancelled', jobId: d.jobId }, { source: 'llamaparse' }], 'parse_cancelled', /cancelled/],
    ['embedding', (d) => [{ source: 'embedding', documentId: d.id, status: 'failed', error: { message: 'Model overloaded' } }, {}], 'embedding_failed', 'Model overloaded'],
    ['processing', (d) => [{ source: 'internal', documentId: d.id, status: 'failed', error: { code: 'ocr_timeout', message: 'OCR took too long' } }, {}], 'ocr_timeout', 'OCR took too long'],
    ['processing', (d) => [{ source: 'internal', documentId: d.id, status: 'failed', message: 'Worker crashed' }, {}], 'processing_failed', 'Worker crashed'],
  ];
  for (const [status, make, code, message] of cases) {
    const doc = await makeDocument({ status: status as never });
    const [body, opts] = make(doc);
    const res = await post(body, opts);
    assert.equal(res.status, 200, `${code}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.status, 'failed');
    const row = await documentRow(doc.id);
    assert.equal(row.status, 'failed');
    assert.equal(row.error_code, code);
    if (typeof message === 'string') assert.equal(row.error_message, message);
    else assert.match(row.error_message, message);
    const rows = await progressRows(doc.id);
    const error = rows.find((r) => r.payload.type === 'error');
    assert.equal(error?.payload.code, code);
    assert.equal(error?.payload.message, row.error_message);
    assert.ok(rows.some((r) => r.payload.type === 'status_change' && r.payload.to === 'failed'));
  }
});

test('size and hash are checked against the row: a mismatch fails the document (the webhook itself is fine)', async () => {
  const small = await makeDocument({ status: 'uploading', size: 1000 });
  const bySize = await storage({ documentId: small.id, status: 'completed', size: 999, md5: small.hash });
  assert.equal(bySize.status, 200);
  assert.equal(bySize.body.status, 'failed');
  let row = await documentRow(small.id);
  assert.equal(row.error_code, 'size_mismatch');
  assert.match(row.error_message, /999 bytes.*1000 bytes/);
  assert.equal(Number(row.bytes_uploaded), 0, 'not marked uploaded');
  assert.deepEqual(typesOf(await progressRows(small.id)), ['error', 'status_change']);

  const doc = await makeDocument();
  const byHash = await storage({ documentId: doc.id, status: 'completed', size: doc.size, md5: 'f'.repeat(32) });
  assert.equal(byHash.body.status, 'failed');
  row = await documentRow(doc.id);
  assert.equal(row.error_code, 'hash_mismatch');
  assert.ok(row.error_message.includes(doc.hash));
  const [event] = await webhookEvents(byHash.id);
  assert.equal(event?.outcome, 'applied');
});

test('a Supabase Database Webhook on storage.objects (shared-secret header) finds the document by bucket and path', async () => {
  const doc = await makeDocument({ status: 'uploading' });
  const record = (over: Record<string, unknown> = {}) => ({
    id: crypto.randomUUID(), bucket_id: doc.bucket, name: doc.path, owner: doc.userId,
    metadata: { size: doc.size, eTag: `"${doc.hash}"`, mimetype: 'application/pdf', cacheControl: 'max-age=3600' }, ...over,
  });
  const res = await post({ type: 'INSERT', table: 'objects', schema: 'storage', record: record(), old_record: null }, { source: 'storage', shared: SHARED_SECRET });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.documentId, doc.id);
  assert.equal(res.body.status, 'completed');
  assert.match(res.body.webhookId, /^sha256:[0-9a-f]{64}$/, 'no webhook-id with a shared secret: the body digest is the key');

  const again = await post({ type: 'UPDATE', table: 'objects', schema: 'storage', record: record(), old_record: record() }, { source: 'storage' });
  assert.equal(again.status, 200);
  assert.equal(again.body.outcome, 'ignored', 'Storage confirming again is a harmless repeat');

  // A TUS (multipart) ETag is not an MD5 of the file, so it is not compared; the size still is.
  const tus = await makeDocument({ status: 'uploading', size: 7_000_000 });
  const multipart = { type: 'INSERT', table: 'objects', schema: 'storage', record: { bucket_id: tus.bucket, name: tus.path, metadata: { size: 7_000_000, eTag: '"0123456789abcdef0123456789abcdef-2"' } } };
  assert.equal((await post(multipart, { source: 'storage' })).body.status, 'completed');
  const short = await makeDocument({ status: 'uploading' });
  const truncated = { type: 'INSERT', table: 'objects', schema: 'storage', record: { bucket_id: short.bucket, name: short.path, metadata: { size: 10 } } };
  assert.equal((await post(truncated, { source: 'storage' })).body.status, 'failed');
  assert.equal((await documentRow(short.id)).error_code, 'size_mismatch');

  await refused({ type: 'INSERT', table: 'objects', schema: 'storage', record: { bucket_id: 'avatars', name: 'me.png', metadata: {} } }, { source: 'storage' }, 404, 'document_not_found');
  await refused({ type: 'DELETE', table: 'objects', schema: 'storage', record: record() }, { source: 'storage' }, 422, 'validation_failed');
});

test('internal: moves where the state machine allows, progress within a stage, refuses the rest', async () => {
  const doc = await makeDocument({ status: 'uploaded' });
  const internal = (body: Record<string, unknown>) => post({ source: 'internal', documentId: doc.id, ...body });
  assert.equal((await internal({ status: 'processing', message: 'OCR started' })).body.status, 'processing');
  const step = await internal({ status: 'processing', progress: 60 });
  assert.equal(step.body.outcome, 'applied');
  assert.equal(Number((await documentRow(doc.id)).processing_progress), 60);
  assert.equal((await internal({ status: 'processing' })).body.outcome, 'ignored');
  assert.equal((await internal({ status: 'embedding' })).body.status, 'embedding');
  assert.equal((await internal({ status: 'completed' })).body.status, 'completed');
  const rows = await progressRows(doc.id);
  assert.deepEqual(typesOf(rows), ['complete', 'progress_update', 'status_change', 'status_change', 'status_change']);
  assert.ok(rows.some((r) => r.payload.message === 'OCR started'));
  const back = await refused({ source: 'internal', documentId: doc.id, status: 'processing' }, {}, 409, 'invalid_state');
  assert.match(back.body.error.message, /completed to processing/);
});

test('repeats of a step already passed are 200 "ignored"; contradictions are 409 and change nothing', async () => {
  const completed = await makeDocument({ status: 'completed' });
  for (const body of [
    { source: 'storage', documentId: completed.id, status: 'completed' },
    { source: 'embedding', documentId: completed.id, status: 'completed' },
    { source: 'embedding', documentId: completed.id, status: 'progress', progress: 99 },
    { source: 'internal', documentId: completed.id, status: 'completed' },
  ]) {
    const before = await dbFingerprint();
    const res = await post(body);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(res.body.outcome, 'ignored');
    assert.equal(res.body.status, 'completed');
    assert.deepEqual(await dbFingerprint(), { ...before, webhook_events: before!.webhook_events + 1 }, 'only the event is recorded');
    assert.equal((await webhookEvents(res.id))[0]?.outcome, 'ignored');
  }
  const embedding = await makeDocument({ status: 'embedding' });
  assert.equal((await post({ event: 'parse.success', jobId: embedding.jobId }, { source: 'llamaparse' })).body.outcome, 'ignored');
  const failed = await makeDocument({ status: 'failed' });
  assert.equal((await storage({ documentId: failed.id, status: 'failed' })).body.outcome, 'ignored');
  assert.equal((await storage({ documentId: failed.id, status: 'completed' })).body.outcome, 'ignored', 'a failed upload waits for the user\'s retry');

  const uploaded = await makeDocument({ status: 'uploaded' });
  await refused({ source: 'embedding', documentId: uploaded.id, status: 'completed' }, {}, 409, 'invalid_state');
  await refused({ source: 'embedding', documentId: completed.id, status: 'failed' }, {}, 409, 'invalid_state');
  await refused({ source: 'storage', documentId: completed.id, status: 'failed' }, {}, 409, 'invalid_state');
  await refused({ source: 'internal', documentId: failed.id, status: 'completed' }, {}, 409, 'invalid_state');
});

test('LlamaParse: found by job id, or by document id when the job matches', async () => {
  const doc = await makeDocument({ status: 'parsing' });
  const other = await makeDocument({ status: 'parsing' });
  const wrongJob = await refused({ event: 'parse.success', jobId: other.jobId, documentId: doc.id }, { source: 'llamaparse' }, 409, 'invalid_state');
  assert.ok(wrongJob.body.error.message.includes(doc.jobId!));
  await refused({ event: 'parse.success', jobId: 'job_unknown' }, { source: 'llamaparse' }, 404, 'document_not_found');
  const partial = await post({ event_type: 'parse.partial_success', job_id: doc.jobId }, { source: 'llamaparse' });
  assert.equal(partial.body.status, 'embedding');
  const note = (await progressRows(doc.id)).find((r) => r.payload.to === 'embedding');
  assert.match(String(note?.payload.message), /partial/);
  assert.equal((await post({ event: 'parse.success', jobId: doc.jobId }, { source: 'llamaparse' })).body.outcome, 'ignored');
  assert.equal((await post({ event: 'parse.running', jobId: doc.jobId }, { source: 'llamaparse' })).body.outcome, 'ignored', 'late progress');

  const processing = await makeDocument({ status: 'processing' });
  await admin`update public.documents set llama_parse_job_id = 'job_stale' where id = ${processing.id}`;
  await refused({ event: 'parse.success', jobId: 'job_stale' }, { source: 'llamaparse' }, 409, 'invalid_state');
  await refused({ event: 'parse.done', jobId: doc.jobId }, { source: 'llamaparse' }, 422, 'validation_failed');
  await refused({ event: 'parse.success' }, { source: 'llamaparse' }, 422, 'validation_failed');
});

test('unknown documents are 404 document_not_found for every source', async () => {
  const missing = crypto.randomUUID();
  await refused({ source: 'storage', documentId: missing, status: 'completed' }, {}, 404, 'document_not_found');
  await refused({ source: 'embedding', documentId: missing, status: 'completed' }, {}, 404, 'document_not_found');
  await refused({ source: 'internal', documentId: missing, status: 'processing' }, {}, 404, 'document_not_found');
  await refused({ event: 'parse.success', jobId: 'nope', documentId: missing }, { source: 'llamaparse' }, 404, 'document_not_found');
  await refused({ source: 'storage', documentId: 'not-a-uuid', status: 'completed' }, {}, 422, 'validation_failed');
});
