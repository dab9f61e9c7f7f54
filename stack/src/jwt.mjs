// @ts-check
import { jwtVerify, SignJWT } from 'jose';

/**
 * Verify an HS256 JWT with the stack's secret.
 * @param {string} token @param {string} secret
 * @returns {Promise<Record<string, any>>} the claims
 */
export async function verifyJwt(token, secret) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return payload;
}

/**
 * @param {Record<string, unknown>} claims @param {string} secret @param {number} expiresInSeconds
 */
export async function signJwt(claims, secret, expiresInSeconds) {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}
