// The verifier against an independent implementation: every request here is signed with the
// `standardwebhooks` package (the reference library of the spec), not with our own code.
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { FrozenClock } from './clock.ts';
import { HttpError } from './errors.ts';
import {
  constantTimeEqual, decodeSecret, parseSignatures, sha256Hex, TOLERANCE_SECONDS, verifySharedSecret, verifyStandardWebhook,
} from './webhook-signature.ts';

const SECRET = 'whsec_' + btoa('unit-test-secret-0123456789abcdef');
const OTHER = 'whsec_' + btoa('another-secret-fedcba9876543210');
const NOW = new Date('2025-03-01T12:00:00Z');
const clock = new FrozenClock(NOW);
const bytes = (s: string) => new TextEncoder().encode(s);

function signed(body: string, opts: { id?: string; at?: Date; secrets?: string[] } = {}) {
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  const at = opts.at ?? NOW;
  const signature = (opts.secrets ?? [SECRET]).map((s) => new Webhook(s).sign(id, at, body)).join(' ');
  return new Headers({ 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature });
}

async function rejects(promise: Promise<unknown>, status: number, code: string) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof HttpError, String(e));
    assert.equal(e.status, status);
    assert.equal(e.code, code);
    return true;
  });
}

Deno.test('a request signed by the reference library verifies, and its id is the idempotency key', async () => {
  const body = '{"documentId":"x","status":"completed"}';
  const headers = signed(body, { id: 'msg_abc' });
  const verified = await verifyStandardWebhook(headers, bytes(body), [SECRET], clock);
  assert.equal(verified.webhookId, 'msg_abc');
  assert.equal(verified.method, 'standard-webhooks');
  assert.equal(verified.timestamp?.getTime(), NOW.getTime());
});

