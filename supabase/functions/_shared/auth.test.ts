import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { authenticate, verifyToken } from './auth.ts';
import { FrozenClock } from './clock.ts';
import { HttpError } from './errors.ts';

const clock = new FrozenClock('2026-06-01T12:00:00Z');
const now = Math.floor(clock.now().getTime() / 1000);
const sub = '3f0c6f4e-8a55-4a55-9d2a-0f1b8f9e1c11';

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { privateKey, jwk };
}

const sign = (key: CryptoKey, kid: string) =>
  new SignJWT({ sub, role: 'authenticated' })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(key);

async function rejects(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (e) => e instanceof HttpError && e.status === 401 && e.code === code);
}

Deno.test('asymmetric tokens are verified with SUPABASE_JWKS (signing-key rotation: any key in the set)', async () => {
  const a = await keyPair('key-a');
  const b = await keyPair('key-b');
  const config = { jwks: { keys: [a.jwk, b.jwk] } };
  const claims = await verifyToken(await sign(b.privateKey, 'key-b'), config, clock);
  assert.equal(claims.sub, sub);
  const req = new Request('http://x', { headers: { authorization: `Bearer ${await sign(a.privateKey, 'key-a')}` } });
  const caller = await authenticate(req, config, clock);
  assert.equal(caller.userId, sub);
  assert.equal(caller.role, 'authenticated');
});

Deno.test('a key outside the JWKS, an expired token, and HS256 without a secret are refused', async () => {
  const known = await keyPair('known');
  const stranger = await keyPair('known');
  const config = { jwks: { keys: [known.jwk] } };
  await rejects(verifyToken(await sign(stranger.privateKey, 'known'), config, clock), 'auth_invalid');
  const expired = await new SignJWT({ sub, role: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid: 'known' })
    .setExpirationTime(now - 1).sign(known.privateKey);
  await rejects(verifyToken(expired, config, clock), 'auth_expired');
  const hs = await new SignJWT({ sub, role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(now + 60)
    .sign(new TextEncoder().encode('a-secret-that-is-long-enough-for-hs256!'));
  await rejects(verifyToken(hs, config, clock), 'auth_invalid');
});

Deno.test('expiry is judged by the injected clock, not the machine clock', async () => {
  const k = await keyPair('k');
  const config = { jwks: { keys: [k.jwk] } };
  const token = await sign(k.privateKey, 'k');
  await verifyToken(token, config, clock);
  await rejects(verifyToken(token, config, new FrozenClock((now + 601) * 1000)), 'auth_expired');
});

Deno.test('a token without exp or role is refused', async () => {
  const k = await keyPair('k');
  const config = { jwks: { keys: [k.jwk] } };
  const noExp = await new SignJWT({ sub, role: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(k.privateKey);
  await rejects(verifyToken(noExp, config, clock), 'auth_invalid');
  const noRole = await new SignJWT({ sub }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).setExpirationTime(now + 60).sign(k.privateKey);
  await rejects(verifyToken(noRole, config, clock), 'auth_invalid');
});

const legacySecret = 'a-legacy-secret-that-is-long-enough-for-hs256';
const hs256 = (claims: Record<string, unknown>, secret = legacySecret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(now).setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(secret));
const request = (headers: Record<string, string>) => new Request('http://x', { headers });

Deno.test('apikey sb_secret_ matching a key of SUPABASE_SECRET_KEYS is the service role; any other is refused', async () => {
  const config = { secretKeys: ['sb_secret_old-rotated-key_abcdefgh', 'sb_secret_current-key-0123_ijklmnop'] };
  for (const key of config.secretKeys) {
    // supabase-js sends the key in both headers when it has no session.
    const caller = await authenticate(request({ apikey: key, authorization: `Bearer ${key}` }), config, clock);
    assert.equal(caller.role, 'service_role');
    assert.equal(caller.userId, undefined);
  }
  await rejects(authenticate(request({ apikey: 'sb_secret_current-key-0123_ijklmnoq' }), config, clock), 'auth_invalid');
  await rejects(authenticate(request({ apikey: 'sb_secret_anything' }), {}, clock), 'auth_invalid');
});

Deno.test('a publishable key alone is not a caller; a user JWT beside it is', async () => {
  const k = await keyPair('k');
  const config = { jwks: { keys: [k.jwk] }, secretKeys: ['sb_secret_x'] };
  const publishable = 'sb_publishable_abc_defghijk';
  await rejects(authenticate(request({ apikey: publishable, authorization: `Bearer ${publishable}` }), config, clock), 'auth_missing');
  const caller = await authenticate(request({ apikey: publishable, authorization: `Bearer ${await sign(k.privateKey, 'k')}` }), config, clock);
  assert.equal(caller.userId, sub);
});

Deno.test('the legacy service_role key: equal to SUPABASE_SERVICE_ROLE_KEY (no secret needed), or verified with JWT_SECRET', async () => {
  const serviceRoleKey = await hs256({ role: 'service_role', iss: 'supabase' });
  const byKey = { serviceRoleKey };
  assert.equal((await authenticate(request({ authorization: `Bearer ${serviceRoleKey}` }), byKey, clock)).role, 'service_role');
  assert.equal((await authenticate(request({ apikey: serviceRoleKey }), byKey, clock)).role, 'service_role');
  const bySecret = { jwtSecret: legacySecret };
  assert.equal((await authenticate(request({ apikey: serviceRoleKey }), bySecret, clock)).role, 'service_role');
  const user = await hs256({ sub, role: 'authenticated' });
  assert.equal((await authenticate(request({ authorization: `Bearer ${user}` }), bySecret, clock)).userId, sub);
  // Another project's service key, and an anon key as apikey, are not the service.
  await rejects(authenticate(request({ apikey: await hs256({ role: 'service_role' }, 'x'.repeat(40)) }), bySecret, clock), 'auth_invalid');
  await rejects(authenticate(request({ apikey: await hs256({ role: 'anon' }) }), bySecret, clock), 'auth_missing');
});

Deno.test('without SUPABASE_JWKS the project JWKS endpoint is fetched (once), and a kid rotated in later is found there', async () => {
  const old = await keyPair('old');
  const rotated = await keyPair('rotated');
  let fetches = 0;
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== '/auth/v1/.well-known/jwks.json') return new Response('no', { status: 404 });
    fetches++;
    return Response.json({ keys: [old.jwk, rotated.jwk] });
  });
  try {
    const jwksUrl = `http://127.0.0.1:${server.addr.port}/auth/v1/.well-known/jwks.json`;
    const remoteOnly = { jwksUrl };
    assert.equal((await verifyToken(await sign(old.privateKey, 'old'), remoteOnly, clock)).sub, sub);
    assert.equal((await verifyToken(await sign(rotated.privateKey, 'rotated'), remoteOnly, clock)).sub, sub);
    assert.equal(fetches, 1, 'the set is cached');
    // SUPABASE_JWKS from before the rotation: the new kid is looked up at the endpoint.
    const stale = { jwks: { keys: [old.jwk] }, jwksUrl };
    assert.equal((await verifyToken(await sign(rotated.privateKey, 'rotated'), stale, clock)).sub, sub);
    const stranger = await keyPair('rotated');
    await rejects(verifyToken(await sign(stranger.privateKey, 'rotated'), stale, clock), 'auth_invalid');
  } finally {
    await server.shutdown();
  }
});
