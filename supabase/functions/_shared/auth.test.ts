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
