import { expect } from '@open-wc/testing';
import type { ResumeRecord, ResumeStore } from '../interfaces.js';
import { DATABASE_NAME, IndexedDbResumeStore, MemoryResumeStore, resumeKey, STORE_NAME, UPDATED_AT_INDEX } from './indexeddb-resume-store.js';

function record(key: string, updatedAt: number, extra: Partial<ResumeRecord> = {}): ResumeRecord {
  return {
    key,
    documentId: `doc-${key}`,
    uploadUrl: `https://example.test/storage/v1/upload/resumable/sign/${key}`,
    plan: {
      strategy: 'tus',
      bucket: 'documents',
      path: `user/${key}/report.pdf`,
      signedUrl: 'https://example.test/storage/v1/object/upload/sign/documents/x?token=t',
      token: 't',
      tusEndpoint: 'https://example.test/storage/v1/upload/resumable/sign',
      chunkSize: 6 * 1024 * 1024,
      expiresAt: '2030-01-01T00:00:00.000Z',
    },
    size: 20_000_000,
    hash: '0123456789abcdef0123456789abcdef',
    updatedAt,
    ...extra,
  };
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // `blocked` only means a connection is still finishing its transactions; the delete goes
    // on once it closes. A connection that never closes leaves this hanging: the test times out.
  });
}

function openRaw(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** What every ResumeStore must do, run against each implementation. */
function behavesLikeAResumeStore(make: (now: () => number) => ResumeStore) {
  it('puts, gets and deletes records', async () => {
    const store = make(() => 0);
    expect(await store.get('missing')).to.equal(undefined);
    await store.put(record('a', 1));
    await store.put(record('b', 2, { uploadUrl: undefined }));
    expect(await store.get('a')).to.deep.equal(record('a', 1));
    expect(await store.get('b')).to.deep.equal(record('b', 2, { uploadUrl: undefined }));
    await store.put(record('a', 3, { uploadUrl: 'https://example.test/newer' }));
    expect((await store.get('a'))?.uploadUrl).to.equal('https://example.test/newer');
    await store.delete('a');
    await store.delete('never-there');
    expect(await store.get('a')).to.equal(undefined);
    expect(await store.get('b')).to.not.equal(undefined);
  });

  it('prunes records older than the given age and counts them', async () => {
    let now = 0;
    const store = make(() => now);
    await store.put(record('old', 1_000));
    await store.put(record('older', 500));
    await store.put(record('edge', 4_000));
    await store.put(record('new', 5_000));
    now = 6_000;
    expect(await store.prune(2_000)).to.equal(2);
    expect(await store.get('old')).to.equal(undefined);
    expect(await store.get('older')).to.equal(undefined);
    expect(await store.get('edge'), 'exactly maxAge old is kept').to.not.equal(undefined);
    expect(await store.get('new')).to.not.equal(undefined);
    expect(await store.prune(2_000)).to.equal(0);
  });

  it('keeps small data only: a File attached to a record is not stored', async () => {
    const store = make(() => 0);
    const withFile = { ...record('f', 1), file: new File([new Uint8Array(1024)], 'big.pdf') } as ResumeRecord;
    await store.put(withFile);
    const got = await store.get('f');
    expect(got).to.deep.equal(record('f', 1));
    expect(got && 'file' in got).to.equal(false);
  });

  it('hands out copies: changing a record read does not change the store', async () => {
    const store = make(() => 0);
    await store.put(record('c', 1));
    const got = await store.get('c');
    got!.plan.path = 'changed';
    expect((await store.get('c'))?.plan.path).to.equal('user/c/report.pdf');
  });
}

describe('resumeKey', () => {
  it('is user, hash and size: the same file for the same user, never across users', () => {
    const file = { hash: '0123456789abcdef0123456789abcdef', size: 42 };
    expect(resumeKey({ userId: 'u1', ...file })).to.equal('u1:0123456789abcdef0123456789abcdef:42');
    expect(resumeKey({ userId: 'u1', ...file })).to.equal(resumeKey({ userId: 'u1', ...file }));
    expect(resumeKey({ userId: 'u2', ...file })).to.not.equal(resumeKey({ userId: 'u1', ...file }));
    expect(resumeKey({ userId: 'u1', ...file, size: 43 })).to.not.equal(resumeKey({ userId: 'u1', ...file }));
  });
});

describe('MemoryResumeStore', () => {
  behavesLikeAResumeStore((now) => new MemoryResumeStore({ now }));
});

describe('IndexedDbResumeStore (real IndexedDB)', () => {
  const names: string[] = [];
  const errors: unknown[] = [];
  const fresh = (now: () => number = Date.now) => {
    const databaseName = `v2-uploader-test-${crypto.randomUUID()}`;
    names.push(databaseName);
    return new IndexedDbResumeStore({ databaseName, now, onError: (error) => errors.push(error) });
  };
  afterEach(async () => {
    await Promise.all(names.splice(0).map(deleteDatabase));
    expect(errors.splice(0), 'IndexedDB worked: no fallback').to.deep.equal([]);
  });

  behavesLikeAResumeStore(fresh);

  it('keeps records for the next store on the same database (a reload)', async () => {
    const databaseName = `v2-uploader-test-${crypto.randomUUID()}`;
    names.push(databaseName);
    await new IndexedDbResumeStore({ databaseName }).put(record('r', 1));
    expect(await new IndexedDbResumeStore({ databaseName }).get('r')).to.deep.equal(record('r', 1));
  });

  it('uses database v2-uploader, store uploads (keyPath key) with an updatedAt index', async () => {
    await deleteDatabase(DATABASE_NAME);
    await new IndexedDbResumeStore().put(record('s', 1));
    const db = await openRaw(DATABASE_NAME);
    try {
      const store = db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME);
      expect(STORE_NAME).to.equal('uploads');
      expect(store.keyPath).to.equal('key');
      expect(store.index(UPDATED_AT_INDEX).keyPath).to.equal('updatedAt');
    } finally {
      db.close();
    }
    await deleteDatabase(DATABASE_NAME); // the store steps aside (versionchange)
  });

  it('ignores what it did not write (another version, another script)', async () => {
    const store = fresh();
    await store.put(record('x', 1)); // creates the database
    const db = await openRaw(names[0]!);
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE_NAME, 'readwrite');
      tx.objectStore(STORE_NAME).put({ key: 'junk', plan: 'not a plan' });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    expect(await store.get('junk')).to.equal(undefined);
  });
});

