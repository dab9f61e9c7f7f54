// Database access straight over DB_URL or SUPABASE_DB_URL with the `postgres` driver, in one of two modes:
//
// - as the calling user: in a transaction with `role` = authenticated and
//   `request.jwt.claims` = the verified claims (set_config(…, true), exactly what PostgREST does
//   per request), so RLS and the status-transition trigger decide what the user may do;
// - as the service: role service_role (bypasses RLS) for webhooks and processors, after the
//   function has verified the signature or ownership itself.
//
// Why not supabase-js over PostgREST: upload-handler needs several statements in one transaction
// (flag check, race-safe create_document, reading the row), and PostgREST gives one statement
// per request. The direct connection keeps those atomic, and sends them as one pipeline.
import postgres from 'postgres';
import type { Caller } from './auth.ts';

export type Tx = postgres.TransactionSql;

/** TLS to the database (DB_SSL), as postgres.js takes it; `sslmode` in the URL works too. */
export type DbSsl = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-full';

export interface Db {
  asUser<T>(caller: Caller, fn: (tx: Tx) => Promise<T>): Promise<T>;
  asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/**
 * Connections per function instance unless DB_POOL_MAX says otherwise. Small on purpose: every
 * isolate (each function, each instance the platform scales to) has its own pool, and a
 * project's direct connections are few (60 on the smallest compute, shared with PostgREST,
 * Auth, Storage and Realtime) — behind the transaction-mode pooler (DB_URL on port 6543) more
 * is fine. A request holds a connection only for its transaction, never across an HTTP call.
 * (The local stack runs all three functions in one process and sets 10: bench/README.md.)
 */
export const DEFAULT_POOL_MAX = 3;

export function createDb(url: string, options: { max?: number; ssl?: DbSsl } = {}): Db {
  const sql = postgres(url, {
    // Connections open lazily, up to `max`, and close after 20 s idle.
    max: options.max ?? DEFAULT_POOL_MAX,
    // Only when DB_SSL is set: otherwise the URL's `?sslmode=` decides (postgres.js reads it).
    ...(options.ssl === undefined ? {} : { ssl: options.ssl === 'disable' ? false : options.ssl }),
    // Transaction-mode poolers do not keep prepared statements between transactions.
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'v2-uploader-functions' },
  });

  const run = <T>(role: string, claims: Record<string, unknown>, fn: (tx: Tx) => Promise<T>) =>
    sql.begin(async (tx) => {
      // Not awaited: the driver sends statements on a connection in the order they are made,
      // so this goes out in one write with fn's first statement(s) (a pipeline: one round trip
      // instead of two). If it fails, the statements after it fail too and the transaction
      // rolls back; the driver reports the first error.
      const configured = tx`select set_config('role', ${role}, true),
                                   set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`.execute();
      const result = await fn(tx);
      await configured;
      return result;
    }) as Promise<T>;

  return {
    asUser: (caller, fn) => run(caller.role, caller.claims, fn),
    asService: (fn) => run('service_role', { role: 'service_role' }, fn),
    end: () => sql.end({ timeout: 5 }),
  };
}
