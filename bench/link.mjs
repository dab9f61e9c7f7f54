#!/usr/bin/env node
// Bench 7, a constrained link: bench 2's 50 MB upload through Chromium's network emulation
// (CDP Network.emulateNetworkConditions on the page: 20 ms latency, 100 Mbit/s up and down),
// raw single PUT (the baseline) vs tus-js-client alone vs our full core (Uploader, default
// options: hash while uploading). Same page, stack and bytes as bench 2, fewer rounds (each
// upload takes ~4 s). Writes results/link.json.
import { writeResult } from './lib/common.mjs';
import { clearBenchBucket } from './lib/bench-stack.mjs';
import { openBench, measure, CORE_LATE, WARM_UP } from './e2e.mjs';

const RUNS = Number(process.env.BENCH_LINK_RUNS ?? 5);
const SIZE = 50 * 1000 * 1000;
export const LINK = { latency: 20, downloadThroughput: 12_500_000, uploadThroughput: 12_500_000 };
const ORDER = [['raw PUT', 'rawPut'], ['tus-js-client', 'tusJs'], [CORE_LATE, 'core']];

export async function runLink() {
  const b = await openBench('link');
  try {
    const cdp = await b.page.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...LINK });
    // Warm-up under the same link: every variant once with 3 MB.
    await measure(b, WARM_UP, ORDER, 1, 'link warm-up', 91, false);
    // A check that the emulation applies to uploads: 1 MB at 12.5 MB/s takes ≥ 80 ms.
    const probe = await b.page.evaluate(async () => { window.e2e.makeFile(1_000_000, 1); const r = await window.e2e.rawPut('bench'); window.e2e.drop(); return r.ms; });
    await clearBenchBucket(b.stack);
    const rows = await measure(b, SIZE, ORDER, RUNS, 'link 50 MB', 30, false);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const core = rows.find((r) => r.name === CORE_LATE);
    const tus = rows.find((r) => r.name === 'tus-js-client');
    const wire = (SIZE / LINK.uploadThroughput) * 1000;
    return {
      browser: b.chrome.version,
      method: `Bench 2's page, stack and user (headless Chromium → local stack), with Chromium's network emulation on the page (CDP Network.emulateNetworkConditions: latency ${LINK.latency} ms, upload and download throughput ${LINK.uploadThroughput.toLocaleString('en')} bytes/s = 100 Mbit/s; the hash worker does no network I/O). A 50,000,000-byte ASCII text File in memory, new bytes per round, the same for every variant of a round; ${RUNS} rounds, variants interleaved and rotated, after a 3 MB warm-up of each under the same link; our documents deleted after each upload of ours, as in bench 2. Raw PUT: fetch PUT to a createSignedUploadUrl URL in the bucket \`bench\`; tus-js-client: /storage/v1/upload/resumable/sign, 6 MiB chunks; ours: the full Uploader with default options (hash while uploading) to \`documents\`, timed to \`upload-complete\`. Timed as in bench 2, from the start (signing the URL, for ours the fingerprint and upload-handler POSTs) to the last byte stored. The bytes alone at this rate take ${wire.toFixed(0)} ms. Check that the emulation throttles uploads: 1 MB by raw PUT took ${probe.toFixed(0)} ms (≥ ${((1e6 / LINK.uploadThroughput) * 1000).toFixed(0)} ms expected).`,
      link: LINK,
      size: SIZE,
      runs: RUNS,
      probe1MbPutMs: probe,
      wireMs: wire,
      rows,
      ratioCoreVsTusJs: core.ms.median / tus.ms.median,
      targets: [{ name: '50 MB through a 100 Mbit/s, 20 ms link: full core (default) ≤ 1.05× a raw single PUT', value: core.ratioVsRawPut, bound: 1.05, met: core.ratioVsRawPut <= 1.05, byPct: (core.ratioVsRawPut / 1.05 - 1) * 100 }],
    };
  } finally {
    await b.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runLink();
  writeResult('link', r);
  for (const row of r.rows) console.log(`link 50 MB ${row.name.padEnd(48)} ${row.ms.median.toFixed(0)} ms ±${row.ms.spreadPct.toFixed(0)}%  ${row.mbPerS.toFixed(1)} MB/s  ${row.ratioVsRawPut.toFixed(3)}×${row.firstByteMs ? `  first byte ${row.firstByteMs.median.toFixed(0)} ms` : ''}`);
  console.log(`probe: 1 MB PUT ${r.probe1MbPutMs.toFixed(0)} ms; ours vs tus-js-client ${r.ratioCoreVsTusJs.toFixed(3)}×`);
}
