#!/usr/bin/env node
// pgTAP suite: a throwaway cluster with bootstrap, migrations and seed, then pg_prove over
// supabase/tests as `supabase test db` runs it (`pg_prove --ext .sql -r`), logged in as
// `postgres`, which is not a superuser, as on hosted Supabase. `--legacy` builds the database
// of an older project (default grants on). psql variable db_password lets a test open more
// sessions with dblink (a non-superuser must give a password).
import { spawnSync } from 'node:child_process';
import { DB_PASSWORD, startPostgres } from './lib/pg.mjs';
import { applyAll, root } from './lib/migrate.mjs';

const args = process.argv.slice(2);
const legacy = args.includes('--legacy');
const files = args.filter((a) => a !== '--legacy');
const pg = await startPostgres();
let status = 1;
try {
  await applyAll(pg, { seed: true, legacy });
  const res = spawnSync(
    'pg_prove',
    ['-h', pg.host, '-p', String(pg.port), '-U', 'postgres', '-d', 'postgres', '--ext', '.sql', '-r',
     '-S', `db_password=${DB_PASSWORD}`, ...(files.length ? files : ['supabase/tests'])],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PGPASSWORD: DB_PASSWORD } },
  );
  status = res.status ?? 1;
} finally {
  pg.stop();
}
process.exit(status);
