import { expect } from '@open-wc/testing';
import type { Topic } from './fan-out.js';
import { fanOut } from './fan-out.js';

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

/** A fan-out whose source records opens and closes and hands out its topics. */
function recorded(options: { replay?: boolean; linger?: (close: () => void) => void } = {}) {
  const log: string[] = [];
  const topics = new Map<string, Topic<string, number>>();
  const fan = fanOut<string, number, { key: string }>({
    ...options,
    open(topic) {
      log.push(`open ${topic.key}`);
      topics.set(topic.key, topic);
      return { key: topic.key };
    },
    close(state, topic) {
      log.push(`close ${state.key} active=${String(topic.active)}`);
    },
  });
  return { fan, log, topics };
}

describe('fanOut', () => {
  it('opens a key for its first subscriber and closes it after the last one', () => {
    const { fan, log } = recorded();
    const stopA1 = fan.subscribe('a', () => {});
    const stopA2 = fan.subscribe('a', () => {});
    const stopB = fan.subscribe('b', () => {});
    expect(log).to.deep.equal(['open a', 'open b']);
    expect(fan.size).to.equal(2);
    expect(fan.states()).to.deep.equal([{ key: 'a' }, { key: 'b' }]);
    stopA1();
    stopA1();
    expect(log).to.deep.equal(['open a', 'open b']);
    stopA2();
    expect(log).to.deep.equal(['open a', 'open b', 'close a active=false']);
    expect(fan.get('a')).to.equal(undefined);
    expect(fan.get('b')).to.deep.equal({ key: 'b' });
    stopB();
    expect(fan.size).to.equal(0);
    fan.subscribe('a', () => {});
    expect(log.at(-1)).to.equal('open a');
  });

  it("sends a key's values to that key's listeners only, and remembers the last", () => {
    const { fan, topics } = recorded();
    const seen: string[] = [];
    fan.subscribe('a', (v) => seen.push(`a1:${v}`));
    fan.subscribe('a', (v) => seen.push(`a2:${v}`));
    fan.subscribe('b', (v) => seen.push(`b:${v}`));
    topics.get('a')!.send(1);
    topics.get('b')!.send(2);
    expect(seen).to.deep.equal(['a1:1', 'a2:1', 'b:2']);
    expect(topics.get('a')!.last).to.equal(1);
  });

  it('a closed topic sends nothing, even to the same key opened again', () => {
    const { fan, topics } = recorded();
    const stop = fan.subscribe('a', () => {});
    const old = topics.get('a')!;
    stop();
    const seen: number[] = [];
    fan.subscribe('a', (v) => seen.push(v));
    old.send(1);
    expect(old.active).to.equal(false);
    expect(seen).to.deep.equal([]);
    topics.get('a')!.send(2);
    expect(seen).to.deep.equal([2]);
  });

  it('with replay, a late subscriber hears the last value a microtask later, unless it left', async () => {
    const { fan, topics } = recorded({ replay: true });
    fan.subscribe('a', () => {});
    topics.get('a')!.send(7);
    const late: number[] = [];
    fan.subscribe('a', (v) => late.push(v));
    const gone: number[] = [];
    const stopGone = fan.subscribe('a', (v) => gone.push(v));
    expect(late).to.deep.equal([]);
    stopGone();
    await tick();
    expect(late).to.deep.equal([7]);
    expect(gone).to.deep.equal([]);
  });

  it('without replay, a late subscriber waits for the next value', async () => {
    const { fan, topics } = recorded();
    fan.subscribe('a', () => {});
    topics.get('a')!.send(7);
    const late: number[] = [];
    fan.subscribe('a', (v) => late.push(v));
    await tick();
    expect(late).to.deep.equal([]);
  });

  it('with linger, a key survives an unsubscribe followed at once by a subscribe', async () => {
    const { fan, log } = recorded({ linger: queueMicrotask });
    const stop = fan.subscribe('a', () => {});
    stop();
    const stopAgain = fan.subscribe('a', () => {});
    await tick();
    expect(log).to.deep.equal(['open a']);
    stopAgain();
    expect(log).to.deep.equal(['open a']);
    await tick();
    expect(log).to.deep.equal(['open a', 'close a active=false']);
  });

  it('clear closes every key, and their unsubscribes then do nothing', () => {
    const { fan, log } = recorded();
    const stopA = fan.subscribe('a', () => expect.fail('cleared'));
    fan.subscribe('b', () => {});
    fan.clear();
    expect(log).to.deep.equal(['open a', 'open b', 'close a active=false', 'close b active=false']);
    expect(fan.size).to.equal(0);
    fan.subscribe('a', () => {});
    stopA();
    expect(fan.size).to.equal(1);
  });

  it('a key closed while it opens is closed once it has opened', () => {
    const log: string[] = [];
    const fan = fanOut<string, number, string>({
      open() {
        fan.clear();
        log.push('opened');
        return 'state';
      },
      close(state) {
        log.push(`close ${state}`);
      },
    });
    fan.subscribe('a', () => {});
    expect(log).to.deep.equal(['opened', 'close state']);
    expect(fan.size).to.equal(0);
  });
});
