// @ts-check
// Late hash (issue 19) on the stack, through supabase-js and tus-js-client: start with the cheap
// fingerprint, send the bytes at once, deliver the full MD5 afterwards; and the late duplicate
// (the same file started with its full hash in the meantime) resolving to one row per hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventsIdle } from '../src/pg-net.mjs';
import { disconnectClients, eventually, pdfBytes, signedInClient, startTestStack, tusUpload } from './helpers.mjs';

const MiB = 1024 * 1024;

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: { stepMs: 50 } });
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

/** md5-ends-1m: the MD5 of the first 1 MiB then the last 1 MiB (the whole file up to 2 MiB). */
function fingerprint(/** @type {Buffer} */ bytes) {
  const h = createHash('md5');
  if (bytes.length <= 2 * MiB) h.update(bytes);
  else h.update(bytes.subarray(0, MiB)).update(bytes.subarray(bytes.length - MiB));
  return `md5-ends-1m:${h.digest('hex')}`;
}

const status = async (/** @type {string} */ id) => (await stack.sql`select status from public.documents where id = ${id}`)[0]?.status;

test('fingerprint start, TUS upload, then the hash: uploaded (awaiting hash) → completed', async () => {
  const { client: c } = await signedInClient(stack);
  const bytes = pdfBytes(6 * MiB, 19);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const init = await c.functions.invoke('upload-handler', {
    body: { filename: 'late.pdf', contentType: 'application/pdf', fileSize: bytes.length, fingerprint: fingerprint(bytes) },
  });
  assert.equal(init.error, null);
  assert.equal(init.data.hashPending, true);
  assert.equal(init.data.upload.strategy, 'tus');
  const id = init.data.documentId;
  await tusUpload(init.data.upload, bytes);
  await eventsIdle();
  await eventually(async () => (await status(id)) === 'uploaded', 10_000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await status(id), 'uploaded', 'no processing before the hash');

  const hash = await c.functions.invoke('upload-handler', { body: { documentId: id, fileHash: md5 } });
  assert.equal(hash.error, null);
  assert.equal(hash.data.duplicate, false);
  assert.equal(hash.data.hashRecorded, true);
  await eventually(async () => (await status(id)) === 'completed', 10_000);
  const [row] = await stack.sql`select file_hash from public.documents where id = ${id}`;
  assert.equal(row?.file_hash, md5);

  // The same file again with its fingerprint: a candidate; with the full hash: the duplicate, zero bytes.
  const again = await c.functions.invoke('upload-handler', {
    body: { filename: 'late again.pdf', contentType: 'application/pdf', fileSize: bytes.length, fingerprint: fingerprint(bytes) },
  });
  assert.deepEqual([again.data.candidate, again.data.upload], [true, undefined]);
  const classic = await c.functions.invoke('upload-handler', {
    body: { filename: 'late again.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
  });
  assert.deepEqual([classic.data.duplicate, classic.data.documentId, classic.data.upload], [true, id, undefined]);
});

test('late duplicate: the hash equals a document started meanwhile: one row per hash, the late object removed', async () => {
  const { client: c, user } = await signedInClient(stack);
  const bytes = pdfBytes(1 * MiB, 23);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const late = await c.functions.invoke('upload-handler', {
    body: { filename: 'twice.pdf', contentType: 'application/pdf', fileSize: bytes.length, fingerprint: fingerprint(bytes) },
  });
  assert.equal(late.error, null);
  const plan = late.data.upload;
  assert.equal((await c.storage.from(plan.bucket).uploadToSignedUrl(plan.path, plan.token, bytes, { contentType: 'application/pdf' })).error, null);
  // Another tab started the same file with its full hash before this one's hash arrived.
  const first = await c.functions.invoke('upload-handler', {
    body: { filename: 'twice.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
  });
  assert.equal(first.data.duplicate, false);
  const firstPlan = first.data.upload;
  assert.equal((await c.storage.from(firstPlan.bucket).uploadToSignedUrl(firstPlan.path, firstPlan.token, bytes, { contentType: 'application/pdf' })).error, null);
  await eventsIdle();
  await eventually(async () => (await status(first.data.documentId)) === 'completed', 10_000);

  const res = await c.functions.invoke('upload-handler', { body: { documentId: late.data.documentId, fileHash: md5 } });
  assert.equal(res.error, null);
  assert.deepEqual([res.data.duplicate, res.data.documentId, res.data.resolvedFrom], [true, first.data.documentId, late.data.documentId]);
  const rows = await stack.sql`select id from public.documents where user_id = ${user.id}`;
  assert.deepEqual(rows.map((r) => r.id), [first.data.documentId], 'one row per hash, nothing left pending');
  const objects = await stack.sql`select name from storage.objects where bucket_id = 'documents' and name like ${user.id + '/%'}`;
  assert.deepEqual(objects.map((o) => o.name), [firstPlan.path], 'the late document\'s object is gone');
  const { data: stored } = await c.storage.from('documents').download(firstPlan.path);
  assert.ok(stored);
  assert.equal(createHash('md5').update(Buffer.from(await stored.arrayBuffer())).digest('hex'), md5, 'byte-identical');
});
