import { expect } from '@open-wc/testing';
import type { ProgressEvent, ProgressFeed, ServerProgress } from '../interfaces.js';
import { createProgressFeed } from './combined-feed.js';
import type { Timers } from './polling-feed.js';
import type { ChannelHealth, HealthListener, RealtimeClientLike, RealtimeProgressFeed } from './realtime-feed.js';

// ---- scripted parts ------------------------------------------------------------------------

/** Timers that fire only when told to. */
class FakeTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  #next = 1;
  setTimeout(callback: () => void): unknown {
    const handle = this.#next++;
    this.pending.set(handle, callback);
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  async fireAll(): Promise<void> {
    const due = [...this.pending];
    this.pending.clear();
    for (const [, callback] of due) callback();
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A realtime feed whose health and rows the test decides. */
class FakeRealtimeFeed implements RealtimeProgressFeed {
  health: ChannelHealth = 'closed';
  readonly listeners = new Map<string, Set<(event: ProgressEvent) => void>>();
  readonly #health = new Set<HealthListener>();
  follow(documentId: string, listener: (event: ProgressEvent) => void): () => void {
    if (this.listeners.size === 0) this.setHealth('joining');
    const set = this.listeners.get(documentId) ?? new Set();
    this.listeners.set(documentId, set.add(listener));
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(documentId);
      if (this.listeners.size === 0) this.setHealth('closed');
    };
  }
  onHealth(listener: HealthListener): () => void {
    this.#health.add(listener);
    return () => void this.#health.delete(listener);
  }
  setHealth(health: ChannelHealth): void {
    this.health = health;
    for (const listener of [...this.#health]) listener(health, undefined);
  }
  emit(event: ProgressEvent): void {
    for (const listener of this.listeners.get(event.documentId) ?? []) listener(event);
  }
}

function answer(documentId: string, status: ServerProgress['status'], progress = 0): ServerProgress {
  const uploading = status === 'pending' || status === 'uploading';
  return {
    documentId,
    status,
    stage: uploading ? 'upload' : status,
    processing: { stage: null, progress: uploading ? 0 : progress },
    upload: { bytesUploaded: 0, totalBytes: 1, progress: uploading ? progress : 100 },
    etaSeconds: null,
    stuck: false,
    error: null,
  };
}

function event(documentId: string, status: ProgressEvent['status'], progress = 0): ProgressEvent {
  return { documentId, status, progress, etaSeconds: undefined, stuck: false, error: undefined };
}

/** getProgress answering what `current` says now; each call can be held until released. */
function fakeApi() {
  const current = new Map<string, ServerProgress>();
  const calls: { documentId: string; signal: AbortSignal | undefined }[] = [];
  let hold: Promise<void> | undefined;
  return {
    current,
    calls,
    holdAnswers() {
      let release = () => {};
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
    async getProgress(documentId: string, signal?: AbortSignal): Promise<ServerProgress> {
      calls.push({ documentId, signal });
      if (hold) await hold;
      const found = current.get(documentId);
      if (!found) throw new Error(`no answer for ${documentId}`);
      return found;
    },
  };
}

const noSupabase = {} as RealtimeClientLike;

describe('createProgressFeed (scripted)', () => {
  it('on a subscribed channel: catches up once per document, and does not poll', async () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const timers = new FakeTimers();
    api.current.set('a', answer('a', 'uploaded')).set('b', answer('b', 'processing', 20));
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime, polling: { timers } });
    const seen: string[] = [];
    feed.follow('a', (e) => seen.push(`${e.documentId}:${e.status}`));
    feed.follow('b', (e) => seen.push(`${e.documentId}:${e.status}`));
    await settle();
    expect(api.calls.length, 'nothing asked while joining').to.equal(0);
    realtime.setHealth('subscribed');
    await settle();
    expect(api.calls.map((c) => c.documentId)).to.deep.equal(['a', 'b']);
    expect(seen).to.deep.equal(['a:uploaded', 'b:processing']);
    // A document followed on a channel already subscribed catches up at once.
    api.current.set('c', answer('c', 'completed'));
    feed.follow('c', (e) => seen.push(`${e.documentId}:${e.status}`));
    await settle();
    expect(api.calls.map((c) => c.documentId)).to.deep.equal(['a', 'b', 'c']);
    expect(seen.at(-1)).to.equal('c:completed');
    expect(timers.pending.size, 'no polling').to.equal(0);
    realtime.emit(event('a', 'processing'));
    expect(seen.at(-1)).to.equal('a:processing');
  });

  it('polls while the channel is errored, and goes back to realtime (with a catch-up) when it recovers', async () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const timers = new FakeTimers();
    api.current.set('a', answer('a', 'processing', 10));
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime, polling: { timers } });
    const seen: [string, number][] = [];
    feed.follow('a', (e) => seen.push([e.status, e.progress]));
    realtime.setHealth('errored');
    await settle();
    expect(api.calls.length, 'polled at once').to.equal(1);
    api.current.set('a', answer('a', 'processing', 30));
    await timers.fireAll();
    expect(api.calls.length).to.equal(2);
    expect(timers.pending.size).to.equal(1);
    realtime.setHealth('subscribed');
    await settle();
    expect(timers.pending.size, 'polling stopped').to.equal(0);
    expect(api.calls.length, 'one catch-up').to.equal(3);
    realtime.emit(event('a', 'completed', 100));
    expect(seen).to.deep.equal([['processing', 10], ['processing', 30], ['completed', 100]]);
  });

  it('never goes back a stage or down in progress when sources race', async () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const timers = new FakeTimers();
    api.current.set('a', answer('a', 'uploaded'));
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime, polling: { timers } });
    const seen: [string, number][] = [];
    feed.follow('a', (e) => seen.push([e.status, e.progress]));
    const release = api.holdAnswers();
    realtime.setHealth('subscribed'); // the catch-up is under way…
    realtime.emit(event('a', 'parsing', 40)); // …and realtime is faster
    release(); // the catch-up's older answer (uploaded) arrives last
    await settle();
    realtime.emit(event('a', 'parsing', 40)); // a repeat
    realtime.emit(event('a', 'parsing', 20)); // older news
    realtime.setHealth('errored');
    api.current.set('a', answer('a', 'parsing', 10)); // a poll that lags behind
    await settle();
    realtime.emit(event('a', 'embedding', 0));
    realtime.emit(event('a', 'completed', 100));
    realtime.emit(event('a', 'embedding', 90));
    realtime.emit({ ...event('a', 'failed', 100), error: { code: 'x', message: 'too late' } });
    expect(seen).to.deep.equal([['parsing', 40], ['embedding', 0], ['completed', 100]]);
  });

  it('with realtime off, polls and never touches the channel', async () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const timers = new FakeTimers();
    api.current.set('a', answer('a', 'embedding', 50));
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: false, realtimeFeed: realtime, polling: { timers } });
    const seen: string[] = [];
    const stop = feed.follow('a', (e) => seen.push(e.status));
    await settle();
    expect(seen).to.deep.equal(['embedding']);
    expect(realtime.listeners.size).to.equal(0);
    expect(timers.pending.size).to.equal(1);
    stop();
    expect(timers.pending.size).to.equal(0);
  });

  it('stop and close let go of the channel, the polls and the catch-up in flight', async () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const timers = new FakeTimers();
    api.current.set('a', answer('a', 'parsing')).set('b', answer('b', 'parsing'));
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime, polling: { timers } });
    const stopA = feed.follow('a', () => {});
    feed.follow('b', () => {});
    const release = api.holdAnswers();
    realtime.setHealth('subscribed');
    stopA();
    expect(api.calls.find((c) => c.documentId === 'a')?.signal?.aborted, 'catch-up aborted').to.equal(true);
    expect([...realtime.listeners.keys()]).to.deep.equal(['b']);
    realtime.setHealth('errored');
    expect(api.calls.map((c) => c.documentId), 'catch-ups for a and b, then a poll of b').to.deep.equal(['a', 'b', 'b']);
    feed.close();
    expect(api.calls.every((c) => c.signal?.aborted), 'everything in flight aborted').to.equal(true);
    release();
    await settle();
    expect(realtime.listeners.size).to.equal(0);
    expect(realtime.health).to.equal('closed');
    expect(timers.pending.size).to.equal(0);
  });

  it('closes through the ProgressFeed port, without a cast (close is part of the port)', () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const port: ProgressFeed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime });
    port.follow('a', () => {});
    expect(realtime.listeners.size).to.equal(1);
    port.close?.();
    expect(realtime.listeners.size).to.equal(0);
  });

  it('a follower stopped by another during an event does not hear that event', () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime });
    const seen: string[] = [];
    let stopSecond = () => {};
    feed.follow('a', (e) => {
      seen.push(`first:${e.status}`);
      stopSecond();
    });
    stopSecond = feed.follow('a', (e) => seen.push(`second:${e.status}`));
    realtime.emit(event('a', 'parsing', 10));
    realtime.emit(event('a', 'parsing', 20));
    expect(seen).to.deep.equal(['first:parsing', 'first:parsing']);
  });

  it('after close, the old stops do nothing and a new follow starts afresh', async () => {
    const realtime = new FakeRealtimeFeed();
    const api = fakeApi();
    const feed = createProgressFeed({ supabase: noSupabase, api, userId: 'u', realtime: true, realtimeFeed: realtime });
    const old: number[] = [];
    const stopOld = feed.follow('a', (e) => old.push(e.progress));
    realtime.emit(event('a', 'parsing', 50));
    feed.close();
    const seen: [string, number][] = [];
    feed.follow('a', (e) => seen.push([e.status, e.progress]));
    stopOld();
    expect([...realtime.listeners.keys()], 'the new follow keeps the channel').to.deep.equal(['a']);
    realtime.emit(event('a', 'parsing', 10));
    await settle();
    expect(seen, 'no replay of the closed document, no gate from its last event').to.deep.equal([['parsing', 10]]);
    expect(old, 'the closed follower heard nothing after close').to.deep.equal([50]);
  });
});
