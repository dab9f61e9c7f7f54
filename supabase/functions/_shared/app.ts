// The frame every function runs in: CORS and preflight, method routing, one error shape, no
// 500 for anything a client can send (database errors are mapped to 4xx/503), a request id and
// one structured log line per request. Dependencies are injected so tests drive the handler.
import type { Caller } from './auth.ts';
import { authenticate } from './auth.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { Config } from './env.ts';
import { configFromEnv } from './env.ts';
import { preflight, withCors } from './cors.ts';
import type { Db, Tx } from './db.ts';
import { createDb } from './db.ts';
import { errorResponse, HttpError } from './errors.ts';
import { methodNotAllowed } from './http.ts';
import type { Logger } from './log.ts';
import { createLogger } from './log.ts';

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  fetch: typeof fetch;
}

export interface RequestContext extends Deps {
  req: Request;
  requestId: string;
  log: Logger;
  /** Verify the bearer token (401 on failure). */
  caller(): Promise<Caller>;
  /** Time a step: the request's log line carries each step's milliseconds in `timings`. */
  time<T>(name: string, work: Promise<T>): Promise<T>;
}

export type Route = (ctx: RequestContext) => Promise<Response>;
export type Routes = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Route>>;

let defaultDeps: Deps | undefined;
/** Dependencies from the environment, made on first use (so importing a handler needs no env). */
export function depsFromEnv(): Deps {
  if (!defaultDeps) {
    const config = configFromEnv();
    defaultDeps = {
      config,
      db: createDb(config.dbUrl, {
        ...(config.dbPoolMax === undefined ? {} : { max: config.dbPoolMax }),
        ...(config.dbSsl === undefined ? {} : { ssl: config.dbSsl }),
      }),
      clock: systemClock,
      log: createLogger(),
      fetch: globalThis.fetch.bind(globalThis),
    };
  }
  return defaultDeps;
}

// Network failures reaching the database (postgres.js reports these with the errno as `code`,
// and its own CONNECT_TIMEOUT / CONNECTION_* codes).
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
]);

/**
 * The database refused or lost the connection — not something the request did: class 08
 * (connection exception), 53300 too_many_connections, 57P01..03 (shutdown, cannot connect now),
 * and anything raised as FATAL, which Postgres uses for connection-level failures such as a bad
 * password (28P01) or role (28000) at connect. Our own SQL raises ERROR, never FATAL: 28000 from
 * create_document (a deleted user) stays a 401.
 */
export function isConnectionFailure(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  if (typeof code !== 'string') return false;
  return CONNECTION_FAILURES.has(code) || code.startsWith('08') || code === '53300' || /^57P0[123]$/.test(code) ||
    severity === 'FATAL' || severity === 'PANIC';
}

/**
 * Postgres errors a client can cause, mapped to what they mean for the client; undefined for
 * anything else (a bug of ours: 500). Bodies are checked before any write (text.ts, zod), so
 * these are the second line: a value that slipped through is still the client's 4xx.
 */
