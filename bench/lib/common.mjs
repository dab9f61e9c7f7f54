// Shared helpers for the benchmarks: paths, tool resolution, statistics, results.
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const root = path.dirname(benchDir);
export const peersDir = path.join(benchDir, 'peers');

// Workspace tools, resolved from the packages that already depend on them (no new workspace deps).
const fromElements = createRequire(path.join(root, 'packages/elements/package.json'));
const fromPlayground = createRequire(path.join(root, 'playground/package.json'));
export const esbuild = fromElements('esbuild');
export const esbuildVersion = esbuild.version;
export const loadPuppeteer = async () => (await import(fromPlayground.resolve('puppeteer-core'))).default;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median with its spread: min, max and the relative half-range ((max-min)/2/median). */
export function summarize(xs) {
  const med = median(xs);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { median: med, min, max, spreadPct: med ? ((max - min) / 2 / med) * 100 : 0, runs: xs.length, samples: xs };
}

export function machine() {
  return {
    cpu: os.cpus()[0]?.model?.trim(),
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAverageAtWrite: os.loadavg().map((x) => Number(x.toFixed(2))),
    // The bench's scheduling priority (negative: started with `nice -n -10` or so, to keep other
    // work on the shared machine from setting the pace; the stack's processes inherit it).
    nice: os.getPriority(),
  };
}

export function writeResult(name, data) {
  mkdirSync(path.join(benchDir, 'results'), { recursive: true });
  const file = path.join(benchDir, 'results', `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ bench: name, at: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`);
  return file;
}
