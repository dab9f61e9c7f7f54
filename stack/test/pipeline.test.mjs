// @ts-check
// The whole reference backend on the stack, the way an app uses it: sign in (supabase-js),
// subscribe to realtime_progress_updates, start an upload through upload-handler, send the bytes
// with tus-js-client to /upload/resumable/sign, and watch the document go through the pipeline,
// including the demo processor's parsing and embedding for a user with LlamaParse on.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventsIdle } from '../src/pg-net.mjs';
import { client, disconnectClients, eventually, followProgress, pdfBytes, signedInClient, startTestStack, tusUpload } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: { stepMs: 50 } });
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

test('a 20 MB TUS upload goes from upload-handler to completed, with realtime rows on the way', async () => {
  const { client: c, user } = await signedInClient(stack);
  const rows = await followProgress(c, user.id);
  const bytes = pdfBytes(20 * 1024 * 1024, 7);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const init = await c.functions.invoke('upload-handler', {
    body: { filename: 'annual report.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
  });
  assert.equal(init.error, null);
  const plan = init.data.upload;
  assert.equal(plan.strategy, 'tus');
  assert.equal(plan.chunkSize, 6 * 1024 * 1024);

  /** @type {number[]} */
  const progress = [];
  await tusUpload(plan, bytes, { onProgress: (n) => progress.push(n) });
  assert.deepEqual([...progress].sort((a, b) => a - b), progress, 'progress is monotonic');
  await eventsIdle();

  const doc = await eventually(async () => {
    const [row] = await stack.sql`select status, bytes_uploaded from public.documents where id = ${init.data.documentId}`;
    return row?.status === 'completed' ? row : null;
  }, 10_000);
  assert.equal(Number(doc.bytes_uploaded), bytes.length);
  const [object] = await stack.sql`select metadata from storage.objects where name = ${plan.path}`;
  assert.equal(object?.metadata.size, bytes.length);

  await eventually(async () => rows.some((r) => r.type === 'complete'), 5000);
  const changes = rows.filter((r) => r.type === 'status_change').map((r) => r.to);
  assert.deepEqual(changes, ['uploaded', 'processing', 'completed']);

  // The same bytes again: a duplicate, nothing to send.
  const again = await c.functions.invoke('upload-handler', {
    body: { filename: 'copy.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
  });
  assert.equal(again.data.duplicate, true);
  assert.equal(again.data.document.status, 'completed');
  assert.equal(again.data.upload, undefined);
});

test('a small PUT upload with LlamaParse on goes through parsing and embedding (demo processor)', async () => {
  const c = client(stack);
  const { data } = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'password123' });
  assert.ok(data.user);
  const rows = await followProgress(c, data.user.id);
  const bytes = pdfBytes(300 * 1024, Date.now() % 1000);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const init = await c.functions.invoke('upload-handler', {
    body: { filename: 'contract.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
  });
  assert.equal(init.error, null);
  assert.equal(init.data.features.llamaParse, true);
  const plan = init.data.upload;
  assert.equal(plan.strategy, 'put');
  const put = await c.storage.from(plan.bucket).uploadToSignedUrl(plan.path, plan.token, bytes, { contentType: 'application/pdf' });
  assert.equal(put.error, null);
  await eventsIdle();

  await eventually(async () => rows.some((r) => r.type === 'complete'), 15_000);
  const statuses = rows.filter((r) => r.type === 'status_change').map((r) => r.to);
  assert.deepEqual(statuses, ['uploaded', 'parsing', 'embedding', 'completed']);
  const parsing = rows.filter((r) => r.type === 'progress_update' && r.stage === 'parsing').map((r) => r.progress);
  assert.deepEqual(parsing, [25, 50, 75]);
  const [row] = await stack.sql`select status, llama_parse_job_id from public.documents where id = ${init.data.documentId}`;
  assert.equal(row?.status, 'completed');
  assert.ok(row?.llama_parse_job_id);
});

test('the demo processor can be told to fail embedding', async () => {
  const settings = await fetch(`${stack.url}/stack/v1/processor`, {
    method: 'PUT',
    headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ failAt: 'embedding' }),
  });
  assert.equal(settings.status, 200);
  assert.equal((await settings.json()).failAt, 'embedding');
  try {
    const c = client(stack);
    const { data } = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'password123' });
    assert.ok(data.user);
    const bytes = pdfBytes(4096, 99);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const init = await c.functions.invoke('upload-handler', {
      body: { filename: 'broken.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
    });
    await c.storage.from('documents').uploadToSignedUrl(init.data.upload.path, init.data.upload.token, bytes, { contentType: 'application/pdf' });
    const failed = await eventually(async () => {
      const [row] = await stack.sql`select status, error_code from public.documents where id = ${init.data.documentId}`;
      return row?.status === 'failed' ? row : null;
    }, 15_000);
    assert.equal(failed.error_code, 'embedding_failed');
  } finally {
    await fetch(`${stack.url}/stack/v1/processor`, {
      method: 'PUT', headers: { apikey: stack.anonKey, 'content-type': 'application/json' }, body: JSON.stringify({ failAt: null }),
    });
  }
  const refused = await fetch(`${stack.url}/stack/v1/processor`, { method: 'PUT', body: '{}' });
  assert.equal(refused.status, 401);
});
