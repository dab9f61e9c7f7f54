// The progress feed the Uploader uses: Realtime when the backend says so (the
// `realtime_progress` flag, upload-handler's `features.realtime`), polling otherwise and
// whenever the channel is down, with a catch-up request after every (re)subscription and one
// order for everything a listener sees.
import type { BackendApi, ProgressEvent, ProgressFeed } from '../interfaces.js';
import type { PollingFeedOptions } from './polling-feed.js';
import { createPollingFeed } from './polling-feed.js';
import type { Follower, ProgressListener } from './progress-event.js';
import { deliver, eventFromServerProgress, isForward, warnOnce } from './progress-event.js';
import type { ChannelHealth, RealtimeClientLike, RealtimeProgressFeed } from './realtime-feed.js';
import { createRealtimeFeed } from './realtime-feed.js';
import { callSafely } from '../util/call-safely.js';

export interface ProgressFeedOptions {
  supabase: RealtimeClientLike;
  api: Pick<BackendApi, 'getProgress'>;
  /** The signed-in user, whose progress rows the realtime channel follows. */
  userId: string;
  /** Use Realtime (upload-handler's `features.realtime`); false polls only. */
  realtime: boolean;
  /** Replaces the default `createRealtimeFeed(supabase, { userId })`. */
  realtimeFeed?: RealtimeProgressFeed;
  /** Intervals and timers of the polling fallback. */
  polling?: Omit<PollingFeedOptions, 'onError'>;
  /** A catch-up or poll request failed (the feed carries on). Default: one console warning. */
  onError?: (error: unknown, documentId: string) => void;
}

/** A `ProgressFeed` that can be shut down as a whole (the Uploader's `destroy`). */
export interface ClosableProgressFeed extends ProgressFeed {
  /** Stops following every document (the realtime channel is removed, polls end). */
  close(): void;
}

/** One followed document: who listens, what they last saw, and which sources feed it. */
interface Followed {
  readonly documentId: string;
  readonly followers: Set<Follower>;
  last: ProgressEvent | undefined;
  stopRealtime: (() => void) | undefined;
  stopPolling: (() => void) | undefined;
  catchUp: AbortController | undefined;
}

/**
 * A `ProgressFeed` over Realtime with polling as the fallback:
 * - realtime on: every followed document is followed on the channel; while the channel is
 *   `errored` it is polled too, and when the channel is `subscribed` again polling stops and
 *   one `getProgress` per document catches up on what happened while nobody listened (the
 *   same catch-up runs after the first subscription and when a document is followed on a
 *   channel that is already subscribed);
 * - realtime off: every followed document is polled.
 * Sources race, so each document's events pass one gate: never back to an earlier stage,
 * never less progress in the same stage, no repeats.
 */
export function createProgressFeed(options: ProgressFeedOptions): ClosableProgressFeed {
  const onError = options.onError ?? warnOnce('reading document progress failed');
  const polling = createPollingFeed(options.api, { ...options.polling, onError });
  const realtime = options.realtime ? (options.realtimeFeed ?? createRealtimeFeed(options.supabase, { userId: options.userId })) : undefined;
  const documents = new Map<string, Followed>();

  function emit(doc: Followed, event: ProgressEvent): void {
    if (documents.get(doc.documentId) !== doc || !isForward(doc.last, event)) return;
    doc.last = event;
    deliver(doc.followers, event);
  }

  function startPolling(doc: Followed): void {
    doc.stopPolling ??= polling.follow(doc.documentId, (event) => emit(doc, event));
  }

  function stopPolling(doc: Followed): void {
    doc.stopPolling?.();
    doc.stopPolling = undefined;
  }

  function catchUp(doc: Followed): void {
    doc.catchUp?.abort();
    const controller = new AbortController();
    doc.catchUp = controller;
    options.api.getProgress(doc.documentId, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        doc.catchUp = undefined;
        emit(doc, eventFromServerProgress(answer));
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        doc.catchUp = undefined;
        callSafely(onError, error, doc.documentId);
      },
    ).catch((error: unknown) => callSafely(onError, error, doc.documentId));
  }

  /** What a document needs while the channel is in `health`. */
  function adapt(doc: Followed, health: ChannelHealth): void {
    if (health === 'subscribed') {
      stopPolling(doc);
      catchUp(doc);
    } else if (health === 'errored' || health === 'closed') {
      startPolling(doc);
    }
    // joining: wait for the answer (a join that never answers ends in TIMED_OUT → errored).
  }

  realtime?.onHealth((health) => {
    for (const doc of [...documents.values()]) adapt(doc, health);
  });

  function release(doc: Followed): void {
    documents.delete(doc.documentId);
    doc.catchUp?.abort();
    doc.catchUp = undefined;
    stopPolling(doc);
    const stopRealtime = doc.stopRealtime;
    doc.stopRealtime = undefined;
    stopRealtime?.();
  }

  return {
    close() {
      for (const doc of [...documents.values()]) release(doc);
    },
    follow(documentId: string, listener: ProgressListener) {
      const follower: Follower = { listener };
      let doc = documents.get(documentId);
      if (doc) {
        doc.followers.add(follower);
        // A second follower starts where the first one is.
        const known = doc.last;
        if (known) queueMicrotask(() => doc?.followers.has(follower) && deliver([follower], known));
      } else {
        doc = { documentId, followers: new Set([follower]), last: undefined, stopRealtime: undefined, stopPolling: undefined, catchUp: undefined };
        documents.set(documentId, doc);
        const followed = doc;
        if (realtime) {
          followed.stopRealtime = realtime.follow(documentId, (event) => emit(followed, event));
          if (documents.get(documentId) === followed) adapt(followed, realtime.health);
        } else {
          startPolling(followed);
        }
      }
      const own = doc;
      return () => {
        if (own.followers.delete(follower) && own.followers.size === 0 && documents.get(documentId) === own) release(own);
      };
    },
  };
}
