// hash-wasm's MD5 (WebAssembly, ~2.7× faster than spark-md5; the WASM is inlined, ~5 KB
// min+gz). Imported statically by the worker; the page loads it with import() on its first
// main-thread hash, so it is never in the entry chunk.
import { createMD5 } from 'hash-wasm';
import type { IncrementalMd5 } from './md5-slices.js';

/** hash-wasm's MD5. Rejects where WebAssembly is unavailable or forbidden (CSP). */
export async function createHashWasmMd5(): Promise<IncrementalMd5> {
  const hasher = await createMD5();
  hasher.init();
  return {
    update: (bytes) => {
      hasher.update(bytes);
    },
    digest: () => hasher.digest('hex'),
  };
}
