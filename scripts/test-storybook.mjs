#!/usr/bin/env node
// The Storybook test: builds Storybook once (stories/), serves the build on 127.0.0.1, and
// opens every story (and every docs page) in Debian's headless Chromium, one page each, two at
// a time. A story passes when it renders (its play function too, if any) with no console error
// and no page error, and axe-core finds no WCAG 2 A/AA violation in it; stories tagged
// `reduced-motion` are opened with `prefers-reduced-motion: reduce` and must run no animation.
// Two tags relax a check, each visibly: `axe-known:<rule>` reports that axe rule as a known
// issue (printed, not failed; the test says when it no longer occurs), and
// `expects-http-errors` lets Chrome's "Failed to load resource" lines for the simulated
// backend's deliberate error answers pass (503s, 413s: the story's scenario).
// Prints one line per entry and closes with `storybook: N passed, N failed`.
//
//   node scripts/test-storybook.mjs            build, then test every entry
//   node scripts/test-storybook.mjs uploader   only entries whose id contains "uploader"
//   STORYBOOK_STATIC=dir node scripts/…        test an existing build instead of building
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './lib/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const storiesDir = path.join(root, 'stories');
const requireFromStories = createRequire(path.join(storiesDir, 'package.json'));
/** Pages open at once: two keep both cores busy without starving the build's leftovers or the stories' timers. */
const CONCURRENCY = 2;
/** A story has this long to render and finish its play function; the simulated uploads get more. */
const STORY_TIMEOUT_MS = 30_000;
const SIMULATED_TIMEOUT_MS = 90_000;
/** The whole run stops by itself after this, whatever hangs. */
const RUN_TIMEOUT_MS = 8 * 60_000;
/** Storybook's own UI inside the preview iframe (hidden unless something went wrong): not the stories'. */
const STORYBOOK_CHROME = ['.sb-errordisplay', '.sb-nopreview', '.sb-preparing-story', '.sb-preparing-docs'];
/** The simulated backend's origin (stories/src/mocks/backend.ts). */
const SIMULATED_ORIGIN = 'https://demo.supabase.co';
/** Preview events worth keeping, hooked before Storybook's scripts run. */
const EVENTS = [
  'storyFinished', 'docsRendered', 'storyErrored', 'storyThrewException', 'playFunctionThrewException', 'storyMissing',
  'unhandledErrorsWhilePlaying', 'storyRenderPhaseChanged',
];

const filter = process.argv[2];
const started = Date.now();
const killTimer = setTimeout(() => {
  console.error(`storybook: gave up after ${RUN_TIMEOUT_MS / 60_000} minutes`);
  console.log('storybook: 0 passed, 1 failed');
  process.exit(1);
}, RUN_TIMEOUT_MS);
killTimer.unref();

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', PUPPETEER_SKIP_DOWNLOAD: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

/** The Custom Elements Manifest (git-ignored, made by the elements build) and the static Storybook. */
async function build(outDir) {
  const cem = path.join(root, 'packages/elements/node_modules/.bin/cem');
  await run(cem, ['analyze', '--config', 'custom-elements-manifest.config.mjs'], path.join(root, 'packages/elements'));
  const storybook = path.join(storiesDir, 'node_modules/.bin/storybook');
  await run(storybook, ['build', '--output-dir', outDir, '--quiet', '--disable-telemetry'], storiesDir);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** A static file server for the build on a free port of 127.0.0.1. */
function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Chrome asks for /favicon.ico on every first visit; the build has favicon.svg.
    const pathname = url.pathname === '/favicon.ico' ? '/favicon.svg' : url.pathname;
    let file = path.join(dir, decodeURIComponent(pathname));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Inside the page, before Storybook: remember the preview's events as they happen. */
function hookEvents(events) {
  window.__v2Events = [];
  let channel;
  Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
    configurable: true,
    get: () => channel,
    set(value) {
      channel = value;
      for (const event of events) value.on(event, (...args) => window.__v2Events.push({ event, args: JSON.parse(JSON.stringify(args ?? null)) }));
    },
  });
}

