// processing-webhook: who may call it (Standard Webhooks signatures, the shared-secret header),
// replays, and requests that are wrong in shape. Each refusal is a 4xx with a code and leaves the
// database exactly as it was.
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { call, dbFingerprint, documentRow, progressRows, SHARED_SECRET, test, testDeps, WEBHOOK_SECRET } from '../_test/helpers.ts';
import { processingWebhook } from './handler.ts';
import { makeDocument, send, type SendOptions, webhookEvents } from './test-support.ts';

const deps = testDeps();
const handler = processingWebhook(() => deps);
const post = (body: unknown, opts: SendOptions = {}) => send(handler, deps, body, opts);
const NEW_SECRET = 'whsec_' + btoa('the-rotated-in-secret-0123456789');
const UNKNOWN_SECRET = 'whsec_' + btoa('a-secret-nobody-configured-98765');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

async function refused(body: unknown, opts: SendOptions, status: number, code: string) {
  const before = await dbFingerprint();
  const res = await post(body, opts);
  assert.equal(res.status, status, `${JSON.stringify(opts)} → ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, code, JSON.stringify(opts));
  assert.ok(res.body.error.message.length > 10, 'the message says what to fix');
  assert.equal(res.headers.get('access-control-allow-origin'), '*', 'errors carry CORS too');
  assert.deepEqual(await dbFingerprint(), before, 'nothing written, nothing recorded');
  return res;
}

const completedEvent = async () => {
  const doc = await makeDocument({ status: 'uploading' });
  return { doc, body: { source: 'storage', documentId: doc.id, status: 'completed', size: doc.size } };
};

test('signature failures: 401 with their code, database unchanged', async () => {
  const { doc, body } = await completedEvent();
  const now = deps.clock.now();
  await refused(body, { unsigned: true }, 401, 'signature_missing');
  await refused(body, { headers: { 'webhook-signature': 'v1,' + btoa('x'.repeat(32)) } }, 401, 'signature_invalid');
  await refused(body, { headers: { 'webhook-signature': 'garbage' } }, 401, 'signature_invalid');
  await refused(body, { secrets: [UNKNOWN_SECRET] }, 401, 'signature_invalid');
  await refused(body, { sendInstead: JSON.stringify({ ...body, size: doc.size + 1 }) }, 401, 'signature_invalid');
  await refused(body, { sendInstead: JSON.stringify(body) + ' ' }, 401, 'signature_invalid');
  await refused(body, { at: new Date(now.getTime() - 5 * MINUTE - SECOND) }, 401, 'signature_expired');
  await refused(body, { at: new Date(now.getTime() + 5 * MINUTE + SECOND) }, 401, 'signature_expired');
  await refused(body, { at: new Date(now.getTime() - 24 * 60 * MINUTE) }, 401, 'signature_expired');
  await refused(body, { headers: { 'webhook-timestamp': 'now' } }, 401, 'signature_expired');
  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    await refused(body, { headers: { [header]: '' } }, 401, 'signature_missing');
  }
  assert.equal((await documentRow(doc.id)).status, 'uploading');
});

test('the tolerance is exactly 5 minutes either way, by the injected clock', async () => {
  const now = deps.clock.now();
  const edges = [new Date(now.getTime() - 5 * MINUTE), new Date(now.getTime() + 5 * MINUTE)];
  for (const at of edges) {
    const { body } = await completedEvent();
    const res = await post(body, { at });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  // The same signed request, held back past the window, is refused.
  const { body } = await completedEvent();
  const raw = JSON.stringify(body);
  const id = `msg_${crypto.randomUUID()}`;
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(WEBHOOK_SECRET).sign(id, now, raw),
  };
  deps.clock.advance(5 * MINUTE + SECOND);
  try {
    const late = await call(handler, 'POST', { rawBody: raw, headers });
    assert.equal(late.status, 401);
    assert.equal(late.body.error.code, 'signature_expired');
  } finally {
    deps.clock.advance(-(5 * MINUTE + SECOND));
  }
  const inTime = await call(handler, 'POST', { rawBody: raw, headers });
  assert.equal(inTime.status, 200);
});

test('a replayed webhook id is answered 200 and has no second effect', async () => {
  const { doc, body } = await completedEvent();
  const id = `msg_${crypto.randomUUID()}`;
  const first = await post(body, { id });
  assert.equal(first.status, 200);
  assert.equal(first.body.duplicate, false);
  const rowBefore = await documentRow(doc.id);
  const rows = (await progressRows(doc.id)).length;
  deps.clock.advance(30 * SECOND);
  const before = await dbFingerprint();
  // The sender retries: same id, fresh timestamp and signature; then the same request once more.
  for (const res of [await post(body, { id }), await post(body, { id })]) {
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { received: true, webhookId: id, duplicate: true, documentId: doc.id, status: 'completed' });
  }
  // Even a different body under a seen id does nothing: the id is the idempotency key.
  assert.equal((await post({ ...body, status: 'failed' }, { id })).body.duplicate, true);
  assert.deepEqual(await dbFingerprint(), before);
  assert.deepEqual(await documentRow(doc.id), rowBefore);
  assert.equal((await progressRows(doc.id)).length, rows);
  assert.equal((await webhookEvents(id)).length, 1);
});

test('concurrent deliveries of one webhook id apply once', async () => {
  const { doc, body } = await completedEvent();
  const id = `msg_${crypto.randomUUID()}`;
  const results = await Promise.all([post(body, { id }), post(body, { id }), post(body, { id })]);
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
  assert.deepEqual(results.map((r) => r.body.duplicate).sort(), [false, true, true]);
  assert.equal((await progressRows(doc.id)).filter((r) => r.payload.type === 'complete').length, 1);
});

test('rotation: two configured secrets, and a header with two signatures of which one is valid', async () => {
  const rotating = testDeps({ config: { webhookSecrets: [WEBHOOK_SECRET, NEW_SECRET] } });
  const rotated = processingWebhook(() => rotating);
  const { doc, body } = await completedEvent();
  const res = await send(rotated, rotating, body, { secrets: [NEW_SECRET] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal((await documentRow(doc.id)).status, 'completed');

  const two = await completedEvent();
  const both = await post(two.body, { secrets: [UNKNOWN_SECRET, WEBHOOK_SECRET] });
  assert.equal(both.status, 200, 'one valid signature among several is enough');
  const three = await completedEvent();
  const before = await dbFingerprint();
  assert.equal((await post(three.body, { secrets: [NEW_SECRET, UNKNOWN_SECRET] })).status, 401, 'not yet configured here');
  assert.deepEqual(await dbFingerprint(), before);

  const none = testDeps({ config: { webhookSecrets: [], sharedSecret: undefined } });
  const closed = await send(processingWebhook(() => none), none, three.body);
  assert.equal(closed.status, 401, 'no secret configured: nothing unsigned or signed gets in');
  assert.equal(closed.body.error.code, 'signature_invalid');
  const noShared = await send(processingWebhook(() => none), none, { event: 'parse.success', jobId: 'j' }, { source: 'llamaparse', shared: SHARED_SECRET });
  assert.equal(noShared.status, 401);
});

test('shared-secret header: accepted for llamaparse (and storage), refused for the other sources', async () => {
  const doc = await makeDocument({ status: 'parsing' });
  const event = { event: 'parse.running', jobId: doc.jobId, progress: 25 };
  await refused(event, { source: 'llamaparse', shared: 'not-the-secret' }, 401, 'signature_invalid');
  await refused(event, { source: 'llamaparse', shared: '' }, 401, 'signature_missing');
  await refused(event, { source: 'llamaparse', unsigned: true }, 401, 'signature_missing');
  const ok = await post(event, { source: 'llamaparse', shared: SHARED_SECRET });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(Number((await documentRow(doc.id)).processing_progress), 25);
  // The same body again is the same event (its digest is the id).
  const again = await post(event, { source: 'llamaparse', shared: SHARED_SECRET });
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.webhookId, ok.body.webhookId);

  const processing = await makeDocument({ status: 'processing' });
  for (const body of [
    { source: 'internal', documentId: processing.id, status: 'completed' },
    { source: 'embedding', documentId: processing.id, status: 'failed' },
  ]) {
    const res = await refused(body, { shared: SHARED_SECRET }, 401, 'signature_missing');
    assert.match(res.body.error.message, /Standard Webhooks/);
  }
  // A request with Standard Webhooks headers is judged by them alone.
  await refused(event, { source: 'llamaparse', secrets: [UNKNOWN_SECRET], headers: { 'x-webhook-secret': SHARED_SECRET } }, 401, 'signature_invalid');
});

test('source: from ?source= or the body; unknown or contradictory is 400', async () => {
  const { doc, body } = await completedEvent();
  await refused({ ...body, source: 'dropbox' }, {}, 400, 'source_unknown');
  await refused(body, { source: 'dropbox' }, 400, 'source_unknown');
  const { source: _, ...sourceless } = body;
  await refused(sourceless, {}, 400, 'source_unknown');
  await refused(body, { source: 'embedding' }, 400, 'invalid_request');
  const byQuery = await post(sourceless, { source: 'storage' });
  assert.equal(byQuery.status, 200);
  assert.equal((await documentRow(doc.id)).status, 'completed');
});

test('malformed requests: oversized 413, bad JSON 400, wrong type 415, bad shape 422, unstorable 422', async () => {
  const { body } = await completedEvent();
  await refused({ ...body, padding: 'x'.repeat(256 * 1024) }, {}, 413, 'payload_too_large');
  await refused({ ...body, padding: 'x'.repeat(300 * 1024) }, { unsigned: true }, 413, 'payload_too_large');
  await refused('{"source":"storage",', {}, 400, 'invalid_json');
  await refused(new TextDecoder().decode(new Uint8Array([0x7b, 0x7d])) + '\uFFFF{', {}, 400, 'invalid_json');
  await refused(body, { headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type');
  await refused([body], { source: 'storage' }, 422, 'validation_failed');
  await refused({ ...body, status: 'done' }, {}, 422, 'validation_failed');
  await refused({ ...body, size: -1 }, {}, 422, 'validation_failed');
  await refused({ ...body, md5: 'abc' }, {}, 422, 'validation_failed');
  await refused({ source: 'embedding', documentId: body.documentId, status: 'progress', progress: 101 }, {}, 422, 'validation_failed');
  await refused({ source: 'internal', documentId: body.documentId, status: 'failed', error: { code: 'has spaces', message: 'x' } }, {}, 422, 'validation_failed');
  await refused({ ...body, note: 'nul \u0000 here' }, {}, 422, 'validation_failed');
  let deep: unknown = 1;
  for (let i = 0; i < 5000; i++) deep = [deep];
  await refused({ ...body, deep }, {}, 422, 'validation_failed');
});

test('only POST (and the CORS preflight); logs carry no secrets', async () => {
  const get = await call(handler, 'GET', {}, '/functions/v1/processing-webhook');
  assert.equal(get.status, 405);
  assert.equal(get.body.error.code, 'method_not_allowed');
  const pre = await call(handler, 'OPTIONS', { headers: { origin: 'https://app.example' } });
  assert.equal(pre.status, 204);
  const log = JSON.stringify(deps.log.entries);
  assert.ok(log.includes('"fn":"processing-webhook"'));
  assert.ok(log.includes('"msg":"webhook"'));
  assert.equal(log.includes(SHARED_SECRET), false);
  assert.equal(log.includes(WEBHOOK_SECRET.slice('whsec_'.length)), false);
});
