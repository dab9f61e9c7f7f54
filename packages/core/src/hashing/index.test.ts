import { expect } from '@open-wc/testing';
import { MainThreadHasher, WorkerHasher, createDefaultHasher } from './index.js';

describe('createDefaultHasher', () => {
  it('hashes in a worker where workers exist', () => {
    const hasher = createDefaultHasher();
    expect(hasher).to.be.instanceOf(WorkerHasher);
    // Creating it starts nothing: the worker is created on the first hash.
    (hasher as WorkerHasher).terminate();
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
