import type { AnySupabaseClient, ProgressFeed } from '@v2-uploader/core';
import { useContext, useMemo } from 'react';
import { DocumentProgressStore, type UploadProgressState } from './document-progress-store.js';
import { followDocument } from './shared-progress-feed.js';
import { UploaderContext } from './uploader-context.js';
import { useSubscribable } from './use-subscribable.js';

export interface UseUploadProgressOptions {
  /** The client whose session reads the progress; default: the nearest provider's. */
  supabase?: AnySupabaseClient;
  /**
   * Follow over Realtime (default true), with polling while the channel is down. Set false when
   * the project's `realtime_progress` flag is off: progress-tracker is polled instead.
   */
  realtime?: boolean;
  /** Your own feed instead of the shared one (tests, custom backends); no client is needed. */
  feed?: ProgressFeed;
}

// Stands in while there is no document to follow, so the hook order never changes.
const idle = new DocumentProgressStore(() => () => {});

/**
 * Server-side progress of any document (not only those uploaded in this session), e.g. for a
 * list page: the state comes from one progress-tracker request, then follows the document over
 * Realtime. All hooks on one client share one feed and one channel; a hook stops following when
 * it unmounts, and the channel closes after the last one. `documentId` undefined follows nothing.
 */
export function useUploadProgress(documentId: string | undefined, options: UseUploadProgressOptions = {}): UploadProgressState {
  const { supabase: fromProvider } = useContext(UploaderContext);
  const supabase = options.supabase ?? fromProvider;
  const { feed } = options;
  const realtime = options.realtime ?? true;
  if (documentId !== undefined && !feed && !supabase) {
    throw new Error('useUploadProgress: no Supabase client. Pass { supabase } or render this inside <UploaderProvider supabase={client}>.');
  }
  // Made during render but inert until subscribed (in an effect), so server rendering and
  // renders React throws away open nothing.
  const store = useMemo(() => {
    if (documentId === undefined) return idle;
    if (feed) return new DocumentProgressStore((listener) => feed.follow(documentId, listener));
    const client = supabase as AnySupabaseClient;
    return new DocumentProgressStore((listener, onError) => followDocument(client, documentId, realtime, listener, onError));
  }, [documentId, feed, supabase, realtime]);
  return useSubscribable(store);
}
