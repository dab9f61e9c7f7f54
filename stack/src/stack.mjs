// @ts-check
// The local stack: one process that serves the reference backend on one machine without
// Docker, with real parts — Postgres 15 (bootstrap, migrations, seed), the three functions in
// real Deno, Storage built on @tus/server + @tus/file-store, Realtime (Phoenix protocol), and
// GoTrue-compatible auth — behind one HTTP gateway on 127.0.0.1 (54321 like `supabase start`).
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { psql, registerCleanup, startPostgres } from '../../scripts/lib/pg.mjs';
import { applyAll, root } from '../../scripts/lib/migrate.mjs';
import { startPgbouncer } from '../../scripts/lib/pgbouncer.mjs';
import { answerRaw, discardRestOfBody, onClientError, requestTarget, trackSockets } from './gateway.mjs';
import { CORS_HEADERS, HttpError, sendJson } from './http.mjs';
import { applyApiKey, createKeyring, DEFAULT_JWT_SECRET, DEFAULT_WEBHOOK_SECRET } from './keys.mjs';

/** The local processing_webhook_secret (Vault) = WEBHOOK_SHARED_SECRET of the functions; local use only. */
export const DEFAULT_WEBHOOK_SHARED_SECRET = 'v2-uploader-local-storage-webhook-secret';

/** A request that arrives while the stack is starting waits this long for it, then gets 503. */
const STARTUP_WAIT_MS = 30_000;
/** Stopping waits this long for each part (a stuck client, a service that hangs) at most. */
const STOP_STEP_MS = 10_000;
/** …and this long for the gateway's connections to close once they have all been ended. */
const GATEWAY_CLOSE_MS = 2_000;

/**
 * @typedef {object} StackOptions
 * @property {number} [port]        gateway port (0 = any free port); default 54321
 * @property {string} [dataDir]     keep Postgres data and stored files here; default a temp dir
 * @property {boolean} [reset]      wipe dataDir first
 * @property {boolean} [seed]       load supabase/seed.sql (default true)
 * @property {number} [jwtExpiry]   access-token lifetime in seconds (default 3600)
 * @property {string} [jwtSecret]   the legacy HS256 secret (legacy keys; access tokens when `legacy`)
 * @property {boolean} [legacy]     a project from before JWT signing keys: HS256 access tokens, empty JWKS
 * @property {Record<string, string>} [functionsEnv]  extra environment for the functions (tests)
 * @property {Record<string, boolean>} [functionsVerifyJwt]  verify_jwt per function over supabase/config.toml's (tests)
 * @property {string[]} [functionsOmit]  functions left undeployed: the gateway answers 404 for them, as hosted does (tests)
 * @property {boolean} [pooler]     put a transaction-mode pooler (pgbouncer) between the functions and
 *   the database, as Supavisor on hosted (default true)
 * @property {string} [webhookSecret]
 * @property {Partial<import('./processor.mjs').ProcessorSettings> | false} [processor]  demo processor settings, or false
 * @property {(line: string) => void} [log]
 * @property {string} [webhookUrl]  the processing_webhook_url put in Vault: where the storage.objects
 *   Database Webhook posts (default: this stack's processing-webhook; tests point it elsewhere)
 * @property {string} [webhookSharedSecret]  the processing_webhook_secret put in Vault (and given
 *   to the functions as WEBHOOK_SHARED_SECRET)
 */

/**
 * @typedef {object} StackContext  what every service gets
 * @property {string} url            the gateway's base URL
 * @property {string} jwtSecret      legacy HS256 secret
 * @property {string} anonKey        legacy anon JWT
 * @property {string} serviceRoleKey legacy service_role JWT
 * @property {string} publishableKey sb_publishable_…
 * @property {string} secretKey      sb_secret_…
 * @property {{ keys: import('jose').JWK[] }} jwks  public signing keys (empty when legacy)
 * @property {import('./keys.mjs').Keyring} keys
 * @property {Record<string, string>} functionsEnv
 * @property {Record<string, boolean>} [functionsVerifyJwt]
 * @property {string[]} [functionsOmit]
 * @property {number} jwtExpiry
 * @property {string} webhookSecret
 * @property {string} dbUrl
 * @property {import('postgres').Sql} sql   the platform's connection pool (supabase_admin, a superuser)
 * @property {string} storageDir  where Storage keeps its files (objects/<bucket>/…, tus/…)
 * @property {(token: string) => Promise<Record<string, any>>} verifyJwt  ES256 via the JWKS, HS256 via the secret
 * @property {<T>(claims: Record<string, any>, fn: (tx: import('postgres').TransactionSql) => Promise<T>) => Promise<T>} asRole
 *   run in a transaction as the claims' role with `request.jwt.claims` set (what PostgREST does)
 * @property {(msg: string, fields?: Record<string, unknown>) => void} log
 * @property {string} webhookUrl   where Storage delivers its signed `storage` events (processing-webhook)
 */

