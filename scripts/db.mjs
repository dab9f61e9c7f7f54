#!/usr/bin/env node
// The main job (for now): a local database with Supabase's bootstrap, every migration and the
// demo seed applied, kept in .local/db across runs (`--reset` starts from scratch), listening
// on 127.0.0.1 (port 54322 like `supabase start`, or a free one when that is taken).
// Runs until Ctrl-C / SIGTERM, then stops the server.
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, psql, startPostgres } from './lib/pg.mjs';
import { applyAll, root } from './lib/migrate.mjs';

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string' },
    'exit-after-start': { type: 'boolean', default: false },
  },
});

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const wanted = Number(values.port ?? process.env.V2_DB_PORT ?? 54322);
const port = (await portIsFree(wanted)) ? wanted : await freePort();
const localDir = path.join(root, '.local');
mkdirSync(localDir, { recursive: true });

const pg = await startPostgres({ dataDir: path.join(localDir, 'db'), port, reset: values.reset });
const ran = await applyAll(pg, { seed: true });
const counts = psql(pg.url, {
  tuples: true,
  sql: `select (select count(*) from supabase_migrations.schema_migrations) || ' migrations, '
            || (select count(*) from auth.users) || ' users, '
            || (select count(*) from public.documents) || ' documents'`,
}).trim();
writeFileSync(path.join(localDir, 'db.json'), JSON.stringify({ dbUrl: pg.url, port: pg.port }, null, 2) + '\n');

console.log(`
v2-uploader database is running
  url         ${pg.url}
  data        ${path.relative(root, pg.dataDir)} (kept across runs; --reset starts over)
  applied     ${ran.length ? ran.join(', ') : 'nothing new'}
  contents    ${counts}

Try:
  psql ${pg.url} -c 'select * from document_processing_stats'
  psql ${pg.url} -c 'select id, status, minutes_since_progress from stuck_documents'
  # act as the demo user alice, as PostgREST would:
  psql ${pg.url} -c "begin; set local role authenticated; set local request.jwt.claims to '{\\"sub\\":\\"11111111-1111-4111-8111-111111111111\\",\\"role\\":\\"authenticated\\"}'; select filename, status from documents; commit"

Ctrl-C stops it.`);

if (values['exit-after-start']) {
  pg.stop();
} else {
  // Keep the process (and so the server) alive until a signal arrives; pg.mjs stops it then.
  setInterval(() => {}, 1 << 30);
}
