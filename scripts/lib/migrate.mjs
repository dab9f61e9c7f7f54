// Lay the reference backend onto a throwaway cluster: Supabase's pre-migration objects
// (stack/bootstrap.sql), then supabase/migrations in order (recorded in
// supabase_migrations.schema_migrations as the Supabase CLI does), then supabase/seed.sql.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { psql } from './pg.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const migrationsDir = path.join(root, 'supabase/migrations');

export function migrationFiles() {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

/** @returns {string[]} the migrations applied by this call */
export function applyAll(url, { seed = false } = {}) {
  psql(url, { file: path.join(root, 'stack/bootstrap.sql') });
  const applied = new Set(
    psql(url, { sql: 'select version from supabase_migrations.schema_migrations', tuples: true })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\d{14}$/.test(l)),
  );
  const ran = [];
  for (const file of migrationFiles()) {
    const version = file.slice(0, 14);
    if (applied.has(version)) continue;
    const name = file.slice(15, -4);
    const body = readFileSync(path.join(migrationsDir, file), 'utf8');
    // One transaction per migration, recorded in the same transaction.
    const sql = `begin;\n${body}\n;\ninsert into supabase_migrations.schema_migrations (version, name) values ('${version}', '${name}');\ncommit;\n`;
    psql(url, { sql, quiet: true });
    ran.push(file);
  }
  if (seed) psql(url, { file: path.join(root, 'supabase/seed.sql') });
  return ran;
}
