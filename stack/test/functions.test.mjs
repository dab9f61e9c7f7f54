// @ts-check
// /functions/v1: the three real functions in Deno behind the gateway, through functions.invoke.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, signedInClient, startTestStack } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: false });
});
after(async () => {
  await stack?.stop();
});

const body = () => ({ filename: 'notes.txt', contentType: 'text/plain', fileSize: 12, fileHash: crypto.randomUUID().replaceAll('-', '') });

/** @param {any} error */
const errorBody = async (error) => JSON.parse(await error.context.text());

test('upload-handler: invoke as a signed-in user creates a document with a real signed URL', async () => {
  const { client: c, user } = await signedInClient(stack);
  const { data, error } = await c.functions.invoke('upload-handler', { body: body() });
  assert.equal(error, null, error && (await errorBody(error)).error?.message);
  assert.equal(data.duplicate, false);
  assert.equal(data.upload.strategy, 'put');
  assert.ok(data.upload.path.startsWith(`${user.id}/`));
  assert.ok(data.upload.signedUrl.startsWith(`${stack.url}/storage/v1/object/upload/sign/documents/`));
  const status = await c.functions.invoke(`upload-handler?documentId=${data.documentId}`, { method: 'GET' });
  assert.equal(status.data.status, 'pending');
});

test('progress-tracker: GET through invoke; another user gets 404', async () => {
  const { client: c } = await signedInClient(stack);
  const created = await c.functions.invoke('upload-handler', { body: body() });
  const id = created.data.documentId;
  const mine = await c.functions.invoke(`progress-tracker?documentId=${id}`, { method: 'GET' });
  assert.equal(mine.error, null);
  assert.equal(mine.data.status, 'pending');
  const { client: other } = await signedInClient(stack);
  const theirs = await other.functions.invoke(`progress-tracker?documentId=${id}`, { method: 'GET' });
  assert.equal(theirs.error?.context.status, 404);
  assert.equal((await errorBody(theirs.error)).error.code, 'document_not_found');
});

test('processing-webhook: reachable without a JWT (verify_jwt = false) and refuses unsigned calls', async () => {
  const res = await client(stack).functions.invoke('processing-webhook', { body: { source: 'storage', documentId: crypto.randomUUID(), status: 'completed' } });
  assert.equal(res.error?.context.status, 401);
  assert.match((await errorBody(res.error)).error.code, /^signature_/);
});

test('verify_jwt is off (config.toml): the functions refuse a missing, forged or key-only caller themselves, with CORS', async () => {
  const origin = { origin: 'http://127.0.0.1:5173' };
  const none = await fetch(`${stack.url}/functions/v1/upload-handler`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', ...origin } });
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error.code, 'auth_missing');
  assert.ok(none.headers.get('access-control-allow-origin'), 'a browser can read the refusal (hosted\'s gateway 401 has no CORS)');
  const forged = await fetch(`${stack.url}/functions/v1/upload-handler`, {
    method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.x', ...origin },
  });
  assert.equal(forged.status, 401);
  assert.match((await forged.json()).error.code, /^auth_(invalid|malformed)$/);
  assert.ok(forged.headers.get('access-control-allow-origin'));
  // supabase-js 2.119 without a session sends only `apikey: sb_publishable_…`: no user, 401.
  const publishable = await client(stack).functions.invoke('upload-handler', { body: body() });
  assert.equal(publishable.error?.context.status, 401);
  assert.equal((await errorBody(publishable.error)).error.code, 'auth_missing');
  const anon = await client({ url: stack.url, anonKey: stack.anonKey }).functions.invoke('upload-handler', { body: body() });
  assert.equal(anon.error?.context.status, 401, 'the legacy anon key is not a user either');
  assert.equal((await errorBody(anon.error)).error.code, 'auth_missing');
  const preflight = await fetch(`${stack.url}/functions/v1/upload-handler`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
});

test('an oversized chunked body gets a clean 413, and the next request on the client works', async () => {
  const { session } = await signedInClient(stack);
  // Before the proxy drained early-answered requests, about 1 in 10 of these reset the connection.
  for (let i = 0; i < 30; i++) {
    const chunk = new Uint8Array(16 * 1024).fill(32);
    let sent = 0;
    const body = new ReadableStream({ pull: (c) => (sent++ < 13 ? c.enqueue(chunk) : c.close()) });
    const tooBig = await fetch(`${stack.url}/functions/v1/upload-handler`, {
      method: 'POST', body, duplex: 'half',
      headers: { authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json' },
    });
    assert.equal(tooBig.status, 413);
    await tooBig.text();
    const next = await fetch(`${stack.url}/functions/v1/upload-handler`, { headers: { authorization: `Bearer ${session.access_token}` } });
    assert.equal(next.status, 200);
    await next.text();
  }
});
