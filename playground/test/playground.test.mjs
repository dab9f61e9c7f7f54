// @ts-check
// Drives the playground in Chromium like a person: sign in, drop a PDF on <v2-uploader>, see
// it reach "completed" in the live documents list, and keep a screenshot under test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { startPlayground } from '../server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = path.join(root, 'test-results');
/** @type {Awaited<ReturnType<typeof startPlayground>>} */
let playground;
/** @type {import('puppeteer-core').Browser} */
let browser;
const profile = mkdtempSync(path.join(os.tmpdir(), 'v2-playground-chromium-'));

before(async () => {
  playground = await startPlayground({ port: 0, stackPort: 0 });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    userDataDir: profile,
    args: [...CHROMIUM_ARGS],
  });
});

after(async () => {
  await browser?.close();
  await playground?.stop();
  rmSync(profile, { recursive: true, force: true });
});

test('sign in, drop a PDF, see it completed in the documents list', async () => {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const errors = /** @type {string[]} */ ([]);
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(playground.url, { waitUntil: 'load' });

  await page.locator('#sign-in-bob').click();
  await page.waitForFunction(() => document.querySelector('#who')?.textContent?.includes('bob@example.com'), { timeout: 20_000 });
  await page.waitForFunction(() => !(/** @type {any} */ (document.querySelector('#uploader'))).disabled);

  // A real drop: a DataTransfer holding a PDF, dispatched on the drop zone.
  await page.evaluate(() => {
    const bytes = new Uint8Array(120 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    bytes.set(new TextEncoder().encode(`%PDF-1.7\n% playground ${Date.now()}\n`), 0);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'playground.pdf', { type: 'application/pdf' }));
    const zone = document.querySelector('#uploader')?.shadowRoot?.querySelector('[part~=dropzone]');
    zone?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });

  await page.waitForFunction(
    () => [...document.querySelectorAll('#documents tr')].some((tr) => tr.textContent?.includes('playground.pdf') && tr.getAttribute('data-status') === 'completed'),
    { timeout: 30_000 },
  );
  const row = await page.$eval('#documents', (el) => el.textContent ?? '');
  assert.match(row, /playground\.pdf\s*completed\s*100%/);
  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: path.join(results, 'playground.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