describe('IndexedDbResumeStore without a working IndexedDB', () => {
  const throwingOpen = { open: () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } } as unknown as IDBFactory;

  behavesLikeAResumeStore((now) => new IndexedDbResumeStore({ indexedDB: throwingOpen, now, onError: () => {} }));

  it('falls back to memory when indexedDB.open throws, and says so once', async () => {
    const errors: unknown[] = [];
    const store = new IndexedDbResumeStore({ indexedDB: throwingOpen, onError: (e) => errors.push(e) });
    await store.put(record('m', 1));
    expect(await store.get('m')).to.deep.equal(record('m', 1));
    await store.delete('m');
    expect(await store.prune(0)).to.equal(0);
    expect(errors.length).to.equal(1);
    expect((errors[0] as DOMException).name).to.equal('SecurityError');
  });

  it('falls back to memory when opening fails with an error event (private mode)', async () => {
    const failingOpen = {
      open() {
        const request = { error: new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError') } as IDBOpenDBRequest;
        setTimeout(() => request.onerror?.(new Event('error')), 0);
        return request;
      },
    } as unknown as IDBFactory;
    const errors: unknown[] = [];
    const store = new IndexedDbResumeStore({ indexedDB: failingOpen, onError: (e) => errors.push(e) });
    await store.put(record('p', 1));
    expect(await store.get('p')).to.deep.equal(record('p', 1));
    expect(errors.length).to.equal(1);
  });

  it('works in memory with no IndexedDB at all, quietly', async () => {
    const errors: unknown[] = [];
    const store = new IndexedDbResumeStore({ indexedDB: null, onError: (e) => errors.push(e) });
    await store.put(record('n', 1));
    expect(await store.get('n')).to.deep.equal(record('n', 1));
    expect(errors).to.deep.equal([]);
  });

  it('keeps a record IndexedDB refuses in memory instead of throwing', async () => {
    const databaseName = `v2-uploader-test-${crypto.randomUUID()}`;
    const errors: unknown[] = [];
    const store = new IndexedDbResumeStore({ databaseName, onError: (e) => errors.push(e) });
    await store.put(record('ok', 1));
    // A value IndexedDB cannot clone stands in for a refused write (quota, a broken disk).
    const refused = record('refused', 1, { uploadUrl: (() => 'x') as unknown as string });
    await store.put(refused);
    expect((await store.get('refused'))?.documentId).to.equal('doc-refused');
    expect((await store.get('ok'))?.documentId).to.equal('doc-ok');
    expect(errors.length).to.equal(1);
    expect((errors[0] as DOMException).name).to.equal('DataCloneError');
    await deleteDatabase(databaseName);
  });
});
