#!/usr/bin/env node
// Bench 3, memory: peak JS heap of the page (CDP Performance.getMetrics JSHeapUsedSize, sampled
// every ~100 ms) while a large Blob is uploaded through our core's TUS transport to the local
// stack's bench-only bucket, at 100 MB, 500 MB and 1 GB. Baseline in the same run: the same
// Blob through tus-js-client alone. Writes results/memory.json.
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { median, summarize, writeResult } from './lib/common.mjs';
import { clearBenchBucket } from './lib/bench-stack.mjs';
import { openBench } from './e2e.mjs';

const RUNS = Math.max(3, Number(process.env.BENCH_MEMORY_RUNS ?? 3));
const MB = 1000 * 1000;
const SAMPLE_MS = 100;
const MIN_FREE_FOR_1GB = 10 * 2 ** 30;

function freeBytes() {
  const s = statfsSync('/');
  return s.bavail * s.bsize;
}

/** Summed RSS (bytes) of Chromium's renderer processes (Linux /proc): where Blob bytes or
 * ArrayBuffer backing stores, which JSHeapUsedSize does not count, would show. */
let browserPid;
function rendererRss() {
  let total = 0;
  const parent = new Map();
  const pids = readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p));
  for (const pid of pids) {
    try { parent.set(pid, readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]); } catch { /* gone */ }
  }
  const under = (pid) => { for (let p = pid, n = 0; p && n < 10; p = parent.get(p), n++) if (p === browserPid) return true; return false; };
  for (const pid of pids) {
    try {
      if (!under(pid)) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const m = /VmRSS:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch { /* gone */ }
  }
  return total;
}

/** Runs `fn` while sampling JSHeapUsedSize; returns the heap before and the peak during. */
async function sampled(cdp, fn) {
  const heap = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  await cdp.send('HeapProfiler.collectGarbage');
  const before = await heap();
  const rssBefore = rendererRss();
  let peak = before;
  let rssPeak = rssBefore;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await heap());
      rssPeak = Math.max(rssPeak, rendererRss());
      samples++;
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  let result;
  try {
    result = await fn();
  } finally {
    running = false;
    await loop;
  }
  peak = Math.max(peak, await heap());
  return { beforeBytes: before, peakBytes: peak, rssBeforeBytes: rssBefore, rssPeakBytes: rssPeak, samples, ms: result.ms };
}

