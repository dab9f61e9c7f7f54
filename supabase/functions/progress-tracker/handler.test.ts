import assert from 'node:assert/strict';
import {
  admin, anonToken, call, createUser, dbFingerprint, documentRow, progressRows, randomHash, serviceToken, setFlag, test,
  testDeps, userToken,
} from '../_test/helpers.ts';
import { progressTracker } from './handler.ts';

const deps = testDeps();
const handler = progressTracker(() => deps);

/** A document of `user` in `status`, with last progress at the test clock's now. */
async function makeDocument(user: string, status: string, extra: { stored?: boolean; bytes?: number } = {}) {
  const id = crypto.randomUUID();
  const path = `${user}/${id}/doc.pdf`;
  const size = 4096;
  // Skip the status trigger for the arrangement (one transaction, so one connection).
  await admin.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`insert into public.documents (id, user_id, filename, content_type, file_size, file_hash, storage_path, status,
                                           bytes_uploaded, upload_progress, last_progress_at, chunks_total)
             values (${id}, ${user}, 'doc.pdf', 'application/pdf', ${size}, ${randomHash()}, ${path}, ${status},
                     ${extra.bytes ?? (extra.stored ? size : 0)}, ${extra.stored ? 100 : 0}, ${deps.clock.now()}, 1)`;
  });
  if (extra.stored) await admin`insert into storage.objects (bucket_id, name, owner_id) values ('documents', ${path}, ${user})`;
  return id;
}

const post = async (token: string, body: Record<string, unknown>) => await call(handler, 'POST', { token, body });
const get = async (token: string, documentId: string) => await call(handler, 'GET', { token, query: { documentId } });
const del = async (token: string, documentId: string) => await call(handler, 'DELETE', { token, query: { documentId } });

test('the service moves a document into a stage and reports progress with velocity and ETA', async () => {
  const user = await createUser();
  const id = await makeDocument(user, 'uploaded', { stored: true });
  const service = await serviceToken();
  const start = await post(service, { documentId: id, stage: 'processing', progress: 10 });
  assert.equal(start.status, 200);
  assert.equal(start.body.status, 'processing');
  assert.equal(start.body.processing.progress, 10);
  deps.clock.advance(60_000);
  const more = await post(service, { documentId: id, stage: 'processing', progress: 40, message: 'page 4 of 10' });
  assert.equal(more.status, 200);
  // velocity = (40 − 10) / 60 s = 0.5 %/s → ETA = (100 − 40) / 0.5 = 120 s
  assert.equal(more.body.velocity, 0.5);
  assert.equal(more.body.etaSeconds, 120);
  const read = await get(await userToken(user), id);
  assert.equal(read.body.etaSeconds, 120);
  assert.equal(read.body.stuck, false);
  const rows = await progressRows(id);
  const last = rows.at(-1)!.payload;
  assert.equal(last.type, 'progress_update');
  assert.equal(last.progress, 40);
  assert.equal(last.etaSeconds, 120);
  assert.equal(last.message, 'page 4 of 10');
  assert.ok(rows.some((r) => r.payload.type === 'status_change' && r.payload.to === 'processing'));
});

test('completed and failed write complete and error rows; a finished document refuses more', async () => {
  const user = await createUser();
  const service = await serviceToken();
  const ok = await makeDocument(user, 'embedding', { stored: true });
  const done = await post(service, { documentId: ok, stage: 'completed', progress: 100 });
  assert.equal(done.body.status, 'completed');
  assert.equal(done.body.processing.progress, 100);
  assert.ok((await progressRows(ok)).some((r) => r.payload.type === 'complete'));
  const again = await post(service, { documentId: ok, stage: 'parsing', progress: 0 });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'invalid_state');
  const twice = await post(service, { documentId: ok, stage: 'completed', progress: 100 });
  assert.equal(twice.status, 409);

  const bad = await makeDocument(user, 'parsing', { stored: true });
  const failed = await post(service, { documentId: bad, stage: 'failed', progress: 0, errorCode: 'ocr_failed', message: 'Page 3 is unreadable.' });
  assert.equal(failed.body.status, 'failed');
  assert.deepEqual(failed.body.error, { code: 'ocr_failed', message: 'Page 3 is unreadable.' });
  const error = (await progressRows(bad)).find((r) => r.payload.type === 'error')!;
  assert.equal(error.payload.code, 'ocr_failed');
  assert.equal(error.payload.message, 'Page 3 is unreadable.');
});

