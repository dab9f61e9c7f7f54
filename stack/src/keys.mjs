// @ts-check
// The project's keys, as a Supabase project created today has them:
// - an asymmetric JWT signing key (ES256, with a `kid`) that auth signs access tokens with; its
//   public half is the project's JWKS (/auth/v1/.well-known/jwks.json, SUPABASE_JWKS);
// - the API keys `sb_publishable_…` (acts as anon) and `sb_secret_…` (acts as service_role),
//   which are not JWTs: the gateway swaps them for a short-lived JWT of that role;
// - the legacy HS256 secret and the long-lived anon / service_role JWTs signed with it, still
//   accepted everywhere (hosted keeps them working until they are revoked).
// `legacy: true` is a project from before signing keys: access tokens are HS256 with the secret
// and the JWKS is empty. The legacy keys are deterministic for a given secret; the signing key
// and the sb_ keys are random per stack, or kept in <dataDir>/keys.json so .local/stack.json
// stays the same across runs.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { HttpError } from './http.mjs';
import { createVerifier } from './jwt.mjs';

/** The Supabase CLI's default local secret (public knowledge; local use only). */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
/** Local Standard Webhooks secret the stack signs its own webhooks with. */
export const DEFAULT_WEBHOOK_SECRET = 'whsec_' + Buffer.from('v2-uploader-local-webhook-secret!').toString('base64');

// Fixed issue/expiry times (2025-01-01 → 2035-01-01) keep the keys identical across runs.
const ISSUED_AT = 1735689600;
const EXPIRES_AT = 2051222400;
/** Lifetime of the JWT the gateway mints for an sb_ key (it is re-minted before it runs out). */
const MINTED_JWT_SECONDS = 300;

