// Server-side progress by asking: `getProgress(documentId)` (progress-tracker GET) on a timer
// that slows down while nothing changes. Used when the realtime_progress flag is off, and as the
// stand-in while the realtime channel is down.
import type { BackendApi, ProgressEvent, ProgressFeed } from '../interfaces.js';
import { callSafely } from '../util/call-safely.js';
import type { Topic } from '../util/fan-out.js';
import { fanOut } from '../util/fan-out.js';
import type { ProgressListener } from './progress-event.js';
import { eventFromServerProgress, isTerminal, sameEvent, warnOnce } from './progress-event.js';

/** The first wait between polls: soon enough to feel live, rare enough for the function. */
export const INITIAL_INTERVAL_MS = 1_000;
/**
 * Each poll that brings nothing new waits this much longer (1 s, 1.5 s, 2.25 s, … 15 s): a
 * parse can sit still for minutes, and a tab left open should not keep a function busy.
 */
export const BACKOFF_FACTOR = 1.5;
/** The longest wait: a document that moves again shows it within 15 s. */
export const MAX_INTERVAL_MS = 15_000;

/** The timer functions the feed uses (the browser's by default; fake ones in tests). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollingFeedOptions {
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  backoffFactor?: number;
  timers?: Timers;
  /** A poll failed (the feed keeps polling, backing off). Default: one console warning. */
  onError?: (error: unknown, documentId: string) => void;
}

const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Polling state of one followed document, shared by all of its followers. */
interface Poller {
  readonly topic: Topic<string, ProgressEvent>;
  /** The wait after the latest poll. */
  interval: number;
  timer: unknown;
  controller: AbortController | undefined;
}

/**
 * Follows documents by polling `api.getProgress`: one poll right away, then after each answer
 * the start interval if something changed, else the previous wait × the backoff factor (up to
 * the maximum); errors back off the same way and never end the polling. Polling a document
 * ends at a terminal status (completed, failed, cancelled) or when its last follower stops; a
 * late follower hears what the others already know, even if polling has ended.
 */
export function createPollingFeed(api: Pick<BackendApi, 'getProgress'>, options: PollingFeedOptions = {}): ProgressFeed {
  const initial = options.initialIntervalMs ?? INITIAL_INTERVAL_MS;
  const max = options.maxIntervalMs ?? MAX_INTERVAL_MS;
  const factor = options.backoffFactor ?? BACKOFF_FACTOR;
  const timers = options.timers ?? browserTimers;
  const onError = options.onError ?? warnOnce('polling document progress failed');

  async function poll(p: Poller): Promise<void> {
    const { topic } = p;
    p.timer = undefined;
    const controller = new AbortController();
    p.controller = controller;
    let changed = false;
    let ended = false;
    try {
      const event = eventFromServerProgress(await api.getProgress(topic.key, controller.signal));
      if (!topic.active) return;
      changed = !sameEvent(topic.last, event);
      ended = isTerminal(event.status);
      if (changed) topic.send(event);
    } catch (error: unknown) {
      if (!topic.active) return;
      callSafely(onError, error, topic.key);
    } finally {
      if (p.controller === controller) p.controller = undefined;
    }
    if (!topic.active || ended) return;
    p.interval = changed ? initial : Math.min(max, p.interval * factor);
    p.timer = timers.setTimeout(() => void poll(p), p.interval);
  }

  const pollers = fanOut<string, ProgressEvent, Poller>({
    replay: true,
    open(topic) {
      const p: Poller = { topic, interval: initial, timer: undefined, controller: undefined };
      void poll(p);
      return p;
    },
    close(p) {
      if (p.timer !== undefined) timers.clearTimeout(p.timer);
      p.timer = undefined;
      p.controller?.abort();
    },
  });

  return {
    follow: (documentId: string, listener: ProgressListener) => pollers.subscribe(documentId, listener),
  };
}
