import { expect } from '@open-wc/testing';
import type { ProgressEvent, ServerProgress } from '../interfaces.js';
import type { Timers } from './polling-feed.js';
import { BACKOFF_FACTOR, INITIAL_INTERVAL_MS, MAX_INTERVAL_MS, createPollingFeed } from './polling-feed.js';

/** Timers that only fire when told to, recording every wait the feed asked for. */
class FakeTimers implements Timers {
  readonly delays: number[] = [];
  readonly pending = new Map<number, () => void>();
  #next = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.#next++;
    this.delays.push(ms);
    this.pending.set(handle, callback);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires the one pending timer and lets the poll it starts finish. */
  async fire(): Promise<void> {
    expect(this.pending.size, 'exactly one poll is scheduled').to.equal(1);
    const [handle, callback] = [...this.pending][0]!;
    this.pending.delete(handle);
    callback();
    await settle();
  }
}

/** Lets pending promise callbacks run (the fake API answers immediately). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function answer(documentId: string, status: ServerProgress['status'], progress = 0, extra: Partial<ServerProgress> = {}): ServerProgress {
  const uploading = status === 'pending' || status === 'uploading';
  return {
    documentId,
    status,
    stage: uploading ? 'upload' : status,
    processing: { stage: uploading ? null : status, progress: uploading ? 0 : progress },
    upload: { bytesUploaded: 0, totalBytes: 100, progress: uploading ? progress : 100 },
    etaSeconds: null,
    stuck: false,
    error: null,
    ...extra,
  };
}

/** getProgress answering from a script (the last entry repeats); an Error entry rejects. */
function scriptedApi(script: (ServerProgress | Error)[]) {
  const calls: { documentId: string; signal: AbortSignal | undefined }[] = [];
  return {
    calls,
    async getProgress(documentId: string, signal?: AbortSignal): Promise<ServerProgress> {
      calls.push({ documentId, signal });
      const next = script.length > 1 ? script.shift() : script[0];
      if (next === undefined) throw new Error('script is empty');
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

/**
 * Runs `body` while errors rethrown asynchronously (a listener's, a logger's) are collected
 * instead of failing the test through mocha's window.onerror.
 */
async function collectingUncaught(body: (uncaught: unknown[]) => Promise<void>): Promise<void> {
  const uncaught: unknown[] = [];
  const previous = window.onerror;
  window.onerror = (_message, _source, _line, _column, error) => {
    uncaught.push(error);
    return true;
  };
  try {
    await body(uncaught);
    await settle();
  } finally {
    window.onerror = previous;
  }
}

describe('createPollingFeed', () => {
  it('polls at once, then waits 1 s, ×1.5 per unchanged answer, up to 15 s', async () => {
    const timers = new FakeTimers();
    const api = scriptedApi([answer('d', 'parsing', 10)]);
    const events: ProgressEvent[] = [];
    const stop = createPollingFeed(api, { timers }).follow('d', (e) => events.push(e));
    await settle();
    expect(api.calls.length).to.equal(1);
    for (let i = 0; i < 9; i++) await timers.fire();
    expect(api.calls.length).to.equal(10);
    const expected = [INITIAL_INTERVAL_MS];
    while (expected.length < 10) expected.push(Math.min(MAX_INTERVAL_MS, expected.at(-1)! * BACKOFF_FACTOR));
    expect(timers.delays).to.deep.equal(expected);
    expect(expected.slice(0, 3)).to.deep.equal([1000, 1500, 2250]);
    expect(expected.at(-1)).to.equal(15_000);
    expect(events.map((e) => [e.status, e.progress])).to.deep.equal([['parsing', 10]], 'repeats are not sent');
    stop();
  });

  it('goes back to the start interval when something changes', async () => {
    const timers = new FakeTimers();
    const a = answer('d', 'parsing', 10);
    const b = answer('d', 'parsing', 60, { etaSeconds: 12 });
    const api = scriptedApi([a, a, a, b, b]);
    const events: ProgressEvent[] = [];
    const stop = createPollingFeed(api, { timers }).follow('d', (e) => events.push(e));
    await settle();
    for (let i = 0; i < 4; i++) await timers.fire();
    expect(timers.delays).to.deep.equal([1000, 1500, 2250, 1000, 1500]);
    expect(events.map((e) => [e.progress, e.etaSeconds])).to.deep.equal([[10, undefined], [60, 12]]);
    stop();
  });

  for (const status of ['completed', 'failed', 'cancelled'] as const) {
    it(`stops polling at ${status}`, async () => {
      const timers = new FakeTimers();
      const api = scriptedApi([
        answer('d', 'processing', 50),
        answer('d', status, 50, status === 'failed' ? { error: { code: 'ocr_failed', message: 'Page 3 is unreadable.' } } : {}),
      ]);
      const events: ProgressEvent[] = [];
      createPollingFeed(api, { timers }).follow('d', (e) => events.push(e));
      await settle();
      await timers.fire();
      expect(timers.pending.size, 'nothing scheduled after the end').to.equal(0);
      expect(api.calls.length).to.equal(2);
      expect(events.map((e) => e.status)).to.deep.equal(['processing', status]);
      if (status === 'failed') expect(events[1]?.error).to.deep.equal({ code: 'ocr_failed', message: 'Page 3 is unreadable.' });
      if (status === 'completed') expect(events[1]?.progress).to.equal(100);
    });
  }

  it('keeps polling through errors, backing off, and reports them', () => collectingUncaught(async (uncaught) => {
    const timers = new FakeTimers();
    const api = scriptedApi([new Error('offline'), new Error('offline'), answer('d', 'embedding', 30)]);
    const errors: unknown[] = [];
    const events: ProgressEvent[] = [];
    const feed = createPollingFeed(api, {
      timers,
      onError: (error, documentId) => {
        errors.push([(error as Error).message, documentId]);
        throw new Error('a broken logger must not stop polling');
      },
    });
    const stop = feed.follow('d', (e) => events.push(e));
    await settle();
    await timers.fire();
    await timers.fire();
    expect(errors).to.deep.equal([['offline', 'd'], ['offline', 'd']]);
    expect(timers.delays).to.deep.equal([1500, 2250, 1000]);
    expect(events.map((e) => e.status)).to.deep.equal(['embedding']);
    await settle();
    expect(uncaught.length, 'the logger errors surface asynchronously').to.equal(2);
    stop();
  }));

  it('a malformed answer counts as an error, not as an event', async () => {
    const timers = new FakeTimers();
    const api = scriptedApi([{ documentId: 'd', status: 'weird' } as unknown as ServerProgress]);
    const errors: unknown[] = [];
    const events: ProgressEvent[] = [];
    const stop = createPollingFeed(api, { timers, onError: (e) => errors.push(e) }).follow('d', (e) => events.push(e));
    await settle();
    expect(errors.length).to.equal(1);
    expect(events).to.deep.equal([]);
    expect(timers.pending.size).to.equal(1);
    stop();
  });

  it('stops: clears the timer, aborts the request in flight and drops its answer', async () => {
    const timers = new FakeTimers();
    let resolve: (answer: ServerProgress) => void = () => {};
    let signal: AbortSignal | undefined;
    const api = {
      getProgress: (_id: string, s?: AbortSignal) => {
        signal = s;
        return new Promise<ServerProgress>((r) => (resolve = r));
      },
    };
    const events: ProgressEvent[] = [];
    const stop = createPollingFeed(api, { timers }).follow('d', (e) => events.push(e));
    stop();
    expect(signal?.aborted).to.equal(true);
    resolve(answer('d', 'parsing', 10));
    await settle();
    expect(events).to.deep.equal([]);
    expect(timers.pending.size).to.equal(0);
  });

  it('shares one poll between followers of a document and tells a late follower what is known', async () => {
    const timers = new FakeTimers();
    const api = scriptedApi([answer('d', 'completed')]);
    const feed = createPollingFeed(api, { timers });
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = feed.follow('d', (e) => first.push(e.status));
    await settle();
    const stopSecond = feed.follow('d', (e) => second.push(e.status));
    await settle();
    expect(api.calls.length).to.equal(1);
    expect(first).to.deep.equal(['completed']);
    expect(second).to.deep.equal(['completed']);
    stopFirst();
    stopSecond();
  });

  it('a listener that throws does not stop the others or the polling', () => collectingUncaught(async (uncaught) => {
    const timers = new FakeTimers();
    const api = scriptedApi([answer('d', 'parsing', 10), answer('d', 'parsing', 20)]);
    const feed = createPollingFeed(api, { timers });
    const seen: number[] = [];
    const stopBad = feed.follow('d', () => {
      throw new Error('listener bug');
    });
    const stopGood = feed.follow('d', (e) => seen.push(e.progress));
    await settle();
    await timers.fire();
    expect(seen).to.deep.equal([10, 20]);
    expect(uncaught.map((e) => (e as Error).message)).to.deep.equal(['listener bug', 'listener bug']);
    stopBad();
    stopGood();
  }));
});
