// @ts-check
// The project's keys as a Supabase project created today has them: ES256 session tokens with
// the JWKS at /auth/v1/.well-known/jwks.json, sb_publishable_/sb_secret_ API keys through the
// gateway, the functions' hosted environment — and a legacy (HS256) project still working.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import WebSocket from 'ws';
import { hostedDefaultSecrets, userSecrets } from '../src/functions.mjs';
import { createKeyring, DEFAULT_JWT_SECRET } from '../src/keys.mjs';
import { client, disconnectClients, signedInClient, startTestStack } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: {} });
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

const SB_KEY = (/** @type {string} */ kind) => new RegExp(`^sb_${kind}_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$`);
const uploadBody = () => ({ filename: 'notes.txt', contentType: 'text/plain', fileSize: 12, fileHash: crypto.randomUUID().replaceAll('-', '') });

/** @param {string} query @returns {Promise<number>} 101 when the socket opened, else the refusal's status */
function socketStatus(query) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

test('keys are shaped like hosted\'s; the JWKS has public keys only; sessions are ES256 with its kid', async () => {
  assert.match(stack.publishableKey, SB_KEY('publishable'));
  assert.match(stack.secretKey, SB_KEY('secret'));
  const res = await fetch(`${stack.url}/auth/v1/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  const jwks = await res.json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].kty, 'EC');
  assert.equal(jwks.keys[0].alg, 'ES256');
  assert.equal(jwks.keys[0].d, undefined, 'no private part');
  const { session } = await signedInClient(stack);
  const header = decodeProtectedHeader(session.access_token);
  assert.equal(header.alg, 'ES256');
  assert.equal(header.kid, jwks.keys[0].kid);
  const { payload } = await jwtVerify(session.access_token, createRemoteJWKSet(new URL(`${stack.url}/auth/v1/.well-known/jwks.json`)));
  assert.equal(payload.role, 'authenticated');
});

test('the publishable key works with supabase-js: sign-in, functions, Storage upload, Realtime', async () => {
  const c = client(stack);
  const { data, error } = await c.auth.signInWithPassword({ email: 'alice@example.com', password: 'password123' });
  assert.equal(error, null);
  assert.ok(data.user);
  const init = await c.functions.invoke('upload-handler', { body: uploadBody() });
  assert.equal(init.error, null);
  const up = await c.storage.from('documents').uploadToSignedUrl(init.data.upload.path, init.data.upload.token, new Blob(['hello world!'], { type: 'text/plain' }), { contentType: 'text/plain' });
  assert.equal(up.error, null);
  const stored = init.data.upload.path;
  const mine = await c.storage.from('documents').list(path.posix.dirname(stored));
  assert.equal(mine.error, null);
  assert.ok(mine.data?.some((o) => o.name === path.posix.basename(stored)), 'the user lists the object just uploaded');
  assert.equal(await socketStatus(`vsn=2.0.0&apikey=${stack.publishableKey}`), 101);
  const channel = c.channel('keys-test');
  const status = await new Promise((resolve) => channel.subscribe((s) => s !== 'CLOSED' && resolve(s)));
  assert.equal(status, 'SUBSCRIBED');
});

test('the secret key acts as service_role (Storage, a function, the processor); an unknown sb_ key is 401', async () => {
  const service = client({ url: stack.url, anonKey: stack.secretKey });
  // Alice's folder (the previous test uploaded into it): RLS hides it from anyone but her and the service.
  const alice = '11111111-1111-4111-8111-111111111111';
  const asService = await service.storage.from('documents').list(alice);
  assert.equal(asService.error, null);
  assert.ok((asService.data?.length ?? 0) > 0, 'the service role sees every user\'s objects');
  assert.deepEqual((await client(stack).storage.from('documents').list(alice)).data, [], 'the publishable key alone sees none');
  // progress-tracker's POST is for the service: a 404 for an unknown document means it got in.
  const tracked = await fetch(`${stack.url}/functions/v1/progress-tracker`, {
    method: 'POST',
    headers: { apikey: stack.secretKey, authorization: `Bearer ${stack.serviceRoleKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ documentId: crypto.randomUUID(), stage: 'processing', progress: 1 }),
  });
  assert.equal(tracked.status, 404);
  const settings = await fetch(`${stack.url}/stack/v1/processor`, { headers: { apikey: stack.secretKey } });
  assert.equal(settings.status, 200);

  const wrong = stack.secretKey.slice(0, -1) + (stack.secretKey.endsWith('A') ? 'B' : 'A');
  const storage = await fetch(`${stack.url}/storage/v1/bucket`, { headers: { apikey: wrong, authorization: `Bearer ${wrong}` } });
  assert.equal(storage.status, 401);
  assert.equal((await storage.json()).message, 'Invalid API key');
  const auth = await fetch(`${stack.url}/auth/v1/settings`, { headers: { apikey: 'sb_publishable_not-this-projects' } });
  assert.equal(auth.status, 401);
  assert.equal(await socketStatus(`vsn=2.0.0&apikey=${wrong}`), 403);
  // The functions (verify_jwt = false) refuse a wrong key themselves: an API key is not a session.
  const fn = await fetch(`${stack.url}/functions/v1/progress-tracker?documentId=${crypto.randomUUID()}`, { headers: { apikey: wrong, authorization: `Bearer ${wrong}` } });
  assert.equal(fn.status, 401);
});

