#!/usr/bin/env node
// Bench 6, dedup: time from addFiles to the terminal `duplicate` status when a 50 MB file the
// user already uploaded is added again (a new Uploader each time, so only the server knows),
// in Chromium through @v2-uploader/core against the local stack. Baseline in the same run: a
// fresh upload of a 50 MB file to `uploaded`. Writes results/dedup.json.
import { rmSync } from 'node:fs';
import { summarize, writeResult } from './lib/common.mjs';
import { buildPages, serve, launch } from './lib/browser.mjs';
import { startStack } from '../stack/src/stack.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FRESH_RUNS = Math.max(3, Math.ceil(RUNS / 2));

export async function runDedup() {
  const out = await buildPages('dedup', { 'dedup-page': 'dedup-page.js' });
  const stack = await startStack({ port: 0, processor: false, log: () => {} });
  const { server, url } = await serve(out, 'dedup-page.js');
  const chrome = await launch();
  try {
    const page = await chrome.browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(url);
    await page.waitForFunction(() => window.dedup);
    await page.evaluate((u, k) => window.dedup.signIn(u, k), stack.url, stack.anonKey);
    const fresh = [];
    const again = [];
    const hashAlone = [];
    for (let i = 0; i < FRESH_RUNS; i++) {
      fresh.push(await page.evaluate((s) => window.dedup.fresh(s), i + 1));
      // Re-uploads of this run's file, alternating with the fresh uploads.
      // Each followed by the same bytes hashed alone (the bound's hash time, same run, same load).
      for (let j = 0; j < Math.ceil(RUNS / FRESH_RUNS); j++) {
        again.push(await page.evaluate(() => window.dedup.again()));
        hashAlone.push(await page.evaluate(() => window.dedup.hashOnly()));
      }
      process.stderr.write(`dedup: round ${i + 1}/${FRESH_RUNS}\n`);
    }
    const statuses = [...new Set(again.map((r) => r.status))];
    const againMs = summarize(again.map((r) => r.ms));
    const freshMs = summarize(fresh.map((r) => r.ms));
    // The whole-file hash done (its progress at 1), from addFiles: the fingerprint, its POST and
    // the hash itself (started beside the POST) lie before it.
    const hashingMs = summarize(again.map((r) => r.seen.hashDone ?? r.ms));
    const hashAloneMs = summarize(hashAlone);
    const postsOf = (kind) => again.flatMap((r) => r.trace.posts.filter((p) => p.kind === kind && p.ms !== undefined).map((p) => p.ms));
    const initPostMs = summarize(postsOf('init'));
    const fingerprintPost = postsOf('fingerprint');
    const fingerprintPostMs = fingerprintPost.length ? summarize(fingerprintPost) : undefined;
    const flowOf = (r) => r.trace.posts.map((p) => p.kind).join(' → ');
    const flows = [...new Set(again.map(flowOf))];
    const freshFlows = [...new Set(fresh.map(flowOf))];
    const bytesSent = Math.max(...again.map((r) => Math.max(r.trace.storageBytes, r.maxBytesSent)));
    const storageRequests = Math.max(...again.map((r) => r.trace.storageRequests));
    const boundMs = hashAloneMs.median + initPostMs.median;
    const ratioVsBound = againMs.median / boundMs;
    return {
      browser: chrome.version,
      method: `50,000,000-byte text/plain file in memory; Uploader from packages/core/dist with a signed-in supabase-js client, default options (WorkerHasher, realtime on, hash while uploading); local stack with the demo processor off. Re-upload: a new Uploader, the same bytes as a new File, timed from addFiles to the terminal status; ${again.length} runs. The page wraps fetch and XMLHttpRequest to see every request: bytes sent to Storage (requests carrying file bytes) and each upload-handler POST's round trip, by kind (fingerprint start, classic start with the whole-file hash, late hash delivery). Hash alone: after each re-upload, the same bytes hashed by a new WorkerHasher (worker start included, as a new Uploader pays it), timed in the page. Bound for the re-upload: hash alone + one round trip, the classic POST that answers \`duplicate\` (medians of this run). Baseline: ${fresh.length} fresh uploads of different 50 MB files, timed to 'uploaded', in the same run.`,
      reuploadStatuses: statuses,
      reuploadToDuplicateMs: againMs,
      ofWhichHashingMs: hashingMs,
      freshUploadToUploadedMs: freshMs,
      ratioVsFreshUpload: againMs.median / freshMs.median,
      hashAloneMs,
      initPostMs,
      fingerprintPostMs,
      flows,
      freshFlows,
      bytesSent,
      storageRequests,
      boundMs,
      ratioVsBound,
      targets: [{ name: 're-upload of an existing 50 MB file sends 0 bytes and takes ≤ its hash time + one round trip (time as a ratio to that sum; bytes sent to Storage)', value: ratioVsBound, bound: 1, met: bytesSent === 0 && ratioVsBound <= 1, byPct: (ratioVsBound - 1) * 100, bytesSent }],
      runs: { fresh, again },
    };
  } finally {
    await chrome.close();
    server.close();
    await stack.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runDedup();
  writeResult('dedup', r);
  console.log(`re-upload → ${r.reuploadStatuses.join('/')}: ${r.reuploadToDuplicateMs.median.toFixed(0)} ms ±${r.reuploadToDuplicateMs.spreadPct.toFixed(0)}% (hash done at ${r.ofWhichHashingMs.median.toFixed(0)} ms); fresh upload ${r.freshUploadToUploadedMs.median.toFixed(0)} ms; ratio ${r.ratioVsFreshUpload.toFixed(2)}`);
  console.log(`flows ${r.flows.join(' | ')}; bytes sent ${r.bytesSent} (${r.storageRequests} Storage requests); hash alone ${r.hashAloneMs.median.toFixed(0)} ms + classic POST ${r.initPostMs.median.toFixed(0)} ms = ${r.boundMs.toFixed(0)} ms; fingerprint POST ${r.fingerprintPostMs?.median.toFixed(0)} ms; ratio ${r.ratioVsBound.toFixed(2)}×`);
}
