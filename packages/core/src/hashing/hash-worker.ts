// Module Web Worker that hashes files for WorkerHasher, one at a time in arrival order, so the
// first file queued finishes first and only one slice is in memory. See protocol.ts.
import { WORKER_SLICE_SIZE, md5OfBlob } from './md5-incremental.js';
import type { HashRequest, HashResponse } from './protocol.js';

/**
 * The parts of DedicatedWorkerGlobalScope used here. Declared locally because the package
 * compiles against the DOM library, and adding the WebWorker library to the same program
 * conflicts with it.
 */
interface HashWorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<HashRequest>) => void): void;
  postMessage(message: HashResponse): void;
}

const scope = self as unknown as HashWorkerScope;

/** Files queued or being hashed, by id, so a cancel can reach them. */
const controllers = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

scope.addEventListener('message', ({ data }) => {
  if ('cancel' in data) {
    controllers.get(data.id)?.abort();
    controllers.delete(data.id);
    return;
  }
  const controller = new AbortController();
  controllers.set(data.id, controller);
  queue = queue.then(() => hashFile(data.id, data.file, controller.signal));
});

async function hashFile(id: number, file: Blob, signal: AbortSignal): Promise<void> {
  try {
    const hash = await md5OfBlob(file, {
      signal,
      sliceSize: WORKER_SLICE_SIZE,
      onProgress: (progress) => scope.postMessage({ id, progress }),
    });
    scope.postMessage({ id, hash });
  } catch (error) {
    // The page has already rejected a cancelled file and forgotten its id.
    if (!signal.aborted) postError(id, error);
  } finally {
    controllers.delete(id);
  }
}

/** Posts an error as it is when it can be cloned (Error, DOMException), else as its text. */
function postError(id: number, error: unknown): void {
  try {
    scope.postMessage({ id, error });
  } catch {
    scope.postMessage({ id, error: new Error(String(error)) });
  }
}
