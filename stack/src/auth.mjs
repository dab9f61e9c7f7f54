// @ts-check
// /auth/v1: the part of GoTrue (supabase/auth) that @supabase/supabase-js uses for sessions —
// health, email+password sign-up and sign-in, anonymous sign-in, refresh-token grant (rotating,
// as GoTrue does), get user, sign-out. Users live in auth.users, sessions in auth.sessions,
// refresh tokens in auth.refresh_tokens; access tokens are JWTs with GoTrue's claims and a
// configurable lifetime (ctx.jwtExpiry), so tests can make them expire. They are signed ES256
// with the project's signing key (`kid` in the header; public keys at
// /auth/v1/.well-known/jwks.json, as GoTrue serves them), or HS256 with the secret when the
// stack runs as a legacy project.
import { randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { bearer, HttpError, readJson, sendJson } from './http.mjs';
import { findUnstorable, isDataError } from './text.mjs';

// GoTrue's defaults: passwords of at least 6 characters; a revoked refresh token may be
// reused for 10 s (two tabs refreshing at once both succeed).
const MIN_PASSWORD_LENGTH = 6;
const REFRESH_REUSE_INTERVAL_MS = 10_000;
const BCRYPT_COST = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A GoTrue-shaped error (auth-js reads `error_code` and `msg`). */
class AuthError extends HttpError {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(status, code, message);
  }
}

/** @param {import('node:http').ServerResponse} res @param {AuthError} err */
function sendAuthError(res, err) {
  sendJson(res, err.status, { code: err.status, error_code: err.code, msg: err.message });
}

/** The JSON kind as Go's encoding/json names it in an UnmarshalTypeError. @param {unknown} v */
function goKind(v) {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // 'object', 'string', 'number'
}

/** @typedef {'string' | 'map[string]interface {}'} GoType */

/**
 * A request body read as GoTrue's retrieveRequestParams reads it into a struct (`type`, with
 * `fields` and their Go types): anything but a JSON object, or a field of another type, is
 * 400 bad_json with encoding/json's message; `null` is an empty struct (json.Unmarshal leaves
 * it untouched), so it is `{}`. Then the stack's rule for text (text.mjs): a NUL or an unpaired
 * surrogate anywhere is 400 validation_failed before any query — GoTrue itself would hand a NUL
 * to Postgres and answer 500.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} type @param {Record<string, GoType>} fields
 * @returns {Promise<Record<string, any>>}
 */
