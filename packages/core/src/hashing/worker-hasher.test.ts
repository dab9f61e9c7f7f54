import { expect } from '@open-wc/testing';
import SparkMD5 from 'spark-md5';
import { consoleDuring } from '../testing/fakes.js';
import { UploadError } from '../upload-error.js';
import { MainThreadHasher } from './main-thread-hasher.js';
import type { HashResponse } from './protocol.js';
import { mainThreadWarning, WorkerHasher } from './worker-hasher.js';

/** Records console.warn while `fn` runs, with the page's "said once" flag cleared first. */
function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  mainThreadWarning.shown = false;
  return consoleDuring('warn', fn);
}

function deterministicBytes(length: number, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
}

const signal = () => new AbortController().signal;
const MiB = 1024 * 1024;

/**
 * Creates workers from the TypeScript source (the dev server compiles it; it has no
 * hash-worker.js to serve) and records every message they send, to tell worker answers from
 * main-thread fallbacks.
 */
function recordingFactory() {
  const messages: HashResponse[] = [];
  const factory = {
    created: 0,
    messages,
    createWorker: () => {
      factory.created += 1;
      const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<HashResponse>) => messages.push(event.data));
      return worker;
    },
    messagesFor: (id: number) => messages.filter((m) => m.id === id),
  };
  return factory;
}

