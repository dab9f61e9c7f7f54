import { md5OfBlobWith, withFallback, type Md5Factory, type Md5Options } from './md5-slices.js';

export {
  MAIN_THREAD_SLICE_SIZE,
  WORKER_SLICE_SIZE,
  abortedError,
  withFallback,
  yieldToEventLoop,
} from './md5-slices.js';
export type { IncrementalMd5, Md5Factory, Md5Options } from './md5-slices.js';

/**
 * The default MD5 on the page, loaded on first use: hash-wasm in one lazy chunk, spark-md5 in
 * another that is fetched only if hash-wasm fails to start. Neither is in the entry chunk.
 */
const createDefaultMd5: Md5Factory = withFallback(
  async () => (await import('./md5-hash-wasm.js')).createHashWasmMd5(),
  async () => (await import('./md5-spark.js')).createSparkMd5(),
);

/**
 * The MD5 (lowercase hex) of a Blob, read `sliceSize` bytes at a time so that only one slice
 * is ever in memory. Uses hash-wasm (WebAssembly) unless `createMd5` says otherwise, and
 * spark-md5 where WebAssembly cannot run. Rejects with an `UploadError` coded 'aborted' as
 * soon as the signal aborts; the read in flight, if any, is then dropped.
 */
export function md5OfBlob(blob: Blob, options: Md5Options): Promise<string> {
  return md5OfBlobWith(blob, options, options.createMd5 ?? createDefaultMd5);
}
