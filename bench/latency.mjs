#!/usr/bin/env node
// Bench 5 (part), latency on the local stack: upload-handler POST (a new document, a unique
// hash per request; and the late-hash pair: a start with a fingerprint, then the hash delivered
// for each document it made) with 50 concurrent connections, through autocannon; p50/p95/p99 computed
// from every response's time. Baselines in the same run, same concurrency: the function's CORS
// preflight (OPTIONS, through the gateway to the Deno function, no database) and an unrouted
// path (the Node gateway alone). Where the time goes: the CPU each process of the stack spent
// per request (this Node process: gateway, Storage, auth and the load generator; the Deno
// functions; the Postgres cluster), read from /proc around each run, and the POST's own
// timings from the function's log lines (auth, pool wait, transaction, Storage call).
// Writes results/latency.json.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { peersDir, root, summarize, writeResult } from './lib/common.mjs';
import { startStack } from '../stack/src/stack.mjs';

const autocannon = createRequire(path.join(peersDir, 'package.json'))('autocannon');
const fromStack = createRequire(path.join(root, 'stack/package.json'));
const { Webhook } = fromStack('standardwebhooks');
const WebSocket = fromStack('ws');
const REALTIME_SAMPLES = Number(process.env.BENCH_REALTIME_SAMPLES ?? 100);
const RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 3);
const CONNECTIONS = 50;
const AMOUNT = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1000);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU ms (user + system) of each process, with its parent and name, from /proc. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), {
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS,
      });
    } catch {
      // gone in between
    }
  }
  return table;
}

/**
 * CPU ms spent so far by the stack's parts: this Node process (gateway, Storage, auth, realtime
 * and the load generator; process.cpuUsage), the Deno functions (our child process) and the
 * Postgres cluster (the postmaster and every backend and worker under it). Linux only.
 */
function stackCpu(postmasterPid) {
  const table = processTable();
  const treeMs = (pid) => {
    let ms = table.get(pid)?.cpuMs ?? 0;
    for (const [child, p] of table) if (p.ppid === pid) ms += treeMs(child);
    return ms;
  };
  let deno = 0;
  for (const [pid, p] of table) if (p.ppid === process.pid && p.comm === 'deno') deno += treeMs(pid);
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1000, deno, postgres: treeMs(postmasterPid) };
}

