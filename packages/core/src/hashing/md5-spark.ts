// spark-md5's MD5: slower than hash-wasm, but plain JavaScript that runs where WebAssembly may
// not (a Content-Security-Policy without 'wasm-unsafe-eval'). Only the fallback: the worker
// bundles it; the page loads it with import() only once hash-wasm has failed to start.
import SparkMD5 from 'spark-md5';
import type { IncrementalMd5 } from './md5-slices.js';

export function createSparkMd5(): Promise<IncrementalMd5> {
  const spark = new SparkMD5.ArrayBuffer();
  return Promise.resolve({
    update: (bytes) => {
      // spark-md5 takes an ArrayBuffer: pass the slice's own buffer, copying only a view.
      spark.append(
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? (bytes.buffer as ArrayBuffer)
          : (bytes.slice().buffer as ArrayBuffer),
      );
    },
    digest: () => spark.end(),
    dispose: () => spark.destroy(),
  });
}