/**
 * @typedef {object} Service
 * @property {string} prefix
 * @property {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => Promise<void> | void} handle
 * @property {(req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void} [upgrade]
 * @property {() => Promise<void> | void} [close]
 */

/** @param {StackOptions} [options] */
export async function startStack(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  const pg = await startPostgres(dataDir ? { dataDir: path.join(dataDir, 'db'), reset: options.reset ?? false } : {});
  /** @type {(() => Promise<void> | void)[]} */
  const closers = [];
  /** Stops the gateway: first, so that no request reaches a service that is stopping. */
  /** @type {(() => Promise<void>) | undefined} */
  let closeGateway;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const close of [closeGateway, ...closers.reverse()]) {
      if (!close) continue;
      try {
        await withinBound(close(), STOP_STEP_MS, () => log(`stack: a part did not stop within ${STOP_STEP_MS} ms; going on`));
      } catch (error) {
        log(`stack: error while stopping: ${error}`);
      }
    }
    pg.stop();
  };
  // Ctrl-C / SIGTERM: stop Deno and the services before the database.
  registerCleanup(stop);
  /** Tells requests waiting for the start-up that it failed (they get 503). */
  /** @type {(error: unknown) => void} */
  let startFailed = () => {};
  try {
    await applyAll(pg, { seed: options.seed ?? true, legacy: options.legacy ?? false });
    // Supavisor's transaction mode (port 6543 on hosted) in front of the database; the functions
    // use it through DB_URL, as the deploy guide tells a project to (SUPABASE_DB_URL stays the
    // direct connection, as hosted gives it).
    const pooler = options.pooler === false ? undefined : await startPgbouncer(pg);
    if (pooler) closers.push(() => pooler.stop());
    // The stack's own Realtime plumbing is platform code: it runs as the platform superuser.
    psql(pg.adminUrl, { file: path.join(root, 'stack/realtime.sql') });

    const jwtSecret = options.jwtSecret ?? DEFAULT_JWT_SECRET;
    const webhookSharedSecret = options.webhookSharedSecret ?? DEFAULT_WEBHOOK_SHARED_SECRET;
    const keys = await createKeyring({
      legacy: options.legacy ?? false,
      jwtSecret,
      ...(dataDir ? { file: path.join(dataDir, 'keys.json') } : {}),
    });
    // The platform services (auth, storage, realtime, pg_net's sender) connect as the platform
    // superuser; what they do for a caller runs under the caller's role (ctx.asRole).
    const sql = postgres(pg.adminUrl, { max: 12, onnotice: () => {} });
    closers.push(() => sql.end({ timeout: 2 }));
    const filesDir = dataDir ? path.join(dataDir, 'storage') : path.join(pg.dataDir, 'storage-files');
    mkdirSync(filesDir, { recursive: true });

    const server = createServer();
    const sockets = trackSockets(server);
    /** @type {StackContext} */
    const ctx = {
      url: '',
      jwtSecret,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      jwks: keys.jwks,
      keys,
      // The shared secret the storage Database Webhook sends (from Vault) and processing-webhook expects.
      functionsEnv: {
        WEBHOOK_SHARED_SECRET: webhookSharedSecret,
        ...(pooler ? { DB_URL: pooler.url } : {}),
        ...options.functionsEnv,
      },
      ...(options.functionsVerifyJwt ? { functionsVerifyJwt: options.functionsVerifyJwt } : {}),
      ...(options.functionsOmit ? { functionsOmit: options.functionsOmit } : {}),
      jwtExpiry: options.jwtExpiry ?? 3600,
      webhookSecret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
      dbUrl: pg.url,
      sql,
      dataDir: filesDir,
      verifyJwt: keys.verifyJwt,
      asRole: (claims, fn) =>
        /** @type {Promise<any>} */ (sql.begin(async (tx) => {
          await tx`select set_config('role', ${String(claims.role ?? 'anon')}, true),
                          set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
          return await fn(tx);
        })),
      log: (msg, fields) => log(fields ? `${msg} ${JSON.stringify(fields)}` : msg),
      webhookUrl: '',
    };

    /** Set once every service is up; until then requests wait for `ready` (see whenReady). */
    /** @type {Service[] | undefined} */
    let services;
    /** @type {(value?: unknown) => void} */
    let markReady = () => {};
    /** @type {(error: unknown) => void} */
    let markFailed = () => {};
    const ready = new Promise((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => {});
    startFailed = markFailed;

    /** Resolves with the services once the stack is up; rejects if it fails or takes too long. */
    const whenReady = () => services
      ? Promise.resolve(services)
      : withinBound(ready.then(() => /** @type {Service[]} */ (services), () => {
        throw new HttpError(503, 'unavailable', 'The local stack failed to start; see its output.');
      }), STARTUP_WAIT_MS, () => {
        throw new HttpError(503, 'starting', 'The local stack is still starting.');
      });

    /**
     * The service a request goes to, with its target as a URL; 400 for a target the gateway cannot
     * read, 404 when no service serves the path. Routed by the raw path: `new URL` would resolve
     * `/storage/v1/../auth/v1` into another service (services that take names from the path read
     * the raw path and refuse dot segments).
     * @param {Service[]} all @param {import('node:http').IncomingMessage} req
     */
    const route = (all, req) => {
      const url = requestTarget(req, ctx.url);
      const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
      const service = all.find((s) => rawPath === s.prefix || rawPath.startsWith(s.prefix + '/'));
      if (!service) throw new HttpError(404, 'not_found', `no route matched ${url.pathname}`);
      return { service, url, rawPath };
    };

    /**
     * One request, start to end: nothing it does escapes as an exception (an error is its
     * answer); a request that arrives during start-up waits for the stack.
     * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
     */
    const onRequest = (req, res) => {
      res.once('finish', () => discardRestOfBody(req));
      // Kong adds CORS for every route; services that answer CORS themselves override these.
      for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
      // Allow whatever headers a preflight asks for (supabase-js adds new ones over time, e.g.
      // x-supabase-api-version), as Supabase's gateway does.
      const asked = req.headers['access-control-request-headers'];
      if (asked) res.setHeader('access-control-allow-headers', String(asked));
      /** @type {Service | undefined} */
      let service;
      whenReady()
        .then((all) => {
          const { service: routed, url } = route(all, req);
          service = routed;
          // The gateway's key handling (sb_ keys → a JWT of their role); functions check their own.
          return Promise.resolve(routed.prefix === '/functions/v1' ? undefined : applyApiKey(req, keys))
            .then(() => routed.handle(req, res, url));
        })
        .catch((error) => {
          if (error instanceof HttpError) {
            if (error.status === 503) res.setHeader('retry-after', '1');
            sendJson(res, error.status, { code: error.code, message: error.message, error: error.code });
          } else {
            ctx.log(`stack: ${service?.prefix ?? 'gateway'} failed`, { error: String(error?.stack ?? error) });
            sendJson(res, 500, { code: 'internal_error', message: 'the local stack failed; see its output' });
          }
        })
        .finally(() => {
          // An answer that had started when the handler failed cannot be finished: end the
          // connection rather than leave the client waiting for the rest.
          if (res.headersSent && !res.writableEnded) res.destroy();
        });
    };

    /**
     * An Upgrade request: only Realtime's WebSocket switches protocols; everything else gets an
     * HTTP answer and a clean close (Node hands the socket over raw, with no response object).
     * @param {import('node:http').IncomingMessage} req @param {import('node:stream').Duplex} socket @param {Buffer} head
     */
    const onUpgrade = (req, socket, head) => {
      socket.on('error', () => {});
      whenReady()
        .then((all) => {
          const { service, rawPath } = route(all, req);
          if (!service.upgrade || !/^websocket$/i.test(String(req.headers.upgrade ?? ''))) {
            throw new HttpError(400, 'upgrade_not_supported',
              `${rawPath} does not switch to ${String(req.headers.upgrade ?? '')}: send it without Upgrade (only /realtime/v1/websocket takes a WebSocket)`);
          }
          service.upgrade(req, socket, head);
        })
        .catch((error) => {
          if (error instanceof HttpError) {
            answerRaw(socket, error.status, error.code, error.message, error.status === 503 ? { 'Retry-After': '1' } : {});
          } else {
            ctx.log('stack: upgrade failed', { error: String(error?.stack ?? error) });
            answerRaw(socket, 500, 'internal_error', 'the local stack failed; see its output');
          }
        });
    };

    // Every listener is in place before the port is bound: a request never meets a server that
    // does not answer, however early it comes.
    server.on('request', onRequest);
    server.on('upgrade', onUpgrade);
    // The gateway is not a proxy; without a listener Node would drop the connection unanswered.
    server.on('connect', (req, socket) => answerRaw(socket, 405, 'method_not_allowed',
      'The gateway is not a proxy: CONNECT is not served.', { Allow: CORS_HEADERS['access-control-allow-methods'] }));
    server.on('clientError', onClientError);
    // Node's own 417 has no body; say why, as every other refusal does.
    server.on('checkExpectation', (req, res) => sendJson(res, 417, {
      code: 'expectation_failed', message: `Expect: ${String(req.headers.expect)} is not supported (only 100-continue).`,
    }));

    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 54321, '127.0.0.1', () => resolve(undefined));
    });
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    ctx.url = `http://127.0.0.1:${address.port}`;
    ctx.webhookUrl = options.webhookUrl ?? `${ctx.url}/functions/v1/processing-webhook?source=storage`;
    closeGateway = () => sockets.close(GATEWAY_CLOSE_MS);

    const { createAuthService } = await import('./auth.mjs');
    const { createFunctionsService } = await import('./functions.mjs');
    const { createStorageService } = await import('./storage.mjs');
    const { createRealtimeService } = await import('./realtime.mjs');
    /** @type {Service[]} */
    const created = [
      await createAuthService(ctx),
      await createFunctionsService(ctx),
      await createStorageService(ctx),
      await createRealtimeService(ctx),
      (await import('./rest.mjs')).createRestService(ctx), // read-only PostgREST subset (rest.mjs)
    ];
    /** @type {import('./processor.mjs').Processor | undefined} */
    let processor;
    if (options.processor !== false) {
      const { createProcessor } = await import('./processor.mjs');
      processor = await createProcessor(ctx, options.processor || {});
      created.push(processor.service);
    }
    for (const s of created) if (s.close) closers.push(s.close);

    // pg_net's worker: Database Webhooks (the storage.objects trigger) are delivered by it. The
    // schedules (sweep, retention, reconciliation) are run by the real pg_cron in Postgres.
    const { createPgNetWorker } = await import('./pg-net.mjs');
    const pgNet = await createPgNetWorker(ctx);
    closers.push(() => pgNet.close());
    // What a project owner puts in Vault once (migration storage_object_events): where the
    // storage event goes and the secret it carries. Updated on every start (the URL's port changes).
    for (const [name, value] of [['processing_webhook_url', ctx.webhookUrl], ['processing_webhook_secret', webhookSharedSecret]]) {
      const [existing] = await sql`select id from vault.secrets where name = ${name}`;
      if (existing) await sql`select vault.update_secret(${existing.id}, ${value})`;
      else await sql`select vault.create_secret(${value}, ${name})`;
    }

    services = created;
    markReady();

    return {
      url: ctx.url,
      anonKey: ctx.anonKey,
      serviceRoleKey: ctx.serviceRoleKey,
      publishableKey: ctx.publishableKey,
      secretKey: ctx.secretKey,
      jwks: ctx.jwks,
      legacy: keys.legacy,
      dbUrl: pg.url,
      /** The transaction-mode pooler the functions use (DB_URL), when on. */
      pooler,
      storageDir: ctx.dataDir,
      jwtSecret,
      webhookSecret: ctx.webhookSecret,
      webhookSharedSecret,
      processor,
      /** Resolves once every request pg_net has queued has been sent and answered (or timed out). */
      eventsIdle: () => pgNet.idle(),
      /**
       * Run a pg_cron job now, as pg_cron runs it: its command, as the role that scheduled it.
       * (pg_cron here is the real one, but at most once a minute; tests do not wait for that.)
       * @param {string} name
       */
      runCronJob: async (/** @type {string} */ name) => {
        const [job] = await sql`select command, username from cron.job where jobname = ${name}`;
        if (!job) throw new Error(`no pg_cron job named ${name}`);
        return await sql.begin(async (tx) => {
          await tx`select set_config('role', ${job.username}, true)`;
          return await tx.unsafe(job.command);
        });
      },
      sql,
      stop,
    };
  } catch (error) {
    startFailed(error);
    // Let the requests that waited get their 503 out before the gateway closes.
    await new Promise((resolve) => setImmediate(resolve));
    await stop();
    throw error;
  }
}

/**
 * `promise`, or what `onTimeout` returns (or throws) if it has not settled within `ms`.
 * @template T @param {Promise<T> | T} promise @param {number} ms @param {() => any} onTimeout
 * @returns {Promise<T>}
 */
function withinBound(promise, ms, onTimeout) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  }).then(onTimeout);
  return Promise.race([Promise.resolve(promise), late]).finally(() => clearTimeout(timer));
}