/** One autocannon run; per-response times (ms) → p50/p95/p99, plus non-2xx count. */
function load(opts) {
  return new Promise((resolve, reject) => {
    const times = [];
    const instance = autocannon({ connections: CONNECTIONS, amount: AMOUNT, timeout: 30, ...opts }, (err, res) => {
      if (err) return reject(err);
      times.sort((a, b) => a - b);
      resolve({ p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), requests: times.length, non2xx: res.non2xx, errors: res.errors, timeouts: res.timeouts, rps: res.requests.average });
    });
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
}

export async function runLatency() {
  // The functions log one JSON line per request; during POST runs, keep upload-handler POST's.
  let collect;
  const onLog = (line) => {
    if (!collect || !line.startsWith('functions: ')) return;
    for (const text of line.slice('functions: '.length).split('\n')) {
      if (!text.includes('"fn":"upload-handler"') || !text.includes('"method":"POST"')) continue;
      try {
        const entry = JSON.parse(text);
        if (entry.msg === 'request' && entry.status === 201) collect.push({ ms: entry.ms, ...entry.timings });
      } catch {
        // a line split across two chunks: skipped
      }
    }
  };
  const stack = await startStack({ port: 0, processor: false, log: onLog });
  try {
    const [{ setting: pgData }] = await stack.sql`select setting from pg_settings where name = 'data_directory'`;
    const postmasterPid = Number(readFileSync(path.join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const signup = await fetch(`${stack.url}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' }),
    });
    const { access_token: token, user } = await signup.json();
    if (!token) throw new Error(`sign-up failed: ${signup.status}`);
    const auth = { authorization: `Bearer ${token}`, apikey: stack.anonKey, 'content-type': 'application/json' };
    const newDocument = async (fileSize) => {
      const res = await fetch(`${stack.url}/functions/v1/upload-handler`, { method: 'POST', headers: auth, body: JSON.stringify({ filename: 'notes.txt', contentType: 'text/plain', fileSize, fileHash: crypto.randomUUID().replaceAll('-', '') }) });
      const body = await res.json();
      if (!res.ok) throw new Error(`upload-handler POST ${res.status}: ${JSON.stringify(body)}`);
      return body.documentId;
    };
    // Progress PUT: one 50 MB document in `pending`/`uploading` per connection, each connection
    // reporting strictly increasing bytesUploaded (so every report is a forward write, not a
    // `not_forward` no-op).
    const putDocs = [];
    for (let c = 0; c < CONNECTIONS; c++) putDocs.push({ id: await newDocument(50_000_000), bytes: 0 });
    let nextPutDoc = 0;
    const refused = { put: 0, webhook: 0 };
    // Webhook POST: one document per connection moved to `processing` (a signed internal event),
    // then signed `source=internal` progress events on it, a unique webhook-id per request.
    const signer = new Webhook(stack.webhookSecret);
    const webhookUrl = `${stack.url}/functions/v1/processing-webhook?source=internal`;
    const signedHeaders = (body) => {
      const id = `msg_${crypto.randomUUID()}`;
      const at = new Date();
      return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) };
    };
    const hookDocs = [];
    for (let c = 0; c < CONNECTIONS; c++) {
      const id = await newDocument(12);
      await stack.sql`update public.documents set status = 'uploaded', bytes_uploaded = file_size, upload_progress = 100 where id = ${id}`;
      const body = JSON.stringify({ documentId: id, status: 'processing', progress: 0 });
      const res = await fetch(webhookUrl, { method: 'POST', headers: signedHeaders(body), body });
      if (!res.ok) throw new Error(`webhook → processing ${res.status}: ${await res.text()}`);
      hookDocs.push({ id, progress: 0 });
    }
    const [{ n: inProcessing }] = await stack.sql`select count(*)::int as n from public.documents where id = any(${hookDocs.map((d) => d.id)}) and status = 'processing'`;
    if (inProcessing !== CONNECTIONS) throw new Error(`only ${inProcessing} of ${CONNECTIONS} webhook documents reached processing`);
    let nextHookDoc = 0;
    // Late hash (issue 19): starts with a fingerprint (a unique fingerprint and a unique size per
    // request, so no earlier document is a candidate: each creates a document whose hash is
    // pending), then the whole-file MD5 delivered for those documents, one each, in the order made.
    const hex32 = () => crypto.randomUUID().replaceAll('-', '');
    let lateSize = 3_000_000;
    const lateDocs = [];
    let nextLateDoc = 0;
    const late = { candidates: 0, missingDocs: 0, delivered: 0 };
    const endpoints = {
      'upload-handler POST': {
        url: `${stack.url}/functions/v1/upload-handler`,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, apikey: stack.anonKey, 'content-type': 'application/json' },
        requests: [{
          setupRequest(req) {
            req.body = JSON.stringify({ filename: 'notes.txt', contentType: 'text/plain', fileSize: 12, fileHash: crypto.randomUUID().replaceAll('-', '') });
            return req;
          },
        }],
      },
      'upload-handler POST, late-hash start (fingerprint)': {
        url: `${stack.url}/functions/v1/upload-handler`,
        method: 'POST',
        headers: auth,
        requests: [{
          setupRequest(req) {
            req.body = JSON.stringify({ filename: 'notes.txt', contentType: 'text/plain', fileSize: lateSize++, fingerprint: `md5-ends-1m:${hex32()}` });
            return req;
          },
          onResponse(status, body) {
            if (status === 200) late.candidates++;
            if (status !== 201) return;
            try { lateDocs.push(JSON.parse(body).documentId); } catch { /* counted as non-2xx or missing below */ }
          },
        }],
      },
      'upload-handler POST, late-hash delivery (documentId + fileHash)': {
        url: `${stack.url}/functions/v1/upload-handler`,
        method: 'POST',
        headers: auth,
        requests: [{
          setupRequest(req) {
            const id = lateDocs[nextLateDoc++];
            if (id === undefined) late.missingDocs++;
            req.body = JSON.stringify({ documentId: id ?? crypto.randomUUID(), fileHash: hex32() });
            return req;
          },
          onResponse(status, body) {
            if (status === 200 && String(body).includes('"hashRecorded":true')) late.delivered++;
          },
        }],
      },
      'upload-handler PUT (upload progress)': {
        url: `${stack.url}/functions/v1/upload-handler`,
        method: 'PUT',
        headers: auth,
        requests: [{
          setupRequest(req, context) {
            context.doc ??= putDocs[nextPutDoc++ % putDocs.length];
            context.doc.bytes += 1000;
            req.body = JSON.stringify({ documentId: context.doc.id, bytesUploaded: context.doc.bytes });
            return req;
          },
          onResponse(status, body) {
            if (status === 200 && !String(body).includes('"accepted":true')) refused.put++;
          },
        }],
      },
      'processing-webhook POST (signed internal progress)': {
        url: webhookUrl,
        method: 'POST',
        requests: [{
          setupRequest(req, context) {
            context.doc ??= hookDocs[nextHookDoc++ % hookDocs.length];
            context.doc.progress = Math.min(99, context.doc.progress + 0.01);
            req.body = JSON.stringify({ documentId: context.doc.id, status: 'processing', progress: Number(context.doc.progress.toFixed(2)) });
            req.headers = { ...req.headers, ...signedHeaders(req.body) };
            return req;
          },
        }],
      },
      'Storage createSignedUploadUrl (what the POST calls)': {
        url: `${stack.url}/storage/v1/object/upload/sign/documents/${user.id}/bench/notes.txt`,
        method: 'POST',
        headers: { ...auth, 'x-upsert': 'true' },
        body: '{}',
      },
      'upload-handler OPTIONS (preflight, baseline)': {
        url: `${stack.url}/functions/v1/upload-handler`,
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
      },
      'gateway, unrouted path (baseline)': { url: `${stack.url}/bench-unrouted`, method: 'GET' },
    };
    const raw = Object.fromEntries(Object.keys(endpoints).map((k) => [k, []]));
    const postTimings = [];
    // Warm-up (Deno's isolate, Postgres' caches), then runs interleaved.
    for (const opts of Object.values(endpoints)) await load({ ...opts, amount: 200 });
    for (let i = 0; i < RUNS; i++) {
      for (const [name, opts] of Object.entries(endpoints)) {
        const timings = [];
        if (name === 'upload-handler POST') collect = timings;
        const before = stackCpu(postmasterPid);
        const run = await load(opts);
        const after = stackCpu(postmasterPid);
        collect = undefined;
        run.cpuMsPerRequest = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / run.requests]));
        run.cpuMsPerRequest.total = Object.values(run.cpuMsPerRequest).reduce((a, b) => a + b, 0);
        raw[name].push(run);
        if (timings.length) postTimings.push(timings);
      }
      process.stderr.write(`latency: round ${i + 1}/${RUNS}\n`);
    }
    const rows = Object.entries(raw).map(([name, runs]) => ({
      name,
      p50: summarize(runs.map((r) => r.p50)),
      p95: summarize(runs.map((r) => r.p95)),
      p99: summarize(runs.map((r) => r.p99)),
      rps: summarize(runs.map((r) => r.rps)),
      errors: runs.reduce((n, r) => n + r.errors + r.timeouts, 0),
      // The gateway 404s unrouted paths by design; count non-2xx only where 2xx is expected.
      non2xx: name.startsWith('gateway') ? undefined : runs.reduce((n, r) => n + r.non2xx, 0),
      cpuMsPerRequest: Object.fromEntries(['node', 'deno', 'postgres', 'total'].map((k) => [k, summarize(runs.map((r) => r.cpuMsPerRequest[k]))])),
    }));
    // The POST's own timings (function log lines, 201s): p50/p95 per run, median over runs.
    const steps = ['ms', 'auth', 'dbWait', 'db', 'storage'];
    const postSteps = Object.fromEntries(steps.map((k) => {
      const per = postTimings.map((run) => run.map((t) => t[k] ?? 0).sort((a, b) => a - b));
      return [k, { p50: summarize(per.map((xs) => percentile(xs, 50))), p95: summarize(per.map((xs) => percentile(xs, 95))), samples: per.reduce((n, xs) => n + xs.length, 0) }];
    }));
    // A closed loop of 50 clients: mean latency = 50 / throughput. If the stack were CPU-bound
    // on all cores, throughput could be at most cores × 1000 / (CPU ms per request), so the mean
    // latency at least 50 / that — a floor from CPU alone, before any waiting for locks or I/O.
    const cores = os.cpus().length;
    const cpuBound = Object.fromEntries(rows.filter((r) => !r.name.startsWith('gateway')).map((r) => {
      const perRequest = r.cpuMsPerRequest.total.median;
      const maxRps = (cores * 1000) / perRequest;
      return [r.name, { cpuMsPerRequest: perRequest, maxRps, meanLatencyFloorMs: (CONNECTIONS / maxRps) * 1000 }];
    }));
    const post = rows[0];
    const preflight = rows.find((r) => r.name.includes('preflight'));
    const webhookOutcomes = Object.fromEntries((await stack.sql`select outcome, count(*)::int as n from public.webhook_events where source = 'internal' group by outcome`).map((r) => [r.outcome, r.n]));
    const realtime = await measureRealtime(stack, user.id, await newDocument(12));
    return {
      method: `autocannon ${createRequire(path.join(peersDir, 'package.json'))('autocannon/package.json').version}, ${CONNECTIONS} connections, ${AMOUNT} requests per run, ${RUNS} runs per endpoint interleaved after a 200-request warm-up; percentiles from every response time; figures are the median over runs with the spread of the per-run percentile. Local stack (Postgres 15, Deno functions, Node gateway) in this process's machine, demo processor off. The load generator shares the machine's cores with the stack${os.getPriority() !== 0 ? ` (this run at scheduling priority nice ${os.getPriority()}, inherited by Deno and Postgres, to keep other work on the machine from setting the pace)` : ''}. CPU per request: user + system time of this Node process (gateway, Storage, auth, realtime and autocannon), the Deno functions and the Postgres cluster (every backend and worker) over each run (/proc), divided by its requests; median over runs. Late hash (issue 19): the fingerprint start sends a unique \`md5-ends-1m\` fingerprint and a unique file size (3,000,000 bytes and up) per request, so no document is a candidate and each creates a document whose hash is pending (Storage's createSignedUploadUrl included, as in the classic POST); the delivery sends a unique MD5 for those documents, one each, in the order they were made (each delivery run follows the start run that made its documents). In-function steps: the \`timings\` of upload-handler's own log line for each 201 (auth = JWT verification, dbWait = waiting for a pooled connection + BEGIN, db = the transaction including dbWait, storage = the createSignedUploadUrl call), p50/p95 per run, median over runs.`,
      rows,
      ratioP95VsPreflight: post.p95.median / preflight.p95.median,
      ratiosP95VsPreflight: Object.fromEntries(rows.filter((r) => r.name.startsWith('upload-handler P') || r.name.startsWith('processing')).map((r) => [r.name, r.p95.median / preflight.p95.median])),
      cores,
      nice: os.getPriority(),
      cpuBound,
      postSteps,
      progressPutNotAccepted: refused.put,
      lateHash: late,
      webhookOutcomes,
      realtime,
      targets: [
        { name: 'upload-handler POST p95 ≤ 50 ms at 50 concurrent', value: post.p95.median, bound: 50, met: post.p95.median <= 50 && post.non2xx === 0, byPct: (post.p95.median / 50 - 1) * 100 },
        { name: 'realtime insert → subscriber callback p95 ≤ 50 ms', value: realtime.p95.median, bound: 50, met: realtime.p95.median <= 50 && realtime.missed === 0, byPct: (realtime.p95.median / 50 - 1) * 100 },
      ],
    };
  } finally {
    await stack.stop();
  }
}

/**
 * Realtime: a supabase-js client in Node (ws transport) signed in as the user, subscribed to
 * INSERTs on realtime_progress_updates for that user; rows inserted one at a time via stack.sql;
 * time from issuing the insert to the client's callback. Baseline: the insert's own round trip.
 */
async function measureRealtime(stack, userId, documentId) {
  const { createClient } = await import(createRequire(path.join(root, 'playground/package.json')).resolve('@supabase/supabase-js'));
  const supabase = createClient(stack.url, stack.anonKey, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket } });
  const email = `bench-rt-${crypto.randomUUID()}@example.com`;
  // A second session of the same user would do; a fresh user keeps the feed to itself.
  const { data, error } = await supabase.auth.signUp({ email, password: 'correct horse battery' });
  if (error) throw error;
  const uid = data.user.id;
  const [{ id: doc }] = await stack.sql`insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
    select ${uid}, filename, content_type, file_size, md5(random()::text), ${`${uid}/${crypto.randomUUID()}.txt`} from public.documents where id = ${documentId} returning id`;
  await supabase.realtime.setAuth(data.session.access_token);
  const waiting = new Map();
  const channel = supabase.channel(`bench-${crypto.randomUUID()}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', filter: `user_id=eq.${uid}` }, (msg) => {
    const w = waiting.get(msg.new.payload.seq);
    if (w) w(performance.now());
  });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('realtime subscribe timed out')), 15_000);
    channel.subscribe((status, err) => { if (status === 'SUBSCRIBED') { clearTimeout(t); resolve(); } else if (status !== 'CLOSED') { if (err) reject(err); } });
  });
  const callback = [];
  const insert = [];
  let missed = 0;
  for (let i = -10; i < REALTIME_SAMPLES; i++) { // 10 warm-up rows
    const got = new Promise((resolve) => waiting.set(i, resolve));
    const t0 = performance.now();
    await stack.sql`insert into public.realtime_progress_updates (user_id, document_id, payload) values (${uid}, ${doc}, ${stack.sql.json({ type: 'progress_update', seq: i })})`;
    const t1 = performance.now();
    const t2 = await Promise.race([got, new Promise((r) => setTimeout(() => r(undefined), 5000))]);
    waiting.delete(i);
    if (i < 0) continue;
    if (t2 === undefined) { missed++; continue; }
    callback.push(t2 - t0);
    insert.push(t1 - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  await supabase.removeChannel(channel);
  await supabase.realtime.disconnect();
  const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return percentile(s, p); };
  // Spread: the percentile over each fifth of the samples (in order), as for the autocannon runs.
  const fifths = (xs, p) => summarize([0, 1, 2, 3, 4].map((k) => pct(xs.slice((k * xs.length) / 5, ((k + 1) * xs.length) / 5), p)));
  return {
    samples: callback.length,
    missed,
    p50: { ...fifths(callback, 50), median: pct(callback, 50) },
    p95: { ...fifths(callback, 95), median: pct(callback, 95) },
    p99: { ...fifths(callback, 99), median: pct(callback, 99) },
    insertP50: pct(insert, 50),
    insertP95: pct(insert, 95),
    ratioP95VsInsertP95: pct(callback, 95) / pct(insert, 95),
    callbackMs: callback,
    insertMs: insert,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runLatency();
  writeResult('latency', r);
  console.log(`realtime insert → callback p50 ${r.realtime.p50.median.toFixed(1)} p95 ${r.realtime.p95.median.toFixed(1)} ms (insert alone p95 ${r.realtime.insertP95.toFixed(1)}), missed ${r.realtime.missed}`);
  for (const row of r.rows) console.log(`${row.name.padEnd(52)} p50 ${row.p50.median.toFixed(1)} p95 ${row.p95.median.toFixed(1)} p99 ${row.p99.median.toFixed(1)} ms  ${row.rps.median.toFixed(0)} req/s  errors ${row.errors} non2xx ${row.non2xx}  CPU ms/req ${['node', 'deno', 'postgres', 'total'].map((k) => `${k} ${row.cpuMsPerRequest[k].median.toFixed(2)}`).join(' ')}`);
  console.log(`upload-handler POST, in the function: ${Object.entries(r.postSteps).map(([k, v]) => `${k} p50 ${v.p50.median.toFixed(1)} p95 ${v.p95.median.toFixed(1)}`).join('; ')}`);
}
