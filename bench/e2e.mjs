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
import { startBenchStack, clearBenchBucket, clearDocuments, BENCH_GLOBAL_LIMIT } from './lib/bench-stack.mjs';

const RUNS = Math.max(3, Number(process.env.BENCH_E2E_RUNS ?? 3));
const SMALL_RUNS = Number(process.env.BENCH_E2E_SMALL_RUNS ?? Math.max(5, RUNS)); // 50 MB rounds are cheap: more of them
const SMALL = 50 * 1000 * 1000;
const LARGE_MB = Number(process.env.BENCH_E2E_LARGE_MB ?? 500);
const LARGE = LARGE_MB * 1000 * 1000;
export const WARM_UP = 3_000_000;

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

export const CORE_LATE = 'ours: full core (Uploader → upload-complete; default: hash while uploading)';
export const CORE_FIRST = 'ours: full core, hash first (hashWhileUploading: false)';
const ORDER_SMALL = [['raw PUT', 'rawPut'], ['tus-js-client', 'tusJs'], ['Uppy + @uppy/tus', 'uppy'], [CORE_LATE, 'core'], [CORE_FIRST, 'core', { hashWhileUploading: false }]];
const ORDER_LARGE = [['raw PUT', 'rawPut'], ['tus-js-client', 'tusJs'], ['Uppy + @uppy/tus', 'uppy'], ['ours: core TUS transport (createTusTransport)', 'coreTus']];

/**
 * Rounds of `variants` ([name, page function, options?]) on the same bytes per round, rotated;
 * medians with spreads and the ratio against the raw PUT. Our full core's rows also carry what
 * its requests did (time to the first Storage byte, each upload-handler POST, the whole-file
 * hash done) and how long it hashed before its first upload-handler POST.
 */
export async function measure({ page, stack }, size, variants, runs, label, seedBase, repeated) {
  const samples = Object.fromEntries(variants.map(([n]) => [n, []]));
  const seen = {};
  const traces = {};
  for (let i = 0; i < runs; i++) {
    // New bytes per round (core would dedup a re-upload); every variant of a round sends them.
    await page.evaluate((s, seed, rep) => (rep ? window.e2e.makeRepeatedBlob(s, seed) : window.e2e.makeFile(s, seed)), size, seedBase + i, repeated);
    for (let j = 0; j < variants.length; j++) {
      const [name, fn, options] = variants[(i + j) % variants.length]; // rotate who goes first
      const r = await page.evaluate((f, o) => window.e2e[f]('bench', o), fn, options ?? {});
      samples[name].push(r.ms);
      if (r.seen) (seen[name] ??= []).push(r.seen);
      if (r.trace) (traces[name] ??= []).push(r.trace);
      if (r.bucket === 'bench') await clearBenchBucket(stack);
      // Ours: no earlier document of the user may be a dedup candidate for the next upload.
      if (r.bucket === 'documents') await clearDocuments(stack);
    }
    process.stderr.write(`e2e ${label}: round ${i + 1}/${runs}\n`);
  }
  await page.evaluate(() => window.e2e.drop());
  const base = summarize(samples['raw PUT']);
  return variants.map(([name]) => {
    const ms = summarize(samples[name]);
    const row = { name, ms, mbPerS: (size / 1e6) / (ms.median / 1000), ratioVsRawPut: ms.median / base.median };
    // Our full core: how long it spent in `hashing` before its first upload-handler POST
    // (hash first: the whole-file MD5; late hash: only the fingerprint of the first and last MiB).
    if (seen[name]) {
      row.ofWhichHashingMs = summarize(seen[name].map((x) => (x.initializing ?? 0) - (x.hashing ?? 0)));
      row.hashDoneMs = summarize(seen[name].map((x) => x.hashDone ?? Number.NaN).filter(Number.isFinite));
    }
    if (traces[name]) {
      const tr = traces[name];
      row.firstByteMs = summarize(tr.map((t) => t.firstByteMs ?? Number.NaN).filter(Number.isFinite));
      row.storageBytes = summarize(tr.map((t) => t.storageBytes));
      row.postMs = {};
      for (const kind of ['fingerprint', 'init', 'hash']) {
        const xs = tr.flatMap((t) => t.posts.filter((p) => p.kind === kind && p.ms !== undefined).map((p) => p.ms));
        if (xs.length) row.postMs[kind] = summarize(xs);
      }
    }
    return row;
  });
}

