// Module Web Worker that hashes files for WorkerHasher, one at a time in arrival order, so the
// first file queued finishes first and only one slice is in memory. See protocol.ts.
// It also inspects documents for WorkerInspector (issue 20): an inspection starts as soon as it
// arrives, beside the hash in progress, since it reads a few slices where a hash reads all;
// the inspection engine is loaded with import() on the first one, so hashing never waits for it.
// hash-wasm and its spark-md5 fallback are imported statically here: the worker is its own
// bundle, loaded only to hash, so there is nothing to defer and no chunk to fetch later.
import { createHashWasmMd5 } from './md5-hash-wasm.js';
import { WORKER_SLICE_SIZE, md5OfBlobWith, withFallback } from './md5-slices.js';
import { createSparkMd5 } from './md5-spark.js';
import type { DocumentKind } from '../inspection/document-info.js';
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
/** hash-wasm, or spark-md5 once hash-wasm has failed to start (no WebAssembly, CSP). */
const createMd5 = withFallback(createHashWasmMd5, createSparkMd5);

scope.addEventListener('message', ({ data }) => {
  if ('cancel' in data) {
    controllers.get(data.id)?.abort();
    controllers.delete(data.id);
    return;
  }
  if ('inspect' in data) {
    const controller = new AbortController();
    controllers.set(data.id, controller);
    void inspectFile(data.id, data.inspect, data.kind, controller.signal);
    return;
  }
  const controller = new AbortController();
  controllers.set(data.id, controller);
  queue = queue.then(() => hashFile(data.id, data.file, controller.signal));
});

async function hashFile(id: number, file: Blob, signal: AbortSignal): Promise<void> {
  try {
    const hash = await md5OfBlobWith(
      file,
      { signal, sliceSize: WORKER_SLICE_SIZE, onProgress: (progress) => scope.postMessage({ id, progress }) },
      createMd5,
    );
    scope.postMessage({ id, hash });
  } catch (error) {
    // The page has already rejected a cancelled file and forgotten its id.
    if (!signal.aborted) postError(id, error);
  } finally {
    controllers.delete(id);
  }
}

async function inspectFile(id: number, file: Blob, kind: DocumentKind, signal: AbortSignal): Promise<void> {
  try {
    const { inspectDocument } = await import('../inspection/inspect.js');
    const info = await inspectDocument(file, kind, { signal });
    if (!signal.aborted) scope.postMessage({ id, info });
  } catch (error) {
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
