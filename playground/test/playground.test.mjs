// @ts-check
// Drives the playground in Chromium like a person: sign in, drop a PDF on <v2-uploader> and one
// on the hooks-only React UI, see both reach "completed" (the React row and the live documents
// list), with no page error, console error or failed request; keep a screenshot under test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, requestFault } from '../../scripts/lib/chromium.mjs';
import { pdfBlob } from '../../packages/core/dist/testing/index.js';
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

/**
 * Drops a PDF of 120 KiB, unique per call (the server deduplicates by hash), as a real
 * DataTransfer on the drop zone `find` returns in the page.
 * @param {import('puppeteer-core').Page} page
 * @param {string} name
 * @param {() => Element | null | undefined} find
 */
async function dropPdf(page, name, find) {
  const zone = /** @type {import('puppeteer-core').ElementHandle<Element>} */ ((await page.evaluateHandle(find)).asElement());
  assert.ok(zone, `a drop zone for ${name}`);
  // A well-formed PDF (the Uploader inspects it), unique per drop (the server deduplicates by hash).
  const pdf = Buffer.from(await pdfBlob(120 * 1024, Math.floor(Math.random() * 2 ** 32), name).arrayBuffer()).toString('base64');
  await zone.evaluate((zone, name, pdf) => {
    const bytes = Uint8Array.from(atob(pdf), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'application/pdf' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, name, pdf);
  await zone.dispose();
}

test('sign in, drop a PDF on the element and on the hooks-only React UI, see both completed', async () => {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  // Any page error, console error or failed request (a 404 included) fails the test.
  const errors = /** @type {string[]} */ ([]);
  page.on('pageerror', (e) => errors.push(`page error: ${String(e)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()} (${message.location().url ?? ''})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    const fault = requestFault(request);
    if (fault) errors.push(fault);
  });
  await page.goto(playground.url, { waitUntil: 'load' });
  try {
    await page.locator('#sign-in-bob').click();
    await page.waitForFunction(() => document.querySelector('#who')?.textContent?.includes('bob@example.com'), { timeout: 20_000 });
    await page.waitForFunction(() => !(/** @type {any} */ (document.querySelector('#uploader'))).disabled);
    await page.waitForSelector('#react-root .react-dropzone', { timeout: 20_000 });

    await dropPdf(page, 'element.pdf', () => document.querySelector('#uploader')?.shadowRoot?.querySelector('[part~=dropzone]'));
    await dropPdf(page, 'hooks.pdf', () => document.querySelector('#react-root .react-dropzone'));

    // The hooks UI shows its own row reach completed (upload, then processing on the server).
    await page.waitForFunction(
      () => [...document.querySelectorAll('#react-root .react-files li')].some((li) => li.textContent?.includes('hooks.pdf') && li.getAttribute('data-status') === 'completed'),
      { timeout: 45_000 },
    );
    // Both documents reach completed in the live list.
    await page.waitForFunction(
      () => ['element.pdf', 'hooks.pdf'].every((name) => [...document.querySelectorAll('#documents tr')].some((tr) => tr.textContent?.includes(name) && tr.getAttribute('data-status') === 'completed')),
      { timeout: 45_000 },
    );
    const list = await page.$eval('#documents', (el) => el.textContent ?? '');
    assert.match(list, /element\.pdf\s*completed\s*100%/);
    assert.match(list, /hooks\.pdf\s*completed\s*100%/);
    const reactRow = await page.$eval('#react-root .react-files', (el) => el.textContent ?? '');
    assert.match(reactRow, /hooks\.pdf — completed 100%/);
  } catch (error) {
    // A wait that timed out after the page broke: report what broke it.
    assert.deepEqual(errors, []);
    throw error;
  }
  mkdirSync(results, { recursive: true });
  await page.screenshot({ path: path.join(results, 'playground.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