Deno.test('the signature covers the raw bytes, including ones that are not UTF-8', async () => {
  const raw = new Uint8Array([0x7b, 0xff, 0x7d]);
  const id = 'msg_raw';
  const ts = String(Math.floor(NOW.getTime() / 1000));
  const key = await crypto.subtle.importKey('raw', decodeSecret(SECRET)! as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const content = new Uint8Array([...bytes(`${id}.${ts}.`), ...raw]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, content));
  const headers = new Headers({ 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${btoa(String.fromCharCode(...mac))}` });
  assert.equal((await verifyStandardWebhook(headers, raw, [SECRET], clock)).webhookId, id);
});

Deno.test('rotation: any signature may match any secret; bare base64 secrets work too', async () => {
  const body = '{}';
  // The sender still signs with the old key only; we already accept old and new.
  await verifyStandardWebhook(signed(body, { secrets: [OTHER] }), bytes(body), [SECRET, OTHER], clock);
  // The sender signs with both; we know only the new one.
  await verifyStandardWebhook(signed(body, { secrets: [OTHER, SECRET] }), bytes(body), [SECRET], clock);
  await verifyStandardWebhook(signed(body), bytes(body), [SECRET.slice('whsec_'.length)], clock);
  // Unknown versions (v1a asymmetric) and junk entries are skipped, not fatal.
  const h = signed(body);
  h.set('webhook-signature', `v1a,AAAA v1,!!! ${h.get('webhook-signature')}`);
  await verifyStandardWebhook(h, bytes(body), [SECRET], clock);
});

Deno.test('tolerance is exactly 5 minutes both ways', async () => {
  const body = '{}';
  const at = (s: number) => new Date(NOW.getTime() + s * 1000);
  await verifyStandardWebhook(signed(body, { at: at(-TOLERANCE_SECONDS) }), bytes(body), [SECRET], clock);
  await verifyStandardWebhook(signed(body, { at: at(TOLERANCE_SECONDS) }), bytes(body), [SECRET], clock);
  await rejects(verifyStandardWebhook(signed(body, { at: at(-TOLERANCE_SECONDS - 1) }), bytes(body), [SECRET], clock), 401, 'signature_expired');
  await rejects(verifyStandardWebhook(signed(body, { at: at(TOLERANCE_SECONDS + 1) }), bytes(body), [SECRET], clock), 401, 'signature_expired');
  // The reference library agrees on both edges (it reads the real clock, so sign relative to it).
  const real = new Date();
  const lib = new Webhook(SECRET);
  const edge = signed(body, { at: new Date(real.getTime() - (TOLERANCE_SECONDS - 5) * 1000) });
  assert.doesNotThrow(() => lib.verify(body, Object.fromEntries(edge)));
  const late = signed(body, { at: new Date(real.getTime() - (TOLERANCE_SECONDS + 5) * 1000) });
  assert.throws(() => lib.verify(body, Object.fromEntries(late)));
});

Deno.test('failures carry their codes', async () => {
  const body = '{"a":1}';
  const good = signed(body);
  const without = (name: string) => {
    const h = new Headers(good);
    h.delete(name);
    return h;
  };
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    await rejects(verifyStandardWebhook(without(name), bytes(body), [SECRET], clock), 401, 'signature_missing');
  }
  await rejects(verifyStandardWebhook(good, bytes('{"a":2}'), [SECRET], clock), 401, 'signature_invalid');
  await rejects(verifyStandardWebhook(good, bytes(body), [OTHER], clock), 401, 'signature_invalid');
  await rejects(verifyStandardWebhook(good, bytes(body), [], clock), 401, 'signature_invalid');
  await rejects(verifyStandardWebhook(good, bytes(body), ['whsec_***'], clock), 401, 'signature_invalid');
  const nan = new Headers(good);
  nan.set('webhook-timestamp', 'yesterday');
  await rejects(verifyStandardWebhook(nan, bytes(body), [SECRET], clock), 401, 'signature_expired');
  const ms = new Headers(good);
  ms.set('webhook-timestamp', String(NOW.getTime()));
  await rejects(verifyStandardWebhook(ms, bytes(body), [SECRET], clock), 401, 'signature_expired');
  const swapped = new Headers(good);
  swapped.set('webhook-id', 'msg_other');
  await rejects(verifyStandardWebhook(swapped, bytes(body), [SECRET], clock), 401, 'signature_invalid');
  const noV1 = new Headers(good);
  noV1.set('webhook-signature', 'v2,abc');
  await rejects(verifyStandardWebhook(noV1, bytes(body), [SECRET], clock), 401, 'signature_invalid');
  const truncated = new Headers(good);
  truncated.set('webhook-signature', good.get('webhook-signature')!.slice(0, 20));
  await rejects(verifyStandardWebhook(truncated, bytes(body), [SECRET], clock), 401, 'signature_invalid');
  await rejects(verifyStandardWebhook(signed(body, { id: 'x'.repeat(256) }), bytes(body), [SECRET], clock), 400, 'invalid_request');
});

Deno.test('secrets and signature headers decode strictly', () => {
  assert.deepEqual(decodeSecret('whsec_' + btoa('abc')), bytes('abc'));
  assert.equal(decodeSecret('whsec_'), undefined);
  assert.equal(decodeSecret('whsec_not base64!'), undefined);
  assert.equal(parseSignatures('v1,AAAA   v1,BBBB v2,CCCC nonsense').length, 2);
});

Deno.test('shared secret: constant-time compare, the body digest as idempotency key', async () => {
  assert.equal(await constantTimeEqual('secret', 'secret'), true);
  assert.equal(await constantTimeEqual('secret', 'secreT'), false);
  assert.equal(await constantTimeEqual('secret', 'secret-longer'), false);
  const body = bytes('{"event":"parse.success"}');
  const ok = await verifySharedSecret('s3cret', 's3cret', 'x-webhook-secret', body);
  assert.equal(ok.method, 'shared-secret');
  assert.equal(ok.webhookId, `sha256:${await sha256Hex(body)}`);
  assert.match(ok.webhookId, /^sha256:[0-9a-f]{64}$/);
  await rejects(verifySharedSecret('wrong', 's3cret', 'x-webhook-secret', body), 401, 'signature_invalid');
  await rejects(verifySharedSecret('s3cret', undefined, 'x-webhook-secret', body), 401, 'signature_invalid');
});
