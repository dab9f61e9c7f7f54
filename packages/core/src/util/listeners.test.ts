import { expect } from '@open-wc/testing';
import { Listeners } from './listeners.js';

describe('Listeners', () => {
  it('calls listeners in the order they were added, with the arguments', () => {
    const listeners = new Listeners<(a: number, b: string) => void>();
    const seen: string[] = [];
    listeners.add((a, b) => seen.push(`first ${a}${b}`));
    listeners.add((a, b) => seen.push(`second ${a}${b}`));
    listeners.emit(1, 'x');
    expect(seen).to.deep.equal(['first 1x', 'second 1x']);
  });

  it('counts the same function added twice as two entries, each removed on its own', () => {
    const listeners = new Listeners();
    let calls = 0;
    const listener = (): void => void (calls += 1);
    const removeFirst = listeners.add(listener);
    listeners.add(listener);
    expect(listeners.size).to.equal(2);
    listeners.emit();
    expect(calls).to.equal(2);
    expect(removeFirst()).to.equal(true);
    expect(removeFirst()).to.equal(false);
    expect(listeners.size).to.equal(1);
    listeners.emit();
    expect(calls).to.equal(3);
  });

  it('skips a listener removed during a round and defers one added during it', () => {
    const listeners = new Listeners();
    const seen: string[] = [];
    let removeB: () => boolean = () => false;
    listeners.add(() => {
      seen.push('a');
      removeB();
      listeners.add(() => seen.push('late'));
    });
    removeB = listeners.add(() => seen.push('b'));
    listeners.emit();
    expect(seen).to.deep.equal(['a']);
    listeners.emit();
    expect(seen).to.deep.equal(['a', 'a', 'late']);
  });

  it('clear removes everyone', () => {
    const listeners = new Listeners();
    const remove = listeners.add(() => expect.fail('cleared'));
    listeners.clear();
    listeners.emit();
    expect(listeners.size).to.equal(0);
    expect(remove()).to.equal(false);
  });
});

describe('Listeners: a listener that throws', () => {
  // queueMicrotask only records here, so the rethrown errors can be looked at, not raised.
  const realQueueMicrotask = globalThis.queueMicrotask;
  let queued: (() => void)[] = [];
  beforeEach(() => {
    queued = [];
    globalThis.queueMicrotask = (task) => void queued.push(task);
  });
  afterEach(() => {
    globalThis.queueMicrotask = realQueueMicrotask;
  });

  it('does not stop the caller or the others, and is rethrown from a microtask', () => {
    const listeners = new Listeners();
    const boom = new Error('listener bug');
    const seen: string[] = [];
    listeners.add(() => {
      throw boom;
    });
    listeners.add(() => seen.push('second'));
    expect(() => listeners.emit()).not.to.throw();
    expect(seen).to.deep.equal(['second']);
    expect(queued).to.have.length(1);
    expect(() => queued[0]!()).to.throw(boom);
  });

  it('goes to the onError of forEach instead, when one is given', () => {
    const listeners = new Listeners<(n: number) => void>();
    const boom = new Error('listener bug');
    const errors: unknown[] = [];
    listeners.add(() => {
      throw boom;
    });
    listeners.forEach((listener) => listener(1), (error) => errors.push(error));
    expect(errors).to.deep.equal([boom]);
    expect(queued).to.deep.equal([]);
  });
});
