// Headless Chromium and a static server for bench pages built with esbuild.
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, esbuild, loadPuppeteer, peersDir, root } from './common.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';

const types = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json', '.wasm': 'application/wasm' };

/**
 * Bundles bench pages (files under bench/browser/, keyed by output name) into a temp dir, with
 * core's hash worker next to them: WorkerHasher loads `new URL('./hash-worker.js', import.meta.url)`.
 * Bare imports fall back to the peers project, then the playground (supabase-js).
 * @param {string} name @param {Record<string, string>} pages @param {{ splitting?: boolean }} [options]
 */
export async function buildPages(name, pages, { splitting = true } = {}) {
  const out = mkdtempSync(path.join(os.tmpdir(), `v2-bench-${name}-`));
  const entryPoints = Object.fromEntries(Object.entries(pages).map(([out, file]) => [out, path.join(benchDir, 'browser', file)]));
  entryPoints['hash-worker'] = path.join(root, 'packages/core/dist/hashing/hash-worker.js');
  await esbuild.build({
    entryPoints,
    outdir: out,
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    nodePaths: [path.join(peersDir, 'node_modules'), path.join(root, 'playground/node_modules')],
    logLevel: 'silent',
  });
  return out;
}

/** Serves `dir`; `/` is a page that loads `script` as a module. */
export function serve(dir, script) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><meta charset=utf-8><title>bench</title><script type=module src="/${script}"></script>`);
      return;
    }
    const file = path.join(dir, path.normalize(url.pathname));
    if (!file.startsWith(dir) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

export async function launch() {
  const puppeteer = await loadPuppeteer();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'v2-bench-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir: profile,
    args: [...CHROMIUM_ARGS],
    protocolTimeout: 600_000,
  });
  const version = await browser.version();
  return {
    browser,
    version,
    async close() { await browser.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}
