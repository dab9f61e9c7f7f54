// The slicing loop behind every hasher: reads a Blob a slice at a time into an incremental MD5.
// It imports no MD5 implementation itself; callers pass a factory (md5-hash-wasm.ts, md5-spark.ts), so the
// worker can bundle one statically while the page loads it only when it first hashes.
import { UploadError } from '../upload-error.js';
import { callSafely } from '../util/call-safely.js';

/**
 * Slice size in a worker: 2 MiB. Each slice costs a read and a call into the MD5, so small
 * slices are slow (with spark-md5, a 32 MiB file took 540 ms in 64 KiB slices, 330 ms in 2 MiB,
 * 305 ms in 8 MiB, Chromium on a 2-core machine); 2 MiB is near the peak while memory stays
 * flat at one slice and a 100 MiB file still reports progress 50 times.
 */
export const WORKER_SLICE_SIZE = 2 * 1024 * 1024;

/**
 * Slice size on the main thread: 512 KiB. Hashing a slice is one task the page cannot
 * interrupt; hash-wasm does ~270 MiB/s (Chromium, 2-core machine, see bench/README.md), so
 * 512 KiB takes under 2 ms, and even the spark-md5 fallback (~100 MiB/s, ~5 ms) stays within a
 * 16 ms frame on a device a few times slower.
 */
export const MAIN_THREAD_SLICE_SIZE = 512 * 1024;

/** An MD5 in progress: bytes in, slice by slice; then the lowercase hex digest, once. */
export interface IncrementalMd5 {
  update(bytes: Uint8Array): void;
  digest(): string;
  /** Frees what the implementation holds, if anything; called after digest or on abort. */
  dispose?(): void;
}

/** Starts a new incremental MD5. Rejects (or throws) when the implementation cannot load. */
export type Md5Factory = () => Promise<IncrementalMd5>;

export interface Md5Options {
  signal: AbortSignal;
  /** Fraction hashed, 0–1, after every slice; ends at exactly 1. Never called after abort. */
  onProgress?: (fraction: number) => void;
  /** Bytes read and hashed at a time. */
  sliceSize?: number;
  /** Give the event loop a turn between slices, so the page stays responsive (main thread). */
  yieldBetweenSlices?: boolean;
  /**
   * The MD5 implementation. Default: hash-wasm (WebAssembly), falling back to spark-md5 (plain
   * JavaScript) where WebAssembly cannot be instantiated, e.g. under a Content-Security-Policy
   * without 'wasm-unsafe-eval'. Both give the same digests.
   */
  createMd5?: Md5Factory;
}

/**
 * A factory that uses `primary` and, if it fails to start (throws or rejects), `fallback`.
 * Once `primary` has failed it is not tried again: what stopped it (a CSP, no WebAssembly)
 * does not change while the page or worker lives.
 */
export function withFallback(primary: Md5Factory, fallback: Md5Factory): Md5Factory {
  let primaryFailed = false;
  return async () => {
    if (!primaryFailed) {
      try {
        return await primary();
      } catch {
        primaryFailed = true;
      }
    }
    return fallback();
  };
}

/** The error a hash rejects with when its signal aborts. */
export function abortedError(signal: AbortSignal): UploadError {
  return new UploadError('Hashing was cancelled. Add the file again to upload it.', {
    code: 'aborted',
    cause: signal.reason,
  });
}

interface SchedulerWithYield {
  yield(): Promise<void>;
}

/**
 * Lets the browser run other tasks (input, rendering, timers). `scheduler.yield()` resumes
 * ahead of other queued work; elsewhere a MessageChannel message does the same without the
 * 4 ms clamp that nested `setTimeout(0)` gets.
 */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<SchedulerWithYield> }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The MD5 (lowercase hex) of a Blob with the MD5 `createMd5` makes, read `sliceSize` bytes at
 * a time so that only one slice is ever in memory. Rejects with an `UploadError` coded
 * 'aborted' as soon as the signal aborts; the read in flight, if any, is then dropped.
 */
export function md5OfBlobWith(blob: Blob, options: Md5Options, createMd5: Md5Factory): Promise<string> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    hashSlices(blob, options, createMd5).then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

async function hashSlices(blob: Blob, options: Md5Options, createMd5: Md5Factory): Promise<string> {
  const { signal, onProgress, sliceSize = WORKER_SLICE_SIZE, yieldBetweenSlices = false } = options;
  if (!Number.isInteger(sliceSize) || sliceSize < 1) {
    throw new RangeError(`sliceSize must be a positive integer, got ${sliceSize}.`);
  }
  const md5 = await createMd5();
  try {
    const size = blob.size;
    for (let offset = 0; offset < size; ) {
      if (signal.aborted) throw abortedError(signal);
      const end = Math.min(offset + sliceSize, size);
      const bytes = await blob.slice(offset, end).arrayBuffer();
      // The read may have finished after an abort: report nothing more.
      if (signal.aborted) throw abortedError(signal);
      md5.update(new Uint8Array(bytes));
      offset = end;
      callSafely(onProgress, offset / size);
      if (yieldBetweenSlices && offset < size) await yieldToEventLoop();
    }
    if (signal.aborted) throw abortedError(signal);
    if (size === 0) callSafely(onProgress, 1);
    return md5.digest();
  } finally {
    md5.dispose?.();
  }
}
