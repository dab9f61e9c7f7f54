import { rethrowAsync } from './util/call-safely.js';
import type { AnyListener } from './util/listeners.js';
import { Listeners } from './util/listeners.js';

/** Anything a store can call back; the arguments are up to the subclass. */
export type { AnyListener };

/**
 * Base class for every store in v2-uploader (the shape of TanStack Query's
 * `Subscribable`): `subscribe(listener)` returns its own unsubscribe, and subclasses
 * learn about the first and last listener through `onSubscribe` / `onUnsubscribe`
 * to start and stop work lazily.
 */
export class Subscribable<TListener extends AnyListener = () => void> {
  readonly #listeners = new Listeners<TListener>();

  constructor() {
    // Bound so it can be handed around as a plain function (useSyncExternalStore,
    // Lit controllers) without losing `this`.
    this.subscribe = this.subscribe.bind(this);
  }

  /**
   * Calls `listener` on every notification until the returned function is called.
   * Calling the returned function more than once has no further effect.
   */
  subscribe(listener: TListener): () => void {
    const remove = this.#listeners.add(listener);
    this.onSubscribe();
    return () => {
      if (remove()) this.onUnsubscribe();
    };
  }

  hasListeners(): boolean {
    return this.#listeners.size > 0;
  }

  /** Called after each new subscription; `hasListeners()` is already true. */
  protected onSubscribe(): void {}

  /** Called after each subscription ends; `hasListeners()` is false after the last one. */
  protected onUnsubscribe(): void {}

  /**
   * Calls `invoke` with every current listener. A listener that unsubscribes
   * during the notification (itself or another) is not called afterwards; one
   * that subscribes during it waits for the next notification. A listener that
   * throws does not stop the others: its error goes to `onListenerError`.
   */
  protected notify(invoke: (listener: TListener) => void): void {
    this.#listeners.forEach(invoke, (error) => this.onListenerError(error));
  }

  /**
   * A listener threw. The default rethrows it asynchronously, so it shows up as an
   * uncaught error (console, error trackers) without breaking the store's own
   * state update or the other listeners.
   */
  protected onListenerError(error: unknown): void {
    rethrowAsync(error);
  }
}
