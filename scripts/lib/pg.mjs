// A throwaway PostgreSQL 15 cluster for tests and the local stack.
//
// - Binaries from /usr/lib/postgresql/15/bin (override with PG_BIN); never another cluster:
//   the data directory is ours (a temp dir, or .local/<name> for the main job) and the
//   server listens on 127.0.0.1 at a free port with its socket inside that directory.
// - Postgres refuses to run as root, so when we are root every server command runs as the
//   `postgres` user (runuser) and the data directory is handed to that user.
// - `wal_level=logical` so the local stack can read changes by logical replication.
// - Built the way Supabase builds a project's database (see stack/README.md, "Database"): the
//   bootstrap superuser is `supabase_admin`; every other role, `postgres` included, is made by
//   stack/bootstrap.sql without superuser. TCP logins need a password (scram-sha-256, as
//   hosted), the socket inside the data directory is trusted for our own scripts.
// - pg_cron is preloaded (it runs the migrations' schedules), and the server runs from a private
//   copy of the install (platformInstall) whose extension directory marks the extensions
//   Supabase lets `postgres` create as trusted, as Supabase's supautils extension does.
// - Stopped on process exit, Ctrl-C, SIGTERM and uncaught errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PG_SHARE = process.env.PG_SHARE ?? '/usr/share/postgresql/15';
/** Every login role of the local database has this password (as `supabase start`'s "postgres"). */
export const DB_PASSWORD = 'postgres';
/** Extensions hosted Supabase lets `postgres` create (supautils' privileged_extensions, the ones we use). */
const PRIVILEGED_EXTENSIONS = ['pg_cron', 'dblink', 'pgtap', 'pg_net'];
/** Our stand-ins for extensions Debian does not package (pg_net, supabase_vault): stack/extensions. */
const OWN_EXTENSIONS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../stack/extensions');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Ask the kernel for a free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private copy of the PostgreSQL 15 install that differs only in its extension directory.
 * Postgres finds its share and library directories relative to its own binary, so copying the
 * three server binaries and linking everything else is enough. In the extension directory the
 * control files of PRIVILEGED_EXTENSIONS say `trusted = true` (what supautils grants `postgres`
 * on hosted), and stack/extensions adds our pg_net and supabase_vault stand-ins. Built once per
 * content (a hash names the directory), readable by the server user.
 * @returns {string} the bin directory to run the server from
 */
export function platformInstall() {
  const own = existsSync(OWN_EXTENSIONS_DIR) ? readdirSync(OWN_EXTENSIONS_DIR).sort() : [];
  const hash = createHash('sha256');
  hash.update(`${PG_BIN}\0${PG_SHARE}\0${PRIVILEGED_EXTENSIONS.join(',')}\0layout-1`);
  for (const f of own) hash.update(`${f}\0${readFileSync(path.join(OWN_EXTENSIONS_DIR, f))}`);
  const base = path.join(os.tmpdir(), `v2-uploader-pg15-${hash.digest('hex').slice(0, 16)}`);
  const bin = path.join(base, 'lib/postgresql/15/bin');
  if (existsSync(path.join(base, '.complete'))) return bin;

  const building = mkdtempSync(`${base}.building-`);
  const b = (rel) => path.join(building, rel);
  mkdirSync(b('lib/postgresql/15/bin'), { recursive: true });
  for (const exe of ['postgres', 'initdb', 'pg_ctl']) {
    copyFileSync(path.join(PG_BIN, exe), b(`lib/postgresql/15/bin/${exe}`));
    chmodSync(b(`lib/postgresql/15/bin/${exe}`), 0o755);
  }
  symlinkSync(path.join(PG_BIN, '../lib'), b('lib/postgresql/15/lib'));
  mkdirSync(b('share/postgresql/15/extension'), { recursive: true });
  for (const entry of readdirSync(PG_SHARE)) {
    if (entry !== 'extension') symlinkSync(path.join(PG_SHARE, entry), b(`share/postgresql/15/${entry}`));
  }
  const extDir = b('share/postgresql/15/extension');
  for (const entry of readdirSync(path.join(PG_SHARE, 'extension'))) {
    const name = entry.replace(/\.control$/, '');
    const source = path.join(PG_SHARE, 'extension', entry);
    if (entry.endsWith('.control') && PRIVILEGED_EXTENSIONS.includes(name)) {
      const control = readFileSync(source, 'utf8').split('\n').filter((l) => !/^\s*(trusted|superuser)\s*=/.test(l));
      writeFileSync(path.join(extDir, entry), [...control, 'trusted = true', ''].join('\n'));
    } else {
      symlinkSync(source, path.join(extDir, entry));
    }
  }
  for (const f of own) {
    const content = readFileSync(path.join(OWN_EXTENSIONS_DIR, f), 'utf8');
    const name = f.replace(/\.control$/, '');
    writeFileSync(path.join(extDir, f),
      f.endsWith('.control') && PRIVILEGED_EXTENSIONS.includes(name) ? `${content.trimEnd()}\ntrusted = true\n` : content);
  }
  execFileSync('chmod', ['-R', 'a+rX', building]);
  writeFileSync(path.join(building, '.complete'), '');
  try {
    renameSync(building, base);
  } catch {
    // Another process built it first: theirs is identical.
    rmSync(building, { recursive: true, force: true });
  }
  return bin;
}

