import { expect } from '@open-wc/testing';
import { Subscribable } from './subscribable.js';

type CountListener = (count: number) => void;

/** A minimal store, the way later stores extend the base. */
class Counter extends Subscribable<CountListener> {
  count = 0;
  readonly events: string[] = [];
  readonly listenerErrors: unknown[] = [];
  captureListenerErrors = false;

  increment(): void {
    this.count += 1;
    this.notify((listener) => listener(this.count));
  }

  protected override onSubscribe(): void {
    this.events.push(`subscribe:${String(this.hasListeners())}`);
  }

  protected override onUnsubscribe(): void {
    this.events.push(`unsubscribe:${String(this.hasListeners())}`);
  }

  protected override onListenerError(error: unknown): void {
    if (this.captureListenerErrors) this.listenerErrors.push(error);
    else super.onListenerError(error);
  }
}

describe('Subscribable', () => {
  it('calls listeners until they unsubscribe', () => {
    const counter = new Counter();
    const seen: number[] = [];
    const unsubscribe = counter.subscribe((count) => seen.push(count));
    counter.increment();
    counter.increment();
    unsubscribe();
    counter.increment();
    expect(seen).to.deep.equal([1, 2]);
  });

  it('tracks hasListeners and runs the hooks once per subscription', () => {
    const counter = new Counter();
    expect(counter.hasListeners()).to.equal(false);
    const first = counter.subscribe(() => {});
    const second = counter.subscribe(() => {});
    expect(counter.hasListeners()).to.equal(true);
    first();
    first();
    expect(counter.hasListeners()).to.equal(true);
    second();
    expect(counter.hasListeners()).to.equal(false);
    expect(counter.events).to.deep.equal([
      'subscribe:true',
      'subscribe:true',
      'unsubscribe:true',
      'unsubscribe:false',
    ]);
  });

  it('treats the same function subscribed twice as two subscriptions', () => {
    const counter = new Counter();
    let calls = 0;
    const listener = () => {
      calls += 1;
    };
    const first = counter.subscribe(listener);
    counter.subscribe(listener);
    first();
    counter.increment();
    expect(calls).to.equal(1);
  });

  it('keeps subscribe bound so it can be passed as a plain function', () => {
    const counter = new Counter();
    const { subscribe } = counter;
    const seen: number[] = [];
    subscribe((count) => seen.push(count));
    counter.increment();
    expect(seen).to.deep.equal([1]);
  });

  it('skips a listener removed during a notification and defers one added during it', () => {
    const counter = new Counter();
    const seen: string[] = [];
    let unsubscribeB = () => {};
    counter.subscribe((count) => {
      seen.push(`a${count}`);
      unsubscribeB();
      counter.subscribe((later) => seen.push(`c${later}`));
    });
    unsubscribeB = counter.subscribe((count) => seen.push(`b${count}`));
    counter.increment();
    expect(seen).to.deep.equal(['a1']);
  });

  it('keeps notifying the other listeners when one throws', () => {
    const counter = new Counter();
    counter.captureListenerErrors = true;
    const boom = new Error('listener bug');
    const seen: number[] = [];
    counter.subscribe(() => {
      throw boom;
    });
    counter.subscribe((count) => seen.push(count));
    counter.increment();
    expect(seen).to.deep.equal([1]);
    expect(counter.listenerErrors).to.deep.equal([boom]);
  });

  it('rethrows a listener error asynchronously by default', async () => {
    const counter = new Counter();
    // The runner still logs this uncaught error; the test proves it surfaces.
    const boom = new Error('listener bug (expected by this test)');
    const reported: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      reported.push(event.error);
      event.preventDefault();
    };
    // Mocha fails the running test from window.onerror, so park its handler
    // while this test provokes an uncaught error on purpose.
    const mochaOnError = window.onerror;
    window.onerror = null;
    window.addEventListener('error', onError);
    try {
      counter.subscribe(() => {
        throw boom;
      });
      expect(() => counter.increment()).not.to.throw();
      expect(reported).to.deep.equal([], 'not synchronously');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(reported).to.deep.equal([boom]);
    } finally {
      window.removeEventListener('error', onError);
      window.onerror = mochaOnError;
    }
  });
});
