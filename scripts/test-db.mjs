#!/usr/bin/env node
// pgTAP suite: a throwaway cluster with bootstrap, migrations and seed, then pg_prove over
// supabase/tests exactly as `supabase test db` runs it (`pg_prove --ext .sql -r`).
import { spawnSync } from 'node:child_process';
import { startPostgres } from './lib/pg.mjs';
import { applyAll, root } from './lib/migrate.mjs';

const pg = await startPostgres();
let status = 1;
try {
  applyAll(pg.url, { seed: true });
  const files = process.argv.slice(2);
  const res = spawnSync(
    'pg_prove',
    ['-h', pg.host, '-p', String(pg.port), '-U', 'postgres', '-d', 'postgres', '--ext', '.sql', '-r',
     ...(files.length ? files : ['supabase/tests'])],
    { cwd: root, stdio: 'inherit' },
  );
  status = res.status ?? 1;
} finally {
  pg.stop();
}
process.exit(status);