function asServerUser(bin, args, opts = {}) {
  const exe = path.join(platformInstall(), bin);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  }
  return res.stdout;
}

function handToServerUser(dir) {
  if (!isRoot) return;
  execFileSync('chown', ['-R', 'postgres:postgres', dir]);
}

/** The cluster is ours when it carries our marker file; we never touch anything else. */
const MARKER = 'v2-uploader-cluster';
/** Changes when the cluster's shape changes (2: supabase_admin superuser, passwords, pg_cron). */
const MARKER_CONTENT = 'created by scripts/lib/pg.mjs; layout 2\n';

/**
 * Start (initialising when needed) a cluster.
 * @param {{ dataDir?: string, port?: number, reset?: boolean, quiet?: boolean }} [options]
 *   dataDir: keep data there across runs (created when missing); without it a temp dir that is
 *   deleted on stop. reset: wipe an existing dataDir first.
 * @returns {Promise<{ port: number, host: string, dataDir: string, url: string, adminUrl: string, urlFor: (db: string, user?: string) => string, stop: () => void }>}
 */
export async function startPostgres(options = {}) {
  if (!existsSync(path.join(PG_BIN, 'postgres'))) {
    throw new Error(`PostgreSQL 15 server binaries not found in ${PG_BIN}`);
  }
  const temporary = !options.dataDir;
  const dataDir = options.dataDir
    ? path.resolve(options.dataDir)
    : mkdtempSync(path.join(os.tmpdir(), 'v2-uploader-pg-'));
  if (options.reset && existsSync(dataDir)) {
    if (existsSync(path.join(dataDir, 'PG_VERSION')) && !existsSync(path.join(dataDir, MARKER))) {
      throw new Error(`${dataDir} holds a cluster that is not ours; refusing to reset it`);
    }
    stopCluster(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(dataDir, { recursive: true });
  if (isRoot) {
    // Every directory above the data dir must be traversable by the postgres user.
    handToServerUser(dataDir);
  }

  // A cluster of an older layout (superuser `postgres`) cannot become a Supabase-shaped one in
  // place: start it over (it is ours: local data only).
  if (existsSync(path.join(dataDir, 'PG_VERSION')) && existsSync(path.join(dataDir, MARKER))
      && readFileSync(path.join(dataDir, MARKER), 'utf8') !== MARKER_CONTENT) {
    console.error(`${dataDir}: a cluster of an older layout; recreating it`);
    stopCluster(dataDir);
    for (const entry of readdirSync(dataDir)) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const pwDir = mkdtempSync(path.join(os.tmpdir(), 'v2-uploader-pw-'));
    const pwFile = path.join(pwDir, 'pw');
    writeFileSync(pwFile, DB_PASSWORD + '\n');
    chmodSync(pwDir, 0o755);
    chmodSync(pwFile, 0o644);
    try {
      asServerUser('initdb', ['-D', dataDir, '-U', 'supabase_admin', `--pwfile=${pwFile}`, '--auth-local=trust',
        '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    } finally {
      rmSync(pwDir, { recursive: true, force: true });
    }
    writeFileSync(path.join(dataDir, MARKER), MARKER_CONTENT);
    handToServerUser(dataDir);
  } else if (!existsSync(path.join(dataDir, MARKER))) {
    throw new Error(`${dataDir} holds a cluster that is not ours; refusing to start it`);
  }
  // A previous run that was killed (SIGKILL) may have left its server running: stop it.
  stopCluster(dataDir);

  const port = options.port ?? (await freePort());
  const logFile = path.join(dataDir, 'server.log');
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dataDir}`,
    '-c wal_level=logical',
    '-c max_replication_slots=10',
    '-c max_wal_senders=10',
    // Throwaway clusters: durability is not worth the time here.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=128MB',
    // pg_cron runs the migrations' schedules (in background workers, so it needs no password).
    '-c shared_preload_libraries=pg_cron',
    '-c cron.database_name=postgres',
    '-c cron.use_background_workers=on',
    '-c max_worker_processes=32',
    '-c password_encryption=scram-sha-256',
  ].join(' ');
  asServerUser('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start']);

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      stopCluster(dataDir);
    } finally {
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    }
  };
  registerCleanup(stop);

  const urlFor = (db, user = 'postgres') => `postgresql://${user}:${DB_PASSWORD}@127.0.0.1:${port}/${db}`;
  return {
    port,
    host: '127.0.0.1',
    dataDir,
    /** `postgres` over TCP with its password: what SUPABASE_DB_URL is on hosted. */
    url: urlFor('postgres'),
    /** The platform superuser, for what Supabase itself does before and around migrations. */
    adminUrl: urlFor('postgres', 'supabase_admin'),
    urlFor,
    stop,
  };
}

function stopCluster(dataDir) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  if (!alive) return;
  try {
    asServerUser('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  } catch {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      /* already gone */
    }
  }
}

const cleanups = [];
let handlersInstalled = false;
/**
 * Run `fn` when the process ends: on normal exit (synchronous part only), and on Ctrl-C,
 * SIGTERM, SIGHUP or an uncaught error, where cleanups run newest first and async ones are
 * awaited before the process exits (so a stack stops its children before its database).
 * @param {() => unknown} fn
 */
export function registerCleanup(fn) {
  cleanups.push(fn);
  process.on('exit', () => void fn());
  if (handlersInstalled) return;
  handlersInstalled = true;
  let running = false;
  const runAll = async (code) => {
    if (running) return;
    running = true;
    for (const f of [...cleanups].reverse()) {
      try {
        await f();
      } catch (error) {
        console.error(error);
      }
    }
    process.exit(code);
  };
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(signal, () => void runAll(code));
  }
  process.once('uncaughtException', (error) => {
    console.error(error);
    void runAll(1);
  });
  process.once('unhandledRejection', (error) => {
    console.error(error);
    void runAll(1);
  });
}

/**
 * Run SQL through psql, stopping at the first error. `file` runs a file (so `\ir` works),
 * `sql` is sent on standard input (no argument-length limit), `tuples` prints bare rows.
 */
export function psql(url, { file, sql, vars = {}, quiet = true, tuples = false, single = false, label } = {}) {
  const args = [url, '-X', '-v', 'ON_ERROR_STOP=1'];
  if (single) args.push('--single-transaction');
  if (quiet) args.push('-q');
  if (tuples) args.push('-t', '-A');
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  args.push('-f', file ?? '-');
  const res = spawnSync('psql', args, {
    encoding: 'utf8',
    input: sql ?? '',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
  if (res.error) throw res.error;
  if (res.status !== 0) {
    throw new Error(`psql ${label ?? file ?? 'sql'} failed:\n${res.stderr || res.stdout}`);
  }
  return res.stdout;
}
