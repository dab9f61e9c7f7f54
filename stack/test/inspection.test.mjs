// @ts-check
// Inspection facts (issue 20) on the stack, through supabase-js: the client's facts sent with the
// classic and the fingerprint start are stored with the document and answered by GET; an
// encrypted document is refused (422 document_encrypted) before any row is written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signedInClient, startTestStack } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: false });
});
after(async () => {
  await stack?.stop();
});

const randomHex = () => crypto.randomUUID().replaceAll('-', '');
/** @param {Record<string, unknown>} [over] */
const facts = (over = {}) => ({ kind: 'pdf', pageCount: 12, wordCount: null, textLayer: 'text', encrypted: false, ...over });
/** @param {any} error */
const errorBody = async (error) => JSON.parse(await error.context.text());
/** @param {string} userId */
const documentCount = async (userId) => Number((await stack.sql`select count(*) as n from public.documents where user_id = ${userId}`)[0]?.n);

test('classic start with facts: stored with the document, GET answers document.inspection', async () => {
  const { client: c, user } = await signedInClient(stack);
  const { data, error } = await c.functions.invoke('upload-handler', {
    body: { filename: 'scan.pdf', contentType: 'application/pdf', fileSize: 4096, fileHash: randomHex(), inspection: facts({ textLayer: 'image-only' }) },
  });
  assert.equal(error, null, error && (await errorBody(error)).error?.message);
  assert.equal(data.duplicate, false);
  const [row] = await stack.sql`select kind, page_count, text_layer, encrypted from private.document_inspections where document_id = ${data.documentId}`;
  assert.deepEqual({ ...row }, { kind: 'pdf', page_count: 12, text_layer: 'image-only', encrypted: false });
  const status = await c.functions.invoke(`upload-handler?documentId=${data.documentId}`, { method: 'GET' });
  assert.equal(status.error, null);
  assert.deepEqual(status.data.document.inspection, facts({ textLayer: 'image-only' }));
  assert.equal(await documentCount(user.id), 1);
});

test('fingerprint start with facts: stored with the hash-pending document, GET answers them', async () => {
  const { client: c } = await signedInClient(stack);
  const inspection = facts({ kind: 'docx', pageCount: 3, wordCount: 950, textLayer: 'text' });
  const { data, error } = await c.functions.invoke('upload-handler', {
    body: {
      filename: 'letter.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', fileSize: 20_000,
      fingerprint: `md5-ends-1m:${randomHex()}`, idempotencyKey: crypto.randomUUID(), inspection,
    },
  });
  assert.equal(error, null, error && (await errorBody(error)).error?.message);
  assert.equal(data.hashPending, true);
  const status = await c.functions.invoke(`upload-handler?documentId=${data.documentId}`, { method: 'GET' });
  assert.deepEqual(status.data.document.inspection, inspection);
  assert.equal(status.data.document.hashPending, true);
});

test('encrypted: true is 422 document_encrypted and creates no row, on both starts', async () => {
  const { client: c, user } = await signedInClient(stack);
  const classic = await c.functions.invoke('upload-handler', {
    body: { filename: 'locked.pdf', contentType: 'application/pdf', fileSize: 4096, fileHash: randomHex(), inspection: facts({ encrypted: true }) },
  });
  assert.equal(classic.error?.context.status, 422);
  const body = await errorBody(classic.error);
  assert.equal(body.error.code, 'document_encrypted');
  assert.equal(body.error.message, 'This PDF is password-protected: remove the password and upload it again.');
  const late = await c.functions.invoke('upload-handler', {
    body: { filename: 'locked.pdf', contentType: 'application/pdf', fileSize: 4096, fingerprint: `md5-ends-1m:${randomHex()}`, inspection: facts({ encrypted: true }) },
  });
  assert.equal(late.error?.context.status, 422);
  assert.equal((await errorBody(late.error)).error.code, 'document_encrypted');
  assert.equal(await documentCount(user.id), 0);
});

test('a kind that does not match the file type is 422 validation_failed', async () => {
  const { client: c, user } = await signedInClient(stack);
  const res = await c.functions.invoke('upload-handler', {
    body: { filename: 'notes.txt', contentType: 'text/plain', fileSize: 12, fileHash: randomHex(), inspection: facts() },
  });
  assert.equal(res.error?.context.status, 422);
  const body = await errorBody(res.error);
  assert.equal(body.error.code, 'validation_failed');
  assert.equal(body.error.details.issues[0].path, 'inspection.kind');
  assert.equal(await documentCount(user.id), 0);
});
