// Who is calling. Verified here, not only at the gateway, so the functions are safe with
// `verify_jwt = false` (which Supabase's docs ask for when callers use the new API keys).
//
// - Signed-in users: the session JWT in Authorization. Asymmetric tokens (ES256, RS256, EdDSA)
//   are verified with SUPABASE_JWKS (the platform's copy of the project's JWK Set), falling back
//   to the project's JWKS endpoint (fetched once, cached, refetched for an unknown `kid`: a
//   rotated signing key). Legacy HS256 tokens with JWT_SECRET, when that secret is set.
//   `exp` and `role` are required.
// - The service: `apikey: sb_secret_…` equal (constant time) to a key of SUPABASE_SECRET_KEYS,
//   or the legacy service_role JWT (in Authorization or apikey): equal to
//   SUPABASE_SERVICE_ROLE_KEY, or verifying like any token above.
// - `Authorization: Bearer sb_…` (what supabase-js sends before sign-in) is not a token: it is
//   ignored, as the gateway ignores it, and the apikey decides.
import {
  createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, type JSONWebKeySet, jwtVerify,
  type JWTPayload, type JWTVerifyGetKey,
} from 'jose';
import type { Clock } from './clock.ts';
import { HttpError } from './errors.ts';

export interface AuthConfig {
  /** Legacy HS256 secret (the JWT_SECRET function secret). */
  jwtSecret?: string;
  /** The project's JWK Set (SUPABASE_JWKS). */
  jwks?: JSONWebKeySet;
  /** Where the project serves its JWK Set (`${SUPABASE_URL}/auth/v1/.well-known/jwks.json`). */
  jwksUrl?: string;
  /** Every `sb_secret_…` key of SUPABASE_SECRET_KEYS. */
  secretKeys?: string[];
  /** The legacy service_role JWT (SUPABASE_SERVICE_ROLE_KEY). */
  serviceRoleKey?: string;
}

export interface Claims extends JWTPayload {
  role: string;
  /** Required on every verified JWT; absent for a caller that authenticated with a secret key. */
  exp?: number;
  sub?: string;
  email?: string;
  is_anonymous?: boolean;
}

/** A verified caller. `userId` is set for signed-in users, absent for the service role. */
export interface Caller {
  /** The JWT the caller sent (the API key, for a secret-key caller). */
  token: string;
  claims: Claims;
  role: 'authenticated' | 'service_role';
  userId?: string;
}

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const unauthorized = (code: 'auth_missing' | 'auth_malformed' | 'auth_expired' | 'auth_invalid', message: string) =>
  new HttpError(401, code, message, { headers: { 'WWW-Authenticate': 'Bearer' } });

/** The bearer JWT, or undefined when there is none (no header, or an sb_ API key in it). */
function bearerJwt(req: Request): string | undefined {
  const header = req.headers.get('authorization')?.trim();
  if (!header || /^Bearer sb_/i.test(header)) return undefined;
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match || !JWT.test(match[1]!)) {
    throw unauthorized('auth_malformed', 'The Authorization header must be "Bearer <jwt>" with a three-part JWT.');
  }
  return match[1]!;
}

export function bearerToken(req: Request): string {
  const token = bearerJwt(req);
  if (token === undefined) {
    throw unauthorized('auth_missing', 'Sign in first: send the session access token as "Authorization: Bearer <jwt>".');
  }
  return token;
}

