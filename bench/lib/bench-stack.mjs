// The local stack for benches that send files larger than the product allows: the schema, the
// functions and the `documents` bucket cap files at 50 MiB by design, and the stack's Storage
// also applies supabase/config.toml's global [storage] file_size_limit (50 MiB, as hosted
// Supabase does). For the large-file benches only, this process reads that file with the
// global limit raised (the file on disk is unchanged; `documents` keeps its own 50 MiB cap),
// and a bench-only bucket `bench` (no per-bucket limit) with a permissive policy for
// authenticated users is created in the stack's database.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import { root } from './common.mjs';

export const BENCH_GLOBAL_LIMIT = '4GiB';
const configToml = fs.realpathSync(`${root}/supabase/config.toml`);

/** Starts the stack with the global upload limit raised to BENCH_GLOBAL_LIMIT and the `bench` bucket. */
export async function startBenchStack(options = {}) {
  const original = fs.readFileSync;
  fs.readFileSync = function readFileSync(file, ...rest) {
    const p = file instanceof URL ? fileURLToPath(file) : typeof file === 'string' ? file : undefined;
    const out = original.call(this, file, ...rest);
    if (p && fs.realpathSync(p) === configToml && typeof out === 'string') {
      return out.replace(/^file_size_limit\s*=\s*"[^"]*"/m, `file_size_limit = "${BENCH_GLOBAL_LIMIT}"`);
    }
    return out;
  };
  syncBuiltinESMExports();
  let stack;
  try {
    const { startStack } = await import('../../stack/src/stack.mjs');
    stack = await startStack({ port: 0, processor: false, log: () => {}, ...options });
  } finally {
    fs.readFileSync = original;
    syncBuiltinESMExports();
  }
  await stack.sql`insert into storage.buckets (id, name, public, file_size_limit) values ('bench', 'bench', false, null) on conflict (id) do nothing`;
  await stack.sql.unsafe(`
    drop policy if exists bench_all on storage.objects;
    create policy bench_all on storage.objects for all to authenticated using (bucket_id = 'bench') with check (bucket_id = 'bench');`);
  return stack;
}

/** Deletes everything in the `bench` bucket: rows and files (stored and unfinished TUS uploads). */
export async function clearBenchBucket(stack) {
  await stack.sql`delete from storage.objects where bucket_id = 'bench'`;
  for (const dir of ['objects', 'tus']) fs.rmSync(`${stack.storageDir}/${dir}/bench`, { recursive: true, force: true });
}

/**
 * Deletes every document (rows, with their fingerprints and merges, and their objects in the
 * `documents` bucket): a stored document of the same size is a dedup candidate for the next
 * upload (upload-handler's late-hash start), which would make it hash first.
 */
export async function clearDocuments(stack) {
  await stack.sql`delete from public.documents`;
  await stack.sql`delete from storage.objects where bucket_id = 'documents'`;
  for (const dir of ['objects', 'tus']) fs.rmSync(`${stack.storageDir}/${dir}/documents`, { recursive: true, force: true });
}
