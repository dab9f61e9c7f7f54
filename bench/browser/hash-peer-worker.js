// Runs one competitor in a worker on the Blob it is sent; answers with the time the hashing
// took inside the worker and the digest.
import { algos } from './hash-algos.js';

self.onmessage = async ({ data: { algo, blob } }) => {
  const t0 = performance.now();
  const hash = await algos[algo](blob);
  self.postMessage({ ms: performance.now() - t0, hash });
};
