// @ts-check
// Load: 50 uploads of 10 MB at once through the real clients, the way the core sends them —
// upload-handler POST (supabase-js functions.invoke) for the plan, the plan's transport (a 10 MB
// file gets TUS: tus-js-client on the signed route), progress reports while sending and the
// final report (upload-handler PUT) — then Storage's webhook moves each document to completed.
// Every document completes, every stored object is byte-identical to its source (MD5 of the
// download), and neither the gateway (the stack's Node process: auth, Storage, Realtime, the
// functions proxy) nor the functions (the Deno process) holds on to what passes through it: their
// resident memory, sampled from /proc every 100 ms, grows by far less than the data moved.
//
// The stack runs in a child process so that its memory is its own. LOAD_UPLOADS=200 (or any
// count) runs the heavier variant; LOAD_FILE_MB changes the file size (stack/README.md).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { client, disconnectClients, eventually, tusUpload } from './helpers.mjs';

const UPLOADS = Number(process.env.LOAD_UPLOADS ?? 50);
const FILE_BYTES = Number(process.env.LOAD_FILE_MB ?? 10) * 1024 * 1024;
const USERS = Math.min(10, UPLOADS);
const MiB = 1024 * 1024;
/**
 * Bounds on RSS growth, from each process's level just before the first upload to its peak
 * while the uploads run. Measured on this 2-core machine, 50 × 10 MB (500 MB moved), four runs:
 * the gateway grew by 86–117 MB, the functions by 36–40 MB; 200 × 10 MB (2 GB moved, the
 * heavier variant): 169 MB and 71 MB. Inside the gateway at its peak, V8's heap held ~16 MB and
 * ~70 MB were ArrayBuffers (request chunks in flight and ones not yet collected), so the growth
 * follows the number of uploads in flight, not the bytes moved.
 *   - gateway 200 MB: ~1.7× the worst 50-upload run, yet a gateway that held one 6 MiB TUS chunk
 *     per upload in memory would need 300 MB, and one that buffered whole files 500 MB.
 *   - functions 100 MB: no file byte passes through them (JSON only), ~2.5× what was measured.
 */
const MAX_GROWTH = { gateway: 200 * MiB, functions: 100 * MiB };

const stackModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/stack.mjs');

/** @type {import('node:child_process').ChildProcess} */
let child;
/** @type {{ url: string, anonKey: string, dbUrl: string }} */
let stack;
/** @type {import('postgres').Sql} */
let sql;

before(async () => {
  // The stack alone in a child process: it prints its connection details, stops on SIGTERM, and
  // stops by itself when this process goes away (its stdin closes).
  const script = `
    import { startStack } from ${JSON.stringify(stackModule)};
    const stack = await startStack({ port: 0, processor: false, log: () => {} });
    process.stdout.write(JSON.stringify({ url: stack.url, anonKey: stack.anonKey, dbUrl: stack.dbUrl }) + '\\n');
    process.stdin.on('end', async () => { await stack.stop(); process.exit(0); });
    process.stdin.resume();
  `;
  child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  stack = await new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the stack exited (${code}) before it started`)));
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
  });
  child.removeAllListeners('exit');
  sql = postgres(stack.dbUrl, { max: 2, onnotice: () => {} });
});

after(async () => {
  await disconnectClients();
  await sql?.end({ timeout: 2 });
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

/** Resident set size of a process in bytes, from /proc (0 once it is gone). @param {number} pid */
function rss(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The Deno process among the stack's children (scripts/deno execs the binary). @param {number} parent */
function denoChild(parent) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm, rest] = /** @type {RegExpExecArray} */ (/^\d+ \((.*)\) (.*)$/s.exec(stat));
      const ppid = Number(rest.split(' ')[1]);
      if (ppid === parent && comm === 'deno') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no deno child of ${parent}`);
}

/** Sample both processes every 100 ms until stopped; returns baselines and peaks. */
function sampleMemory(/** @type {Record<string, number>} */ pids) {
  const base = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, rss(pid)]));
  const peak = { ...base };
  let samples = 0;
  const timer = setInterval(() => {
    samples += 1;
    for (const [k, pid] of Object.entries(pids)) peak[k] = Math.max(/** @type {number} */ (peak[k]), rss(pid));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return { base, peak, samples };
    },
  };
}

/** 10 MB that sniff as a PDF, different for each upload (so none is a duplicate). */
function fileBytes(/** @type {Buffer} */ noise, /** @type {number} */ i) {
  const buf = Buffer.allocUnsafe(FILE_BYTES);
  // A shared random block, rotated by the file's index, so the files differ everywhere.
  const shift = (i * 7919) % noise.length;
  for (let at = 0; at < FILE_BYTES; at += noise.length) {
    noise.copy(buf, at, shift);
    if (at + noise.length - shift < FILE_BYTES) noise.copy(buf, at + noise.length - shift, 0, shift);
  }
  buf.write(`%PDF-1.7\n% load file ${i}\n`, 0, 'latin1');
  return buf;
}

const mb = (/** @type {number} */ n) => `${(n / MiB).toFixed(1)} MB`;

