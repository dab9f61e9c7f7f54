import { Uploader, type UploaderOptions } from '@v2-uploader/core/store';
import { useContext, useEffect, useReducer, useRef } from 'react';
import { UploaderContext } from './uploader-context.js';

/** One component's uploader and whether it is still in use. */
interface Slot {
  uploader: Uploader | undefined;
  /** The owning effect is set up (false between a cleanup and the next setup). */
  mounted: boolean;
  destroyed: boolean;
}

/**
 * An `Uploader` that lives as long as the calling component: created once, on the first render
 * (like TanStack Query's observers), and destroyed when the component unmounts. Later changes of
 * `options` reach it through `setOptions`.
 *
 * StrictMode (and Fast Refresh) run effects as setup → cleanup → setup on a mounted component.
 * The cleanup therefore only schedules `destroy()` for the next microtask, and a setup that
 * follows at once (StrictMode's runs in the same task) cancels it: one store, never a second
 * one that uploads, and an edit under Fast Refresh does not abort uploads in flight. A real
 * unmount destroys the store: transfers abort, the worker and the realtime channel close.
 *
 * Without `supabase` (or `supabaseUrl`) in the options it uses the nearest provider's client.
 */
export function useUploader(options: UploaderOptions = {}): Uploader {
  const { supabase } = useContext(UploaderContext);
  const withClient = options.supabase || options.supabaseUrl || !supabase ? options : { ...options, supabase };
  return useOwnedUploader(withClient) as Uploader;
}

/**
 * `useUploader`, except that with `options` undefined no uploader is made (the provider, when
 * given an uploader of its own, must not create one it never uses).
 */
export function useOwnedUploader(options: UploaderOptions | undefined): Uploader | undefined {
  const slot = useRef<Slot>({ uploader: undefined, mounted: false, destroyed: false }).current;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // Lazy initialisation during render, the pattern React documents for refs. The constructor
  // only stores options (no request, worker or channel until files are added), so an instance
  // made by a render React throws away (StrictMode's double render) is plain garbage.
  if (options !== undefined && slot.uploader === undefined) slot.uploader = new Uploader(options);
  const uploader = slot.uploader;

  const applied = useRef(options);
  useEffect(() => {
    // Options are usually an inline object: only a real change reaches the store.
    if (uploader && options && !shallowEqual(applied.current, options)) uploader.setOptions(options);
    applied.current = options;
  });

  useEffect(() => {
    if (!uploader) return undefined;
    if (slot.destroyed) {
      // Effects ran again after a real cleanup (React 19's <Activity> showing a hidden tree
      // again): that store is gone, so make a new one on the next render.
      slot.uploader = undefined;
      slot.destroyed = false;
      rerender();
      return undefined;
    }
    slot.mounted = true;
    return () => {
      slot.mounted = false;
      queueMicrotask(() => {
        if (slot.mounted || slot.uploader !== uploader) return;
        uploader.destroy();
        slot.destroyed = true;
      });
    };
  }, [uploader, slot]);

  return uploader;
}

function shallowEqual(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
