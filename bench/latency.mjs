#!/usr/bin/env node
// Bench 5 (part), latency on the local stack: upload-handler POST (a new document, a unique
// hash per request) with 50 concurrent connections, through autocannon; p50/p95/p99 computed
// from every response's time. Baselines in the same run, same concurrency: the function's CORS
// preflight (OPTIONS, through the gateway to the Deno function, no database) and an unrouted
// path (the Node gateway alone). Writes results/latency.json.
import { createRequire } from 'node:module';
import path from 'node:path';
import { peersDir, summarize, writeResult } from './lib/common.mjs';
import { startStack } from '../stack/src/stack.mjs';

const autocannon = createRequire(path.join(peersDir, 'package.json'))('autocannon');
const RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 3);
const CONNECTIONS = 50;
const AMOUNT = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1000);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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
  const stack = await startStack({ port: 0, processor: false, log: () => {} });
  try {
    const signup = await fetch(`${stack.url}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' }),
    });
    const { access_token: token } = await signup.json();
    if (!token) throw new Error(`sign-up failed: ${signup.status}`);
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
      'upload-handler OPTIONS (preflight, baseline)': {
        url: `${stack.url}/functions/v1/upload-handler`,
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
      },
      'gateway, unrouted path (baseline)': { url: `${stack.url}/bench-unrouted`, method: 'GET' },
    };
    const raw = Object.fromEntries(Object.keys(endpoints).map((k) => [k, []]));
    // Warm-up (Deno's isolate, Postgres' caches), then runs interleaved.
    for (const opts of Object.values(endpoints)) await load({ ...opts, amount: 200 });
    for (let i = 0; i < RUNS; i++) {
      for (const [name, opts] of Object.entries(endpoints)) raw[name].push(await load(opts));
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
    }));
    const post = rows[0];
    const preflight = rows[1];
    return {
      method: `autocannon ${createRequire(path.join(peersDir, 'package.json'))('autocannon/package.json').version}, ${CONNECTIONS} connections, ${AMOUNT} requests per run, ${RUNS} runs per endpoint interleaved after a 200-request warm-up; percentiles from every response time; figures are the median over runs with the spread of the per-run percentile. Local stack (Postgres 15, Deno functions, Node gateway) in this process's machine, demo processor off. The load generator shares the machine's cores with the stack.`,
      rows,
      ratioP95VsPreflight: post.p95.median / preflight.p95.median,
      targets: [{ name: 'upload-handler POST p95 ≤ 50 ms at 50 concurrent', value: post.p95.median, bound: 50, met: post.p95.median <= 50 && post.non2xx === 0, byPct: (post.p95.median / 50 - 1) * 100 }],
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runLatency();
  writeResult('latency', r);
  for (const row of r.rows) console.log(`${row.name.padEnd(46)} p50 ${row.p50.median} p95 ${row.p95.median} p99 ${row.p99.median} ms  ${row.rps.median.toFixed(0)} req/s  errors ${row.errors} non2xx ${row.non2xx}`);
}
