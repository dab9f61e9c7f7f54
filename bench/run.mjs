#!/usr/bin/env node
// The benchmark suite: `node bench/run.mjs [--only size,hashing,dedup,e2e,link,memory,latency]`. Runs each bench in its own
// Node process, one after another (the machine is small; nothing else should run meanwhile),
// each writing bench/results/<name>.json, then regenerates the results section of
// bench/README.md from all the results files present.
// Needs: packages built (dist/), peers installed (npm ci --prefix bench/peers), /usr/bin/chromium.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { benchDir, peersDir, root } from './lib/common.mjs';
import { writeReadme } from './lib/report.mjs';

const BENCHES = ['size', 'hashing', 'dedup', 'e2e', 'link', 'memory', 'latency'];
const i = process.argv.indexOf('--only');
const only = i > 0 ? process.argv[i + 1].split(',') : BENCHES;
for (const name of only) {
  if (!BENCHES.includes(name)) {
    console.error(`unknown bench ${name}; known: ${BENCHES.join(', ')}`);
    process.exit(2);
  }
}
if (!existsSync(path.join(peersDir, 'node_modules'))) {
  console.log('installing peers: npm ci --prefix bench/peers');
  const r = spawnSync('npm', ['ci', '--prefix', peersDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync(path.join(root, 'packages/elements/dist/define.js'))) {
  console.error('packages are not built: npx -y pnpm@12.4.2 -r --filter "./packages/*" run build');
  process.exit(1);
}
let failed = 0;
for (const name of only) {
  const t0 = Date.now();
  console.log(`\n=== bench ${name}`);
  const r = spawnSync(process.execPath, [path.join(benchDir, `${name}.mjs`)], { stdio: 'inherit', cwd: root });
  console.log(`=== bench ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (r.status !== 0) failed++;
}
writeReadme();
console.log('\nbench/README.md results section regenerated from bench/results/*.json');
process.exit(failed ? 1 : 0);
