// @ts-check
// The apps in examples/, as a user would have them: copied outside the repository, installed
// with plain npm against the packed tarballs (not workspace links), built with their own build
// command, served, and driven in Chromium against one local stack: sign in, upload a PDF, see it
// reach `completed`, with the file hashed in a Web Worker, and no page error, console error or
// failed request. Needs the packages built (the `packages` suite runs first).
//
// One npm install for all of them (an npm workspaces root in the temporary folder), one stack,
// one browser; the builds run one after another.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStack } from '../../stack/src/stack.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, requestFault } from '../lib/chromium.mjs';
import { root } from '../lib/migrate.mjs';
import { packPackages } from '../lib/pack.mjs';
// The core's own test documents (built: this suite runs after the packages are).
import { pdfBlob } from '../../packages/core/dist/testing/index.js';

// puppeteer-core is the playground's devDependency (as in reliability/lib/harness.mjs).
/** @type {typeof import('puppeteer-core').default} */
const puppeteer = (await import(createRequire(path.join(root, 'playground/package.json')).resolve('puppeteer-core'))).default;

/**
 * Each example: where its build lands and how it is served, and how a person uploads with it.
 * `serve: 'static'` serves `out` with a tiny file server; `serve: 'next'` runs `next start`.
 * `uploads`: `element` drops a PDF on <v2-uploader>; `input` picks one with `#hooks-input`.
 * Every app lists its files as `#… li[data-file][data-status]`.
 * @type {{ name: string, out?: string, serve: 'static' | 'next', uploads: { how: 'element' | 'input', list: string, store?: boolean }[] }[]}
 */
const EXAMPLES = [
  { name: 'vite-vanilla', out: 'dist', serve: 'static', uploads: [{ how: 'element', list: '#files' }] },
  { name: 'vite-react', out: 'dist', serve: 'static', uploads: [{ how: 'input', list: '#hooks-files' }, { how: 'element', list: '#files' }] },
  // store: the app gives the element its store (the provider's, or an Uploader): wait for it.
  { name: 'nextjs', serve: 'next', uploads: [{ how: 'element', list: '#files', store: true }] },
  { name: 'webpack', out: 'dist', serve: 'static', uploads: [{ how: 'element', list: '#files' }] },
  { name: 'esbuild', out: 'dist', serve: 'static', uploads: [{ how: 'element', list: '#files', store: true }] },
];
const only = process.env.V2_EXAMPLES?.split(',').filter(Boolean);
const selected = only ? EXAMPLES.filter((e) => only.includes(e.name)) : EXAMPLES;

const USER = { email: 'bob@example.com', password: 'password123' };
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.wasm': 'application/wasm',
  '.map': 'application/json', '.ico': 'image/x-icon', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8',
};

/** @type {string} */ let work;
/** @type {string} */ let apps;
/** @type {Awaited<ReturnType<typeof startStack>>} */ let stack;
/** @type {import('puppeteer-core').Browser} */ let browser;
/** @type {Record<string, string>} */ let buildEnv;
/** Seconds each step took, printed at the end. */
const timings = /** @type {Record<string, number>} */ ({});

