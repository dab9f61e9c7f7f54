// The one listener registry of the core: who listens, in what order, and how they are called.
// Stores (Subscribable), the progress feeds and the fan-out keep their listeners here.
import { rethrowAsync } from './call-safely.js';

/** Anything that can be called back; the arguments are up to the registry's user. */
export type AnyListener = (...args: never[]) => unknown;

/** One call to `add`, so the same function added twice is two entries. */
interface Entry<L> {
  readonly listener: L;
}

/**
 * Listeners in the order they were added. `add` returns the removal; `emit` calls every
 * listener without letting one that throws stop the others or the caller (the error is
 * rethrown asynchronously, like `callSafely`).
 */
export class Listeners<L extends AnyListener = () => void> {
  readonly #entries = new Set<Entry<L>>();

  /**
   * Adds `listener` until the returned function is called. The removal answers true when it
   * removed the entry, false when it had been removed already (calling it again does nothing).
   */
  add(listener: L): () => boolean {
    const entry: Entry<L> = { listener };
    this.#entries.add(entry);
    return () => this.#entries.delete(entry);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Removes every listener; their removals then answer false. */
  clear(): void {
    this.#entries.clear();
  }

  /**
   * Calls `invoke` with every listener. A listener removed during the round (itself or another)
   * is not called afterwards; one added during it waits for the next round. A throw does not
   * stop the others: it goes to `onError` (default: rethrown from a microtask).
   */
  forEach(invoke: (listener: L) => void, onError: (error: unknown) => void = rethrowAsync): void {
    for (const entry of [...this.#entries]) {
      if (!this.#entries.has(entry)) continue;
      try {
        invoke(entry.listener);
      } catch (error: unknown) {
        onError(error);
      }
    }
  }

  /** Calls every listener with `args` (see `forEach`: a throw is rethrown asynchronously). */
  emit(...args: Parameters<L>): void {
    this.forEach((listener) => (listener as (...a: Parameters<L>) => unknown)(...args));
  }
}
