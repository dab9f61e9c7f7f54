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
