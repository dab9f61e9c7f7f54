// Where inspection runs. WorkerInspector asks the hash worker (one worker file for hashing and
// inspecting), beside any hash in progress; MainThreadInspector inspects on the page, yielding
// between reads. Both load the engine with import(), on first use.
import type { DocumentInfo } from './document-info.js';
import { WorkerHasher, type WorkerHasherOptions } from '../hashing/worker-hasher.js';
import type { Hasher, Inspector } from '../interfaces.js';

/** Tells what a document is before it is uploaded (declared with the other I/O interfaces). */
export type { Inspector };

export type InspectorOptions = Parameters<Inspector['inspect']>[1];

/** Inspects on the page's own thread, giving the event loop a turn after every read. */
export class MainThreadInspector implements Inspector {
  async inspect(file: Blob, options: InspectorOptions): Promise<DocumentInfo> {
    const { inspectDocument } = await import('./inspect.js');
    return inspectDocument(file, options.kind, { signal: options.signal, yieldBetweenReads: true });
  }
}

export interface WorkerInspectorOptions extends Pick<WorkerHasherOptions, 'createWorker'> {
  /**
   * The WorkerHasher whose worker inspects too, so a page runs one worker. Default: a
   * WorkerHasher of its own, created with `createWorker`.
   */
  hasher?: WorkerHasher;
  /** Inspects when no worker can be created or it fails to load. Default: MainThreadInspector. */
  fallback?: Inspector;
}

/**
 * Inspects in the hash worker. An inspection is not queued behind whole-file hashes: it runs
 * beside them. Falls back to the main thread as WorkerHasher does.
 */
export class WorkerInspector implements Inspector {
  readonly #hasher: WorkerHasher;
  readonly #fallback: Inspector;

  constructor(options: WorkerInspectorOptions = {}) {
    this.#hasher =
      options.hasher ?? new WorkerHasher(options.createWorker === undefined ? {} : { createWorker: options.createWorker });
    this.#fallback = options.fallback ?? new MainThreadInspector();
  }

  inspect(file: Blob, options: InspectorOptions): Promise<DocumentInfo> {
    return this.#hasher.inspect(file, options, this.#fallback);
  }
}

/**
 * The inspector to use unless given one: in the hash worker where there are workers (sharing
 * `hasher`'s worker when it is a WorkerHasher), else on the main thread.
 */
export function createDefaultInspector(options: { hasher?: Hasher } = {}): Inspector {
  if (typeof Worker === 'undefined') return new MainThreadInspector();
  return options.hasher instanceof WorkerHasher ? new WorkerInspector({ hasher: options.hasher }) : new WorkerInspector();
}
