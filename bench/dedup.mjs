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
    for (let i = 0; i < FRESH_RUNS; i++) {
      fresh.push(await page.evaluate((s) => window.dedup.fresh(s), i + 1));
      // Re-uploads of this run's file, alternating with the fresh uploads.
      for (let j = 0; j < Math.ceil(RUNS / FRESH_RUNS); j++) again.push(await page.evaluate(() => window.dedup.again()));
      process.stderr.write(`dedup: round ${i + 1}/${FRESH_RUNS}\n`);
    }
    const statuses = [...new Set(again.map((r) => r.status))];
    const againMs = summarize(again.map((r) => r.ms));
    const freshMs = summarize(fresh.map((r) => r.ms));
    const hashingMs = summarize(again.map((r) => (r.seen.initializing ?? r.ms) - (r.seen.hashing ?? 0)));
    return {
      browser: chrome.version,
      method: `50,000,000-byte text/plain file in memory; Uploader from packages/core/dist with a signed-in supabase-js client, default options (WorkerHasher, realtime on); local stack with the demo processor off. Re-upload: a new Uploader, the same bytes as a new File, timed from addFiles to the terminal status; ${again.length} runs. Baseline: ${fresh.length} fresh uploads of different 50 MB files, timed to 'uploaded', in the same run.`,
      reuploadStatuses: statuses,
      reuploadToDuplicateMs: againMs,
      ofWhichHashingMs: hashingMs,
      freshUploadToUploadedMs: freshMs,
      ratioVsFreshUpload: againMs.median / freshMs.median,
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
  console.log(`re-upload → ${r.reuploadStatuses.join('/')}: ${r.reuploadToDuplicateMs.median.toFixed(0)} ms ±${r.reuploadToDuplicateMs.spreadPct.toFixed(0)}% (hashing ${r.ofWhichHashingMs.median.toFixed(0)} ms); fresh upload ${r.freshUploadToUploadedMs.median.toFixed(0)} ms; ratio ${r.ratioVsFreshUpload.toFixed(2)}`);
}
