import type { Uploader, UploaderSnapshot } from '@v2-uploader/core';
import { useResolvedUploader } from './uploader-context.js';
import { useSubscribable } from './use-subscribable.js';

type Selector<T> = (snapshot: UploaderSnapshot) => T;
type IsEqual<T> = (previous: T, next: T) => boolean;

// Module-level so the whole-snapshot read keeps one selector identity across renders.
const wholeSnapshot: Selector<UploaderSnapshot> = (snapshot) => snapshot;

/**
 * Reads the uploader's state and re-renders only when the selected slice changes (by `isEqual`,
 * `Object.is` by default). The uploader is the one passed, else the nearest provider's:
 * `useUploaderState(uploader, selector)` or `useUploaderState(selector)`.
 */
export function useUploaderState(uploader?: Uploader): UploaderSnapshot;
export function useUploaderState<T>(uploader: Uploader | undefined, selector: Selector<T>, isEqual?: IsEqual<T>): T;
export function useUploaderState<T>(selector: Selector<T>, isEqual?: IsEqual<T>): T;
export function useUploaderState<T>(
  first?: Uploader | Selector<T>,
  second?: Selector<T> | IsEqual<T>,
  third?: IsEqual<T>,
): T | UploaderSnapshot {
  // An Uploader is an object, a selector a function: that tells the two call shapes apart.
  const selectorFirst = typeof first === 'function';
  const uploader = useResolvedUploader(selectorFirst ? undefined : first, 'useUploaderState', 'useUploaderState(uploader, selector)');
  const selector = (selectorFirst ? first : (second as Selector<T> | undefined)) ?? (wholeSnapshot as unknown as Selector<T>);
  const isEqual = (selectorFirst ? (second as IsEqual<T> | undefined) : third) ?? Object.is;
  return useSubscribable(uploader, selector, isEqual);
}
