// @ts-check
// What every reliability test stands on: the local stack (its own temp data dir, removed at
// the end), the fault proxy in front of it, the page (reliability/page/page.js bundled with
// esbuild from packages/core/dist) served on 127.0.0.1, and Debian's Chromium using the proxy
// for every request (`--proxy-server`, loopback included), so supabase-js, the core's fetches,
// XHR PUTs, tus-js-client and the Realtime WebSocket all pass through it.
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { startStack } from '../../stack/src/stack.mjs';
import { fileBytes } from './bytes.mjs';
import { startFaultProxy } from './fault-proxy.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Tools the workspace already has, resolved from the packages that depend on them.
const fromElements = createRequire(path.join(root, 'packages/elements/package.json'));
const fromPlayground = createRequire(path.join(root, 'playground/package.json'));

export const MiB = 1024 * 1024;
/** upload-handler's plan (supabase/functions/_shared/files.ts): one PUT up to 5 MiB, TUS in 6 MiB chunks above. */
export const SINGLE_PUT_MAX = 5 * MiB;
export const TUS_CHUNK = 6 * MiB;
/** The design's cap on a document (schema, upload-handler, the bucket). */
export const MAX_DOCUMENT = 50 * MiB;

/** Environment knobs (documented in reliability/README.md). */
export const HEAVY = process.env.V2_RELIABILITY_HEAVY === '1';
export const SEED = Number(process.env.V2_RELIABILITY_SEED ?? 20250101);

/** Bundles the page and core's hash worker (next to it, as `new URL('./hash-worker.js', import.meta.url)` wants). */
async function buildPage() {
  const esbuild = fromElements('esbuild');
  const out = mkdtempSync(path.join(os.tmpdir(), 'v2-reliability-page-'));
  const worker = path.join(root, 'packages/core/dist/hashing/hash-worker.js');
  if (!existsSync(worker)) throw new Error('packages/core/dist is missing: build the packages first (the `packages` suite)');
  await esbuild.build({
    entryPoints: { page: path.join(root, 'reliability/page/page.js'), 'hash-worker': worker },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    nodePaths: [path.join(root, 'playground/node_modules')],
    logLevel: 'silent',
  });
  return out;
}

const types = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

/** Serves the built page; `/` loads it. */
function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><meta charset=utf-8><title>reliability</title><script type=module src="/page.js"></script>');
      return;
    }
    const file = path.join(dir, path.normalize(url.pathname));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': types[/** @type {keyof types} */ (path.extname(file))] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
    resolve({ server, url: `http://127.0.0.1:${port}/` });
  }));
}

/**
 * Starts everything. `stack`: extra startStack options (jwtExpiry…); `proxy`: fault proxy
 * options (rates, seed, eligible…).
 * @param {{ stack?: Partial<import('../../stack/src/stack.mjs').StackOptions>, proxy?: Partial<import('./fault-proxy.mjs').FaultProxyOptions> }} [options]
 */
export async function openRig(options = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'v2-reliability-'));
  // Postgres runs as its own user when we are root: it must be able to enter the directory.
  chmodSync(tmp, 0o755);
  /** @type {(() => Promise<void> | void)[]} */
  const closers = [() => rmSync(tmp, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (error) {
        console.error('reliability: cleanup failed:', error);
      }
    }
  };
  try {
    const dir = await buildPage();
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const stack = await startStack({ port: 0, dataDir: path.join(tmp, 'stack'), processor: false, log: () => {}, ...options.stack });
    closers.push(() => stack.stop());
    const only = options.proxy?.eligible;
    const proxy = await startFaultProxy({
      target: stack.url,
      ...options.proxy,
      // Faults only for the stack (not the page's own server), narrowed further by the test.
      eligible: (req, url) => url.host === new URL(stack.url).host && (only ? only(req, url) : true),
    });
    closers.push(() => proxy.close());
    const site = /** @type {{ server: import('node:http').Server, url: string }} */ (await serve(dir));
    closers.push(() => new Promise((resolve) => { site.server.closeAllConnections(); site.server.close(() => resolve(undefined)); }));
    const puppeteer = (await import(fromPlayground.resolve('puppeteer-core'))).default;
    const profile = path.join(tmp, 'chromium');
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir: profile,
      // Every request through the proxy, loopback too (Chromium bypasses loopback unless told).
      args: [...CHROMIUM_ARGS, `--proxy-server=${proxy.url}`, '--proxy-bypass-list=<-loopback>'],
      protocolTimeout: 900_000,
    });
    closers.push(() => browser.close());
    const storageDir = path.join(tmp, 'stack', 'storage');

    /** A new page of the same browser (same profile: localStorage and IndexedDB persist), with the report hook. */
    async function openPage(onReport = /** @type {(r: any) => void} */ (() => {})) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      await page.exposeFunction('__relReport', onReport);
      await page.goto(site.url);
      await page.waitForFunction(() => /** @type {any} */ (window).rel);
      return page;
    }

    return { stack, proxy, browser, openPage, storageDir, close, siteUrl: site.url };
  } catch (error) {
    await close();
    throw error;
  }
}

