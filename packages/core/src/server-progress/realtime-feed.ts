// Server-side progress over Supabase Realtime: postgres_changes INSERTs on
// public.realtime_progress_updates (migration 012), one channel per feed, open only while a
// document is followed. RLS decides per subscriber which rows arrive; the user_id filter keeps
// the server from even trying other users' rows.
import type { RealtimeChannel, RealtimePostgresInsertPayload, SupabaseClient } from '@supabase/supabase-js';
import type { ProgressEvent, ProgressFeed } from '../interfaces.js';
import type { Topic } from '../util/fan-out.js';
import { fanOut } from '../util/fan-out.js';
import { Listeners } from '../util/listeners.js';
import type { ProgressListener } from './progress-event.js';
import { isDocumentStatus, percent, seconds } from './progress-event.js';

const SCHEMA = 'public';
const TABLE = 'realtime_progress_updates';

/**
 * After the server closed the channel (an expired token, a restart) wait this long before
 * opening a new one. Phoenix retries failed joins by itself (1 s, 2 s, 5 s, 10 s) but never
 * reopens a closed channel; the wait keeps a server that keeps closing from being hammered.
 */
const REOPEN_AFTER_MS = 5_000;

/**
 * A failure is written as two rows in one transaction: `status_change` → failed, then `error`
 * with the code and message. The status change waits this long for its error row, so that
 * listeners hear about a failure once, with its reason; without an error row it goes out as is.
 */
const ERROR_ROW_WAIT_MS = 1_000;

/**
 * - `closed`: no channel (nobody follows anything).
 * - `joining`: the channel is being joined; rows may not arrive yet.
 * - `subscribed`: the server confirmed the subscription; rows arrive from now on.
 * - `errored`: CHANNEL_ERROR, TIMED_OUT or closed by the server; rows may be missed until
 *   `subscribed` again (Phoenix keeps retrying the join, and a closed channel is reopened).
 */
export type ChannelHealth = 'closed' | 'joining' | 'subscribed' | 'errored';

export type HealthListener = (health: ChannelHealth, error: Error | undefined) => void;

/** A `ProgressFeed` that also tells whether its channel works, so another feed can stand in. */
export interface RealtimeProgressFeed extends ProgressFeed {
  readonly health: ChannelHealth;
  /** Calls `listener` on every change of `health`; returns the unsubscribe. */
  onHealth(listener: HealthListener): () => void;
}

export interface RealtimeFeedOptions {
  /** The signed-in user: rows are filtered by `user_id`, and RLS only sends the user's own. */
  userId: string;
  /** The table to follow (default `realtime_progress_updates`), for schemas that renamed it. */
  table?: string;
}

/** What the feed needs of a supabase-js client. */
export type RealtimeClientLike = Pick<SupabaseClient, 'channel' | 'removeChannel'>;

type Row = Record<string, unknown>;

/** One followed document: its topic, and a failure waiting for its error row. */
interface Followed {
  readonly topic: Topic<string, ProgressEvent>;
  held: { event: ProgressEvent; timer: ReturnType<typeof setTimeout> } | undefined;
}

/** Distinct channel names: supabase-js hands back an existing channel of the same name. */
let channelCount = 0;

/**
 * A realtime row's payload as an event. `previous` (the last event for the document) supplies
 * what a row does not carry: the progress a document had when it failed or was cancelled.
 */
export function eventFromRow(documentId: string, payload: unknown, previous: ProgressEvent | undefined): ProgressEvent | undefined {
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  const base = { documentId, etaSeconds: undefined, stuck: false, error: undefined };
  switch (p['type']) {
    case 'status_change': {
      const status = isDocumentStatus(p['to']) ? p['to'] : p['status'];
      if (!isDocumentStatus(status)) return undefined;
      // A new stage starts at 0; an ending keeps the progress it ended with.
      const kept = previous?.progress ?? 0;
      const progress = status === 'completed' ? 100 : status === 'failed' || status === 'cancelled' ? kept : 0;
      return { ...base, status, progress };
    }
    case 'progress_update': {
      if (!isDocumentStatus(p['status'])) return undefined;
      const sameStatus = previous?.status === p['status'];
      const progress = p['progress'] === undefined && sameStatus ? (previous?.progress ?? 0) : percent(p['progress']);
      return { ...base, status: p['status'], progress, etaSeconds: seconds(p['etaSeconds']) };
    }
    case 'error': {
      const code = typeof p['code'] === 'string' ? p['code'] : 'processing_failed';
      const message = typeof p['message'] === 'string' ? p['message'] : code;
      return { ...base, status: 'failed', progress: previous?.progress ?? 0, error: { code, message } };
    }
    case 'complete':
      return { ...base, status: 'completed', progress: 100 };
    default:
      return undefined;
  }
}

