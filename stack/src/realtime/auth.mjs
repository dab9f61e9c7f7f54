// @ts-check
// Who a Realtime client is: its token checked as Realtime checks it, and whether its role
// bypasses RLS (the one thing that opens private channels here).
import { decodeJwt } from 'jose';
import { isObject } from './common.mjs';

/** @typedef {{ claims: Record<string, any> } | { code: string, error: string }} TokenCheck */

/**
 * Verify a token as Realtime does: signature, expiry, and the `role` and `exp` claims.
 * @param {import('../stack.mjs').StackContext} ctx @param {unknown} token @returns {Promise<TokenCheck>}
 */
export async function checkToken(ctx, token) {
  if (typeof token !== 'string' || token === '') return { code: 'MalformedJWT', error: 'The token provided is not a valid JWT' };
  // An sb_ key (`?apikey=sb_publishable_…`, or supabase-js's join access_token before sign-in)
  // stands for a JWT of its role, as the gateway's query rewrite makes it on hosted.
  const role = ctx.keys?.apiKeyRole(token);
  const jwt = role ? await ctx.keys.roleJwt(role) : token;
  /** @type {Record<string, any>} */
  let claims;
  try {
    claims = await ctx.verifyJwt(jwt);
  } catch (error) {
    const code = /** @type {any} */ (error)?.code;
    if (code === 'ERR_JWT_EXPIRED') {
      let ago = 0;
      try {
        const { exp } = decodeJwt(jwt);
        if (typeof exp === 'number') ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
      } catch {}
      return { code: 'InvalidJWTToken', error: `Token has expired ${ago} seconds ago` };
    }
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JOSE_ALG_NOT_ALLOWED') {
      return { code: 'JwtSignatureError', error: 'Failed to validate JWT signature' };
    }
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return { code: 'InvalidJWTToken', error: String(/** @type {any} */ (error).message) };
    return { code: 'MalformedJWT', error: 'The token provided is not a valid JWT' };
  }
  if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') {
    return { code: 'InvalidJWTToken', error: 'Fields `role` and `exp` are required in JWT' };
  }
  return { claims };
}

/**
 * Does the claims' role bypass RLS (service_role, a superuser or a BYPASSRLS role)?
 * @param {import('../stack.mjs').StackContext} ctx @param {unknown} claims
 */
export async function bypassesRls(ctx, claims) {
  const role = isObject(claims) ? claims.role : undefined;
  if (role === 'service_role') return true;
  if (typeof role !== 'string') return false;
  const [row] = await ctx.sql`select rolsuper or rolbypassrls as bypass from pg_roles where rolname = ${role}`;
  return row?.bypass === true;
}
