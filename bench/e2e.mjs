#!/usr/bin/env node
// Bench 2, end to end: wall time to store a file in the local stack's Storage from headless
// Chromium, the same bytes through (a) a raw single PUT to a signed upload URL (the baseline),
// (b) tus-js-client alone, (c) Uppy + @uppy/tus, and ours: at 50 MB the full core (`Uploader`,
// to `upload-complete`), at the large size our core's TUS transport (the full core path is
// capped at 50 MiB by design). All in one run, one stack, variants interleaved round-robin.
// Writes results/e2e.json.
import { rmSync } from 'node:fs';
import { summarize, writeResult } from './lib/common.mjs';
import { buildPages, serve, launch } from './lib/browser.mjs';
import { startBenchStack, clearBenchBucket, BENCH_GLOBAL_LIMIT } from './lib/bench-stack.mjs';

const RUNS = Math.max(3, Number(process.env.BENCH_E2E_RUNS ?? 3));
const SMALL_RUNS = Math.max(5, RUNS); // 50 MB rounds are cheap: more of them
const SMALL = 50 * 1000 * 1000;
const LARGE_MB = Number(process.env.BENCH_E2E_LARGE_MB ?? 500);
const LARGE = LARGE_MB * 1000 * 1000;

/** Builds the bench page (and core's hash worker) into a temp dir. */
export const buildPage = (name) => buildPages(name, { 'e2e-page': 'e2e-page.js' });

/** Stack, static server, Chromium and a signed-in bench page; `close()` tears all down. */
export async function openBench(name) {
  const out = await buildPage(name);
  const stack = await startBenchStack();
  const { server, url } = await serve(out, 'e2e-page.js');
  const chrome = await launch();
  const page = await chrome.browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.e2e);
  await page.evaluate((u, k) => window.e2e.signIn(u, k), stack.url, stack.anonKey);
  return {
    stack, chrome, page,
    async close() {
      await chrome.close();
      server.close();
      await stack.stop();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

const ORDER_SMALL = [['raw PUT', 'rawPut'], ['tus-js-client', 'tusJs'], ['Uppy + @uppy/tus', 'uppy'], ['ours: full core (Uploader → upload-complete)', 'core']];
const ORDER_LARGE = [['raw PUT', 'rawPut'], ['tus-js-client', 'tusJs'], ['Uppy + @uppy/tus', 'uppy'], ['ours: core TUS transport (createTusTransport)', 'coreTus']];

async function measure({ page, stack }, size, variants, runs, label, seedBase, repeated) {
  const samples = Object.fromEntries(variants.map(([n]) => [n, []]));
  const seen = {};
  for (let i = 0; i < runs; i++) {
    // New bytes per round (core would dedup a re-upload); every variant of a round sends them.
    await page.evaluate((s, seed, rep) => (rep ? window.e2e.makeRepeatedBlob(s, seed) : window.e2e.makeFile(s, seed)), size, seedBase + i, repeated);
    for (let j = 0; j < variants.length; j++) {
      const [name, fn] = variants[(i + j) % variants.length]; // rotate who goes first
      const r = await page.evaluate((f) => window.e2e[f]('bench'), fn);
      samples[name].push(r.ms);
      if (r.seen) (seen[name] ??= []).push(r.seen);
      if (r.bucket === 'bench') await clearBenchBucket(stack);
    }
    process.stderr.write(`e2e ${label}: round ${i + 1}/${runs}\n`);
  }
  await page.evaluate(() => window.e2e.drop());
  const base = summarize(samples['raw PUT']);
  return variants.map(([name]) => {
    const ms = summarize(samples[name]);
    const row = { name, ms, mbPerS: (size / 1e6) / (ms.median / 1000), ratioVsRawPut: ms.median / base.median };
    // Our full core: how long it spent hashing (status `hashing` → `initializing`) before sending.
    if (seen[name]) row.ofWhichHashingMs = summarize(seen[name].map((x) => (x.initializing ?? 0) - (x.hashing ?? 0)));
    return row;
  });
}

export async function runE2e() {
  const b = await openBench('e2e');
  try {
        // Warm-up: every variant once with 1 MB (loads tus-js-client's chunk, the hash worker, Deno's isolate).
    await measure(b, 1_000_000, ORDER_SMALL, 1, 'warm-up', 90, false);
    const small = await measure(b, SMALL, ORDER_SMALL, SMALL_RUNS, '50 MB', 10, false);
    const large = await measure(b, LARGE, ORDER_LARGE, RUNS, `${LARGE_MB} MB`, 50, true);
    const core = small.find((r) => r.name.startsWith('ours'));
    return {
      browser: b.chrome.version,
      method: `Headless Chromium → local stack (Node Storage with @tus/file-store on local disk, Postgres, Deno functions; demo processor off), one signed-in supabase-js user. Same bytes for every variant of a round (a new ASCII text file per round so our core never dedups), ${RUNS} rounds at the large size, variants interleaved and rotated, after a 1 MB warm-up of each (${SMALL_RUNS} rounds at 50 MB). Timed in the page from the start (including getting a signed upload URL with createSignedUploadUrl; for our full core including MD5 hashing and the upload-handler POST) to the last byte stored (raw PUT: response; TUS: onSuccess; ours: \`upload-complete\`). TUS variants: /storage/v1/upload/resumable/sign with x-signature, 6 MiB chunks, no retries. 50 MB: a 50,000,000-byte File in memory; raw PUT and peers to the bench-only bucket \`bench\`, our full core to \`documents\` (its plan: TUS, 6 MiB). ${LARGE_MB} MB: a Blob of one 8 MiB part repeated, all to \`bench\`; the full core path (upload-handler, the schema, \`documents\`) is capped at 50 MiB by design, so ours is the core's TUS transport with a plan built from createSignedUploadUrl. For the ${LARGE_MB} MB runs the stack's global Storage limit (supabase/config.toml, 50 MiB) is raised to ${BENCH_GLOBAL_LIMIT} in the bench's process only. Bench objects are deleted after each upload.`,
      sizes: { small: SMALL, large: LARGE },
      small,
      large,
      targets: [{ name: '50 MB end to end through our core ≤ 1.25× a raw single PUT', value: core.ratioVsRawPut, bound: 1.25, met: core.ratioVsRawPut <= 1.25, byPct: (core.ratioVsRawPut / 1.25 - 1) * 100 }],
    };
  } finally {
    await b.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runE2e();
  writeResult('e2e', r);
  for (const [label, rows] of [['50 MB', r.small], [`${LARGE_MB} MB`, r.large]]) {
    for (const row of rows) console.log(`${label} ${row.name.padEnd(48)} ${row.ms.median.toFixed(0)} ms ±${row.ms.spreadPct.toFixed(0)}%  ${row.mbPerS.toFixed(0)} MB/s  ${row.ratioVsRawPut.toFixed(2)}×`);
  }
}
