// Debian's Chromium, as every browser test and bench here launches it. Test tools must never
// download a browser of their own (that fails here); they all point at this binary.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless flags for this machine: we run as root (no sandbox), there is no GPU, and nothing
 * may phone home — the only network is the package registry, and refused background
 * connections slow the browser down.
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]);

/**
 * A page's failed request as a fault, or null when it is a cancel the uploader means: the
 * polling feed aborts its poll in flight when it stops following a document (the realtime
 * half saw it finish first). Browser tests that count failed requests as errors use this.
 * @param {import('puppeteer-core').HTTPRequest} request
 * @returns {string | null}
 */
export function requestFault(request) {
  const failure = request.failure()?.errorText;
  if (failure === 'net::ERR_ABORTED' && /\/functions\/v1\/progress-tracker\?/.test(request.url())) return null;
  return `request failed: ${request.url()} (${failure})`;
}
