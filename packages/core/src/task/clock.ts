// Time and timers for the upload engine, injectable so that retries, stalls and timestamps can
// be tested to the millisecond without waiting. The real clock is the only place the engine
// reads Date.now().

/** What the engine needs of time: a reading and one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch (what `Date.now()` returns). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
