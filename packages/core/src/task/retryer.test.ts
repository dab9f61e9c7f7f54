import { expect } from '@open-wc/testing';
import { TransportError } from '../transport/transport-error.js';
import { UploadError } from '../upload-error.js';
import { FakeClock } from './fake-clock.js';
import { type RetryOptions, type RetryWait, retrying, sleep } from './retryer.js';

const request = { method: 'PATCH', url: 'https://example.test/tus/x' };
const blip = () => new UploadError('connection reset', { code: 'network' });
/** Let the retryer's promise chain run up to its next wait. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** An attempt function that fails with `errors` in turn, then resolves 'done'. */
function script(errors: unknown[]) {
  const calls: (UploadError | undefined)[] = [];
  const run = async (previous: UploadError | undefined) => {
    calls.push(previous);
    const error = errors[calls.length - 1];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { run, calls };
}

function options(clock: FakeClock, over: Partial<RetryOptions> = {}) {
  const waits: RetryWait[] = [];
  const o: RetryOptions = {
    maxAttempts: 6,
    signal: new AbortController().signal,
    clock,
    random: () => 0.5,
    onWait: (w) => waits.push(w),
    ...over,
  };
  return { o, waits };
}

describe('retrying (fake clock)', () => {
  it('waits the backoff on the injected clock before each retry, then resolves', async () => {
    const clock = new FakeClock(1_000);
    const { run, calls } = script([blip(), blip()]);
    const { o, waits } = options(clock);
    let result: string | undefined;
    void retrying(run, o).then((r) => (result = r));
    await settle();
    // Full jitter at random 0.5: half of 500 ms, then half of 1000 ms.
    expect(waits.map((w) => [w.retryAt, w.attempt])).to.deep.equal([[1_250, 2]]);
    expect(calls).to.have.length(1);
    clock.advance(249);
    await settle();
    expect(calls).to.have.length(1, 'not before the delay');
    clock.advance(1);
    await settle();
    expect(calls).to.have.length(2);
    expect(waits.map((w) => [w.retryAt, w.attempt])).to.deep.equal([[1_250, 2], [1_750, 3]]);
    clock.advance(500);
    await settle();
    expect(result).to.equal('done');
    expect(calls).to.have.length(3);
    expect(calls[1]?.message).to.equal('connection reset', 'each attempt sees the previous failure');
  });

  it('honours Retry-After instead of the backoff', async () => {
    const clock = new FakeClock();
    const busy = new TransportError('Too many requests', { code: 'http', status: 429, retryAfterMs: 7_000, request });
    const { run, calls } = script([busy]);
    const { o, waits } = options(clock);
    void retrying(run, o);
    await settle();
    expect(waits[0]).to.include({ retryAt: 7_000, attempt: 2 });
    clock.advance(6_999);
    await settle();
    expect(calls).to.have.length(1);
    clock.advance(1);
    await settle();
    expect(calls).to.have.length(2);
  });

  it('stops at maxAttempts and throws the last error', async () => {
    const clock = new FakeClock();
    const errors = [blip(), blip(), blip()];
    const { run, calls } = script(errors);
    const { o } = options(clock, { maxAttempts: 3 });
    let thrown: unknown;
    void retrying(run, o).catch((e: unknown) => (thrown = e));
    for (let i = 0; i < 5; i++) {
      await settle();
      clock.advance(60_000);
    }
    await settle();
    expect(calls).to.have.length(3);
    expect(thrown).to.equal(errors[2]);
  });

  it('never retries what shouldRetry refuses: not retryable, not an UploadError', async () => {
    for (const error of [new UploadError('too big', { code: 'http', status: 413 }), new TypeError('a bug')]) {
      const clock = new FakeClock();
      const { run, calls } = script([error]);
      const { o, waits } = options(clock);
      let thrown: unknown;
      await retrying(run, o).catch((e: unknown) => (thrown = e));
      expect(thrown).to.equal(error);
      expect(calls).to.have.length(1);
      expect(waits).to.have.length(0);
    }
  });

  it('retries at once, without a wait, what needs a new plan (still counted)', async () => {
    const clock = new FakeClock();
    const expired = new TransportError('expired', { code: 'http', status: 400, retryable: false, tokenExpired: true, request });
    const { run, calls } = script([expired, expired, expired]);
    const { o, waits } = options(clock, { maxAttempts: 3, retryAtOnce: (e) => e === expired });
    let thrown: unknown;
    await retrying(run, o).catch((e: unknown) => (thrown = e));
    expect(calls).to.deep.equal([undefined, expired, expired]);
    expect(waits).to.have.length(0);
    expect(thrown).to.equal(expired);
    expect(clock.pending).to.equal(0);
  });

  it('confirmed progress since the last failure starts the count again; unconfirmed progress does not', async () => {
    for (const confirmed of [true, false]) {
      const clock = new FakeClock();
      let bytes = 0;
      const errors = Array.from({ length: 5 }, blip);
      let calls = 0;
      const run = async () => {
        calls += 1;
        if (calls > errors.length) return 'done';
        bytes += 10; // every attempt gets more bytes out before the line drops
        throw errors[calls - 1];
      };
      const { o, waits } = options(clock, { maxAttempts: 2, progress: () => ({ bytes, confirmed }) });
      let result: unknown;
      retrying(run, o).then((r) => (result = r), (e: unknown) => (result = e));
      for (let i = 0; i < 10 && result === undefined; i++) {
        await settle();
        clock.advance(1_000);
      }
      if (confirmed) {
        expect(result).to.equal('done');
        expect(waits.map((w) => w.attempt)).to.deep.equal([2, 2, 2, 2, 2]);
      } else {
        expect(result).to.equal(errors[1]);
        expect(waits.map((w) => w.attempt)).to.deep.equal([2]);
      }
    }
  });

  it('an abort during the wait rejects at once and clears the timer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const { run, calls } = script([blip()]);
    const { o } = options(clock, { signal: controller.signal });
    let thrown: unknown;
    void retrying(run, o).catch((e: unknown) => (thrown = e));
    await settle();
    expect(clock.pending).to.equal(1);
    controller.abort();
    await settle();
    expect((thrown as UploadError).code).to.equal('aborted');
    expect(clock.pending).to.equal(0);
    expect(calls).to.have.length(1);
  });

  it('sleep resolves on the clock, not on real time', async () => {
    const clock = new FakeClock();
    let done = false;
    void sleep(10_000, new AbortController().signal, clock).then(() => (done = true));
    await settle();
    expect(done).to.equal(false);
    clock.advance(10_000);
    await settle();
    expect(done).to.equal(true);
  });
});
