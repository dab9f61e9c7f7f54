// Test support for the functions: a real Postgres (TEST_DB_URL, started by
// scripts/test-functions.mjs with every migration applied), real JWTs, a frozen clock, and a
// small stand-in for the one Storage call upload-handler makes (createSignedUploadUrl) until
// the local stack serves real Storage.
import postgres from 'postgres';
import { SignJWT, jwtVerify } from 'jose';
import type { Deps } from '../_shared/app.ts';
import { FrozenClock } from '../_shared/clock.ts';
import { createDb, type Db } from '../_shared/db.ts';
import type { Config } from '../_shared/env.ts';
import { memoryLogger } from '../_shared/log.ts';

export const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const WEBHOOK_SECRET = 'whsec_' + btoa('test-webhook-secret-0123456789abcdef');
export const SHARED_SECRET = 'llamaparse-shared-secret-for-tests';

const dbUrl = Deno.env.get('TEST_DB_URL');
if (!dbUrl) throw new Error('TEST_DB_URL is not set: run the suite with `node scripts/test-functions.mjs`');

/** Superuser connection for arranging and inspecting rows behind RLS. */
export const admin = postgres(dbUrl, { max: 2, onnotice: () => {} });
let sharedDb: Db | undefined;
const db = () => (sharedDb ??= createDb(dbUrl!, { max: 6 }));

/** Deno.test without the op/resource sanitizers (a pooled DB connection outlives one test). */
export function test(name: string, fn: () => Promise<void> | void) {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

export async function createUser(email?: string): Promise<string> {
  const id = crypto.randomUUID();
  await admin`insert into auth.users (id, aud, role, email) values (${id}, 'authenticated', 'authenticated', ${email ?? `${id}@test.invalid`})`;
  return id;
}

export async function signJwt(claims: Record<string, unknown>, opts: { secret?: string; expiresIn?: number; now?: Date } = {}) {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
}

export const userToken = (userId: string, opts: Parameters<typeof signJwt>[1] = {}) =>
  signJwt({ sub: userId, role: 'authenticated', aud: 'authenticated' }, opts);
export const serviceToken = (opts: Parameters<typeof signJwt>[1] = {}) => signJwt({ role: 'service_role', iss: 'supabase' }, opts);
export const anonToken = () => signJwt({ role: 'anon', iss: 'supabase' });

export interface StorageStandIn {
  url: string;
  calls: { path: string; authorization: string | null; upsert: string | null }[];
  /** Answer the next sign request with this status (then behave again). */
  failNext(status: number): void;
  /** Hold the next sign request this long before answering. */
  delayNext(ms: number): void;
  close(): Promise<void>;
}

/**
 * Answers POST /storage/v1/object/upload/sign/<bucket>/<path> like Supabase Storage: checks the
 * caller's JWT, and returns `{ url: "/object/upload/sign/<bucket>/<path>?token=<jwt>" }` with a
 * token of the same claims Storage signs (owner, url, upsert, scope "upload", exp).
 */
export function startStorageStandIn(): StorageStandIn {
  const calls: StorageStandIn['calls'] = [];
  let failWith: number | undefined;
  let delay = 0;
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const match = /^\/storage\/v1\/object\/upload\/sign\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return Response.json({ error: 'not found' }, { status: 404 });
    const authorization = req.headers.get('authorization');
    calls.push({ path: decodeURIComponent(match[2]!), authorization, upsert: req.headers.get('x-upsert') });
    if (delay) {
      const ms = delay;
      delay = 0;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    if (failWith) {
      const status = failWith;
      failWith = undefined;
      return Response.json({ statusCode: String(status), error: 'Error', message: 'stand-in failure' }, { status });
    }
    let owner: string;
    try {
      const { payload } = await jwtVerify(authorization?.replace(/^Bearer /, '') ?? '', new TextEncoder().encode(JWT_SECRET));
      owner = String(payload.sub);
    } catch {
      return Response.json({ statusCode: '403', error: 'Unauthorized', message: 'invalid jwt' }, { status: 400 });
    }
    const objectUrl = `${match[1]}/${decodeURIComponent(match[2]!)}`;
    const token = await signJwt({ owner, url: objectUrl, upsert: req.headers.get('x-upsert') === 'true', scope: 'upload' }, { expiresIn: 7200 });
    return Response.json({ url: `/object/upload/sign/${objectUrl}?token=${token}`, token });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    calls,
    failNext: (status) => void (failWith = status),
    delayNext: (ms) => void (delay = ms),
    close: () => server.shutdown(),
  };
}

export interface TestDeps extends Deps {
  clock: FrozenClock;
  log: ReturnType<typeof memoryLogger>;
}

export function testDeps(overrides: { supabaseUrl?: string; config?: Partial<Config>; clock?: FrozenClock } = {}): TestDeps {
  const config: Config = {
    supabaseUrl: overrides.supabaseUrl ?? 'http://127.0.0.1:9',
    publishableKey: 'sb_publishable_for-tests',
    dbUrl: dbUrl!,
    auth: { jwtSecret: JWT_SECRET },
    cors: {},
    bucket: 'documents',
    webhookSecrets: [WEBHOOK_SECRET],
    sharedSecretHeader: 'x-webhook-secret',
    sharedSecret: SHARED_SECRET,
    ...overrides.config,
  };
  return {
    config,
    db: db(),
    clock: overrides.clock ?? new FrozenClock(),
    log: memoryLogger(),
    fetch: globalThis.fetch.bind(globalThis),
  };
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: BodyInit;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Call a handler the way a client would; returns status, parsed JSON body and headers. */
export async function call(
  handler: (req: Request) => Promise<Response>,
  method: string,
  opts: CallOptions = {},
  path = '/functions/v1/fn',
) {
  const url = new URL(`http://localhost${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set('authorization', `Bearer ${opts.token}`);
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const res = await handler(new Request(url, { method, headers, body }));
  const text = await res.text();
  // Nothing a client can send may produce a server error.
  if (res.status >= 500 && res.status !== 502 && res.status !== 503) {
    throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  }
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** A fresh, well-formed MD5-shaped hash (tests need distinct contents, not real digests). */
export const randomHash = () => crypto.randomUUID().replaceAll('-', '');

// deno-lint-ignore no-explicit-any
export async function documentRow(id: string): Promise<Record<string, any>> {
  const [row] = await admin`select * from public.documents where id = ${id}`;
  if (!row) throw new Error(`no document ${id}`);
  return row;
}

export async function countDocuments(userId: string): Promise<number> {
  const [row] = await admin<{ n: number }[]>`select count(*)::int as n from public.documents where user_id = ${userId}`;
  return row!.n;
}

export async function progressRows(documentId: string) {
  return await admin<{ payload: Record<string, unknown>; created_at: Date }[]>`
    select payload, created_at from public.realtime_progress_updates where document_id = ${documentId} order by created_at, id`;
}

export async function setFlag(flag: string, values: { is_enabled?: boolean; rollout_percentage?: number; target_user_ids?: string[] }) {
  await admin`update public.feature_flags set ${admin(values as Record<string, unknown>)} where flag_name = ${flag}`;
}

/** A snapshot of every table a rejected request must leave untouched. */
export async function dbFingerprint() {
  const [row] = await admin`
    select (select count(*) from public.documents)::int as documents,
           (select coalesce(max(updated_at), 'epoch') from public.documents) as last_update,
           (select count(*) from public.realtime_progress_updates)::int as progress_rows,
           (select count(*) from public.webhook_events)::int as webhook_events`;
  return row;
}
