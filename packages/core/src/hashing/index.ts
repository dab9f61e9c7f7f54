import type { Hasher } from '../interfaces.js';
import { MainThreadHasher } from './main-thread-hasher.js';
import { WorkerHasher } from './worker-hasher.js';

export { MainThreadHasher } from './main-thread-hasher.js';
export { WorkerHasher } from './worker-hasher.js';
export type { WorkerHasherOptions } from './worker-hasher.js';
export { MAIN_THREAD_SLICE_SIZE, WORKER_SLICE_SIZE, md5OfBlob } from './md5-incremental.js';
export type { IncrementalMd5, Md5Factory, Md5Options } from './md5-incremental.js';

/** The hasher the Uploader uses unless given one: a worker where there are workers. */
export function createDefaultHasher(): Hasher {
  return typeof Worker !== 'undefined' ? new WorkerHasher() : new MainThreadHasher();
}
