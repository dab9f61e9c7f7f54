import type { AnySupabaseClient, Uploader, UploaderOptions } from '@v2-uploader/core';
import { type ReactNode, useContext, useMemo } from 'react';
import { UploaderContext, type UploaderContextValue } from './uploader-context.js';
import { useOwnedUploader } from './use-uploader.js';

export interface UploaderProviderProps {
  /** The app's Supabase client (with its session); a nested provider inherits its parent's. */
  supabase?: AnySupabaseClient;
  /** An uploader to share; without one the provider makes its own from `options` and `supabase`. */
  uploader?: Uploader;
  /** Options for the provider's own uploader (ignored when `uploader` is given). */
  options?: UploaderOptions;
  children?: ReactNode;
}

/**
 * Shares one Supabase client and one uploader with everything below it: the hooks, the dropzone
 * and `<V2Uploader>` use them when none is passed. The provider's own uploader lives as long as
 * the provider (see `useUploader`).
 */
export function UploaderProvider({ supabase, uploader, options, children }: UploaderProviderProps) {
  const parent = useContext(UploaderContext);
  const client = supabase ?? parent.supabase;
  const own = useOwnedUploader(uploader === undefined ? { ...options, ...(client ? { supabase: client } : {}) } : undefined);
  const shared = uploader ?? own;
  const value = useMemo<UploaderContextValue>(() => ({ uploader: shared, supabase: client }), [shared, client]);
  return <UploaderContext.Provider value={value}>{children}</UploaderContext.Provider>;
}
