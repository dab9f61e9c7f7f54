// A transaction-mode pooler in front of a cluster from startPostgres, standing in for Supabase's
// Supavisor on port 6543: Debian's pgbouncer, pool_mode = transaction, scram-sha-256 logins. In
// transaction mode a server connection is handed to another client after every transaction, so
// session state (SET without LOCAL, prepared statements, LISTEN, advisory locks) does not survive
// between transactions: what runs through it must live with that, as on hosted Supabase.
// Bound to 127.0.0.1 on a free port, run as the server user, stopped with the process.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DB_PASSWORD, freePort, registerCleanup } from './pg.mjs';

const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * @param {{ port: number }} pg  from startPostgres
 * @param {{ users?: string[], poolSize?: number }} [options]  logins it accepts (default postgres)
 * @returns {Promise<{ port: number, url: string, urlFor: (db: string, user?: string) => string, stop: () => void }>}
 */
export async function startPgbouncer(pg, options = {}) {
  if (!PGBOUNCER) throw new Error('pgbouncer is not installed (apt-get install pgbouncer; scripts/ensure.sh does it)');
  const users = options.users ?? ['postgres'];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v2-uploader-pgbouncer-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'userlist.txt'), users.map((u) => `"${u}" "${DB_PASSWORD}"\n`).join(''));
  writeFileSync(path.join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `postgres = host=127.0.0.1 port=${pg.port} dbname=postgres`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${path.join(dir, 'userlist.txt')}`,
    'pool_mode = transaction',
    `default_pool_size = ${options.poolSize ?? 15}`,
    'max_client_conn = 400',
    // Startup parameters drivers send that a transaction pooler cannot keep per client.
    'ignore_startup_parameters = extra_float_digits,options,search_path',
    `logfile = ${path.join(dir, 'pgbouncer.log')}`,
    'server_reset_query =',
    '',
  ].join('\n'));
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const [cmd, args] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', PGBOUNCER, path.join(dir, 'pgbouncer.ini')]]
    : [PGBOUNCER, [path.join(dir, 'pgbouncer.ini')]];
  const child = spawn(cmd, args, { stdio: 'ignore' });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      // runuser passes the signal on to pgbouncer.
      child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  registerCleanup(stop);
  await waitForPort(port, child);
  const urlFor = (db, user = 'postgres') => `postgresql://${user}:${DB_PASSWORD}@127.0.0.1:${port}/${db}`;
  return { port, url: urlFor('postgres'), urlFor, stop };
}

/** @param {number} port @param {import('node:child_process').ChildProcess} child */
async function waitForPort(port, child) {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}) before listening`);
    const open = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('pgbouncer did not start listening within 10 s');
}
