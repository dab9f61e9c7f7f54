// The one ref-counted fan-out of the core: many subscribers per key, one underlying source per
// key. The first subscriber for a key opens the source, the last one to leave closes it, and
// what the source sends reaches every listener of the key (through the listener registry).
// The progress feeds (polling, realtime, combined) and the React hooks' shared feed build on it.
import { callSafely } from './call-safely.js';
import { Listeners } from './listeners.js';

/** What a key's source gets: where to send, and whether it still has the key. */
export interface Topic<K, T> {
  readonly key: K;
  /** The last value sent to this key, undefined before the first. */
  readonly last: T | undefined;
  /** True from the open until the close; a closed topic's `send` does nothing. */
  readonly active: boolean;
  /** Calls every listener of the key with `value` (a throw is rethrown asynchronously). */
  send(value: T): void;
}

export interface FanOutSource<K, T, S> {
  /**
   * The first subscriber for `key` arrived (it is already listening): start what feeds the key.
   * Returns the key's state, which `get` and `states` hand back while the key is open.
   */
  open(topic: Topic<K, T>): S;
  /** The key's last subscriber left, or `clear` was called: stop what feeds it. */
  close?(state: S, topic: Topic<K, T>): void;
  /** A subscriber that joins an open key hears its last value, a microtask later, if still subscribed. */
  replay?: boolean;
  /**
   * Defers the close after the last subscriber left: called with the close, which does nothing
   * if someone subscribed again in between (`queueMicrotask` keeps a key through React
   * StrictMode's unsubscribe → subscribe). Default: close at once.
   */
  linger?: (close: () => void) => void;
}

export interface FanOut<K, T, S> {
  /** Calls `listener` with what the key's source sends until the returned function is called. */
  subscribe(key: K, listener: (value: T) => void): () => void;
  /** The state of an open key. */
  get(key: K): S | undefined;
  /** The states of every open key, in the order they were opened. */
  states(): S[];
  /** How many keys are open. */
  readonly size: number;
  /** Closes every key; their subscribers hear nothing more, and their unsubscribes do nothing. */
  clear(): void;
}

interface Entry<K, T, S> extends Topic<K, T> {
  last: T | undefined;
  active: boolean;
  readonly listeners: Listeners<(value: T) => void>;
  /** Undefined while `open` runs (a key is not among `states()` until it has opened). */
  state: { readonly value: S } | undefined;
}

/** A keyed, ref-counted fan-out over `source` (see {@link FanOutSource}). */
export function fanOut<K, T, S = void>(source: FanOutSource<K, T, S>): FanOut<K, T, S> {
  const entries = new Map<K, Entry<K, T, S>>();
  const { linger } = source;

  function close(entry: Entry<K, T, S>): void {
    if (entries.get(entry.key) !== entry) return;
    entries.delete(entry.key);
    entry.active = false;
    entry.listeners.clear();
    if (entry.state) source.close?.(entry.state.value, entry);
  }

  function closeIfUnused(entry: Entry<K, T, S>): void {
    if (entry.listeners.size === 0) close(entry);
  }

  return {
    subscribe(key, listener) {
      let entry = entries.get(key);
      const joined = entry !== undefined;
      if (!entry) {
        const created: Entry<K, T, S> = {
          key,
          last: undefined,
          active: true,
          listeners: new Listeners(),
          state: undefined,
          send(value) {
            if (!created.active) return;
            created.last = value;
            created.listeners.emit(value);
          },
        };
        entry = created;
        entries.set(key, entry);
      }
      const own = entry;
      const remove = own.listeners.add(listener);
      let subscribed = true;
      if (!joined) {
        const state = source.open(own);
        own.state = { value: state };
        // Closed while it opened (`clear` from inside `open`): close what it started.
        if (!own.active) source.close?.(state, own);
      } else if (source.replay && own.last !== undefined) {
        const known = own.last;
        queueMicrotask(() => {
          if (subscribed && own.active) callSafely(listener, known);
        });
      }
      return () => {
        if (!remove()) return;
        subscribed = false;
        if (own.listeners.size > 0) return;
        if (linger) linger(() => closeIfUnused(own));
        else close(own);
      };
    },
    get(key) {
      return entries.get(key)?.state?.value;
    },
    states() {
      const states: S[] = [];
      for (const entry of entries.values()) if (entry.state) states.push(entry.state.value);
      return states;
    },
    get size() {
      return entries.size;
    },
    clear() {
      for (const entry of [...entries.values()]) close(entry);
    },
  };
}