test('the owner reports progress within the current stage but cannot change stage', async () => {
  const user = await createUser();
  const token = await userToken(user);
  const id = await makeDocument(user, 'embedding', { stored: true });
  const ok = await post(token, { documentId: id, stage: 'embedding', progress: 30 });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.accepted, true);
  const back = await post(token, { documentId: id, stage: 'embedding', progress: 20 });
  assert.equal(back.body.accepted, false, 'progress only moves forward');
  assert.equal(Number((await documentRow(id)).processing_progress), 30);
  const before = await dbFingerprint();
  const jump = await post(token, { documentId: id, stage: 'completed', progress: 100 });
  assert.equal(jump.status, 403);
  assert.equal(jump.body.error.code, 'forbidden');
  assert.deepEqual(await dbFingerprint(), before);
  const other = await post(await userToken(await createUser()), { documentId: id, stage: 'embedding', progress: 90 });
  assert.equal(other.status, 404);
  assert.deepEqual(await dbFingerprint(), before);
});

test('invalid bodies are 422 with nothing written', async () => {
  const user = await createUser();
  const id = await makeDocument(user, 'processing', { stored: true });
  const service = await serviceToken();
  for (const body of [
    { documentId: id, stage: 'processing', progress: 101 },
    { documentId: id, stage: 'processing', progress: -1 },
    { documentId: id, stage: 'uploading', progress: 5 },
    { documentId: id, stage: 'processing' },
    { documentId: 'nope', stage: 'processing', progress: 1 },
    { documentId: id, stage: 'failed', progress: 0, errorCode: 'Bad Code!' },
  ]) {
    const before = await dbFingerprint();
    const res = await post(service, body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(await dbFingerprint(), before);
  }
});

test('text Postgres cannot store in message is 422 with nothing written, from the owner and from the service', async () => {
  const user = await createUser();
  const owner = await userToken(user);
  const service = await serviceToken();
  const id = await makeDocument(user, 'processing', { stored: true });
  const other = await makeDocument(user, 'parsing', { stored: true });
  for (const [token, body] of [
    [owner, { documentId: id, stage: 'processing', progress: 20, message: 'page\u00002' }],
    [service, { documentId: id, stage: 'processing', progress: 20, message: 'page\u00002' }],
    [service, { documentId: other, stage: 'embedding', progress: 5, message: '\u0000' }],
    [service, { documentId: other, stage: 'failed', progress: 0, errorCode: 'ocr_failed', message: 'bad\u0000' }],
    [owner, { documentId: id, stage: 'processing', progress: 20, message: 'half a pair \ud800' }],
    [service, { documentId: id, stage: 'processing', progress: 20, message: 'low alone \udc00 here' }],
  ] as const) {
    const before = await dbFingerprint();
    const res = await post(token, body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(res.body.error.code, 'validation_failed');
    assert.equal(res.body.error.details.issues[0].path, 'message');
    assert.deepEqual(await dbFingerprint(), before);
  }
  // A well-formed pair (an emoji) is text like any other.
  const ok = await post(owner, { documentId: id, stage: 'processing', progress: 20, message: 'done \ud83d\ude00' });
  assert.equal(ok.status, 200);
  assert.equal((await progressRows(id)).at(-1)!.payload.message, 'done \u{1F600}');
});

test('GET: stuck after 30 minutes without progress (frozen clock), never for finished documents', async () => {
  const user = await createUser();
  const token = await userToken(user);
  const id = await makeDocument(user, 'parsing', { stored: true });
  deps.clock.advance(30 * 60 * 1000);
  assert.equal((await get(token, id)).body.stuck, false, 'exactly 30 minutes is not yet stuck');
  deps.clock.advance(1000);
  const stuck = await get(token, id);
  assert.equal(stuck.status, 200);
  assert.equal(stuck.body.stuck, true);
  assert.equal(stuck.body.etaSeconds, null);
  const done = await makeDocument(user, 'completed', { stored: true });
  deps.clock.advance(24 * 3600 * 1000);
  // Tokens are checked against the same frozen clock, so sign one for the new "now".
  assert.equal((await get(await userToken(user, { now: deps.clock.now() }), done)).body.stuck, false);
  deps.clock.set(Date.now());
});

test('GET: 404 for other users and unknown ids, 400 for malformed ids, 401 without a session', async () => {
  const user = await createUser();
  const id = await makeDocument(user, 'processing');
  assert.equal((await get(await userToken(await createUser()), id)).status, 404);
  assert.equal((await get(await userToken(user), crypto.randomUUID())).status, 404);
  assert.equal((await get(await userToken(user), 'x')).status, 400);
  const anon = await get(await anonToken(), id);
  assert.equal(anon.status, 401);
  assert.equal(anon.body.error.code, 'auth_missing');
  assert.equal((await get(await serviceToken(), id)).status, 200);
});

test('DELETE resets a failed document whose bytes are stored and starts processing again', async () => {
  const user = await createUser();
  const id = await makeDocument(user, 'failed', { stored: true });
  await admin`update public.documents set error_code = 'parse_failed', error_message = 'x', processing_stage = 'parsing', processing_progress = 40 where id = ${id}`;
  const res = await del(await userToken(user), id);
  assert.equal(res.status, 200);
  assert.equal(res.body.reset, true);
  assert.equal(res.body.status, 'completed', 'without LlamaParse: processing, then completed');
  const row = await documentRow(id);
  assert.equal(row.retry_count, 1);
  assert.equal(row.error_code, null);
  const changes = (await progressRows(id)).filter((r) => r.payload.type === 'status_change').map((r) => `${r.payload.from}>${r.payload.to}`);
  assert.deepEqual(changes.sort(), ['failed>uploaded', 'processing>completed', 'uploaded>processing'].sort());
});

test('DELETE with LlamaParse on for the user goes back to parsing with a new job', async () => {
  const user = await createUser();
  const id = await makeDocument(user, 'parsing', { stored: true });
  await admin`update public.documents set llama_parse_job_id = 'old-job' where id = ${id}`;
  await setFlag('llama_parse_integration', { is_enabled: true, target_user_ids: [user] });
  try {
    const res = await del(await serviceToken(), id);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'parsing');
    const row = await documentRow(id);
    assert.ok(row.llama_parse_job_id && row.llama_parse_job_id !== 'old-job');
    assert.equal(row.retry_count, 1);
  } finally {
    await setFlag('llama_parse_integration', { is_enabled: false, target_user_ids: [] });
  }
});

test('DELETE of a failed upload (nothing stored) goes back to pending with progress cleared', async () => {
  const user = await createUser();
  const id = await makeDocument(user, 'failed', { bytes: 1000 });
  const res = await del(await userToken(user), id);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'pending');
  const row = await documentRow(id);
  assert.equal(Number(row.bytes_uploaded), 0);
  assert.equal(row.retry_count, 1);
});

test('DELETE refuses finished documents and other users', async () => {
  const user = await createUser();
  const done = await makeDocument(user, 'completed', { stored: true });
  const before = await dbFingerprint();
  const res = await del(await userToken(user), done);
  assert.equal(res.status, 409);
  assert.equal(res.body.error.code, 'invalid_state');
  assert.deepEqual(await dbFingerprint(), before);
  const failed = await makeDocument(user, 'failed', { stored: true });
  const intruder = await del(await userToken(await createUser()), failed);
  assert.equal(intruder.status, 404);
  assert.equal((await documentRow(failed)).status, 'failed');
  assert.equal((await documentRow(failed)).retry_count, 0);
});

test('methods other than GET, POST, DELETE are 405', async () => {
  const res = await call(handler, 'PUT', { token: await serviceToken(), body: {} });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('allow') ?? '', /DELETE/);
});
