// A throwaway PostgreSQL 15 cluster for tests and the local stack.
//
// - Binaries from /usr/lib/postgresql/15/bin (override with PG_BIN); never another cluster:
//   the data directory is ours (a temp dir, or .local/<name> for the main job) and the
//   server listens on 127.0.0.1 at a free port with its socket inside that directory.
// - Postgres refuses to run as root, so when we are root every server command runs as the
//   `postgres` user (runuser) and the data directory is handed to that user.
// - `wal_level=logical` so the local stack can read changes by logical replication.
// - Stopped on process exit, Ctrl-C, SIGTERM and uncaught errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
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

function asServerUser(bin, args, opts = {}) {
  const exe = path.join(PG_BIN, bin);
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

/**
 * Start (initialising when needed) a cluster.
 * @param {{ dataDir?: string, port?: number, reset?: boolean, quiet?: boolean }} [options]
 *   dataDir: keep data there across runs (created when missing); without it a temp dir that is
 *   deleted on stop. reset: wipe an existing dataDir first.
 * @returns {Promise<{ port: number, host: string, dataDir: string, url: string, urlFor: (db: string, user?: string) => string, stop: () => void }>}
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

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    asServerUser('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    writeFileSync(path.join(dataDir, MARKER), 'created by scripts/lib/pg.mjs\n');
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

  const urlFor = (db, user = 'postgres') => `postgresql://${user}@127.0.0.1:${port}/${db}`;
  return { port, host: '127.0.0.1', dataDir, url: urlFor('postgres'), urlFor, stop };
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
export function psql(url, { file, sql, vars = {}, quiet = true, tuples = false } = {}) {
  const args = [url, '-X', '-v', 'ON_ERROR_STOP=1'];
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
    throw new Error(`psql ${file ?? 'sql'} failed:\n${res.stderr || res.stdout}`);
  }
  return res.stdout;
}