test('the functions gateway with verify_jwt on: ES256 sessions pass, a foreign ES256 key and sb_ keys do not; its 401 has no CORS, as hosted', async () => {
  // Our config.toml turns verify_jwt off; a project that turns it on gets the gateway's check.
  const gated = await startTestStack({ processor: false, functionsVerifyJwt: { 'upload-handler': true } });
  try {
    const { session } = await signedInClient(gated);
    const ok = await fetch(`${gated.url}/functions/v1/upload-handler`, {
      method: 'POST', headers: { authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify(uploadBody()),
    });
    assert.equal(ok.status, 201);
    const { privateKey } = await generateKeyPair('ES256');
    const { kid } = decodeProtectedHeader(session.access_token);
    const foreign = await new SignJWT({ sub: crypto.randomUUID(), role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid: kid ?? 'x' }).setExpirationTime('10m').sign(privateKey);
    for (const token of [foreign, gated.publishableKey]) {
      const res = await fetch(`${gated.url}/functions/v1/upload-handler`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, apikey: gated.publishableKey, origin: 'http://127.0.0.1:5173' }, body: '{}',
      });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).message, 'Invalid JWT');
      assert.equal(res.headers.get('access-control-allow-origin'), null, 'hosted\'s refusal carries no CORS (edge-runtime#213)');
    }
  } finally {
    await disconnectClients();
    await gated.stop();
  }
});

test('functions get hosted\'s default secrets (no SUPABASE_JWT_SECRET); .env secrets named SUPABASE_* are skipped', async () => {
  const env = hostedDefaultSecrets(/** @type {any} */ ({ ...stack, jwks: stack.jwks }));
  assert.deepEqual(Object.keys(env).sort(), [
    'SUPABASE_ANON_KEY', 'SUPABASE_DB_URL', 'SUPABASE_JWKS', 'SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_SECRET_KEYS',
    'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_URL',
  ]);
  assert.deepEqual(JSON.parse(env.SUPABASE_PUBLISHABLE_KEYS ?? ''), { default: stack.publishableKey });
  assert.deepEqual(JSON.parse(env.SUPABASE_SECRET_KEYS ?? ''), { default: stack.secretKey });
  assert.deepEqual(JSON.parse(env.SUPABASE_JWKS ?? ''), stack.jwks);
  const dir = mkdtempSync(path.join(tmpdir(), 'fn-env-'));
  const file = path.join(dir, '.env');
  writeFileSync(file, 'LLAMAPARSE_API_KEY=llx-1\nSUPABASE_JWT_SECRET=nope\n# comment\nJWT_SECRET="quoted value"\n');
  assert.deepEqual(userSecrets(file), { LLAMAPARSE_API_KEY: 'llx-1', JWT_SECRET: 'quoted value' });
  assert.deepEqual(userSecrets(path.join(dir, 'missing.env')), {});
});

test('keys kept in a file (a stack with a data dir) are the same on the next start', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'stack-keys-')), 'keys.json');
  const first = await createKeyring({ jwtSecret: DEFAULT_JWT_SECRET, file });
  const again = await createKeyring({ jwtSecret: DEFAULT_JWT_SECRET, file });
  for (const k of /** @type {const} */ (['publishableKey', 'secretKey', 'anonKey', 'serviceRoleKey'])) assert.equal(again[k], first[k]);
  assert.deepEqual(again.jwks, first.jwks);
  // A session signed before the restart still verifies after it.
  const token = await first.signAccessToken({ role: 'authenticated', sub: 'x' }, 60);
  assert.equal((await again.verifyJwt(token)).sub, 'x');
  const other = await createKeyring({ jwtSecret: DEFAULT_JWT_SECRET });
  assert.notEqual(other.secretKey, first.secretKey, 'without a file every stack has its own keys');
  await assert.rejects(other.verifyJwt(token));
});

test('legacy profile (legacy: true): HS256 sessions, empty JWKS; sign-in and a function call work with the legacy keys', async () => {
  const legacy = await startTestStack({ legacy: true, processor: false });
  try {
    const jwks = await (await fetch(`${legacy.url}/auth/v1/.well-known/jwks.json`)).json();
    assert.deepEqual(jwks, { keys: [] });
    const { client: c, session } = await signedInClient({ url: legacy.url, anonKey: legacy.anonKey });
    assert.equal(decodeProtectedHeader(session.access_token).alg, 'HS256');
    const { data, error } = await c.functions.invoke('upload-handler', { body: uploadBody() });
    assert.equal(error, null);
    assert.equal(data.duplicate, false);
    const service = client({ url: legacy.url, anonKey: legacy.serviceRoleKey });
    assert.equal((await service.storage.from('documents').list()).error, null);
    // The new keys work on a legacy project too (the gateway mints HS256 JWTs for them).
    const pub = await signedInClient({ url: legacy.url, anonKey: legacy.anonKey, publishableKey: legacy.publishableKey });
    assert.equal(decodeProtectedHeader(pub.session.access_token).alg, 'HS256');
  } finally {
    await disconnectClients();
    await legacy.stop();
  }
});

test('an exported JWK of the stack signs nothing: tokens from another ES256 key are refused by auth', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  assert.ok(await exportJWK(publicKey));
  const forged = await new SignJWT({ sub: '11111111-1111-4111-8111-111111111111', role: 'authenticated' })
    .setProtectedHeader({ alg: 'ES256', kid: stack.jwks.keys[0]?.kid ?? 'x' }).setExpirationTime('10m').sign(privateKey);
  const res = await fetch(`${stack.url}/auth/v1/user`, { headers: { authorization: `Bearer ${forged}`, apikey: stack.publishableKey } });
  assert.equal(res.status, 403);
});
