import SparkMD5 from 'spark-md5';
import { UploadError } from '../upload-error.js';

/**
 * Slice size in a worker: 2 MiB. Each slice costs a read and a call into spark-md5, so small
 * slices are slow (a 32 MiB file took 540 ms in 64 KiB slices, 330 ms in 2 MiB, 305 ms in
 * 8 MiB, Chromium on a 2-core machine); 2 MiB is within ~10% of the peak while memory stays
 * flat at one slice and a 100 MiB file still reports progress 50 times.
 */
export const WORKER_SLICE_SIZE = 2 * 1024 * 1024;

/**
 * Slice size on the main thread: 512 KiB. Hashing a slice is one task the page cannot
 * interrupt; spark-md5 does ~120 MiB/s (Chromium, 2-core machine, see md5-incremental.test.ts),
 * so 2 MiB takes 16 ms, a whole frame, while 512 KiB takes ~4 ms and stays within a frame on a
 * device four times slower. It costs ~10% throughput against 2 MiB slices.
 */
export const MAIN_THREAD_SLICE_SIZE = 512 * 1024;

export interface Md5Options {
  signal: AbortSignal;
  /** Fraction hashed, 0–1, after every slice; ends at exactly 1. Never called after abort. */
  onProgress?: (fraction: number) => void;
  /** Bytes read and hashed at a time. */
  sliceSize?: number;
  /** Give the event loop a turn between slices, so the page stays responsive (main thread). */
  yieldBetweenSlices?: boolean;
}

/** The error a hash rejects with when its signal aborts. */
export function abortedError(signal: AbortSignal): UploadError {
  return new UploadError('Hashing was cancelled. Add the file again to upload it.', {
    code: 'aborted',
    cause: signal.reason,
  });
}

/**
 * Calls a user's callback so that it cannot break the hashing that called it: an exception is
 * rethrown asynchronously, where it is reported like any uncaught error.
 */
export function callSafely<A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A): void {
  if (callback === undefined) return;
  try {
    callback(...args);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
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
 * The MD5 (lowercase hex) of a Blob, read `sliceSize` bytes at a time so that only one slice
 * is ever in memory. Rejects with an `UploadError` coded 'aborted' as soon as the signal
 * aborts; the read in flight, if any, is then dropped.
 */
export function md5OfBlob(blob: Blob, options: Md5Options): Promise<string> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    hashSlices(blob, options).then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

async function hashSlices(blob: Blob, options: Md5Options): Promise<string> {
  const { signal, onProgress, sliceSize = WORKER_SLICE_SIZE, yieldBetweenSlices = false } = options;
  if (!Number.isInteger(sliceSize) || sliceSize < 1) {
    throw new RangeError(`sliceSize must be a positive integer, got ${sliceSize}.`);
  }
  const spark = new SparkMD5.ArrayBuffer();
  try {
    const size = blob.size;
    for (let offset = 0; offset < size; ) {
      if (signal.aborted) throw abortedError(signal);
      const end = Math.min(offset + sliceSize, size);
      const bytes = await blob.slice(offset, end).arrayBuffer();
      // The read may have finished after an abort: report nothing more.
      if (signal.aborted) throw abortedError(signal);
      spark.append(bytes);
      offset = end;
      callSafely(onProgress, offset / size);
      if (yieldBetweenSlices && offset < size) await yieldToEventLoop();
    }
    if (signal.aborted) throw abortedError(signal);
    if (size === 0) callSafely(onProgress, 1);
    return spark.end();
  } finally {
    spark.destroy();
  }
}
