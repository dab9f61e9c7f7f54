// One server-progress feed per Supabase client (and realtime setting), shared by every
// `useUploadProgress` on the page: one realtime channel however many documents a list shows.
import type { AnySupabaseClient, ClosableProgressFeed, ProgressEvent } from '@v2-uploader/core';

type ErrorListener = (error: unknown) => void;

interface SharedFeed {
  refs: number;
  readonly feed: Promise<ClosableProgressFeed>;
  /** Per document: who hears about a failed catch-up or poll (the feed reports them by id). */
  readonly errors: Map<string, Set<ErrorListener>>;
}

// Keyed by the client object, so a client that is dropped takes its entry with it.
const shared = new WeakMap<object, Map<boolean, SharedFeed>>();

function open(supabase: AnySupabaseClient, realtime: boolean): SharedFeed {
  const errors = new Map<string, Set<ErrorListener>>();
  const feed = (async () => {
    // The backend API and the feeds come with the core's main entry, loaded when the first
    // document is followed (the hooks' own entry imports only @v2-uploader/core/store).
    const { createBackendApi, createProgressFeed } = await import('@v2-uploader/core');
    const api = createBackendApi(supabase);
    // The channel is filtered by user (RLS sends only the user's rows anyway); signed out,
    // the catch-up answers 401 and that error reaches the hook.
    const userId = (await api.userId()) ?? 'anonymous';
    return createProgressFeed({
      supabase,
      api,
      userId,
      realtime,
      onError: (error, documentId) => {
        for (const listener of [...(errors.get(documentId) ?? [])]) listener(error);
      },
    });
  })();
  return { refs: 0, feed, errors };
}

/**
 * Follows `documentId` on the client's shared feed until the returned function is called. The
 * feed is opened by the first follower and closed (channel removed) after the last one stops.
 */
export function followDocument(
  supabase: AnySupabaseClient,
  documentId: string,
  realtime: boolean,
  listener: (event: ProgressEvent) => void,
  onError: ErrorListener,
): () => void {
  let byRealtime = shared.get(supabase);
  if (!byRealtime) shared.set(supabase, (byRealtime = new Map()));
  let entry = byRealtime.get(realtime);
  if (!entry) byRealtime.set(realtime, (entry = open(supabase, realtime)));
  const own = entry;
  own.refs += 1;
  let errors = own.errors.get(documentId);
  if (!errors) own.errors.set(documentId, (errors = new Set()));
  const errorSet = errors;
  errorSet.add(onError);

  let stopped = false;
  let stopFollowing: (() => void) | undefined;
  own.feed.then(
    (feed) => {
      if (!stopped) stopFollowing = feed.follow(documentId, listener);
    },
    (error: unknown) => {
      if (!stopped) onError(error);
    },
  );

  return () => {
    if (stopped) return;
    stopped = true;
    stopFollowing?.();
    errorSet.delete(onError);
    if (errorSet.size === 0 && own.errors.get(documentId) === errorSet) own.errors.delete(documentId);
    own.refs -= 1;
    // Closed a microtask later, so StrictMode's unsubscribe → subscribe keeps the channel.
    queueMicrotask(() => {
      if (own.refs > 0 || byRealtime.get(realtime) !== own) return;
      byRealtime.delete(realtime);
      own.feed.then((feed) => feed.close(), () => {});
    });
  };
}
