// The cheap fingerprint an upload can start with before its whole-file MD5 is known
// (supabase/functions/README.md, "Late hash"): the MD5 of the first and the last MiB.
import { MAIN_THREAD_SLICE_SIZE, md5OfBlob } from './md5-incremental.js';

/** Bytes taken from each end of the file. */
export const FINGERPRINT_SPAN = 1024 * 1024;

/** The fingerprint's scheme, as upload-handler expects it. */
export const FINGERPRINT_SCHEME = 'md5-ends-1m';

/**
 * Whether a file is worth starting with a fingerprint: larger than both ends together. A
 * smaller file's fingerprint is its whole MD5, as quick to compute as the fingerprint itself.
 */
export const startsWithFingerprint = (size: number): boolean => size > 2 * FINGERPRINT_SPAN;

/**
 * `md5-ends-1m:<hex>`: the MD5 of the file's first MiB followed by its last MiB (of the whole
 * file when it has 2 MiB or less). Hashed on the page, not in the hash worker: the worker works
 * through whole files in order, and a fingerprint must not wait behind another file's hash;
 * 2 MiB take a few milliseconds.
 */
export async function fingerprintOf(blob: Blob, signal: AbortSignal): Promise<string> {
  const ends = startsWithFingerprint(blob.size) ? new Blob([blob.slice(0, FINGERPRINT_SPAN), blob.slice(blob.size - FINGERPRINT_SPAN)]) : blob;
  const hex = await md5OfBlob(ends, { signal, sliceSize: MAIN_THREAD_SLICE_SIZE, yieldBetweenSlices: true });
  return `${FINGERPRINT_SCHEME}:${hex}`;
}
