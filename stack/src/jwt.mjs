// @ts-check
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';

/**
 * Verify an HS256 JWT with the stack's (legacy) secret.
 * @param {string} token @param {string} secret
 * @returns {Promise<Record<string, any>>} the claims
 */
export async function verifyJwt(token, secret) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  return payload;
}

/**
 * A verifier for every JWT the project accepts, as its services do after signing keys: HS256
 * with the legacy secret (legacy API keys, sessions issued before the switch, Storage's signed
 * URL tokens), anything else with the keys of the project's JWKS (matched by `kid`).
 * @param {{ jwks: { keys: import('jose').JWK[] }, jwtSecret: string }} keys
 * @returns {(token: string) => Promise<Record<string, any>>}
 */
export function createVerifier({ jwks, jwtSecret }) {
  const local = createLocalJWKSet(jwks);
  return async (token) => {
    let alg;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      // Not a JWT: let jwtVerify say so in its words ("Invalid Compact JWS"), which Storage and
      // Realtime pass on to clients.
      return await verifyJwt(token, jwtSecret);
    }
    if (alg === 'HS256') return await verifyJwt(token, jwtSecret);
    const { payload } = await jwtVerify(token, local, { algorithms: ['ES256', 'RS256'] });
    return payload;
  };
}

/**
 * An HS256 JWT with the legacy secret (Storage's signed URL tokens; tests).
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