/** MD5 (hex) of the bytes a seed stands for, computed in Node. */
export const expectedMd5 = (seed, size) => createHash('md5').update(fileBytes(seed, size)).digest('hex');

/** MD5 of a stream. */
async function md5OfStream(stream) {
  const hash = createHash('md5');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { md5: hash.digest('hex'), bytes };
}

/**
 * The stored object as Storage serves it (GET /storage/v1/object/documents/<path> with the
 * service role, straight to the stack), hashed in Node.
 * @param {{ url: string, serviceRoleKey: string }} stack @param {string} storagePath
 */
export async function storedMd5(stack, storagePath) {
  const res = await fetch(`${stack.url}/storage/v1/object/documents/${storagePath.split('/').map(encodeURIComponent).join('/')}`, {
    headers: { authorization: `Bearer ${stack.serviceRoleKey}`, apikey: stack.serviceRoleKey },
  });
  if (!res.ok || !res.body) throw new Error(`download of ${storagePath}: ${res.status} ${await res.text()}`);
  return md5OfStream(res.body);
}

/** The same object read from the stack's files on disk. */
export function diskMd5(storageDir, storagePath) {
  return md5OfStream(createReadStream(path.join(storageDir, 'objects', 'documents', ...storagePath.split('/'))));
}

/** Deletes a checked object's files (stored and unfinished TUS) to keep the disk small. */
export function dropObjectFiles(storageDir, storagePath) {
  const parts = storagePath.split('/');
  rmSync(path.join(storageDir, 'objects', 'documents', ...parts), { force: true });
  rmSync(path.join(storageDir, 'tus', 'documents', ...parts), { recursive: true, force: true });
}

/**
 * Which document a forwarded upload request belongs to, from its path: a signed PUT
 * (`/storage/v1/object/upload/sign/documents/<uid>/<doc>/<name>`) or a TUS upload
 * (`/storage/v1/upload/resumable/sign/<base64url of documents/<uid>/<doc>/<name>/<version>>`).
 * @param {string} pathname @returns {string | undefined}
 */
export function documentOfUploadPath(pathname) {
  let m = /^\/storage\/v1\/object\/upload\/sign\/documents\/([^/]+)\/([^/]+)\//.exec(pathname);
  if (m) return m[2];
  m = /^\/storage\/v1\/upload\/resumable\/sign\/([^/]+)$/.exec(pathname);
  if (m) {
    const id = Buffer.from(decodeURIComponent(m[1] ?? ''), 'base64url').toString('utf8');
    return id.split('/')[2];
  }
  return undefined;
}

/** Upload body bytes the proxy forwarded for one document (PUTs and TUS PATCHes). */
export function uploadBytesOf(proxy, documentId) {
  let total = 0;
  for (const [p, n] of proxy.stats.bodyBytes) if (documentOfUploadPath(p) === documentId) total += n;
  return total;
}

/**
 * The server-side check of one stored file: its documents row (size, file_hash) and the object
 * Storage serves, against the MD5 Node computes from the seed. Returns what is wrong (empty when
 * all is right) and deletes the object's files afterwards.
 * @param {{ stack: any, storageDir: string }} rig @param {{ seed: number, size: number, documentId: string }} r
 */
export async function verifyStored({ stack, storageDir }, r) {
  const [doc] = await stack.sql`select id, status, file_hash, file_size, storage_path from documents where id = ${r.documentId}`;
  if (!doc) return [`seed ${r.seed}: no document row ${r.documentId}`];
  const problems = [];
  const want = expectedMd5(r.seed, r.size);
  if (Number(doc.file_size) !== r.size) problems.push(`seed ${r.seed}: file_size ${doc.file_size} ≠ ${r.size}`);
  if (doc.file_hash !== want) problems.push(`seed ${r.seed}: file_hash ${doc.file_hash} ≠ ${want}`);
  const stored = await storedMd5(stack, doc.storage_path);
  if (stored.bytes !== r.size || stored.md5 !== want) problems.push(`seed ${r.seed}: stored ${stored.bytes} bytes md5 ${stored.md5}, want ${r.size} ${want}`);
  dropObjectFiles(storageDir, doc.storage_path);
  return problems;
}
