// Trying one step of an upload again: which failures, how often and after how long come from
// transport/retry.ts (shouldRetry, retryDelay); this runs the loop around them, on an injected
// clock so that the waits are testable without waiting.
import { retryDelay, shouldRetry } from '../transport/retry.js';
import { UploadError } from '../upload-error.js';
import { type Clock, systemClock } from './clock.js';

/** The error a task stops with when its signal aborts (pause, cancel, remove, destroy). */
export const stopped = (): UploadError => new UploadError('The upload was stopped.', { code: 'aborted' });

/** Wait `ms` on `clock`, or reject with {@link stopped} as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(stopped());
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(stopped());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A wait before the next attempt: the file shows `retrying` until `retryAt`. */
export interface RetryWait {
  error: UploadError;
  /** When the next attempt starts (the clock's time). */
  retryAt: number;
  /** The number of the attempt that follows the wait (2 for the first retry). */
  attempt: number;
}

export interface RetryOptions {
  /** Attempts in all, the first included (`maxAttempts` of the Uploader's options). */
  maxAttempts: number;
  signal: AbortSignal;
  /** Default: the real clock. */
  clock?: Clock;
  /** For the jitter of the backoff; `Math.random` by default. */
  random?: () => number;
  /**
   * Errors that are tried again at once, without a wait, even when not `retryable` (a token that
   * expired, an upload that is gone: the next attempt asks for a new plan). They still count.
   */
  retryAtOnce?: (error: UploadError) => boolean;
  /**
   * Bytes sent so far, and whether the server confirmed them (TUS offsets) rather than only took
   * them from the network (a PUT). A failure after more confirmed bytes than at the last failure
   * starts the count again (as tus-js-client does), so a long upload over a flaky line is not
   * failed by blips spread over its whole length.
   */
  progress?: () => { bytes: number; confirmed: boolean };
  /** Before a wait. */
  onWait?: (wait: RetryWait) => void;
  /** After a wait, as the next attempt starts. */
  onWaited?: () => void;
}

/**
 * Runs `attempt` until it resolves. A failure is tried again when `shouldRetry` says so (or
 * `retryAtOnce`), after `retryDelay` (which honours `Retry-After`); otherwise, or after
 * `maxAttempts` attempts, its error is thrown. An aborted signal throws {@link stopped} before
 * an attempt, after a failure and during a wait. `attempt` gets the previous failure, if any.
 */
export async function retrying<T>(attempt: (previous: UploadError | undefined) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxAttempts, signal, clock = systemClock } = options;
  let count = 1;
  let bytesAtFailure = 0;
  let previous: UploadError | undefined;
  for (;;) {
    if (signal.aborted) throw stopped();
    try {
      return await attempt(previous);
    } catch (error: unknown) {
      if (signal.aborted) throw stopped();
      const progress = options.progress?.();
      if (progress?.confirmed && progress.bytes > bytesAtFailure) count = 1;
      bytesAtFailure = Math.max(bytesAtFailure, progress?.bytes ?? 0);
      const atOnce = error instanceof UploadError && options.retryAtOnce?.(error) === true;
      if (atOnce ? count >= maxAttempts : !shouldRetry(error, count, maxAttempts)) throw error;
      previous = error as UploadError;
      if (!atOnce) {
        const delay = retryDelay(count, error, { random: options.random ?? Math.random });
        options.onWait?.({ error: previous, retryAt: clock.now() + delay, attempt: count + 1 });
        await sleep(delay, signal, clock);
        options.onWaited?.();
      }
      count += 1;
    }
  }
}