export async function runE2e() {
  const b = await openBench('e2e');
  try {
    // Warm-up: every variant once with 3 MB (loads tus-js-client's chunk, the hash worker, Deno's
    // isolate; over 2 MiB, so our core's fingerprint start and hash delivery are warmed up too).
    await measure(b, WARM_UP, ORDER_SMALL, 1, 'warm-up', 90, false);
    const small = await measure(b, SMALL, ORDER_SMALL, SMALL_RUNS, '50 MB', 10, false);
    const large = LARGE_MB > 0 ? await measure(b, LARGE, ORDER_LARGE, RUNS, `${LARGE_MB} MB`, 50, true) : [];
    const core = small.find((r) => r.name === CORE_LATE);
    const tusJs = small.find((r) => r.name === 'tus-js-client');
    const vsTus = core.ms.median / tusJs.ms.median;
    return {
      browser: b.chrome.version,
      method: `Headless Chromium → local stack (Node Storage with @tus/file-store on local disk, Postgres, Deno functions; demo processor off), one signed-in supabase-js user. Same bytes for every variant of a round (a new ASCII text file per round so our core never dedups), ${RUNS} rounds at the large size, variants interleaved and rotated, after a 3 MB warm-up of each (${SMALL_RUNS} rounds at 50 MB); our documents are deleted after each upload of ours, since a stored document of the same size is a dedup candidate that makes the next upload hash first. Timed in the page from the start (including getting a signed upload URL with createSignedUploadUrl; for our full core including hashing and the upload-handler POSTs) to the last byte stored (raw PUT: response; TUS: onSuccess; ours: \`upload-complete\`). Ours twice at 50 MB: with default options (hash while uploading: a fingerprint, the MD5 of the first and last MiB, starts the upload with one upload-handler POST, the bytes leave at once while the worker hashes the whole file, a second POST delivers the hash) and with \`hashWhileUploading: false\` (the whole file hashed before the one POST). For ours the page also records its requests (fetch and XMLHttpRequest wrapped): time to the first request carrying file bytes to Storage, and each upload-handler POST's round trip; "whole-file hash done" is when the file's hash progress reached 1. TUS variants: /storage/v1/upload/resumable/sign with x-signature, 6 MiB chunks, no retries. 50 MB: a 50,000,000-byte File in memory; raw PUT and peers to the bench-only bucket \`bench\`, our full core to \`documents\` (its plan: TUS, 6 MiB). ${LARGE_MB} MB: a Blob of one 8 MiB part repeated, all to \`bench\`; the full core path (upload-handler, the schema, \`documents\`) is capped at 50 MiB by design, so ours is the core's TUS transport with a plan built from createSignedUploadUrl. For the ${LARGE_MB} MB runs the stack's global Storage limit (supabase/config.toml, 50 MiB) is raised to ${BENCH_GLOBAL_LIMIT} in the bench's process only. Bench objects are deleted after each upload.`,
      sizes: { small: SMALL, large: LARGE },
      small,
      large,
      ratioCoreVsTusJs: vsTus,
      ratioCoreHashFirstVsTusJs: small.find((r) => r.name === CORE_FIRST).ms.median / tusJs.ms.median,
      targets: [
        { name: '50 MB end to end through our core ≤ 1.25× a raw single PUT', value: core.ratioVsRawPut, bound: 1.25, met: core.ratioVsRawPut <= 1.25, byPct: (core.ratioVsRawPut / 1.25 - 1) * 100 },
        { name: '50 MB end to end through the full core (default: hash while uploading) ≤ 1.10× tus-js-client alone, same bytes, same run', value: vsTus, bound: 1.1, met: vsTus <= 1.1, byPct: (vsTus / 1.1 - 1) * 100 },
      ],
    };
  } finally {
    await b.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runE2e();
  writeResult('e2e', r);
  for (const [label, rows] of [['50 MB', r.small], [`${LARGE_MB} MB`, r.large]]) {
    for (const row of rows) console.log(`${label} ${row.name.padEnd(48)} ${row.ms.median.toFixed(0)} ms ±${row.ms.spreadPct.toFixed(0)}%  ${row.mbPerS.toFixed(0)} MB/s  ${row.ratioVsRawPut.toFixed(2)}×${row.firstByteMs ? `  first byte ${row.firstByteMs.median.toFixed(0)} ms, hash done ${row.hashDoneMs?.median.toFixed(0)} ms` : ''}`);
  }
  console.log(`ours vs tus-js-client at 50 MB: ${r.ratioCoreVsTusJs.toFixed(2)}× (hash first: ${r.ratioCoreHashFirstVsTusJs.toFixed(2)}×)`);
}
