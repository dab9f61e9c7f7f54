import { expect } from '@open-wc/testing';
import { MainThreadHasher, WorkerHasher, createDefaultHasher } from './index.js';

describe('createDefaultHasher', () => {
  it('hashes in a worker where workers exist', () => {
    const hasher = createDefaultHasher();
    expect(hasher).to.be.instanceOf(WorkerHasher);
    // Creating it starts nothing: the worker is created on the first hash.
    (hasher as WorkerHasher).terminate();
  });

  it('really hashes in the worker it ships (hash-worker.js next to the module), not the fallback', async () => {
    const RealWorker = globalThis.Worker;
    const created: string[] = [];
    globalThis.Worker = class extends RealWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        created.push(String(url));
        this.addEventListener('error', () => created.push('error'));
      }
    };
    try {
      const hasher = createDefaultHasher() as WorkerHasher;
      expect(await hasher.hash(new Blob(['hello']), { signal: new AbortController().signal })).to.equal('5d41402abc4b2a76b9719d911017c592');
      hasher.terminate();
    } finally {
      globalThis.Worker = RealWorker;
    }
    expect(created).to.have.length(1);
    expect(created[0]).to.match(/\/hash-worker\.js$/);
  });

  it('hashes on the main thread where there is no Worker', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
    Reflect.deleteProperty(globalThis, 'Worker');
    try {
      const hasher = createDefaultHasher();
      expect(hasher).to.be.instanceOf(MainThreadHasher);
      expect(await hasher.hash(new Blob(['hello']), { signal: new AbortController().signal })).to.equal(
        '5d41402abc4b2a76b9719d911017c592',
      );
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'Worker', descriptor);
    }
    expect(typeof Worker).to.equal('function');
  });
});