/**
 * Follows documents of one user over Realtime. The channel opens on the first `follow` and is
 * removed after the last stop; rows for documents nobody follows are ignored.
 */
export function createRealtimeFeed(supabase: RealtimeClientLike, options: RealtimeFeedOptions): RealtimeProgressFeed {
  const table = options.table ?? TABLE;
  const healthListeners = new Listeners<HealthListener>();
  let channel: RealtimeChannel | undefined;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  let health: ChannelHealth = 'closed';

  /** Sends a held failure now (`replaced`: drop it, the error row says it better). */
  function releaseFailure(doc: Followed, replaced: boolean): void {
    const { held } = doc;
    if (!held) return;
    doc.held = undefined;
    clearTimeout(held.timer);
    if (!replaced) doc.topic.send(held.event);
  }

  const documents = fanOut<string, ProgressEvent, Followed>({
    open: (topic) => ({ topic, held: undefined }),
    close(doc) {
      releaseFailure(doc, true);
      if (documents.size === 0) close();
    },
  });

  function setHealth(next: ChannelHealth, error?: Error): void {
    if (next === health) return;
    health = next;
    healthListeners.emit(next, error);
  }

  function onRow(row: Row): void {
    const documentId = row['document_id'];
    const doc = typeof documentId === 'string' ? documents.get(documentId) : undefined;
    if (!doc) return;
    const event = eventFromRow(doc.topic.key, row['payload'], doc.held?.event ?? doc.topic.last);
    if (!event) return;
    const isErrorRow = event.error !== undefined;
    releaseFailure(doc, isErrorRow);
    if (event.status === 'failed' && !isErrorRow) {
      const timer = setTimeout(() => releaseFailure(doc, false), ERROR_ROW_WAIT_MS);
      doc.held = { event, timer };
      return;
    }
    doc.topic.send(event);
  }

  function discard(ch: RealtimeChannel): void {
    // removeChannel leaves the topic and forgets the channel; a failure leaves nothing to do.
    supabase.removeChannel(ch).catch(() => undefined);
  }

  function open(): void {
    channelCount += 1;
    const ch = supabase.channel(`v2-uploader-progress:${options.userId}:${channelCount}`);
    channel = ch;
    setHealth('joining');
    ch.on(
      'postgres_changes',
      { event: 'INSERT', schema: SCHEMA, table, filter: `user_id=eq.${options.userId}` },
      (change: RealtimePostgresInsertPayload<Row>) => {
        if (channel === ch) onRow(change.new);
      },
    ).subscribe((status, error) => {
      if (channel !== ch) return; // a channel this feed already let go of
      if (status === 'SUBSCRIBED') setHealth('subscribed');
      else if (status === 'CHANNEL_ERROR') setHealth('errored', error ?? new Error('realtime channel error'));
      else if (status === 'TIMED_OUT') setHealth('errored', new Error('realtime subscription timed out'));
      else if (status === 'CLOSED') {
        channel = undefined;
        discard(ch);
        setHealth('errored', new Error('realtime channel closed by the server'));
        reopenTimer = setTimeout(() => {
          reopenTimer = undefined;
          if (documents.size > 0 && channel === undefined) open();
        }, REOPEN_AFTER_MS);
      }
    });
  }

  function close(): void {
    clearTimeout(reopenTimer);
    reopenTimer = undefined;
    const ch = channel;
    channel = undefined;
    if (ch) discard(ch);
    setHealth('closed');
  }

  return {
    get health() {
      return health;
    },
    onHealth: (listener) => healthListeners.add(listener),
    follow(documentId: string, listener: ProgressListener) {
      const stop = documents.subscribe(documentId, listener);
      if (channel === undefined && reopenTimer === undefined) open();
      return stop;
    },
  };
}
