#!/usr/bin/env node
// Deno suite for the Edge Functions: a throwaway cluster with bootstrap and migrations, then
// `deno test` over supabase/functions with TEST_DB_URL pointing at it THROUGH a transaction-mode
// pooler (pgbouncer, as Supavisor on port 6543 on hosted Supabase), so everything the functions
// do with the database is proven to work there. Extra arguments go to deno test (e.g. a file, or
// --filter); `--direct` connects straight to Postgres instead; `--legacy` builds the database of
// an older project (default grants on).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startPostgres } from './lib/pg.mjs';
import { startPgbouncer } from './lib/pgbouncer.mjs';
import { applyAll, root } from './lib/migrate.mjs';

const direct = process.argv.includes('--direct');
const legacy = process.argv.includes('--legacy');
const args = process.argv.slice(2).filter((a) => a !== '--direct' && a !== '--legacy');
const pg = await startPostgres();
let status = 1;
/** @type {Awaited<ReturnType<typeof startPgbouncer>> | undefined} */
let pooler;
try {
  await applyAll(pg, { legacy });
  pooler = direct ? undefined : await startPgbouncer(pg);
  console.log(`deno suite: the functions' database is ${pooler ? `pgbouncer (transaction mode) on port ${pooler.port}` : 'Postgres, directly'}`);
  // The entry points are not imported by the tests: type-check them (and the stack's router) too.
  const check = spawnSync(
    path.join(root, 'scripts/deno'),
    ['check', '--config', 'supabase/functions/deno.json',
     'supabase/functions/upload-handler/index.ts', 'supabase/functions/progress-tracker/index.ts',
     'supabase/functions/processing-webhook/index.ts', 'stack/functions-main.ts'],
    { cwd: root, stdio: 'inherit' },
  );
  if (check.status !== 0) process.exit(check.status ?? 1);
  const res = spawnSync(
    path.join(root, 'scripts/deno'),
    ['test', '--allow-all', '--config', 'supabase/functions/deno.json', ...(args.length ? args : ['supabase/functions'])],
    { cwd: root, stdio: 'inherit', env: {
      ...process.env,
      TEST_DB_URL: pooler?.url ?? pg.url,
      TEST_DB_SERVER_PORT: String(pg.port),
      TEST_DB_POOLED: pooler ? '1' : '0',
    } },
  );
  status = res.status ?? 1;
} finally {
  pooler?.stop();
  pg.stop();
}
process.exit(status);
