// Resume records in IndexedDB, so an upload can continue after a reload. Uploading must never
// fail because of this store: whenever IndexedDB is missing or refuses (private modes, quota,
// a browser that never answers `open`), the store carries on in memory and says so once.
import type { ResumeRecord, ResumeStore } from '../interfaces.js';
import { MemoryResumeStore } from './memory-resume-store.js';
import { isResumeRecord, toStoredRecord } from './resume-record.js';

export { MemoryResumeStore } from './memory-resume-store.js';
export { resumeKey } from './resume-key.js';

export const DATABASE_NAME = 'v2-uploader';
export const STORE_NAME = 'uploads';
/** The index `prune` walks, oldest first. */
export const UPDATED_AT_INDEX = 'updatedAt';
/** Version 1: store `uploads` (keyPath `key`) with index `updatedAt`. Bump with a migration. */
const DATABASE_VERSION = 1;
/**
 * How long `indexedDB.open` may take before the store gives up and uses memory. Opening takes
 * milliseconds; some browsers never answer at all (WebKit bugs, a tab blocking an upgrade),
 * and an upload must not wait on that.
 */
const OPEN_TIMEOUT_MS = 3_000;

export interface IndexedDbResumeStoreOptions {
  /** Default `v2-uploader`. */
  databaseName?: string;
  /** The IndexedDB to use (default: the global one); `null` for none, i.e. memory only. */
  indexedDB?: IDBFactory | null;
  /** IndexedDB failed and the store fell back to memory. Called once per store. */
  onError?: (error: unknown) => void;
  /** The clock `prune` compares `updatedAt` with (default `Date.now`). */
  now?: () => number;
}

function warnFallback(error: unknown): void {
  console.warn('v2-uploader: IndexedDB is not available; uploads can resume only until the page is reloaded.', error);
}

/** Runs `work` in one transaction; resolves with what it reported once the transaction committed. */
function transact<T>(db: IDBDatabase, mode: IDBTransactionMode, work: (store: IDBObjectStore, report: (value: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE_NAME, mode);
    let result: T | undefined;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    try {
      work(tx.objectStore(STORE_NAME), (value) => {
        result = value;
      });
    } catch (error: unknown) {
      tx.abort();
      reject(error);
    }
  });
}

/**
 * A `ResumeStore` in IndexedDB: database `v2-uploader`, object store `uploads` (keyPath `key`,
 * index `updatedAt`). Records are small (plan, URLs, ids), never file bytes. Records written
 * by one store are read by any later store on the same database (another page load, tab).
 */
export class IndexedDbResumeStore implements ResumeStore {
  readonly #name: string;
  readonly #factory: IDBFactory | null | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  /** Records IndexedDB could not take; also the whole store when IndexedDB cannot open. */
  readonly #memory: MemoryResumeStore;
  #db: Promise<IDBDatabase | undefined> | undefined;
  #connection: IDBDatabase | undefined;
  #failed = false;

  constructor(options: IndexedDbResumeStoreOptions = {}) {
    this.#name = options.databaseName ?? DATABASE_NAME;
    this.#factory = options.indexedDB;
    this.#onError = options.onError ?? warnFallback;
    this.#now = options.now ?? Date.now;
    this.#memory = new MemoryResumeStore({ now: this.#now });
  }

  async get(key: string): Promise<ResumeRecord | undefined> {
    const db = await this.#database();
    if (db) {
      try {
        const value = await transact<unknown>(db, 'readonly', (store, report) => {
          const request = store.get(key);
          request.onsuccess = () => report(request.result);
        });
        if (isResumeRecord(value)) return toStoredRecord(value);
      } catch (error: unknown) {
        this.#fail(error);
      }
    }
    return await this.#memory.get(key);
  }

  async put(record: ResumeRecord): Promise<void> {
    let stored: ResumeRecord;
    try {
      stored = toStoredRecord(record);
    } catch (error: unknown) {
      this.#fail(error); // not a record: nothing to keep
      return;
    }
    const db = await this.#database();
    if (db) {
      try {
        await transact<never>(db, 'readwrite', (store) => void store.put(stored));
        await this.#memory.delete(stored.key); // IndexedDB now has the newer one
        return;
      } catch (error: unknown) {
        this.#fail(error);
      }
    }
    await this.#memory.put(stored);
  }

  async delete(key: string): Promise<void> {
    await this.#memory.delete(key);
    const db = await this.#database();
    if (!db) return;
    try {
      await transact<never>(db, 'readwrite', (store) => void store.delete(key));
    } catch (error: unknown) {
      this.#fail(error);
    }
  }

  async prune(maxAgeMs: number): Promise<number> {
    let removed = await this.#memory.prune(maxAgeMs);
    const db = await this.#database();
    if (!db) return removed;
    const cutoff = this.#now() - maxAgeMs;
    try {
      removed += (await transact<number>(db, 'readwrite', (store, report) => {
        let count = 0;
        const cursor = store.index(UPDATED_AT_INDEX).openCursor(IDBKeyRange.upperBound(cutoff, true));
        cursor.onsuccess = () => {
          const at = cursor.result;
          if (!at) return report(count);
          at.delete();
          count += 1;
          at.continue();
        };
      })) ?? 0;
    } catch (error: unknown) {
      this.#fail(error);
    }
    return removed;
  }

  /** IndexedDB failed: tell `onError` the first time only. */
  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    try {
      this.#onError(error);
    } catch {
      // A logger that throws must not take the upload down with it.
    }
  }

  /** The open database, or undefined when there is none (then everything stays in memory). */
  #database(): Promise<IDBDatabase | undefined> {
    this.#db ??= this.#open().catch((error: unknown) => {
      this.#fail(error);
      return undefined;
    });
    return this.#db;
  }

  #open(): Promise<IDBDatabase | undefined> {
    return new Promise((resolve, reject) => {
      // Reading the global can itself throw (SecurityError with storage blocked).
      const factory = this.#factory === undefined ? (typeof indexedDB === 'undefined' ? null : indexedDB) : this.#factory;
      if (factory === null) return resolve(undefined);
      const request = factory.open(this.#name, DATABASE_VERSION);
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new Error(`IndexedDB did not open within ${OPEN_TIMEOUT_MS} ms`));
      }, OPEN_TIMEOUT_MS);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE_NAME)) {
          db.createObjectStore(STORE_NAME, { keyPath: 'key' }).createIndex(UPDATED_AT_INDEX, 'updatedAt');
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        clearTimeout(timer);
        if (settled) return db.close(); // too late: this store already uses memory
        settled = true;
        this.#connection = db;
        const forget = (): void => {
          if (this.#connection !== db) return;
          this.#connection = undefined;
          this.#db = undefined;
        };
        // Another tab upgrades or deletes the database: step aside, and open again next time.
        db.onversionchange = () => {
          db.close();
          forget();
        };
        db.onclose = forget; // closed by the browser (site data cleared)
        resolve(db);
      };
      request.onerror = () => {
        clearTimeout(timer);
        settled = true;
        reject(request.error ?? new Error('IndexedDB could not be opened'));
      };
    });
  }
}
