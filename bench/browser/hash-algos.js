// The competitors, each hashing a Blob slice by slice (2 MiB reads, the same reads for all),
// without yielding: the raw speed of each library. Used on the page and in a worker.
import SparkMD5 from 'spark-md5';
import { createMD5 } from 'hash-wasm';

export const SLICE = 2 * 1024 * 1024;

async function forEachSlice(blob, fn) {
  for (let offset = 0; offset < blob.size; offset += SLICE) {
    fn(await blob.slice(offset, Math.min(offset + SLICE, blob.size)).arrayBuffer());
  }
}

export const algos = {
  async 'spark-md5'(blob) {
    const spark = new SparkMD5.ArrayBuffer();
    await forEachSlice(blob, (b) => spark.append(b));
    return spark.end();
  },
  async 'hash-wasm md5'(blob) {
    const md5 = await createMD5();
    md5.init();
    await forEachSlice(blob, (b) => md5.update(new Uint8Array(b)));
    return md5.digest('hex');
  },
  // Reference only: WebCrypto has no incremental API, so this reads the whole Blob at once.
  async 'WebCrypto SHA-256'(blob) {
    const d = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    return [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, '0')).join('');
  },
};