/** Equal strings in time that does not depend on where they differ (nor on their lengths). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const digest = async (s: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

async function equalsAny(value: string, candidates: readonly string[]): Promise<boolean> {
  let found = false;
  // Compare with every key, not stopping at a match: the time says nothing about which one.
  for (const candidate of candidates) found = (await constantTimeEqual(value, candidate)) || found;
  return found;
}

// One remote set per URL for the life of the instance: jose caches the keys and refetches
// (at most every 30 s) when a token names a kid it does not have.
const remoteSets = new Map<string, JWTVerifyGetKey>();
function remoteJwks(url: string): JWTVerifyGetKey {
  let set = remoteSets.get(url);
  if (!set) remoteSets.set(url, (set = createRemoteJWKSet(new URL(url))));
  return set;
}

async function verifyAsymmetric(token: string, config: AuthConfig, clock: Clock): Promise<JWTPayload> {
  const options = { algorithms: ASYMMETRIC, currentDate: clock.now(), requiredClaims: ['exp'] };
  if (config.jwks) {
    try {
      return (await jwtVerify(token, createLocalJWKSet(config.jwks), options)).payload;
    } catch (error) {
      // A kid outside the injected set may be a signing key rotated in since: ask the project.
      if (!(error instanceof errors.JWKSNoMatchingKey) || !config.jwksUrl) throw error;
    }
  }
  if (!config.jwksUrl) throw unauthorized('auth_invalid', 'Asymmetric tokens are not accepted: no JWKS is configured.');
  return (await jwtVerify(token, remoteJwks(config.jwksUrl), options)).payload;
}

export async function verifyToken(token: string, config: AuthConfig, clock: Clock): Promise<Claims> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('auth_malformed', 'The bearer token is not a JWT.');
  }
  try {
    let payload: JWTPayload;
    if (alg === 'HS256' && config.jwtSecret) {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(config.jwtSecret), {
        algorithms: ['HS256'],
        currentDate: clock.now(),
        requiredClaims: ['exp'],
      }));
    } else if (alg && ASYMMETRIC.includes(alg) && (config.jwks || config.jwksUrl)) {
      payload = await verifyAsymmetric(token, config, clock);
    } else {
      throw unauthorized('auth_invalid', `Tokens signed with ${alg ?? 'no algorithm'} are not accepted by this project.`);
    }
    if (typeof payload.role !== 'string' || typeof payload.exp !== 'number') {
      throw unauthorized('auth_invalid', 'The token has no role or expiry claim.');
    }
    return payload as Claims;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof errors.JWTExpired) {
      throw unauthorized('auth_expired', 'The session has expired: refresh it (supabase.auth.refreshSession) and retry.');
    }
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
      throw unauthorized('auth_malformed', 'The bearer token is not a well-formed JWT.');
    }
    throw unauthorized('auth_invalid', 'The bearer token is not valid for this project (bad signature or claims).');
  }
}

/** The legacy service_role key itself, which the platform gave us: no secret needed to trust it. */
async function isServiceRoleKey(token: string, config: AuthConfig): Promise<boolean> {
  return config.serviceRoleKey !== undefined && await constantTimeEqual(token, config.serviceRoleKey);
}

function serviceCaller(token: string, claims: Claims): Caller {
  return { token, claims, role: 'service_role' };
}

/** A caller that sent only an API key (no JWT in Authorization). */
async function fromApiKey(apikey: string | null, config: AuthConfig, clock: Clock): Promise<Caller> {
  if (apikey?.startsWith('sb_secret_')) {
    if (await equalsAny(apikey, config.secretKeys ?? [])) return serviceCaller(apikey, { role: 'service_role' });
    throw unauthorized('auth_invalid', 'The apikey is not a secret key of this project.');
  }
  if (apikey !== null && JWT.test(apikey)) {
    if (await isServiceRoleKey(apikey, config)) return serviceCaller(apikey, decodeJwt(apikey) as Claims);
    const claims = await verifyToken(apikey, config, clock);
    if (claims.role === 'service_role') return serviceCaller(apikey, claims);
  }
  throw unauthorized('auth_missing', 'Sign in first: send the session access token as "Authorization: Bearer <jwt>" (an API key alone is not enough).');
}

/** Verify the caller; only signed-in users and the service role get through. */
export async function authenticate(req: Request, config: AuthConfig, clock: Clock): Promise<Caller> {
  const token = bearerJwt(req);
  if (token === undefined) return await fromApiKey(req.headers.get('apikey'), config, clock);
  if (await isServiceRoleKey(token, config)) return serviceCaller(token, decodeJwt(token) as Claims);
  const claims = await verifyToken(token, config, clock);
  if (claims.role === 'service_role') return serviceCaller(token, claims);
  if (claims.role === 'authenticated' && typeof claims.sub === 'string' && UUID.test(claims.sub)) {
    return { token, claims, role: 'authenticated', userId: claims.sub.toLowerCase() };
  }
  if (claims.role === 'anon') {
    throw unauthorized('auth_missing', 'This needs a signed-in user: the anon key alone is not enough. Sign in (anonymous sign-in works) and send the session token.');
  }
  throw unauthorized('auth_invalid', 'The token does not name a signed-in user.');
}

/** A signed-in user (not the service role, which has no files of its own). */
export function requireUser(caller: Caller): Caller & { userId: string } {
  if (caller.userId === undefined) {
    throw new HttpError(403, 'forbidden', 'This endpoint acts for a signed-in user; the service role cannot call it.');
  }
  return caller as Caller & { userId: string };
}
