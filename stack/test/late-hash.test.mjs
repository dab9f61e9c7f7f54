// @ts-check
// Late hash (issue 19) on the stack, through supabase-js and tus-js-client: start with the cheap
// fingerprint, send the bytes at once, deliver the full MD5 afterwards; and the late duplicate
// (the same file started with its full hash in the meantime) resolving to one row per hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventsIdle } from '../src/pg-net.mjs';
import { client, disconnectClients, eventually, pdfBytes, signedInClient, startTestStack, tusUpload } from './helpers.mjs';

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

/**
 * The gap the late-duplicate removal leaves: a hash that is done before the transfer merges the
 * document while its bytes are still travelling, so the merge finds no object to remove and the
 * object lands afterwards, with no document row. Storage's event (the Database Webhook on
 * storage.objects, via pg_net) then reaches processing-webhook, which removes the orphan.
 */
async function mergedBeforeTheBytes(/** @type {(c: any, plan: any, bytes: Buffer, merge: () => Promise<any>) => Promise<void>} */ send, size) {
  const { client: c, user } = await signedInClient(stack);
  const bytes = pdfBytes(size, size % 251);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const late = await c.functions.invoke('upload-handler', {
    body: { filename: 'orphan.pdf', contentType: 'application/pdf', fileSize: bytes.length, fingerprint: fingerprint(bytes) },
  });
  assert.equal(late.error, null);
  const lateId = late.data.documentId;
  const plan = late.data.upload;
  // The same file started with its full hash meanwhile (another tab).
  const first = await c.functions.invoke('upload-handler', {
    body: { filename: 'orphan.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
  });
  assert.deepEqual([first.error, first.data.duplicate], [null, false]);
  const merge = async () => {
    const res = await c.functions.invoke('upload-handler', { body: { documentId: lateId, fileHash: md5 } });
    assert.equal(res.error, null);
    assert.deepEqual([res.data.duplicate, res.data.documentId, res.data.resolvedFrom], [true, first.data.documentId, lateId]);
    return res;
  };
  await send(c, plan, bytes, merge);
  await eventsIdle();

  // The webhook answered 200, ignored/merged, for the late document's object.
  const answers = await stack.sql`
    select status_code, content from net._http_response where content like ${'%' + lateId + '%'}`;
  assert.equal(answers.length, 1, JSON.stringify(answers));
  assert.equal(answers[0].status_code, 200, answers[0].content);
  const body = JSON.parse(answers[0].content);
  assert.deepEqual([body.outcome, body.reason, body.documentId, body.mergedInto], ['ignored', 'merged', lateId, first.data.documentId]);
  const events = await stack.sql`
    select outcome, document_id from public.webhook_events where payload -> 'record' ->> 'name' = ${plan.path}`;
  assert.deepEqual(events.map((e) => ({ ...e })), [{ outcome: 'ignored', document_id: null }]);

  // The object is gone (listed with the service's key), and no row came back for it.
  const service = client({ url: stack.url, anonKey: stack.secretKey ?? stack.serviceRoleKey });
  const folder = await service.storage.from('documents').list(`${user.id}/${lateId}`);
  assert.deepEqual([folder.error, folder.data], [null, []], 'the orphan object was removed');
  const userFolder = await service.storage.from('documents').list(user.id);
  assert.equal(userFolder.error, null);
  assert.ok(!userFolder.data?.some((e) => e.name === lateId), 'no folder left for the merged document');
  const objects = await stack.sql`select name from storage.objects where bucket_id = 'documents' and name like ${user.id + '/' + lateId + '/%'}`;
  assert.equal(objects.length, 0);
  assert.equal((await stack.sql`select id from public.documents where id = ${lateId}`).length, 0, 'no document row reappeared');
  const rows = await stack.sql`select id from public.documents where user_id = ${user.id}`;
  assert.deepEqual(rows.map((r) => r.id), [first.data.documentId], 'one row per hash');
  return { plan, lateId };
}

test('late duplicate merged before its bytes land (single PUT in flight): Storage\'s event removes the orphan object', async () => {
  await mergedBeforeTheBytes(async (c, plan, bytes, merge) => {
    assert.equal(plan.strategy, 'put');
    await merge();
    const put = await c.storage.from(plan.bucket).uploadToSignedUrl(plan.path, plan.token, bytes, { contentType: 'application/pdf' });
    assert.equal(put.error, null, 'Storage still takes the bytes: the signed token outlives the document');
  }, 1 * MiB);
});

test('late duplicate merged while a TUS upload is halfway: the upload finishes, Storage\'s event removes the orphan object', async () => {
  await mergedBeforeTheBytes(async (_c, plan, bytes, merge) => {
    assert.equal(plan.strategy, 'tus');
    let patches = 0;
    await tusUpload(plan, bytes, {
      // The hash is done after the first chunk: merge before the second one is sent.
      onBeforeRequest: async (req) => {
        if (req.getMethod() === 'PATCH' && patches++ === 1) await merge();
      },
    });
    assert.equal(patches, 2, 'two chunks, the merge between them');
  }, 7 * MiB);
});

test('the fingerprint POST repeated with the same idempotencyKey (its 201 lost): the same document and a working plan, no second row', async () => {
  const { client: c, user } = await signedInClient(stack);
  const bytes = pdfBytes(3 * MiB, 41);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const body = { filename: 'lost answer.pdf', contentType: 'application/pdf', fileSize: bytes.length, fingerprint: fingerprint(bytes), idempotencyKey: crypto.randomUUID() };
  const first = await c.functions.invoke('upload-handler', { body });
  assert.equal(first.error, null);
  // The client never saw that answer: it sends the same request again.
  const again = await c.functions.invoke('upload-handler', { body });
  assert.equal(again.error, null);
  assert.equal(again.response?.status, 201);
  assert.deepEqual([again.data.documentId, again.data.candidate, again.data.hashPending], [first.data.documentId, false, true]);
  const id = again.data.documentId;
  const plan = again.data.upload;
  assert.equal(plan.strategy, 'put');
  assert.equal((await c.storage.from(plan.bucket).uploadToSignedUrl(plan.path, plan.token, bytes, { contentType: 'application/pdf' })).error, null,
    'the repeated answer\'s plan takes the bytes');
  await eventsIdle();
  await eventually(async () => (await status(id)) === 'uploaded', 10_000);
  const hash = await c.functions.invoke('upload-handler', { body: { documentId: id, fileHash: md5 } });
  assert.deepEqual([hash.error, hash.data.duplicate, hash.data.hashRecorded], [null, false, true]);
  await eventually(async () => (await status(id)) === 'completed', 10_000);
  const rows = await stack.sql`select id, file_hash from public.documents where user_id = ${user.id}`;
  assert.deepEqual(rows.map((r) => ({ ...r })), [{ id, file_hash: md5 }], 'one document, nothing left pending');

  // The same key for another file is refused.
  const other = await c.functions.invoke('upload-handler', { body: { ...body, filename: 'another.pdf' } });
  assert.equal(other.response?.status, 422);
  assert.equal((await other.response?.json())?.error?.code, 'idempotency_key_reused');
});
