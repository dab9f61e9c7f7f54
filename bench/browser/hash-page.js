// The hashing bench page. Exposes window.bench; driven by bench/hashing.mjs through puppeteer.
import { WorkerHasher, MainThreadHasher, createDefaultHasher } from '../../packages/core/dist/hashing/index.js';
import { algos } from './hash-algos.js';
import { blockWhile } from './block-while.js';

function randomBlob(bytes) {
  const buf = new Uint8Array(bytes);
  for (let o = 0; o < bytes; o += 65536) crypto.getRandomValues(buf.subarray(o, Math.min(o + 65536, bytes)));
  return new Blob([buf]);
}

let blob;
let warmDefault;
let peerWorker;
const workerHasher = new WorkerHasher();
const mainHasher = new MainThreadHasher();

function inPeerWorker(algo) {
  peerWorker ??= new Worker(new URL('./hash-peer-worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve) => {
    peerWorker.onmessage = ({ data }) => resolve(data);
    peerWorker.postMessage({ algo, blob });
  });
}

/** One timed run: { ms, hash }. Timed from the page for ours (what a caller waits), in the worker for peers. */
const variants = {
  'page:ours (MainThreadHasher)': async () => {
    const t0 = performance.now();
    const hash = await mainHasher.hash(blob, { signal: new AbortController().signal });
    return { ms: performance.now() - t0, hash };
  },
  'worker:ours (WorkerHasher, default)': async () => {
    const t0 = performance.now();
    const hash = await workerHasher.hash(blob, { signal: new AbortController().signal });
    return { ms: performance.now() - t0, hash };
  },
};
for (const algo of Object.keys(algos)) {
  variants[`page:${algo}`] = async () => {
    const t0 = performance.now();
    const hash = await algos[algo](blob);
    return { ms: performance.now() - t0, hash };
  };
  variants[`worker:${algo}`] = () => inPeerWorker(algo);
}

window.bench = {
  variants: Object.keys(variants),
  prepare(bytes) { blob = randomBlob(bytes); return blob.size; },
  run(name) { return variants[name](); },
  async block(which) {
    // 'default': a new default hasher per run, as a page's first upload gets (its worker starts);
    // 'default-warm': one already-started default hasher, as later uploads get.
    if (which === 'default-warm') warmDefault ??= createDefaultHasher();
    const hasher = which === 'default' ? createDefaultHasher() : which === 'default-warm' ? warmDefault : mainHasher;
    const signal = new AbortController().signal;
    return blockWhile(() => hasher.hash(blob, { signal }));
  },
  async idleGap() { return blockWhile(() => new Promise((r) => setTimeout(r, 500))); },
};