/** Runs a command; rejects with its output when it fails. */
function exec(cmd, args, { cwd, env = {}, timeout = 300_000 } = /** @type {any} */ ({})) {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout stops the build tools under npm too.
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => {
      try { process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL'); } catch { /* already gone */ }
    }, timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${signal ?? `exit ${code}`}\n${out.slice(-8000)}`));
    });
  });
}

async function timed(label, fn) {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = (Date.now() - started) / 1000;
  }
}

/** A file server for a built app, on 127.0.0.1; unknown paths are 404. */
async function serveStatic(dir) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      await stat(file);
    } catch {
      return void res.writeHead(404).end('not found');
    }
    res.writeHead(200, { 'content-type': MIME[/** @type {keyof typeof MIME} */ (path.extname(file))] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const stop = () => new Promise((resolve) => {
    server.close(() => resolve(undefined));
    server.closeAllConnections(); // the browser's keep-alive connections would hold close() open
  });
  return { url: `http://127.0.0.1:${address.port}/`, stop };
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return port;
}

/** `next start` in its own process group, stopped as a group; resolves once it answers. */
async function serveNext(dir) {
  const port = await freePort();
  const child = spawn('npm', ['run', 'start', '--', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir, env: { ...process.env, ...buildEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    try { process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM'); } catch { /* already gone */ }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
    try { process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL'); } catch { /* already gone */ }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer in 60 s:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, stop };
}

/**
 * Before any script of the page: notes every file posted to a Web Worker and every hash a
 * worker answers with (the WorkerHasher protocol: `{ id, file }` → `{ id, hash }`), so the test
 * can tell each file was hashed in a worker and not on the main thread.
 */
function hashProbe() {
  const probe = { sent: /** @type {string[]} */ ([]), hashed: /** @type {{ name: string, hash: string }[]} */ ([]) };
  Object.defineProperty(window, '__v2HashProbe', { value: probe });
  const names = new WeakMap();
  const post = Worker.prototype.postMessage;
  const listen = Worker.prototype.addEventListener;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.file instanceof Blob) {
      if (!names.has(this)) names.set(this, new Map());
      const name = message.file instanceof File ? message.file.name : `blob of ${message.file.size} bytes`;
      names.get(this).set(message.id, name);
      probe.sent.push(name);
    }
    return post.call(this, message, ...rest);
  };
  // @ts-ignore: the same signature, wrapped
  Worker.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'message' || typeof listener !== 'function') return listen.call(this, type, listener, options);
    const worker = this;
    return listen.call(this, type, function (/** @type {MessageEvent} */ event) {
      const data = event.data;
      if (data && typeof data.hash === 'string') probe.hashed.push({ name: names.get(worker)?.get(data.id), hash: data.hash });
      return listener.call(this, event);
    }, options);
  };
}

/** A small well-formed PDF (the Uploader inspects it before sending), unique per call (the server deduplicates by content hash). */
async function pdfBytes(name) {
  const file = pdfBlob(64 * 1024, Math.floor(Math.random() * 2 ** 32), name);
  return Buffer.from(await file.arrayBuffer());
}

/**
 * Signs in with the app's form, uploads one PDF per `uploads` entry and waits for each row to
 * reach `completed`; fails on the first page error, console error, failed request or failed row.
 * @param {string} url
 * @param {string} name
 * @param {{ how: 'element' | 'input', list: string, store?: boolean }[]} uploads
 */
async function driveApp(url, name, uploads) {
  const page = await browser.newPage();
  const errors = /** @type {string[]} */ ([]);
  const workers = /** @type {string[]} */ ([]);
  /** Every console message and step, shown when the test fails. */
  const trace = /** @type {string[]} */ ([]);
  const step = (/** @type {string} */ what) => trace.push(`step: ${what}`);
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => errors.push(`page error: ${String(e)}`));
  page.on('console', (message) => {
    const text = message.text();
    trace.push(`console ${message.type()}: ${text}`);
    if (message.type() === 'error') errors.push(`console error: ${text} (${message.location().url ?? ''})`);
    if (/hash worker could not start/.test(text)) errors.push(`console ${message.type()}: ${text}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    const fault = requestFault(request);
    if (fault) errors.push(fault);
    else trace.push(`poll cancelled: ${request.url()}`);
  });
  page.on('workercreated', (worker) => workers.push(worker.url()));
  await page.evaluateOnNewDocument(hashProbe);
  const names = uploads.map((u, i) => `${name}-${u.how}-${i}.pdf`);
  try {
    step(`open ${url}`);
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('#sign-in input[name=email]').fill(USER.email);
    await page.locator('#sign-in input[name=password]').fill(USER.password);
    await page.locator('#sign-in button[type=submit]').click();
    step('sign in');
    await page.waitForFunction((email) => document.querySelector('#who')?.textContent?.includes(email), { timeout: 20_000 }, USER.email);

    for (const [i, upload] of uploads.entries()) {
      const file = names[i];
      step(`upload ${file} (${upload.how})`);
      if (upload.how === 'input') {
        const local = path.join(work, file);
        await writeFile(local, await pdfBytes(file));
        const input = /** @type {import('puppeteer-core').ElementHandle<HTMLInputElement>} */ (await page.waitForSelector('#hooks-input', { timeout: 20_000 }));
        await input.uploadFile(local);
      } else {
        // The element is defined (React and Next define it in an effect), enabled (signed in) and
        // has its client, or the app's store where the app gives one (React sets those properties
        // in effects too, the provider's store once it exists: a drop before that goes to a store
        // of the element's own, which the app's list does not show).
        await page.waitForFunction((store) => {
          const el = /** @type {any} */ (document.querySelector('v2-uploader'));
          return customElements.get('v2-uploader') && el && !el.disabled && (store ? el.uploader : el.uploader || el.supabase)
            && el.shadowRoot?.querySelector('[part~=dropzone]');
        }, { timeout: 20_000 }, upload.store === true);
        const bytes = (await pdfBytes(file)).toString('base64');
        await page.evaluate((file, bytes) => {
          const zone = document.querySelector('v2-uploader')?.shadowRoot?.querySelector('[part~=dropzone]');
          const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([data], file, { type: 'application/pdf' }));
          zone?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        }, file, bytes);
      }
    }
    for (const [i, upload] of uploads.entries()) {
      step(`wait for ${names[i]} in ${upload.list}`);
      const handle = await page.waitForFunction((list, file) => {
        const row = [...document.querySelectorAll(`${list} li`)].find((li) => li.getAttribute('data-file') === file);
        const status = row?.getAttribute('data-status') ?? '';
        return status === 'completed' || /failed|cancelled|duplicate/.test(status) ? `${status} — ${row?.textContent}` : false;
      }, { timeout: 60_000, polling: 100 }, upload.list, names[i]);
      const outcome = await handle.jsonValue();
      assert.match(String(outcome), /^completed/, `${names[i]} in ${upload.list}`);
    }
    step('read the hash probe');
    const probe = await page.evaluate(() => /** @type {any} */ (window).__v2HashProbe);
    assert.ok(workers.length > 0, 'a Web Worker was started');
    for (const file of names) {
      assert.ok(probe.sent.includes(file), `${file} was posted to a worker (posted: ${probe.sent.join(', ')})`);
      assert.ok(probe.hashed.some((/** @type {any} */ h) => h.name === file && /^[0-9a-f]{32}$/.test(h.hash)), `a worker answered ${file}'s MD5 (${JSON.stringify(probe.hashed)})`);
    }
  } catch (error) {
    // A wait that timed out after the page broke: report what broke it, and what happened.
    console.log(trace.map((line) => `${name}: ${line}`).join('\n'));
    assert.deepEqual(errors, []);
    throw error;
  } finally {
    await page.close();
  }
  assert.deepEqual(errors, []);
  return { workers };
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'v2-uploader-examples-'));
  const packed = await timed('pack', () => packPackages(path.join(work, 'tarballs')));
  const tarball = (/** @type {string} */ name) => `file:${packed[name].file}`;

  // The examples as users have them, each depending on @v2-uploader/* by version: here those
  // ranges become the tarballs, and overrides make the packages' own dependencies on each other
  // the tarballs too. One workspaces root, so one `npm install` sets up all of them.
  apps = path.join(work, 'apps');
  for (const example of selected) {
    const dir = path.join(apps, example.name);
    await cp(path.join(root, 'examples', example.name), dir, {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|dist|\.next)$/.test(src),
    });
    const manifestPath = path.join(dir, 'package.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (dep.startsWith('@v2-uploader/')) manifest[field][dep] = tarball(dep);
      }
    }
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  }
  await writeFile(path.join(apps, 'package.json'), JSON.stringify({
    name: 'v2-uploader-examples',
    private: true,
    workspaces: selected.map((e) => e.name),
    overrides: Object.fromEntries(Object.keys(packed).map((name) => [name, tarball(name)])),
  }, null, 2));
  await timed('npm install', () => exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: apps, timeout: 600_000 }));

  stack = await timed('stack start', () => startStack({ port: 0, processor: { stepMs: 100 }, log: () => {} }));
  buildEnv = {
    VITE_SUPABASE_URL: stack.url,
    VITE_SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
    NEXT_PUBLIC_SUPABASE_URL: stack.url,
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
    SUPABASE_URL: stack.url,
    SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir: path.join(work, 'chromium'),
    protocolTimeout: 90_000,
    args: [...CHROMIUM_ARGS],
  });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  console.log(`examples: seconds per step ${JSON.stringify(timings)}`);
});

describe('the examples, installed from the packed tarballs', () => {
  for (const example of selected) {
    it(`${example.name}: builds, signs in and uploads a PDF to completed, hashed in a worker`, async () => {
      const dir = path.join(apps, example.name);
      await timed(`${example.name} build`, () => exec('npm', ['run', 'build'], { cwd: dir, env: buildEnv }));
      const server = example.serve === 'next' ? await serveNext(dir) : await serveStatic(path.join(dir, /** @type {string} */ (example.out)));
      try {
        await timed(`${example.name} browser`, () => driveApp(server.url, example.name, example.uploads));
      } finally {
        await server.stop();
      }
    });
  }
});
