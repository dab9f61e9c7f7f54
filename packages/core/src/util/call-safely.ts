// Calling code we do not own (user callbacks, listeners) from inside our own work: a throw must
// neither unwind through our state updates nor stop the other callbacks, yet it must still be
// seen. The one rule for the whole core lives here.
//
// Scheduling: the error is rethrown from a microtask, not from `setTimeout(…, 0)`. A microtask
// runs before the next task, so the error reaches `window.onerror` (console, error trackers)
// before anything the caller awaits with a timer, and it does not depend on timers at all, so
// code driven by injected fake timers still reports it. The tests rely on exactly this: they
// provoke a throw, await one `setTimeout(0)` and expect the error to have been reported.

/** Rethrows `error` asynchronously (in a microtask), where it is reported like any uncaught error. */
export function rethrowAsync(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * Calls `callback` with `args` (nothing when it is undefined); if it throws, the error is
 * rethrown asynchronously with {@link rethrowAsync} instead of unwinding through the caller.
 */
export function callSafely<A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A): void {
  if (callback === undefined) return;
  try {
    callback(...args);
  } catch (error: unknown) {
    rethrowAsync(error);
  }
}