/** Running CSS/Web animations in the document and every shadow root (what Storybook itself checks). */
function runningAnimations() {
  const roots = [document];
  for (let i = 0; i < roots.length; i += 1) {
    for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return roots.flatMap((r) => r.getAnimations?.() ?? []).filter((a) => a.playState === 'running').length;
}

async function testEntry(browser, base, entry, axeSource) {
  const problems = [];
  const notes = [];
  const tags = entry.tags ?? [];
  const knownAxe = tags.filter((t) => t.startsWith('axe-known:')).map((t) => t.slice('axe-known:'.length));
  const httpErrorsExpected = tags.includes('expects-http-errors');
  const page = await browser.newPage();
  try {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const deliberate = httpErrorsExpected && msg.text().startsWith('Failed to load resource')
        && (msg.location()?.url ?? '').startsWith(`${SIMULATED_ORIGIN}/`);
      if (deliberate) notes.push(`expected: ${msg.text()} (${msg.location().url.split('?')[0]})`);
      else problems.push(`console error: ${msg.text()}${msg.location()?.url ? ` (${msg.location().url})` : ''}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.evaluateOnNewDocument(hookEvents, EVENTS);
    await page.setViewport({ width: 1024, height: 768 });
    const reducedMotion = tags.includes('reduced-motion');
    if (reducedMotion) await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    const viewMode = entry.type === 'docs' ? 'docs' : 'story';
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(entry.id)}&viewMode=${viewMode}`, { waitUntil: 'load' });
    const timeout = tags.includes('simulated-backend') ? SIMULATED_TIMEOUT_MS : STORY_TIMEOUT_MS;
    try {
      // Done: the docs rendered; or the story finished, and for a story with a play function
      // (tagged `play-fn` by Storybook) finished after its play ended. A play that changes args
      // re-renders the story meanwhile, and that re-render finishes on its own.
      await page.waitForFunction((type, needsPlay) => {
        const events = window.__v2Events ?? [];
        if (events.some((e) => ['storyErrored', 'storyMissing', 'storyThrewException'].includes(e.event))) return true;
        if (type === 'docs') return events.some((e) => e.event === 'docsRendered');
        const from = needsPlay
          ? events.findIndex((e) => e.event === 'storyRenderPhaseChanged' && ['played', 'errored'].includes(e.args?.[0]?.newPhase))
          : 0;
        return from >= 0 && events.slice(from).some((e) => e.event === 'storyFinished');
      }, { timeout, polling: 50 }, entry.type, tags.includes('play-fn'));
    } catch {
      problems.push(`did not finish rendering within ${timeout / 1000} s`);
    }
    const events = await page.evaluate(() => window.__v2Events ?? []);
    for (const e of events) {
      if (e.event === 'storyRenderPhaseChanged') continue;
      if (e.event === 'storyFinished' && e.args?.[0]?.status !== 'success') {
        const failed = (e.args[0].reporters ?? []).filter((r) => r.status === 'failed').map((r) => r.type);
        // The a11y addon's own report is checked again below with axe; anything else is the story's.
        if (failed.some((t) => t !== 'a11y') || failed.length === 0) problems.push(`story finished with status ${e.args[0].status}`);
      }
      if (['storyErrored', 'storyThrewException', 'playFunctionThrewException', 'storyMissing', 'unhandledErrorsWhilePlaying'].includes(e.event)) {
        problems.push(`${e.event}: ${JSON.stringify(e.args).slice(0, 300)}`);
      }
    }
    const rendered = await page.evaluate((type) => {
      const rootEl = document.querySelector(type === 'docs' ? '#storybook-docs' : '#storybook-root');
      return !!rootEl && rootEl.childElementCount > 0 && !document.body.classList.contains('sb-show-errordisplay');
    }, entry.type);
    if (!rendered) problems.push('nothing rendered (or Storybook shows its error display)');
    if (reducedMotion) {
      const running = await page.evaluate(runningAnimations);
      if (running > 0) problems.push(`${running} animation(s) running under prefers-reduced-motion: reduce`);
      // And the story does animate without the preference, or the check above proves nothing.
      await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'no-preference' }]);
      const moving = await page.waitForFunction(runningAnimations, { timeout: 2000, polling: 50 }).then(() => true, () => false);
      if (!moving) problems.push('nothing animates without prefers-reduced-motion either: the story does not show motion');
      await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    }
    // Docs pages are Storybook's own UI around the same stories (tested one by one): errors only.
    if (entry.type === 'story') {
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async (exclude) => {
        const result = await window.axe.run({ include: [document], exclude: exclude.map((s) => [s]) }, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
        });
        return result.violations.map((v) => ({
          id: v.id,
          text: `${v.id} (${v.nodes.length}): ${v.help} — ${v.nodes.slice(0, 2).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').at(-1)?.trim() ?? ''}`).join('; ')}`,
        }));
      }, STORYBOOK_CHROME);
      for (const v of violations) (knownAxe.includes(v.id) ? notes : problems).push(`axe${knownAxe.includes(v.id) ? ' (known issue)' : ''}: ${v.text}`);
      for (const rule of knownAxe) {
        if (!violations.some((v) => v.id === rule)) notes.push(`axe-known:${rule} no longer occurs: remove the tag`);
      }
    }
  } catch (error) {
    problems.push(`test error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await page.close().catch(() => {});
  }
  return { problems, notes };
}

async function main() {
  const prebuilt = process.env.STORYBOOK_STATIC;
  const outDir = prebuilt ? path.resolve(prebuilt) : mkdtempSync(path.join(os.tmpdir(), 'v2-storybook-'));
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    if (!prebuilt) {
      const t = Date.now();
      await build(outDir);
      console.log(`storybook: built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const index = JSON.parse(readFileSync(path.join(outDir, 'index.json'), 'utf8'));
    const entries = Object.values(index.entries).filter((e) => !filter || e.id.includes(filter));
    server = await serve(outDir);
    const base = `http://127.0.0.1:${server.address().port}`;
    const puppeteer = requireFromStories('puppeteer-core');
    // A fresh temporary profile per launch (puppeteer's default), removed on close.
    browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    const axeSource = readFileSync(requireFromStories.resolve('axe-core/axe.min.js'), 'utf8');
    const queue = [...entries];
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const t = Date.now();
        const { problems, notes } = await testEntry(browser, base, entry, axeSource);
        const seconds = ((Date.now() - t) / 1000).toFixed(1);
        const lines = [...problems, ...notes.map((n) => `note: ${n}`)].map((line) => `       ${line}`);
        if (problems.length === 0) passed += 1;
        else failed += 1;
        console.log([`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${entry.id} (${seconds} s)`, ...lines].join('\n'));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (entries.length === 0) {
      console.log(`storybook: no entry matches ${filter ?? '(all)'}`);
      failed += 1;
    }
  } catch (error) {
    console.error(error);
    failed += 1;
  } finally {
    await browser?.close().catch(() => {});
    server?.close();
    if (!prebuilt) rmSync(outDir, { recursive: true, force: true });
  }
  console.log(`storybook: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  console.log(`storybook: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