test(`${UPLOADS} concurrent uploads of ${FILE_BYTES / MiB} MB all complete, byte-identical, with the gateway's and the functions' memory bounded`, { timeout: 15 * 60_000 }, async (t) => {
  const pids = { gateway: /** @type {number} */ (child.pid), functions: denoChild(/** @type {number} */ (child.pid)) };

  // The files first: hashing hundreds of MB blocks this process for seconds, long enough for the
  // gateway to close idle keep-alive connections under a client that cannot notice (undici then
  // fails the next request on such a socket with "other side closed"). Then the users sign in,
  // several uploads each, like people with a few files.
  const noise = randomBytes(MiB + 13);
  const files = Array.from({ length: UPLOADS }, (_, i) => {
    const bytes = fileBytes(noise, i);
    return { i, bytes, md5: createHash('md5').update(bytes).digest('hex') };
  });

  const users = await Promise.all(Array.from({ length: USERS }, async (_, u) => {
    const c = client(stack);
    const { data, error } = await c.auth.signUp({ email: `load-${u}-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' });
    if (error || !data.session) throw error ?? new Error('no session');
    return { c, session: data.session };
  }));
  const work = files.map((f) => ({ ...f, user: /** @type {typeof users[number]} */ (users[f.i % USERS]) }));

  const memory = sampleMemory(pids);
  const started = Date.now();
  let result;
  /** @type {{ documentId: string, path: string, md5: string, user: typeof users[number] }[]} */
  let uploaded;
  try {
    uploaded = await Promise.all(work.map(async ({ i, bytes, md5, user }) => {
      const init = await user.c.functions.invoke('upload-handler', {
        body: { filename: `load-${i}.pdf`, contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 },
      });
      assert.equal(init.error, null, `upload ${i}: POST failed: ${init.error && (await init.error.context?.text?.())}`);
      assert.equal(init.data.duplicate, false);
      const plan = init.data.upload;
      assert.equal(plan.strategy, 'tus', 'a 10 MB file is sent with TUS');
      const report = (/** @type {Record<string, number>} */ progress) =>
        fetch(`${stack.url}/functions/v1/upload-handler`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${user.session.access_token}`, apikey: stack.anonKey, 'content-type': 'application/json' },
          body: JSON.stringify({ documentId: init.data.documentId, ...progress }),
        }).then(async (res) => {
          assert.equal(res.status, 200, `upload ${i}: progress report answered ${res.status}: ${await res.text()}`);
        });
      const totalChunks = Math.ceil(bytes.length / plan.chunkSize);
      /** @type {Promise<void>[]} */
      const reports = [];
      await tusUpload(plan, bytes, {
        // As the core does: a report per finished chunk before the last, then the final one.
        onChunkComplete: (_size, accepted) => {
          if (accepted < bytes.length) {
            reports.push(report({ bytesUploaded: accepted, chunkIndex: Math.floor(accepted / plan.chunkSize) - 1, totalChunks }));
          }
        },
      });
      await Promise.all(reports);
      await report({ bytesUploaded: bytes.length });
      return { documentId: init.data.documentId, path: plan.path, md5, user };
    }));
    // Storage's webhooks take each document to completed (no processing step for these users).
    const ids = uploaded.map((u) => u.documentId);
    await eventually(async () => {
      const [row] = await sql`select count(*)::int as n from public.documents where id = any(${ids}::uuid[]) and status = 'completed'`;
      return row?.n === UPLOADS;
    }, 120_000, 250);
  } finally {
    result = memory.stop();
  }
  const seconds = (Date.now() - started) / 1000;

  const growth = {
    gateway: result.peak.gateway - result.base.gateway,
    functions: result.peak.functions - result.base.functions,
  };
  t.diagnostic(`${UPLOADS} × ${mb(FILE_BYTES)} (${mb(UPLOADS * FILE_BYTES)}) in ${seconds.toFixed(1)} s; ${result.samples} memory samples`);
  t.diagnostic(`gateway RSS ${mb(result.base.gateway)} → peak ${mb(result.peak.gateway)} (+${mb(growth.gateway)})`);
  t.diagnostic(`functions RSS ${mb(result.base.functions)} → peak ${mb(result.peak.functions)} (+${mb(growth.functions)})`);
  assert.ok(result.samples >= 10, 'memory was sampled throughout');
  assert.ok(result.base.gateway > 0 && result.base.functions > 0, 'both processes were measured');
  assert.ok(growth.gateway < MAX_GROWTH.gateway, `the gateway grew by ${mb(growth.gateway)} (bound ${mb(MAX_GROWTH.gateway)})`);
  assert.ok(growth.functions < MAX_GROWTH.functions, `the functions grew by ${mb(growth.functions)} (bound ${mb(MAX_GROWTH.functions)})`);

  // One row per upload, and each stored object is the file it came from, byte for byte.
  const [count] = await sql`select count(*)::int as n from public.documents where file_hash = any(${files.map((f) => f.md5)})`;
  assert.equal(count?.n, UPLOADS, 'exactly one document per upload');
  for (let at = 0; at < uploaded.length; at += 5) {
    await Promise.all(uploaded.slice(at, at + 5).map(async (u) => {
      const { data, error } = await u.user.c.storage.from('documents').download(u.path);
      assert.equal(error, null);
      const got = Buffer.from(await /** @type {Blob} */ (data).arrayBuffer());
      assert.equal(got.length, FILE_BYTES);
      assert.equal(createHash('md5').update(got).digest('hex'), u.md5, `${u.path} is byte-identical`);
    }));
  }
});
