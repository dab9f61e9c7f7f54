import type { AnySupabaseClient, Uploader } from '@v2-uploader/core';
import { createContext, useContext } from 'react';

/** What `UploaderProvider` shares down a tree. */
export interface UploaderContextValue {
  readonly uploader: Uploader | undefined;
  readonly supabase: AnySupabaseClient | undefined;
}

// Created at module level with plain values: importing the package on a server touches no DOM.
export const UploaderContext = createContext<UploaderContextValue>({ uploader: undefined, supabase: undefined });

/** How to give a component an uploader: the fix a missing-uploader error names. */
const wrapIn = (hook: string) =>
  `Wrap the component that calls ${hook} in <UploaderProvider>: <UploaderProvider supabase={client}> makes an uploader, ` +
  `<UploaderProvider uploader={uploader}> shares one from useUploader.`;

/** The uploader of the nearest `UploaderProvider`; throws when there is none (a wiring mistake). */
export function useUploaderContext(): Uploader {
  const { uploader } = useContext(UploaderContext);
  if (!uploader) throw new Error(`useUploaderContext: no uploader here. ${wrapIn('useUploaderContext')}`);
  return uploader;
}

/** The Supabase client of the nearest `UploaderProvider`; throws when none was given. */
export function useSupabaseClient(): AnySupabaseClient {
  const { supabase } = useContext(UploaderContext);
  if (!supabase) throw new Error('useSupabaseClient: no Supabase client here. Give <UploaderProvider supabase={client}> one.');
  return supabase;
}

/**
 * The uploader a hook works on: the one passed, else the provider's. Always reads the context,
 * so the hook order is the same whichever way the uploader arrives. Without either it throws,
 * naming the provider to wrap the component in and how to pass one instead (`passing`, e.g.
 * "useUpload(fileId, uploader)").
 */
export function useResolvedUploader(explicit: Uploader | undefined, hook: string, passing: string): Uploader {
  const { uploader } = useContext(UploaderContext);
  const resolved = explicit ?? uploader;
  if (!resolved) throw new Error(`${hook}: no uploader here. ${wrapIn(hook)} Or pass one: ${passing}.`);
  return resolved;
}
