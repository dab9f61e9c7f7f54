#!/usr/bin/env node
// Deno suite for the Edge Functions: a throwaway cluster with bootstrap and migrations, then
// `deno test` over supabase/functions with TEST_DB_URL pointing at it. Extra arguments go to
// deno test (e.g. a file, or --filter).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startPostgres } from './lib/pg.mjs';
import { applyAll, root } from './lib/migrate.mjs';

const pg = await startPostgres();
let status = 1;
try {
  await applyAll(pg);
  // The entry points are not imported by the tests: type-check them (and the stack's router) too.
  const check = spawnSync(
    path.join(root, 'scripts/deno'),
    ['check', '--config', 'supabase/functions/deno.json',
     'supabase/functions/upload-handler/index.ts', 'supabase/functions/progress-tracker/index.ts',
     'supabase/functions/processing-webhook/index.ts', 'stack/functions-main.ts'],
    { cwd: root, stdio: 'inherit' },
  );
  if (check.status !== 0) process.exit(check.status ?? 1);
  const args = process.argv.slice(2);
  const res = spawnSync(
    path.join(root, 'scripts/deno'),
    ['test', '--allow-all', '--config', 'supabase/functions/deno.json', ...(args.length ? args : ['supabase/functions'])],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TEST_DB_URL: pg.url } },
  );
  status = res.status ?? 1;
} finally {
  pg.stop();
}
process.exit(status);
