// One server-progress feed per Supabase client (and realtime setting), shared by every
// `useUploadProgress` on the page: one realtime channel however many documents a list shows.
import type { AnySupabaseClient, ClosableProgressFeed, ProgressEvent } from '@v2-uploader/core';
import { type FanOut, fanOut } from '@v2-uploader/core/bindings';

type ErrorListener = (error: unknown) => void;

/** A failed catch-up or poll (the feed reports them by document id). */
interface FeedError {
  readonly documentId: string;
  readonly error: unknown;
}

/** Per client: its feeds by realtime setting, each open while someone follows a document on it. */
type Feeds = FanOut<boolean, FeedError, Promise<ClosableProgressFeed>>;

// Keyed by the client object, so a client that is dropped takes its feeds with it.
const shared = new WeakMap<object, Feeds>();

function feedsOf(supabase: AnySupabaseClient): Feeds {
  let feeds = shared.get(supabase);
  if (!feeds) {
    feeds = fanOut({
      open: (topic) => open(supabase, topic.key, (error) => topic.send(error)),
      close: (feed) => void feed.then((f) => f.close(), () => {}),
      // Closed a microtask later, so StrictMode's unsubscribe → subscribe keeps the channel.
      linger: (close) => queueMicrotask(close),
    });
    shared.set(supabase, feeds);
  }
  return feeds;
}

async function open(supabase: AnySupabaseClient, realtime: boolean, onError: (error: FeedError) => void): Promise<ClosableProgressFeed> {
  // The backend API and the feeds come with the core's main entry, loaded when the first
  // document is followed (the hooks' own entry imports only @v2-uploader/core/store).
  const { createBackendApi, createProgressFeed } = await import('@v2-uploader/core');
  const api = createBackendApi(supabase);
  // The channel is filtered by user (RLS sends only the user's rows anyway); signed out,
  // the catch-up answers 401 and that error reaches the hook.
  const userId = (await api.userId()) ?? 'anonymous';
  return createProgressFeed({ supabase, api, userId, realtime, onError: (error, documentId) => onError({ documentId, error }) });
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
  const feeds = feedsOf(supabase);
  const leave = feeds.subscribe(realtime, (failure) => {
    if (failure.documentId === documentId) onError(failure.error);
  });
  let stopped = false;
  let stopFollowing: (() => void) | undefined;
  feeds.get(realtime)?.then(
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
    leave();
  };
}
