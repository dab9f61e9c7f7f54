// When to try a failed request again, and how long to wait first. Pure functions with an
// injectable random source and clock, so the uploader's retry loop is testable to the millisecond.
import { UploadError } from '../upload-error.js';

/**
 * The first retry waits up to 500 ms: long enough for a blip (a dropped connection, a gateway
 * restarting a function) to pass, short enough that nobody notices the pause.
 */
export const RETRY_BASE_MS = 500;
/** Doubling per attempt, the usual exponential backoff: 0.5, 1, 2, 4, 8, 16 s, then the cap. */
export const RETRY_FACTOR = 2;
/**
 * Never more than 30 s between attempts: a longer silence looks like a hung upload, and an
 * outage that long is better shown as an error with a retry button than as an endless spinner.
 */
export const RETRY_CAP_MS = 30_000;
/**
 * The longest `Retry-After` we honour (5 min). A server may ask for hours (a maintenance
 * window); waiting that long inside one upload is never what the user wants, so we cap it and
 * let `shouldRetry`'s attempt limit end the upload with an error instead.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export interface RetryDelayOptions {
  baseMs?: number;
  factor?: number;
  capMs?: number;
  maxRetryAfterMs?: number;
  /** A number in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** The `Retry-After` an error carries (TransportError.retryAfterMs, or any error with that field). */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('retryAfterMs' in error)) return undefined;
  const value = (error as { retryAfterMs: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * How long to wait before retry number `attempt` (1 for the first retry): "full jitter"
 * exponential backoff, a uniform random wait in [0, min(cap, base · factor^(attempt−1))).
 * Full jitter rather than a fixed schedule because the failures that matter (Storage or a
 * function restarting) hit every client at once; random waits spread their retries out
 * instead of sending them back in one wave (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"). A `Retry-After` from the server wins: it knows when it will be ready.
 */
export function retryDelay(attempt: number, error: unknown, options: RetryDelayOptions = {}): number {
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) {
    return Math.min(Math.max(0, retryAfter), options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS);
  }
  const base = options.baseMs ?? RETRY_BASE_MS;
  const factor = options.factor ?? RETRY_FACTOR;
  const cap = options.capMs ?? RETRY_CAP_MS;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(cap, base * factor ** exponent);
  const random = options.random ?? Math.random;
  // Clamp a misbehaving random source into [0, 1) so the wait stays within the ceiling.
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * ceiling);
}

/**
 * Whether to try again after `error`, when `attempt` attempts were already made (1 after the
 * first failure) out of at most `maxAttempts`. Only UploadErrors marked retryable qualify:
 * cancellations, refused files, expired tokens (they need a new plan, not the same request
 * again) and anything unexpected (a bug) never do.
 */
export function shouldRetry(error: unknown, attempt: number, maxAttempts: number): boolean {
  if (!(error instanceof UploadError)) return false;
  if (error.code === 'aborted' || !error.retryable) return false;
  return attempt < maxAttempts;
}

/**
 * A `Retry-After` header as milliseconds from `now`: delay-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past means 0). Undefined when absent or
 * malformed.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only something that looks like a date: Date.parse also accepts "-5" or "1e3" as years.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}
