import type { Hasher } from '../interfaces.js';
import { MAIN_THREAD_SLICE_SIZE, md5OfBlob } from './md5-incremental.js';

/**
 * Hashes on the page's own thread in small slices, yielding between them so input and
 * rendering keep up. The fallback when no worker can run (a CSP without `worker-src`, an old
 * environment); slower overall than a worker because of the yields. The MD5 (hash-wasm, or
 * spark-md5 where WebAssembly is forbidden) is loaded with import() on the first hash.
 */
export class MainThreadHasher implements Hasher {
  hash(file: Blob, options: { signal: AbortSignal; onProgress?: (fraction: number) => void }): Promise<string> {
    return md5OfBlob(file, { ...options, sliceSize: MAIN_THREAD_SLICE_SIZE, yieldBetweenSlices: true });
  }
}