describe('WorkerHasher', () => {
  let hasher: WorkerHasher | undefined;
  afterEach(() => hasher?.terminate());

  it('hashes known inputs in the worker', async () => {
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: factory.createWorker });
    expect(await hasher.hash(new Blob(['']), { signal: signal() })).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(await hasher.hash(new Blob(['hello']), { signal: signal() })).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(await hasher.hash(new Blob(['The quick brown fox jumps over the lazy dog']), { signal: signal() })).to.equal(
      '9e107d9d372bb6826bd81d3542a419d6',
    );
    expect(factory.messages.filter((m) => 'hash' in m)).to.have.length(3);
    expect(factory.created).to.equal(1);
  });

  it('agrees with the main thread and with SparkMD5 in one piece, with increasing progress up to 1', async () => {
    const bytes = deterministicBytes(5 * MiB + 3);
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: factory.createWorker });
    const progress: number[] = [];
    const inWorker = await hasher.hash(new Blob([bytes]), { signal: signal(), onProgress: (p) => progress.push(p) });
    const onMainThread = await new MainThreadHasher().hash(new Blob([bytes]), { signal: signal() });
    expect(inWorker).to.equal(SparkMD5.ArrayBuffer.hash(bytes.buffer));
    expect(onMainThread).to.equal(inWorker);
    // 2 MiB slices: 2/5, 4/5, 1 (roughly).
    expect(progress).to.have.length(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).to.be.above(progress[i - 1] ?? 0);
    expect(progress.at(-1)).to.equal(1);
  });

  it('rejects at once on abort, stops the worker early and hashes the next file', async () => {
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: factory.createWorker });
    const controller = new AbortController();
    const progress: number[] = [];
    const first = hasher.hash(new Blob([deterministicBytes(32 * MiB)]), {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        controller.abort();
      },
    });
    const error: unknown = await first.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).code).to.equal('aborted');
    // Rejected before the worker said anything final about that file.
    expect(factory.messagesFor(1).filter((m) => !('progress' in m))).to.deep.equal([]);

    const next = await hasher.hash(new Blob(['hello']), { signal: signal() });
    expect(next).to.equal('5d41402abc4b2a76b9719d911017c592');
    // The worker hashes in order, so it is done with the first file: it stopped after a slice
    // or two of sixteen and never answered with a hash.
    expect(factory.messagesFor(1).length).to.be.below(4);
    expect(factory.messagesFor(1).some((m) => 'hash' in m)).to.equal(false);
    expect(progress).to.have.length(1);
    expect(factory.created).to.equal(1);
  });

  it('hashes two files given at once through one worker, each to its own hash', async () => {
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: factory.createWorker });
    const a = deterministicBytes(3 * MiB, 1);
    const b = deterministicBytes(3 * MiB + 1, 2);
    const [hashA, hashB] = await Promise.all([
      hasher.hash(new Blob([a]), { signal: signal() }),
      hasher.hash(new Blob([b]), { signal: signal() }),
    ]);
    expect(hashA).to.equal(SparkMD5.ArrayBuffer.hash(a.buffer));
    expect(hashB).to.equal(SparkMD5.ArrayBuffer.hash(b.buffer));
    expect(hashA).not.to.equal(hashB);
    expect(factory.created).to.equal(1);
  });

  it('drops a queued file that is cancelled before the worker reaches it', async () => {
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: factory.createWorker });
    const controller = new AbortController();
    const big = hasher.hash(new Blob([deterministicBytes(4 * MiB)]), { signal: signal() });
    const queued = hasher.hash(new Blob(['queued']), { signal: controller.signal });
    controller.abort();
    expect(((await queued.catch((e: unknown) => e)) as UploadError).code).to.equal('aborted');
    await big;
    expect(await hasher.hash(new Blob(['hello']), { signal: signal() })).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(factory.messagesFor(2)).to.deep.equal([]);
  });

  it('falls back to the main thread when the worker cannot be created, and says so once a page', async () => {
    let attempts = 0;
    const refuse = () => {
      attempts += 1;
      throw new DOMException('Refused by Content-Security-Policy', 'SecurityError');
    };
    const progress: number[] = [];
    const warnings = await warningsDuring(async () => {
      hasher = new WorkerHasher({ createWorker: refuse });
      expect(await hasher.hash(new Blob(['hello']), { signal: signal(), onProgress: (p) => progress.push(p) })).to.equal(
        '5d41402abc4b2a76b9719d911017c592',
      );
      expect(await hasher.hash(new Blob(['']), { signal: signal() })).to.equal('d41d8cd98f00b204e9800998ecf8427e');
      // A second hasher on the same page falls back too, without a second warning.
      const other = new WorkerHasher({ createWorker: refuse });
      expect(await other.hash(new Blob(['']), { signal: signal() })).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    });
    expect(progress).to.deep.equal([1]);
    expect(attempts).to.equal(2);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('Refused by Content-Security-Policy').and.contain('main thread').and.contain('createWorker');
  });

  it('falls back to the main thread for waiting and later files when the worker script fails to load', async () => {
    let attempts = 0;
    hasher = new WorkerHasher({
      createWorker: () => {
        attempts += 1;
        return new Worker(new URL('./no-such-worker.js', import.meta.url), { type: 'module' });
      },
    });
    const bytes = deterministicBytes(MiB + 5);
    const progress: number[] = [];
    let first = '';
    let second = '';
    const warnings = await warningsDuring(async () => {
      [first, second] = await Promise.all([
        hasher!.hash(new Blob([bytes]), { signal: signal(), onProgress: (p) => progress.push(p) }),
        hasher!.hash(new Blob(['hello']), { signal: signal() }),
      ]);
    });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('hash worker could not start');
    expect(first).to.equal(SparkMD5.ArrayBuffer.hash(bytes.buffer));
    expect(second).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(await hasher.hash(new Blob(['']), { signal: signal() })).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(progress.at(-1)).to.equal(1);
    expect(attempts).to.equal(1);
  });

  it('terminate() rejects unfinished files as aborted; the next hash starts a new worker', async () => {
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: factory.createWorker });
    const pending = hasher.hash(new Blob([deterministicBytes(8 * MiB)]), { signal: signal() });
    hasher.terminate();
    expect(((await pending.catch((e: unknown) => e)) as UploadError).code).to.equal('aborted');
    expect(await hasher.hash(new Blob(['hello']), { signal: signal() })).to.equal('5d41402abc4b2a76b9719d911017c592');
    expect(factory.created).to.equal(2);
  });
});
