import { expect } from '@open-wc/testing';
import { callSafely, rethrowAsync } from './call-safely.js';

/** Runs `body` with `queueMicrotask` replaced by one that only records what was queued. */
function withQueuedTasks(body: (queued: (() => void)[]) => void): void {
  const queued: (() => void)[] = [];
  const original = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (task) => void queued.push(task);
  try {
    body(queued);
  } finally {
    globalThis.queueMicrotask = original;
  }
}

describe('callSafely', () => {
  it('calls the callback with the arguments, and does nothing without one', () => {
    const seen: unknown[][] = [];
    callSafely((a: number, b: string) => seen.push([a, b]), 1, 'x');
    callSafely(undefined as ((a: number) => void) | undefined, 2);
    expect(seen).to.deep.equal([[1, 'x']]);
  });

  it('keeps a throw from the caller and rethrows it from a microtask', () => withQueuedTasks((queued) => {
    const boom = new Error('callback bug');
    expect(() => callSafely(() => {
      throw boom;
    })).not.to.throw();
    expect(queued).to.have.length(1);
    expect(() => queued[0]!()).to.throw(boom);
  }));

  it('queues nothing when the callback returns normally', () => withQueuedTasks((queued) => {
    callSafely(() => {});
    expect(queued).to.deep.equal([]);
  }));

  it('rethrowAsync rethrows from a microtask, not synchronously', () => withQueuedTasks((queued) => {
    const boom = new Error('rethrown');
    expect(() => rethrowAsync(boom)).not.to.throw();
    expect(queued).to.have.length(1);
    expect(() => queued[0]!()).to.throw(boom);
  }));
});
