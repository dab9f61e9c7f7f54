// Who is calling: the bearer JWT, verified here (not only at the gateway), so the functions
// are safe with `verify_jwt = false` and with Supabase's asymmetric signing keys.
//
// - HS256 tokens are verified with the project's JWT secret (SUPABASE_JWT_SECRET).
// - Asymmetric tokens (RS256, ES256, EdDSA) with the keys in SUPABASE_JWKS (a JWK Set as JSON).
// - `exp` is required and checked against the injected clock; `role` is required.
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { Clock } from './clock.ts';
import { HttpError } from './errors.ts';

export interface AuthConfig {
  jwtSecret?: string;
  jwks?: JSONWebKeySet;
}

export interface Claims extends JWTPayload {
  role: string;
  exp: number;
  sub?: string;
  email?: string;
  is_anonymous?: boolean;
}

/** A verified caller. `userId` is set for signed-in users, absent for the service role. */
export interface Caller {
  token: string;
  claims: Claims;
  role: 'authenticated' | 'service_role';
  userId?: string;
}

const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const unauthorized = (code: 'auth_missing' | 'auth_malformed' | 'auth_expired' | 'auth_invalid', message: string) =>
  new HttpError(401, code, message, { headers: { 'WWW-Authenticate': 'Bearer' } });

export function bearerToken(req: Request): string {
  const header = req.headers.get('authorization');
  if (header === null || header.trim() === '') {
    throw unauthorized('auth_missing', 'Sign in first: send the session access token as "Authorization: Bearer <jwt>".');
  }
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header.trim());
  if (!match) {
    throw unauthorized('auth_malformed', 'The Authorization header must be "Bearer <jwt>" with a three-part JWT.');
  }
  return match[1]!;
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
    } else if (alg && ASYMMETRIC.includes(alg) && config.jwks) {
      ({ payload } = await jwtVerify(token, createLocalJWKSet(config.jwks), {
        algorithms: ASYMMETRIC,
        currentDate: clock.now(),
        requiredClaims: ['exp'],
      }));
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

/** Verify the caller; only signed-in users and the service role get through. */
export async function authenticate(req: Request, config: AuthConfig, clock: Clock): Promise<Caller> {
  const token = bearerToken(req);
  const claims = await verifyToken(token, config, clock);
  if (claims.role === 'service_role') return { token, claims, role: 'service_role' };
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
