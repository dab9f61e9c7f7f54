// @ts-check
// Shared by the stack's tests: one stack per test file on a free port, and real supabase-js
// clients (Node 20 has no global WebSocket, so realtime gets the `ws` implementation).
import http from 'node:http';
import { createClient } from '@supabase/supabase-js';
import * as tus from 'tus-js-client';
import WebSocket from 'ws';
import { startStack } from '../src/stack.mjs';
import { planTusOptions } from '../../scripts/lib/tus-plan.mjs';

export { planTusOptions };

/**
 * A project created today by default; V2_STACK_PROFILE=legacy runs the same tests against an
 * older project (HS256 keys, default grants on), as `npm test`'s stack-legacy suite does.
 */
export const LEGACY = process.env.V2_STACK_PROFILE === 'legacy';

/** @param {Parameters<typeof startStack>[0]} [options] */
export async function startTestStack(options = {}) {
  return await startStack({ port: 0, log: () => {}, legacy: LEGACY, ...options });
}

/** Every client made here, so a test file can disconnect them all before the stack stops. */
const clients = new Set();

/** Leave every realtime channel and close the sockets (realtime-js would otherwise reconnect forever). */
export async function disconnectClients() {
  for (const c of clients) {
    await c.removeAllChannels().catch(() => {});
    c.realtime.disconnect();
  }
  clients.clear();
}

/**
 * A supabase-js client of the stack, as an app made today would make it: with the publishable
 * key (the legacy anon key when given only that — legacy-profile tests, or any other key).
 * @param {{ url: string, anonKey: string, publishableKey?: string }} stack
 * @param {Parameters<typeof createClient>[2]} [options]
 */
export function client(stack, options = {}) {
  const c = createClient(stack.url, stack.publishableKey ?? stack.anonKey, {
    ...options,
    auth: { persistSession: false, autoRefreshToken: false, ...options.auth },
    realtime: { transport: /** @type {any} */ (WebSocket), ...options.realtime },
  });
  clients.add(c);
  return c;
}

/** Sign up a fresh user and return the signed-in client with its session. */
export async function signedInClient(/** @type {{ url: string, anonKey: string, publishableKey?: string }} */ stack) {
  const c = client(stack);
  const email = `user-${crypto.randomUUID()}@example.com`;
  const { data, error } = await c.auth.signUp({ email, password: 'correct horse battery' });
  if (error || !data.session || !data.user) throw error ?? new Error('no session');
  return { client: c, user: data.user, session: data.session, email };
}

/**
 * Subscribe a signed-in client to realtime_progress_updates inserts (only `userId`'s rows when
 * given, else whatever Realtime lets it see); resolves once subscribed, with the array the
 * payloads land in.
 * @param {any} c @param {string} [userId]
 */
export async function followProgress(c, userId) {
  /** @type {any[]} */
  const rows = [];
  await new Promise((resolve, reject) => {
    c.channel(`progress-${userId ?? 'all'}-${crypto.randomUUID()}`)
      .on('postgres_changes', {
        event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', ...(userId ? { filter: `user_id=eq.${userId}` } : {}),
      }, (/** @type {any} */ change) => rows.push(change.new.payload))
      .subscribe((/** @type {string} */ status, /** @type {Error | undefined} */ err) => {
        if (status === 'SUBSCRIBED') resolve(undefined);
        if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(err ?? new Error(status));
      });
  });
  return rows;
}

/** Wait until `check` returns a truthy value (polling), or fail after `ms`. */
export async function eventually(/** @type {() => Promise<any>} */ check, ms = 5000, every = 50) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`condition not met within ${ms} ms (last: ${JSON.stringify(last)})`);
}

/**
 * A request with the path exactly as written (fetch and `new URL` resolve "." and ".." away).
 * @param {string} baseUrl @param {string} method @param {string} rawPath @param {Record<string, string>} headers
 * @returns {Promise<Response>}
 */
export function rawRequest(baseUrl, method, rawPath, headers) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method, headers }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: /** @type {any} */ (res.headers) })));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Deterministic bytes that look like a PDF to anyone who sniffs them. @param {number} size */
export function pdfBytes(size, seed = 1) {
  const buf = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x & 0xff;
  }
  buf.write('%PDF-1.7\n', 0, 'latin1');
  return buf;
}


/**
 * Send `bytes` with tus-js-client the way upload-handler's plan says (the signed TUS route,
 * `x-signature` on every request); resolves with the upload URL when every byte is stored.
 * @param {{ tusEndpoint: string, chunkSize: number, token: string, bucket: string, path: string }} plan
 * @param {Buffer} bytes
 * @param {Partial<import('tus-js-client').UploadOptions>} [options]
 * @returns {Promise<string>}
 */
export function tusUpload(plan, bytes, options = {}) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      ...planTusOptions(plan),
      retryDelays: [0, 200, 500],
      ...options,
      onSuccess: () => resolve(/** @type {string} */ (upload.url)),
      onError: reject,
    });
    upload.start();
  });
}
