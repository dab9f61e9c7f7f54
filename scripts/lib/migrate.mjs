// Lay the reference backend onto a throwaway cluster the way Supabase does it:
// 1. stack/bootstrap.sql as the platform superuser (what a project has before any migration:
//    roles, auth and storage schemas, Vault, default privileges of the chosen profile);
// 2. supabase/migrations in order, as `postgres` (not a superuser), each file in one
//    transaction sent statement by statement, recorded with its statements in
//    supabase_migrations.schema_migrations, as `supabase db push` does;
// 3. supabase/seed.sql, as `postgres`, the same way (`supabase db reset`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { psql } from './pg.mjs';
import { splitStatements } from './sql-split.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const migrationsDir = path.join(root, 'supabase/migrations');

export function migrationFiles() {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

/**
 * @param {{ url: string, adminUrl: string }} pg  from startPostgres
 * @param {{ seed?: boolean, legacy?: boolean }} [options]
 *   legacy: a project from before default grants were switched off (API roles get every new
 *   table, sequence and function in public by default).
 * @returns {Promise<string[]>} the migrations applied by this call
 */
export async function applyAll(pg, { seed = false, legacy = false } = {}) {
  psql(pg.adminUrl, { file: path.join(root, 'stack/bootstrap.sql'), vars: { legacy: String(legacy) } });
  const applied = new Set(
    psql(pg.url, { sql: 'select version from supabase_migrations.schema_migrations', tuples: true })
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
    const statements = JSON.stringify(splitStatements(body));
    const tag = uniqueDollarTag(statements);
    // psql sends the file's statements one by one inside this transaction (ON_ERROR_STOP ends
    // it at the first error, rolling the whole file back), then records it with its statements.
    psql(pg.url, {
      sql: `begin;\n${body}\n;\ninsert into supabase_migrations.schema_migrations (version, name, statements)
        values ('${version}', '${name}', array(select jsonb_array_elements_text(${tag}${statements}${tag}::jsonb)));\ncommit;\n`,
      label: path.relative(root, path.join(migrationsDir, file)),
    });
    ran.push(file);
  }
  if (seed) psql(pg.url, { file: path.join(root, 'supabase/seed.sql'), single: true });
  return ran;
}

/** A dollar-quote tag that does not occur in `text`. */
function uniqueDollarTag(text) {
  let n = 0;
  while (text.includes(`$s${n}$`)) n++;
  return `$s${n}$`;
}
