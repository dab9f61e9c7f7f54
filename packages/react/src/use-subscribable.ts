import { useCallback, useMemo, useSyncExternalStore } from 'react';

/**
 * What the hook needs from a store: the core `Subscribable` stores fit as they are.
 * `getSnapshot()` must return the same value until something changes.
 */
export interface ExternalStore<TSnapshot> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): TSnapshot;
}

function identity<T>(value: T): T {
  return value;
}

/**
 * Reads a store and re-renders when it changes. With a `selector`, the component
 * re-renders only when the selected value changes according to `isEqual`
 * (`Object.is` by default), not on every store change.
 *
 * Pass a stable `selector` (module-level or `useCallback`) when it returns a new
 * object each call and you rely on `isEqual`; an inline selector works but is
 * re-run on every render.
 */
export function useSubscribable<TSnapshot>(store: ExternalStore<TSnapshot>): TSnapshot;
export function useSubscribable<TSnapshot, TSelected>(
  store: ExternalStore<TSnapshot>,
  selector: (snapshot: TSnapshot) => TSelected,
  isEqual?: (previous: TSelected, next: TSelected) => boolean,
): TSelected;
export function useSubscribable<TSnapshot, TSelected>(
  store: ExternalStore<TSnapshot>,
  selector: (snapshot: TSnapshot) => TSelected = identity as (snapshot: TSnapshot) => TSelected,
  isEqual: (previous: TSelected, next: TSelected) => boolean = Object.is,
): TSelected {
  const subscribe = useCallback((onChange: () => void) => store.subscribe(onChange), [store]);

  // useSyncExternalStore re-renders whenever getSelection returns a different value
  // (Object.is), so it must return the previous selection for an unchanged
  // snapshot and for a selection that isEqual calls the same.
  const getSelection = useMemo(() => {
    let memo: { snapshot: TSnapshot; selection: TSelected } | undefined;
    return (): TSelected => {
      const snapshot = store.getSnapshot();
      if (memo !== undefined && Object.is(memo.snapshot, snapshot)) return memo.selection;
      const next = selector(snapshot);
      const selection = memo !== undefined && isEqual(memo.selection, next) ? memo.selection : next;
      memo = { snapshot, selection };
      return selection;
    };
  }, [store, selector, isEqual]);

  return useSyncExternalStore(subscribe, getSelection, getSelection);
}
