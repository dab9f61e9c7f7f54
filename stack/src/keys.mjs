// @ts-check
// Keys as `supabase start` prints them: one HS256 secret; the anon and service-role keys are
// long-lived JWTs signed with it. Deterministic for a given secret, so .local/stack.json is stable.
import { SignJWT } from 'jose';

/** The Supabase CLI's default local secret (public knowledge; local use only). */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
/** Local Standard Webhooks secret the stack signs its own webhooks with. */
export const DEFAULT_WEBHOOK_SECRET = 'whsec_' + Buffer.from('v2-uploader-local-webhook-secret!').toString('base64');

// Fixed issue/expiry times (2025-01-01 → 2035-01-01) keep the keys identical across runs.
const ISSUED_AT = 1735689600;
const EXPIRES_AT = 2051222400;

/** @param {string} secret @param {'anon' | 'service_role'} role */
export async function apiKey(secret, role) {
  return await new SignJWT({ iss: 'supabase-demo', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(ISSUED_AT)
    .setExpirationTime(EXPIRES_AT)
    .sign(new TextEncoder().encode(secret));
}