export async function runMemory() {
  const free = freeBytes();
  const sizes = [100, 500, 1000];
  const skipped = [];
  if (free < MIN_FREE_FOR_1GB) {
    sizes.pop();
    skipped.push({ sizeMB: 1000, reason: `only ${(free / 2 ** 30).toFixed(1)} GiB free on / (needs ≥ 10 GiB)` });
  }
  const b = await openBench('memory');
  try {
    browserPid = String(b.chrome.browser.process().pid);
    const cdp = await b.page.createCDPSession();
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');
    const variants = [['ours: core TUS transport', 'coreTus'], ['tus-js-client alone (baseline)', 'tusJs']];
    // Warm-up: loads tus-js-client's chunk for both.
    await b.page.evaluate(() => window.e2e.makeRepeatedBlob(8 * 1000 * 1000, 1));
    for (const [, fn] of variants) await b.page.evaluate((f) => window.e2e[f]('bench'), fn);
    await clearBenchBucket(b.stack);
    const rows = [];
    for (const sizeMB of sizes) {
      const raw = Object.fromEntries(variants.map(([n]) => [n, []]));
      for (let i = 0; i < RUNS; i++) {
        await b.page.evaluate((s, seed) => window.e2e.makeRepeatedBlob(s, seed), sizeMB * MB, i + 1);
        for (let j = 0; j < variants.length; j++) {
          const [name, fn] = variants[(i + j) % variants.length];
          raw[name].push(await sampled(cdp, () => b.page.evaluate((f) => window.e2e[f]('bench'), fn)));
          await clearBenchBucket(b.stack);
        }
        await b.page.evaluate(() => window.e2e.drop());
        process.stderr.write(`memory ${sizeMB} MB: round ${i + 1}/${RUNS}\n`);
      }
      for (const [name, runs] of Object.entries(raw)) {
        rows.push({
          name, sizeMB,
          peakHeapMiB: summarize(runs.map((r) => r.peakBytes / 2 ** 20)),
          heapBeforeMiB: summarize(runs.map((r) => r.beforeBytes / 2 ** 20)),
          peakAboveBeforeMiB: summarize(runs.map((r) => (r.peakBytes - r.beforeBytes) / 2 ** 20)),
          rendererRssBeforeMiB: summarize(runs.map((r) => r.rssBeforeBytes / 2 ** 20)),
          rendererRssPeakMiB: summarize(runs.map((r) => r.rssPeakBytes / 2 ** 20)),
          uploadMs: summarize(runs.map((r) => r.ms)),
          samplesPerRun: median(runs.map((r) => r.samples)),
        });
      }
    }
    for (const r of rows) {
      const base = rows.find((x) => x.sizeMB === r.sizeMB && x.name.startsWith('tus-js-client'));
      r.ratioVsTusJs = r.peakHeapMiB.median / base.peakHeapMiB.median;
    }
    const ours = rows.filter((r) => r.name.startsWith('ours'));
    const first = ours[0];
    const last = ours[ours.length - 1];
    const growthMiB = last.peakHeapMiB.median - first.peakHeapMiB.median;
    const flat = growthMiB <= Math.max(4, first.peakHeapMiB.median * 0.1);
    const targets = [];
    if (last.sizeMB === 1000) {
      const v = last.peakHeapMiB.median;
      targets.push({ name: 'peak JS heap while uploading 1 GB through our core ≤ 64 MiB, and flat from 100 MB to 1 GB', value: v, bound: 64, met: v <= 64 && flat, byPct: (v / 64 - 1) * 100 });
    }
    return {
      browser: b.chrome.version,
      method: `Headless Chromium, one page; a Blob of one 8 MiB part repeated (the page holds the part once), uploaded to the local stack's bench-only bucket \`bench\` (TUS /storage/v1/upload/resumable/sign, 6 MiB chunks; global Storage limit raised for this bench only, see bench 2). Ours: core's createTusTransport with a plan from createSignedUploadUrl (the full core path is capped at 50 MiB by design); baseline: tus-js-client alone, same Blob, same run. Heap: CDP Performance.getMetrics JSHeapUsedSize, sampled every ${SAMPLE_MS} ms from just before the upload (after a forced GC) to its end; peak = largest sample; JSHeapUsedSize does not count ArrayBuffer backing stores or Blob data, so the renderer processes' summed RSS (/proc VmRSS, same sampling) is reported beside it (no target; it includes Chromium's own baseline). ${RUNS} runs per size and variant, interleaved; objects deleted after each upload. "Flat" = the largest size's median peak within max(4 MiB, 10 %) of the smallest's.`,
      rows,
      growthMiB,
      flat,
      skipped,
      freeDiskGiB: Number((free / 2 ** 30).toFixed(1)),
      targets,
    };
  } finally {
    await b.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runMemory();
  writeResult('memory', r);
  for (const row of r.rows) console.log(`${String(row.sizeMB).padStart(5)} MB ${row.name.padEnd(32)} peak ${row.peakHeapMiB.median.toFixed(1)} MB (before ${row.heapBeforeMiB.median.toFixed(1)}) renderer RSS peak ${row.rendererRssPeakMiB.median.toFixed(0)} (before ${row.rendererRssBeforeMiB.median.toFixed(0)}) ${row.uploadMs.median.toFixed(0)} ms`);
  console.log(`growth 100 MB → largest: ${r.growthMiB.toFixed(1)} MB; flat: ${r.flat}`);
}