async function readParams(req, type, fields) {
  /** @param {string} detail */
  const badJson = (detail) => new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${detail}`);
  let body;
  try {
    body = await readJson(req, 64 * 1024);
  } catch (error) {
    if (error instanceof HttpError && error.code === 'invalid_json') throw badJson('invalid character in JSON input');
    throw error;
  }
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badJson(`json: cannot unmarshal ${goKind(body)} into Go value of type api.${type}`);
  for (const [field, goType] of Object.entries(fields)) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    const ok = goType === 'string' ? typeof v === 'string' : typeof v === 'object' && !Array.isArray(v);
    if (!ok) throw badJson(`json: cannot unmarshal ${goKind(v)} into Go struct field ${type}.${field} of type ${goType}`);
  }
  const bad = findUnstorable(body);
  if (bad) throw new AuthError(400, 'validation_failed', `${bad.path || 'The request body'} ${bad.reason}, which cannot be stored`);
  return body;
}

/** GoTrue's users belong to this instance; it looks users up with it. */
const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
/**
 * Columns GoTrue scans into Go strings: a NULL there makes every read of the user fail with
 * "Database error querying schema" (supabase/auth#1940), so GoTrue writes '' and so do we.
 */
const STRING_TOKEN_COLUMNS = [
  'confirmation_token', 'recovery_token', 'email_change_token_new', 'email_change',
  'email_change_token_current', 'phone_change', 'phone_change_token', 'reauthentication_token',
];

/** A user row GoTrue could not read is a 500 there, whatever the request: the same here. @param {Record<string, any>} u */
function mustBeReadableByGoTrue(u) {
  if (STRING_TOKEN_COLUMNS.some((c) => u[c] === null)) {
    throw new AuthError(500, 'unexpected_failure', 'Database error querying schema');
  }
}

/** @param {Record<string, any>} u @param {Record<string, any>[]} [identities] */
function userJson(u, identities = []) {
  const provider = u.is_anonymous ? 'anonymous' : 'email';
  return {
    id: u.id,
    aud: u.aud ?? 'authenticated',
    role: u.role ?? 'authenticated',
    email: u.email ?? '',
    phone: u.phone ?? '',
    email_confirmed_at: u.email_confirmed_at ?? undefined,
    confirmed_at: u.email_confirmed_at ?? undefined,
    last_sign_in_at: u.last_sign_in_at ?? undefined,
    app_metadata: u.raw_app_meta_data ?? { provider, providers: [provider] },
    user_metadata: u.raw_user_meta_data ?? {},
    identities: identities.map((i) => ({
      identity_id: i.id,
      id: i.provider_id,
      user_id: i.user_id,
      identity_data: i.identity_data,
      provider: i.provider,
      last_sign_in_at: i.last_sign_in_at,
      created_at: i.created_at,
      updated_at: i.updated_at,
      email: i.email ?? undefined,
    })),
    created_at: u.created_at,
    updated_at: u.updated_at,
    is_anonymous: u.is_anonymous ?? false,
  };
}

/** @param {import('./stack.mjs').StackContext} ctx @returns {Promise<import('./stack.mjs').Service>} */
export async function createAuthService(ctx) {
  const { sql } = ctx;

  /**
   * A session answer: a fresh access token, and a new refresh token stored through `db` (the pool,
   * or the transaction that rotates the presented token).
   * @param {import('postgres').Sql | import('postgres').TransactionSql} db
   * @param {Record<string, any>} user @param {string} sessionId @param {string} method @param {string | null} parent
   */
  async function issueSession(db, user, sessionId, method, parent) {
    const refreshToken = randomBytes(16).toString('base64url');
    await db`insert into auth.refresh_tokens (token, user_id, revoked, parent, session_id)
             values (${refreshToken}, ${user.id}, false, ${parent}, ${sessionId})`;
    const now = Math.floor(Date.now() / 1000);
    const json = userJson(user, await db`select * from auth.identities where user_id = ${user.id} order by created_at`);
    const accessToken = await ctx.keys.signAccessToken({
      iss: `${ctx.url}/auth/v1`,
      sub: user.id,
      aud: 'authenticated',
      email: json.email,
      phone: json.phone,
      app_metadata: json.app_metadata,
      user_metadata: json.user_metadata,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method, timestamp: now }],
      session_id: sessionId,
      is_anonymous: json.is_anonymous,
    }, ctx.jwtExpiry);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ctx.jwtExpiry,
      expires_at: now + ctx.jwtExpiry,
      refresh_token: refreshToken,
      user: json,
    };
  }

  /** @param {Record<string, any>} user @param {string} method */
  async function newSession(user, method) {
    const sessionId = randomUUID();
    await sql`insert into auth.sessions (id, user_id) values (${sessionId}, ${user.id})`;
    const [updated] = await sql`update auth.users set last_sign_in_at = now() where id = ${user.id} returning *`;
    return await issueSession(sql, updated ?? user, sessionId, method, null);
  }

  /** @param {import('node:http').IncomingMessage} req */
  async function signUp(req) {
    const body = await readParams(req, 'SignupParams', {
      email: 'string', phone: 'string', password: 'string', data: 'map[string]interface {}',
      channel: 'string', code_challenge_method: 'string', code_challenge: 'string',
    });
    const data = body.data ?? {};
    if (body.email === undefined && body.password === undefined && body.phone === undefined) {
      // signInAnonymously()
      const [user] = await sql`
        insert into auth.users (instance_id, id, aud, role, raw_app_meta_data, raw_user_meta_data, is_anonymous,
                                confirmation_token, recovery_token, email_change_token_new, email_change,
                                email_change_token_current, phone_change, phone_change_token, reauthentication_token, created_at, updated_at)
        values (${INSTANCE_ID}, ${randomUUID()}, 'authenticated', 'authenticated',
                ${sql.json({ provider: 'anonymous', providers: ['anonymous'] })}, ${sql.json(data)}, true,
                '', '', '', '', '', '', '', '', now(), now())
        returning *`;
      return await newSession(/** @type {Record<string, any>} */ (user), 'anonymous');
    }
    const email = String(body.email ?? '').trim().toLowerCase();
    const password = String(body.password ?? '');
    if (!EMAIL.test(email)) throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format');
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new AuthError(422, 'weak_password', `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    const [existing] = await sql`
      select id from auth.users where instance_id = ${INSTANCE_ID} and lower(email) = ${email} and is_sso_user = false`;
    if (existing) throw new AuthError(422, 'user_already_exists', 'User already registered');
    const hash = await bcrypt.hash(password, BCRYPT_COST);
    // As GoTrue: the user (nil instance, '' token columns) and its email identity, together.
    const user = await sql.begin(async (tx) => {
      const [row] = await tx`
        insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                                raw_app_meta_data, raw_user_meta_data,
                                confirmation_token, recovery_token, email_change_token_new, email_change,
                                email_change_token_current, phone_change, phone_change_token, reauthentication_token, created_at, updated_at)
        values (${INSTANCE_ID}, ${randomUUID()}, 'authenticated', 'authenticated', ${email}, ${hash}, now(),
                ${tx.json({ provider: 'email', providers: ['email'] })}, ${tx.json(data)},
                '', '', '', '', '', '', '', '', now(), now())
        returning *`;
      await tx`
        insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
        values (${row.id}, ${row.id},
                ${tx.json({ sub: row.id, email, email_verified: true, phone_verified: false })}, 'email', now(), now(), now())`;
      return row;
    });
    // Local stack: e-mail confirmation is off (config.toml enable_confirmations = false).
    return await newSession(/** @type {Record<string, any>} */ (user), 'password');
  }

  /** @param {import('node:http').IncomingMessage} req @param {URL} url */
  async function token(req, url) {
    const grant = url.searchParams.get('grant_type');
    if (grant === 'password') {
      const body = await readParams(req, 'PasswordGrantParams', { email: 'string', phone: 'string', password: 'string' });
      if (!body.email && !body.phone) throw new AuthError(400, 'validation_failed', 'missing email or phone');
      const email = String(body.email ?? '').trim().toLowerCase();
      // GoTrue's lookup: this instance, the address case-insensitively, the audience, not SSO.
      const [user] = await sql`
        select * from auth.users
         where instance_id = ${INSTANCE_ID} and lower(email) = ${email} and aud = 'authenticated'
           and is_sso_user = false and deleted_at is null`;
      if (user) mustBeReadableByGoTrue(user);
      const ok = user?.encrypted_password && (await bcrypt.compare(String(body.password ?? ''), user.encrypted_password));
      if (!user || !ok) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
      return await newSession(user, 'password');
    }
    if (grant === 'refresh_token') {
      const body = await readParams(req, 'RefreshTokenGrantParams', { refresh_token: 'string' });
      const presented = String(body.refresh_token ?? '');
      // GoTrue's RefreshTokenGrantParams.Validate: no token is shorter than 12 characters.
      if (presented.length < 12) throw new AuthError(400, 'validation_failed', 'Refresh token is not valid');
      return await sql.begin(async (tx) => {
        const [row] = await tx`select * from auth.refresh_tokens where token = ${presented} for update`;
        if (!row || !row.session_id) {
          throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        }
        const [session] = await tx`select * from auth.sessions where id = ${row.session_id}`;
        if (!session) throw new AuthError(400, 'session_not_found', 'Invalid Refresh Token: Session Not Found');
        if (row.revoked) {
          const reusable = Date.now() - new Date(row.updated_at).getTime() < REFRESH_REUSE_INTERVAL_MS;
          if (!reusable) {
            // Reuse of an old token: treat the session as stolen, as GoTrue does.
            await tx`delete from auth.sessions where id = ${row.session_id}`;
            throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
          }
        }
        await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
        const [user] = await tx`select * from auth.users where id = ${row.user_id}::uuid`;
        if (!user) throw new AuthError(400, 'user_not_found', 'User not found');
        await tx`update auth.sessions set updated_at = now() where id = ${row.session_id}`;
        return await issueSession(tx, user, row.session_id, 'token_refresh', presented);
      });
    }
    throw new AuthError(400, 'unsupported_grant_type', `Unsupported grant_type "${grant}"`);
  }

  /** The signed-in user of a request (403 when the session is gone, 401 when the token is bad). */
  async function sessionUser(/** @type {import('node:http').IncomingMessage} */ req) {
    const t = bearer(req);
    if (!t) throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token');
    let claims;
    try {
      claims = await ctx.verifyJwt(t);
    } catch (error) {
      const expired = /exp/.test(String(/** @type {Error} */ (error).message ?? ''));
      throw new AuthError(403, 'bad_jwt', expired ? 'invalid JWT: token is expired' : 'invalid JWT: unable to parse or verify signature');
    }
    if (claims.role !== 'authenticated' || !claims.sub) throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    if (claims.session_id) {
      const [session] = await sql`select id from auth.sessions where id = ${claims.session_id}`;
      if (!session) throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    const [user] = await sql`select * from auth.users where id = ${claims.sub}`;
    if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    return { user, claims };
  }

  return {
    prefix: '/auth/v1',
    async handle(req, res, url) {
      const route = url.pathname.slice('/auth/v1'.length) || '/';
      try {
        if (req.method === 'OPTIONS') {
          res.writeHead(204).end();
          return;
        }
        if (route === '/.well-known/jwks.json' && req.method === 'GET') {
          // Public keys only. Functions and clients may cache it (jose's remote set does).
          sendJson(res, 200, ctx.jwks, { 'cache-control': 'public, max-age=600' });
        } else if (route === '/health' && req.method === 'GET') {
          sendJson(res, 200, { version: 'v2-uploader-local', name: 'GoTrue', description: 'GoTrue-compatible auth of the v2-uploader local stack' });
        } else if (route === '/settings' && req.method === 'GET') {
          sendJson(res, 200, { external: { email: true, anonymous_users: true }, disable_signup: false, mailer_autoconfirm: true, phone_autoconfirm: false });
        } else if (route === '/signup' && req.method === 'POST') {
          sendJson(res, 200, await signUp(req));
        } else if (route === '/token' && req.method === 'POST') {
          sendJson(res, 200, await token(req, url));
        } else if (route === '/user' && req.method === 'GET') {
          const { user } = await sessionUser(req);
          mustBeReadableByGoTrue(user);
          sendJson(res, 200, userJson(user, await sql`select * from auth.identities where user_id = ${user.id} order by created_at`));
        } else if (route === '/logout' && req.method === 'POST') {
          const { user, claims } = await sessionUser(req);
          const scope = url.searchParams.get('scope') ?? 'global';
          if (scope === 'global') await sql`delete from auth.sessions where user_id = ${user.id}`;
          else if (scope === 'others') await sql`delete from auth.sessions where user_id = ${user.id} and id <> ${claims.session_id ?? null}`;
          else await sql`delete from auth.sessions where id = ${claims.session_id ?? null}`;
          res.writeHead(204).end();
        } else {
          throw new AuthError(404, 'not_found', `No auth route ${req.method} ${route}`);
        }
      } catch (error) {
        if (error instanceof HttpError) sendAuthError(res, error);
        // A value Postgres refused that readParams did not catch is still the client's.
        else if (isDataError(error)) sendAuthError(res, new AuthError(400, 'validation_failed', 'A value in the request cannot be stored'));
        else throw error;
      }
    },
  };
}
