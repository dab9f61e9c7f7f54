// Database access straight over SUPABASE_DB_URL with the `postgres` driver, in one of two modes:
//
// - as the calling user: in a transaction with `role` = authenticated and
//   `request.jwt.claims` = the verified claims (set_config(…, true), exactly what PostgREST does
//   per request), so RLS and the status-transition trigger decide what the user may do;
// - as the service: role service_role (bypasses RLS) for webhooks and processors, after the
//   function has verified the signature or ownership itself.
//
// Why not supabase-js over PostgREST: upload-handler needs several statements in one transaction
// (flag check, race-safe create_document, and rolling back if Storage refuses to sign), and
// PostgREST gives one statement per request. The direct connection keeps those atomic.
import postgres from 'postgres';
import type { Caller } from './auth.ts';

export type Tx = postgres.TransactionSql;

export interface Db {
  asUser<T>(caller: Caller, fn: (tx: Tx) => Promise<T>): Promise<T>;
  asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

export function createDb(url: string, options: { max?: number } = {}): Db {
  const sql = postgres(url, {
    // A function instance serves few requests at once; Supavisor pools beyond that.
    max: options.max ?? 4,
    // Transaction-mode poolers do not keep prepared statements between transactions.
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'v2-uploader-functions' },
  });

  const run = <T>(role: string, claims: Record<string, unknown>, fn: (tx: Tx) => Promise<T>) =>
    sql.begin(async (tx) => {
      await tx`select set_config('role', ${role}, true),
                      set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
      return await fn(tx);
    }) as Promise<T>;

  return {
    asUser: (caller, fn) => run(caller.role, caller.claims, fn),
    asService: (fn) => run('service_role', { role: 'service_role' }, fn),
    end: () => sql.end({ timeout: 5 }),
  };
}
