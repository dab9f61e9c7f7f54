// @ts-check
// /functions/v1/<name>: the three Edge Functions running in real Deno (stack/functions-main.ts
// imports each supabase/functions/<name>/index.ts), with the environment a deployed function
// gets. The gateway enforces `verify_jwt` from supabase/config.toml as Supabase's does: a
// function with verify_jwt = true needs a valid JWT in Authorization before it is called — a
// session token (ES256 against the JWKS, or legacy HS256) or a legacy anon/service_role key; an
// sb_ API key is not a JWT and does not pass (Supabase's docs: use verify_jwt = false for those).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { root } from '../../scripts/lib/migrate.mjs';
import { bearer, sendJson } from './http.mjs';

/**
 * What a deployed function finds in Deno.env (Supabase's "default secrets"): the key sets are
 * JSON objects of name → key (`{"default": "sb_…"}`, as the CLI's edge-runtime main and hosted
 * give them), SUPABASE_JWKS is the JWK Set served at /auth/v1/.well-known/jwks.json. There is no
 * SUPABASE_JWT_SECRET on hosted.
 * @param {import('./stack.mjs').StackContext} ctx
 * @returns {Record<string, string>}
 */
export function hostedDefaultSecrets(ctx) {
  return {
    SUPABASE_URL: ctx.url,
    SUPABASE_DB_URL: ctx.dbUrl,
    SUPABASE_JWKS: JSON.stringify(ctx.jwks),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: ctx.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: ctx.secretKey }),
    SUPABASE_ANON_KEY: ctx.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: ctx.serviceRoleKey,
  };
}

/**
 * User secrets from supabase/functions/.env, as `supabase functions serve` loads them; names
 * starting with SUPABASE_ are skipped, as the CLI skips them ("Env name cannot start with
 * SUPABASE_").
 * @param {string} file
 * @returns {Record<string, string>}
 */
export function userSecrets(file) {
  if (!existsSync(file)) return {};
  const parsed = parseEnv(readFileSync(file, 'utf8'));
  return Object.fromEntries(Object.entries(parsed).filter(([name]) => !name.startsWith('SUPABASE_')));
}

/**
 * The functions' environment: the machine's (PATH, HOME, Deno's cache; no SUPABASE_* from the
 * shell that started the stack), the user's secrets, the stack's own secrets — what a project
 * would `supabase secrets set`: the webhook secret it signs Storage events with, the legacy JWT
 * secret under a name the CLI accepts (tests sign HS256 sessions), a pool of 10 because one Deno
 * process here serves every function (hosted runs an isolate, with its own pool, per function
 * and instance) — then the hosted defaults, and last what the tests ask for.
 * @param {import('./stack.mjs').StackContext} ctx
 * @returns {Record<string, string>}
 */
function functionsEnvironment(ctx) {
  /** @type {Record<string, string>} */
  const machine = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('SUPABASE_')) machine[name] = value;
  }
  return {
    ...machine,
    ...userSecrets(path.join(root, 'supabase/functions/.env')),
    WEBHOOK_SECRETS: ctx.webhookSecret,
    JWT_SECRET: ctx.jwtSecret,
    DB_POOL_MAX: '10',
    ...hostedDefaultSecrets(ctx),
    FUNCTIONS_PORT: '0',
    NO_COLOR: '1',
    ...ctx.functionsEnv,
  };
}

/** @param {import('./stack.mjs').StackContext} ctx @returns {Promise<import('./stack.mjs').Service>} */
export async function createFunctionsService(ctx) {
  const config = /** @type {{ functions?: Record<string, { verify_jwt?: boolean }> }} */ (
    parseToml(readFileSync(path.join(root, 'supabase/config.toml'), 'utf8'))
  );
  const verifyJwt = new Map(Object.entries(config.functions ?? {}).map(([name, c]) => [name, c.verify_jwt !== false]));
  for (const [name, on] of Object.entries(ctx.functionsVerifyJwt ?? {})) verifyJwt.set(name, on);

  const child = spawn(path.join(root, 'scripts/deno'), [
    'run', '--allow-all', '--config', 'supabase/functions/deno.json', 'stack/functions-main.ts',
  ], {
    cwd: root,
    env: functionsEnvironment(ctx),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  /** @type {number} */
  const port = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`functions did not start:\n${buffered}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`functions exited (${code}) before listening:\n${buffered}`));
    });
    child.stdout?.on('data', (chunk) => {
      buffered += chunk;
      const m = /"msg":"functions listening","port":(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr?.on('data', (chunk) => (buffered += chunk));
  });
  // After start-up, keep the functions' structured logs visible (as `supabase functions serve` does).
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  child.stdout?.on('data', (chunk) => ctx.log(`functions: ${String(chunk).trimEnd()}`));
  child.stderr?.on('data', (chunk) => ctx.log(`functions: ${String(chunk).trimEnd()}`));

  const agent = new http.Agent({ keepAlive: true });
  return {
    prefix: '/functions/v1',
    async handle(req, res, url) {
      const name = url.pathname.slice('/functions/v1/'.length).split('/')[0] ?? '';
      if (ctx.functionsOmit?.includes(name)) {
        // What hosted answers for a function that was never deployed (or was deleted).
        req.resume();
        sendJson(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
        return;
      }
      if (req.method !== 'OPTIONS' && verifyJwt.get(name)) {
        const token = bearer(req);
        let ok = false;
        if (token) {
          try {
            await ctx.verifyJwt(token);
            ok = true;
          } catch {
            ok = false;
          }
        }
        if (!ok) {
          req.resume();
          // Hosted's verify_jwt refusal carries no CORS headers (supabase/edge-runtime#213): a
          // browser cannot read it. The same here, so nothing works locally that breaks there
          // (our functions run with verify_jwt = false and answer 401 with CORS themselves).
          for (const header of res.getHeaderNames()) if (header.startsWith('access-control-')) res.removeHeader(header);
          sendJson(res, 401, { code: 401, message: token ? 'Invalid JWT' : 'Missing authorization header' });
          return;
        }
      }
      await new Promise((resolve, reject) => {
        const upstream = http.request({
          host: '127.0.0.1',
          port,
          method: req.method,
          path: url.pathname + url.search,
          headers: req.headers,
          agent,
        }, (up) => {
          const headers = { ...up.headers };
          const early = !req.complete;
          if (early) {
            // The function answered (e.g. 413) before reading the whole body: stop forwarding,
            // drain the rest, and tell the client this connection is done rather than reset it
            // (the gateway reads what the client still sends before closing: gateway.mjs).
            req.unpipe(upstream);
            req.resume();
            headers.connection = 'close';
          }
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
          up.on('end', () => {
            // The request to Deno was cut short: that connection cannot carry another request.
            if (early) upstream.destroy();
            resolve(undefined);
          });
          up.on('error', reject);
        });
        upstream.on('error', (error) => {
          sendJson(res, 502, { code: 502, message: `functions unreachable: ${error.message}` });
          resolve(undefined);
        });
        req.pipe(upstream);
      });
    },
    async close() {
      agent.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
