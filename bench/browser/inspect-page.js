// The inspection bench page. Exposes window.bench; driven by bench/inspection.mjs through
// puppeteer. Imports core's TypeScript sources (esbuild compiles them), so it measures the
// working tree, not a stale dist/.
import { WorkerHasher } from '../../packages/core/src/hashing/worker-hasher.ts';
import { MainThreadInspector, WorkerInspector } from '../../packages/core/src/inspection/index.ts';
import { inspectDocument } from '../../packages/core/src/inspection/inspect.ts';
import { buildPdf } from '../../packages/core/src/inspection/fixtures.ts';
import { blockWhile } from './block-while.js';

const createWorker = () => new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' });
const hasher = new WorkerHasher({ createWorker });
const workerInspector = new WorkerInspector({ hasher });
const mainInspector = new MainThreadInspector();
let blob;

/**
 * Slices taken and bytes read through slice() while inspecting `blob` on the page (a wrapper
 * without arrayBuffer/stream of its own, so no whole-file read is possible through it).
 * Prefetched ranges are slices too, read together in one Blob read.
 */
async function bytesRead() {
  let bytes = 0;
  let slices = 0;
  const wrapper = {
    size: blob.size,
    type: blob.type,
    slice(start, end, type) {
      const part = blob.slice(start, end, type);
      bytes += part.size;
      slices += 1;
      return part;
    },
  };
  const t0 = performance.now();
  await inspectDocument(wrapper, 'pdf', { signal: new AbortController().signal });
  return { bytes, slices, ms: performance.now() - t0 };
}

const signal = () => new AbortController().signal;

window.bench = {
  /**
   * A scanned PDF: `pages` pages, each one image of `imageSize` bytes. The worst case for the
   * text layer: every sampled page must be read (a mixed document stops at its first text page
   * and first image-only page).
   */
  async prepare(pages, imageSize) {
    const kinds = Array.from({ length: pages }, () => 'image');
    const built = await buildPdf(kinds, { imageSize, compress: true });
    // One memory item, as a picked file is one file item: the fixture's Blob is made of
    // hundreds of parts, and Chromium's slice() walks them (0.5 ms a slice here).
    blob = new Blob([await built.arrayBuffer()], { type: 'application/pdf' });
    return blob.size;
  },
  bytesRead,
  async run(name) {
    const t0 = performance.now();
    let info;
    if (name === 'inspect:worker') info = await workerInspector.inspect(blob, { kind: 'pdf', signal: signal() });
    else if (name === 'inspect:main') info = await mainInspector.inspect(blob, { kind: 'pdf', signal: signal() });
    else if (name === 'inspect:engine') info = await inspectDocument(blob, 'pdf', { signal: signal() });
    else info = await hasher.hash(blob, { signal: signal() });
    return { ms: performance.now() - t0, info };
  },
  block(name) {
    if (name === 'idle') return blockWhile(() => new Promise((r) => setTimeout(r, 300)));
    if (name === 'inspect:main') return blockWhile(() => mainInspector.inspect(blob, { kind: 'pdf', signal: signal() }));
    return blockWhile(() => workerInspector.inspect(blob, { kind: 'pdf', signal: signal() }));
  },
};
