import { expect } from '@open-wc/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { lazyBackendApi, lazyHasher, lazyResumeStore, loadDefaultIo } from './lazy-io.js';
import { createBackendApi } from './transport/backend-api.js';
import { UploadError } from './upload-error.js';

const signal = () => new AbortController().signal;
const abc = new Blob(['abc']);

describe('lazy default I/O (loaded on first use)', () => {
  it('imports the default I/O module once', async () => {
    expect(loadDefaultIo()).to.equal(loadDefaultIo());
    const io = await loadDefaultIo();
    expect(io.createDefaultHasher).to.be.a('function');
    expect(io.createBackendApi).to.equal(createBackendApi);
  });

  it('refuses a client without URL and key at once, with the TypeError createBackendApi throws', () => {
    const client = { auth: {} } as unknown as SupabaseClient;
    let real: unknown;
    try {
      createBackendApi(client);
    } catch (error) {
      real = error;
    }
    expect(real).to.be.instanceOf(TypeError);
    expect(() => lazyBackendApi(client, {})).to.throw(TypeError, (real as TypeError).message);
  });

  it('hashes with the default hasher (MD5 hex)', async () => {
    const hasher = lazyHasher();
    expect(await hasher.hash(abc, { signal: signal() })).to.equal('900150983cd24fb0d6963f7d28e17f72');
    hasher.terminate();
  });

  it('terminate() stops a hash still waiting for the load with an aborted UploadError; a later hash works', async () => {
    const hasher = lazyHasher();
    const pending = hasher.hash(abc, { signal: signal() });
    hasher.terminate();
    const error = await pending.then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).code).to.equal('aborted');
    expect(await hasher.hash(abc, { signal: signal() })).to.equal('900150983cd24fb0d6963f7d28e17f72');
    hasher.terminate();
  });

  it('keeps resume records in IndexedDB through the real store', async () => {
    const store = lazyResumeStore();
    const key = `lazy-io-test:${Math.random()}`;
    const record = {
      key, documentId: 'doc-1', uploadUrl: 'http://127.0.0.1/upload/1', size: 3, hash: 'h', updatedAt: Date.now(),
      plan: { strategy: 'tus' as const, bucket: 'documents', path: 'u/d/a.pdf', signedUrl: 'http://127.0.0.1/s', token: 't', tusEndpoint: 'http://127.0.0.1/tus', chunkSize: 6 * 1024 * 1024, expiresAt: null },
    };
    await store.put(record);
    expect(await store.get(key)).to.deep.equal(record);
    // A second store over the same database sees it: it was written to IndexedDB, not memory.
    expect(await lazyResumeStore().get(key)).to.deep.equal(record);
    await store.delete(key);
    expect(await store.get(key)).to.equal(undefined);
  });
});
