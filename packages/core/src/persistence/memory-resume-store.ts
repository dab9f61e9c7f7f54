import type { ResumeRecord, ResumeStore } from '../interfaces.js';
import { toStoredRecord } from './resume-record.js';

/**
 * A `ResumeStore` in memory: resuming works within the page (another attempt, a remount)
 * but not after a reload. For environments without IndexedDB (SSR, some private modes), for
 * tests, and the fallback of `IndexedDbResumeStore`.
 */
export class MemoryResumeStore implements ResumeStore {
  readonly #records = new Map<string, ResumeRecord>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<ResumeRecord | undefined> {
    const record = this.#records.get(key);
    // A copy each time, so a caller changing what it got cannot change the store.
    return record ? toStoredRecord(record) : undefined;
  }

  async put(record: ResumeRecord): Promise<void> {
    this.#records.set(record.key, toStoredRecord(record));
  }

  async delete(key: string): Promise<void> {
    this.#records.delete(key);
  }

  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = this.#now() - maxAgeMs;
    let removed = 0;
    for (const [key, record] of this.#records) {
      if (record.updatedAt < cutoff) {
        this.#records.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
