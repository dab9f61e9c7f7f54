// The progress feed the Uploader uses: Realtime when the backend says so (the
// `realtime_progress` flag, upload-handler's `features.realtime`), polling otherwise and
// whenever the channel is down, with a catch-up request after every (re)subscription and one
// order for everything a listener sees.
import type { BackendApi, ClosableProgressFeed, ProgressEvent } from '../interfaces.js';
import type { PollingFeedOptions } from './polling-feed.js';
import { createPollingFeed } from './polling-feed.js';
import type { ProgressListener } from './progress-event.js';
import { eventFromServerProgress, isForward, warnOnce } from './progress-event.js';
import type { ChannelHealth, RealtimeClientLike, RealtimeProgressFeed } from './realtime-feed.js';
import { createRealtimeFeed } from './realtime-feed.js';
import { callSafely } from '../util/call-safely.js';
import type { Topic } from '../util/fan-out.js';
import { fanOut } from '../util/fan-out.js';

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

export type { ClosableProgressFeed };

/** One followed document: its topic (listeners, what they last saw) and which sources feed it. */
interface Followed {
  readonly topic: Topic<string, ProgressEvent>;
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

  function emit({ topic }: Followed, event: ProgressEvent): void {
    if (topic.active && isForward(topic.last, event)) topic.send(event);
  }

  function startPolling(doc: Followed): void {
    doc.stopPolling ??= polling.follow(doc.topic.key, (event) => emit(doc, event));
  }

  function stopPolling(doc: Followed): void {
    doc.stopPolling?.();
    doc.stopPolling = undefined;
  }

  function catchUp(doc: Followed): void {
    doc.catchUp?.abort();
    const controller = new AbortController();
    doc.catchUp = controller;
    const { key: documentId } = doc.topic;
    options.api.getProgress(documentId, controller.signal).then(
      (answer) => {
        if (controller.signal.aborted) return;
        doc.catchUp = undefined;
        emit(doc, eventFromServerProgress(answer));
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        doc.catchUp = undefined;
        callSafely(onError, error, documentId);
      },
    ).catch((error: unknown) => callSafely(onError, error, documentId));
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

  function release(doc: Followed): void {
    doc.catchUp?.abort();
    doc.catchUp = undefined;
    stopPolling(doc);
    const stopRealtime = doc.stopRealtime;
    doc.stopRealtime = undefined;
    stopRealtime?.();
  }

  // A second follower starts where the first one is (replay).
  const documents = fanOut<string, ProgressEvent, Followed>({
    replay: true,
    open(topic) {
      const doc: Followed = { topic, stopRealtime: undefined, stopPolling: undefined, catchUp: undefined };
      if (realtime) {
        doc.stopRealtime = realtime.follow(topic.key, (event) => emit(doc, event));
        if (topic.active) adapt(doc, realtime.health);
      } else {
        startPolling(doc);
      }
      return doc;
    },
    close: release,
  });

  realtime?.onHealth((health) => {
    for (const doc of documents.states()) adapt(doc, health);
  });

  return {
    close: () => documents.clear(),
    follow: (documentId: string, listener: ProgressListener) => documents.subscribe(documentId, listener),
  };
}