export function fromDatabaseError(error: unknown): HttpError | undefined {
  if (isConnectionFailure(error)) {
    return new HttpError(503, 'database_unavailable', 'The database is unavailable; retry shortly.', {
      cause: error,
      headers: { 'Retry-After': '2' },
    });
  }
  const { code, constraint_name: constraint } = (error ?? {}) as { code?: unknown; constraint_name?: unknown };
  if (typeof code !== 'string') return undefined;
  const invalid = (message: string) => new HttpError(422, 'validation_failed', message, { cause: error });
  switch (code) {
    case '28000': // invalid_authorization_specification, raised by create_document: the token's user no longer exists
      return new HttpError(401, 'auth_invalid', 'The signed-in user no longer exists; sign in again.', {
        cause: error,
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    case '42501': // insufficient_privilege: RLS or a service-only transition
      return new HttpError(403, 'forbidden', 'You are not allowed to make this change to this document.', { cause: error });
    case '23514': // check_violation
      // A table CHECK constraint (it has a name) judged a value the client sent; our triggers
      // raise 23514 without one for a refused state transition.
      if (typeof constraint === 'string' && constraint !== '') {
        return invalid(`A value in the request is not allowed (${constraint}).`);
      }
      return new HttpError(409, 'invalid_state', 'The document is not in a state that allows this.', { cause: error });
    case '23505': // unique_violation
      return new HttpError(409, 'invalid_state', 'The document is not in a state that allows this.', { cause: error });
    case '23502': // not_null_violation: a required value was missing
      return invalid('A required value in the request is missing.');
    case '22021': // character_not_in_repertoire: NUL (or invalid UTF-8) in text
    case '22P05': // untranslatable_character: \u0000 in jsonb
      return invalid('A text value contains a character that cannot be stored (NUL or an unpaired surrogate); remove it.');
    case '22001': // string_data_right_truncation
      return invalid('A text value in the request is too long.');
  }
  // Class 22, data exception: 22P02 invalid_text_representation (also jsonb's unpaired
  // surrogates), 22003 numeric_value_out_of_range, 22007/22008 dates, 22023, … — all the
  // value the client sent, never the server's fault.
  if (code.startsWith('22')) return invalid('A value in the request is out of range or malformed.');
  return undefined;
}

/**
 * Where a request's time goes, for its log line: `auth` (verifying the token), `db` (every
 * transaction, from asking the pool to commit), `dbWait` (the part of `db` before the first
 * statement: waiting for a pooled connection, plus BEGIN), and what routes time themselves
 * (`storage`: the signed-upload-URL call). Milliseconds, summed when a step repeats.
 */
function requestTimings() {
  const timings: Record<string, number> = {};
  const add = (name: string, ms: number) => void (timings[name] = (timings[name] ?? 0) + ms);
  const time = async <T>(name: string, work: Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work;
    } finally {
      add(name, performance.now() - started);
    }
  };
  const inTx = <T>(run: (fn: (tx: Tx) => Promise<T>) => Promise<T>, fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const asked = performance.now();
    return time('db', run((tx) => {
      add('dbWait', performance.now() - asked);
      return fn(tx);
    }));
  };
  const timedDb = (db: Db): Db => ({
    asUser: (caller, fn) => inTx((f) => db.asUser(caller, f), fn),
    asService: (fn) => inTx((f) => db.asService(f), fn),
    end: () => db.end(),
  });
  const rounded = () => Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  return { time, timedDb, rounded, isEmpty: () => Object.keys(timings).length === 0 };
}

export function createHandler(name: string, routes: Routes, getDeps: () => Deps = depsFromEnv) {
  const allowed = Object.keys(routes);
  return async function handler(req: Request): Promise<Response> {
    const started = performance.now();
    let deps: Deps;
    try {
      deps = getDeps();
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', msg: 'function misconfigured', fn: name, error: String(error) }));
      return errorResponse(new HttpError(500, 'internal_error', 'The function is misconfigured; see its logs.'));
    }
    const requestId = req.headers.get('x-request-id') ?? crypto.randomUUID();
    const log = deps.log.child({ fn: name, requestId });
    const early = preflight(req, deps.config.cors);
    if (early) return early;

    const timings = requestTimings();
    let response: Response;
    try {
      const route = routes[req.method as keyof Routes];
      if (!route) throw methodNotAllowed(allowed);
      let cached: Promise<Caller> | undefined;
      const ctx: RequestContext = {
        ...deps,
        db: timings.timedDb(deps.db),
        req,
        requestId,
        log,
        caller: () => (cached ??= timings.time('auth', authenticate(req, deps.config.auth, deps.clock))),
        time: timings.time,
      };
      response = await route(ctx);
    } catch (error) {
      const mapped = error instanceof HttpError ? error : fromDatabaseError(error);
      if (mapped) {
        response = errorResponse(mapped);
        if (mapped.status >= 500) log.log('error', 'request failed', { status: mapped.status, error: mapped.cause ?? mapped });
      } else {
        log.log('error', 'unexpected error', { error });
        response = errorResponse(new HttpError(500, 'internal_error', `Something went wrong on our side (request ${requestId}); retry, and report it if it persists.`));
      }
    }
    response.headers.set('x-request-id', requestId);
    log.log('info', 'request', {
      method: req.method,
      path: new URL(req.url).pathname,
      status: response.status,
      ms: Math.round(performance.now() - started),
      ...(timings.isEmpty() ? {} : { timings: timings.rounded() }),
    });
    return withCors(req, response, deps.config.cors);
  };
}