/** @param {string} secret @param {'anon' | 'service_role'} role */
export async function apiKey(secret, role) {
  return await new SignJWT({ iss: 'supabase-demo', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(ISSUED_AT)
    .setExpirationTime(EXPIRES_AT)
    .sign(new TextEncoder().encode(secret));
}

/** Keys of the new kind, as opposed to legacy JWT keys. @param {unknown} key @returns {key is string} */
export const isNewApiKey = (key) => typeof key === 'string' && (key.startsWith('sb_publishable_') || key.startsWith('sb_secret_'));

/**
 * A new API key shaped like hosted's and the CLI's (`sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz`):
 * the prefix, 16 random bytes in base64url (22 characters), `_`, and an 8-character checksum.
 * @param {'publishable' | 'secret'} kind
 */
export function newApiKey(kind) {
  const body = `sb_${kind}_${randomBytes(16).toString('base64url')}`;
  return `${body}_${createHash('sha256').update(body).digest('base64url').slice(0, 8)}`;
}

/**
 * @typedef {object} StoredKeys  what <dataDir>/keys.json holds
 * @property {string} publishableKey
 * @property {string} secretKey
 * @property {import('jose').JWK & { kid: string }} signingKey  the private ES256 JWK
 */

/** @returns {Promise<StoredKeys>} */
async function newStoredKeys() {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  // GoTrue's signing keys have UUID kids.
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  return { publishableKey: newApiKey('publishable'), secretKey: newApiKey('secret'), signingKey };
}

/** @param {string | undefined} file @returns {Promise<StoredKeys>} */
async function storedKeys(file) {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keys = await newStoredKeys();
  if (file) writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}

/** The public half of a private JWK, as GoTrue's JWKS lists it. @param {import('jose').JWK} jwk */
export function publicJwk(jwk) {
  const { d: _d, ...pub } = jwk;
  return { ...pub, key_ops: ['verify'], ext: true };
}

/**
 * @typedef {object} Keyring
 * @property {boolean} legacy
 * @property {string} jwtSecret
 * @property {string} anonKey         legacy HS256 JWT
 * @property {string} serviceRoleKey  legacy HS256 JWT
 * @property {string} publishableKey  sb_publishable_…
 * @property {string} secretKey       sb_secret_…
 * @property {{ keys: import('jose').JWK[] }} jwks  public keys only
 * @property {(claims: Record<string, unknown>, expiresInSeconds: number) => Promise<string>} signAccessToken
 * @property {(token: string) => Promise<Record<string, any>>} verifyJwt  ES256 (JWKS) and HS256 (secret)
 * @property {(key: unknown) => 'anon' | 'service_role' | undefined} apiKeyRole  the role of an sb_ key of this project
 * @property {(role: 'anon' | 'service_role') => Promise<string>} roleJwt  a short-lived JWT for that role (cached)
 */

/**
 * @param {{ legacy?: boolean, jwtSecret: string, file?: string }} options
 * @returns {Promise<Keyring>}
 */
export async function createKeyring({ legacy = false, jwtSecret, file }) {
  const stored = await storedKeys(file);
  const jwks = { keys: legacy ? [] : [publicJwk(stored.signingKey)] };
  const privateKey = legacy ? undefined : await importJWK(stored.signingKey, 'ES256');
  const secret = new TextEncoder().encode(jwtSecret);

  /** @param {Record<string, unknown>} claims @param {number} expiresInSeconds */
  async function signAccessToken(claims, expiresInSeconds) {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims).setIssuedAt(now).setExpirationTime(now + expiresInSeconds);
    if (!privateKey) return await jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
    return await jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: stored.signingKey.kid }).sign(privateKey);
  }

  /** @type {Map<string, { token: string, exp: number }>} */
  const minted = new Map();
  /** @param {'anon' | 'service_role'} role */
  async function roleJwt(role) {
    const now = Math.floor(Date.now() / 1000);
    const cached = minted.get(role);
    if (cached && cached.exp - now > 60) return cached.token;
    const token = await signAccessToken({ role, iss: 'supabase' }, MINTED_JWT_SECONDS);
    minted.set(role, { token, exp: now + MINTED_JWT_SECONDS });
    return token;
  }

  return {
    legacy,
    jwtSecret,
    anonKey: await apiKey(jwtSecret, 'anon'),
    serviceRoleKey: await apiKey(jwtSecret, 'service_role'),
    publishableKey: stored.publishableKey,
    secretKey: stored.secretKey,
    jwks,
    signAccessToken,
    verifyJwt: createVerifier({ jwks, jwtSecret }),
    apiKeyRole: (key) => (key === stored.publishableKey ? 'anon' : key === stored.secretKey ? 'service_role' : undefined),
    roleJwt,
  };
}

/**
 * What the API gateway does with the keys before a request reaches Auth, Storage, Realtime or
 * the processor (Supabase's Kong: the CLI's `BearerToken` rule, and hosted's):
 * - an sb_ key in `apikey` that is not one of the project's is refused (401 "Invalid API key");
 * - a user JWT in Authorization passes unchanged;
 * - otherwise (no Authorization, or `Bearer sb_…`, which supabase-js sends when it has no
 *   session) Authorization becomes a short-lived JWT of the apikey's role, or the apikey itself
 *   when it is a legacy JWT key.
 * Edge Functions are not rewritten: their verify_jwt check takes only the Authorization JWT.
 * @param {import('node:http').IncomingMessage} req @param {Keyring} keys
 */
export async function applyApiKey(req, keys) {
  const header = req.headers.apikey;
  const apikey = Array.isArray(header) ? header[0] : header;
  const role = keys.apiKeyRole(apikey);
  if (isNewApiKey(apikey) && !role) {
    throw new HttpError(401, 'invalid_api_key', 'Invalid API key');
  }
  const auth = req.headers.authorization;
  if (auth && !/^Bearer sb_/i.test(auth)) return;
  if (role) req.headers.authorization = `Bearer ${await keys.roleJwt(role)}`;
  else if (apikey && !apikey.startsWith('sb_')) req.headers.authorization = `Bearer ${apikey}`;
  else delete req.headers.authorization;
}
