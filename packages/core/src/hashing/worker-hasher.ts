import type { Hasher } from '../interfaces.js';
import { UploadError } from '../upload-error.js';
import { MainThreadHasher } from './main-thread-hasher.js';
import { callSafely } from '../util/call-safely.js';
import { abortedError } from './md5-slices.js';
import type { HashRequest, HashResponse } from './protocol.js';
import type { DocumentInfo } from '../inspection/document-info.js';
import type { Inspector, InspectorOptions } from '../inspection/inspector.js';

export interface WorkerHasherOptions {
  /**
   * Creates the hash worker. The default loads `hash-worker.js` next to this module, a pattern
   * Vite, webpack, Rollup and Parcel follow when bundling; pass your own when your bundler
   * does not (esbuild) or the worker is served elsewhere. Throwing here selects the fallback.
   */
  createWorker?: () => Worker;
  /** Hashes when no worker can be created or the worker fails to load. */
  fallback?: Hasher;
}

type HashOptions = Parameters<Hasher['hash']>[1];

interface Job {
  file: Blob;
  signal: AbortSignal;
  /** A hash, with its options; or an inspection, with the inspector to use if the worker fails. */
  task: { type: 'hash'; options: HashOptions } | { type: 'inspect'; options: InspectorOptions; fallback: Inspector };
  /** Highest fraction reported, so progress never goes back, even across a fallback. */
  progress: number;
  resolve(result: string | DocumentInfo): void;
  reject(error: unknown): void;
  onAbort(): void;
}

/** Whether this page was told that hashing moved to the main thread (said once a page). */
export const mainThreadWarning = { shown: false };

function warnMainThread(reason: unknown): void {
  if (mainThreadWarning.shown) return;
  mainThreadWarning.shown = true;
  const why = reason instanceof Error ? reason.message : String(reason);
  console.warn(
    `v2-uploader: the hash worker could not start (${why}), so files are hashed on the main thread, ` +
      'which can make the page stutter on large files. If your bundler does not emit the worker ' +
      "(esbuild does not), pass `createWorker` to WorkerHasher: see @v2-uploader/core's README, \"The hash worker\".",
  );
}

function createHashWorker(): Worker {
  // A literal URL relative to import.meta.url: bundlers recognise this exact shape.
  return new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' });
}

/**
 * Hashes files in a module Web Worker, so the page does no hashing at all. One worker, created
 * on first use, hashes every file in the order they were given. If the worker cannot be
 * created or fails to load, files are hashed on the main thread instead.
 */
export class WorkerHasher implements Hasher {
  readonly #createWorker: () => Worker;
  readonly #fallback: Hasher;
  #worker: Worker | undefined;
  #workerFailed = false;
  #nextId = 1;
  readonly #jobs = new Map<number, Job>();

  constructor(options: WorkerHasherOptions = {}) {
    this.#createWorker = options.createWorker ?? createHashWorker;
    this.#fallback = options.fallback ?? new MainThreadHasher();
  }

  hash(file: Blob, options: HashOptions): Promise<string> {
    const { signal } = options;
    if (signal.aborted) return Promise.reject(abortedError(signal));
    const worker = this.#getWorker();
    if (worker === undefined) return this.#fallback.hash(file, options);
    return new Promise<string>((resolve, reject) => {
      const id = this.#nextId++;
      const onAbort = () => {
        this.#forget(id);
        this.#post({ id, cancel: true });
        reject(abortedError(signal));
      };
      const job: Job = { file, signal, task: { type: 'hash', options }, progress: 0, resolve: resolve as Job['resolve'], reject, onAbort };
      this.#jobs.set(id, job);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#post({ id, file });
    });
  }

  /**
   * Inspects a document in this hasher's worker (WorkerInspector calls this, so hashing and
   * inspecting share one worker). The worker starts it at once, beside any hash in progress.
   * Without a usable worker, `fallback` inspects instead.
   */
  inspect(file: Blob, options: InspectorOptions, fallback: Inspector): Promise<DocumentInfo> {
    const { signal } = options;
    if (signal.aborted) return Promise.reject(abortedError(signal));
    const worker = this.#getWorker();
    if (worker === undefined) return fallback.inspect(file, options);
    return new Promise<DocumentInfo>((resolve, reject) => {
      const id = this.#nextId++;
      const onAbort = () => {
        this.#forget(id);
        this.#post({ id, cancel: true });
        reject(abortedError(signal));
      };
      const task = { type: 'inspect' as const, options, fallback };
      this.#jobs.set(id, { file, signal, task, progress: 0, resolve: resolve as Job['resolve'], reject, onAbort });
      signal.addEventListener('abort', onAbort, { once: true });
      this.#post({ id, inspect: file, kind: options.kind });
    });
  }

  /**
   * Stops the worker and rejects every unfinished hash and inspection with an 'aborted'
   * UploadError. A later `hash()` or `inspect()` starts a new worker.
   */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const [id, job] of this.#jobs) {
      this.#forget(id);
      const what = job.task.type === 'hash' ? 'Hashing' : 'Inspection';
      job.reject(new UploadError(`${what} was stopped because the hasher was terminated.`, { code: 'aborted' }));
    }
  }

  #getWorker(): Worker | undefined {
    if (this.#worker !== undefined || this.#workerFailed) return this.#worker;
    let worker: Worker;
    try {
      worker = this.#createWorker();
    } catch (error) {
      // No Worker, or a Content-Security-Policy that forbids it: hash on the main thread.
      this.#workerFailed = true;
      warnMainThread(error);
      return undefined;
    }
    worker.addEventListener('message', (event: MessageEvent<HashResponse>) => this.#onMessage(event.data));
    // Fired when the script cannot be fetched or evaluated (404, CSP, syntax); hash-worker
    // itself answers every failure with a message.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (worker !== this.#worker) return;
      warnMainThread(event.message || 'the worker script failed to load');
      this.#fallBackToMainThread();
    });
    this.#worker = worker;
    return worker;
  }

  #post(message: HashRequest): void {
    this.#worker?.postMessage(message);
  }

  #onMessage(message: HashResponse): void {
    const job = this.#jobs.get(message.id);
    // Answers for cancelled or terminated files arrive late and are dropped.
    if (job === undefined) return;
    if ('progress' in message) {
      this.#reportProgress(job, message.progress);
    } else if ('hash' in message) {
      this.#forget(message.id);
      job.resolve(message.hash);
    } else if ('info' in message) {
      this.#forget(message.id);
      job.resolve(message.info);
    } else {
      this.#forget(message.id);
      job.reject(message.error);
    }
  }

  #reportProgress(job: Job, fraction: number): void {
    if (fraction <= job.progress || job.task.type !== 'hash') return;
    job.progress = fraction;
    callSafely(job.task.options.onProgress, fraction);
  }

  /**
   * The worker is unusable: drop it and hash (or inspect) its unfinished files, and all later
   * ones, here.
   */
  #fallBackToMainThread(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#workerFailed = true;
    for (const [id, job] of this.#jobs) {
      this.#forget(id);
      const { signal, task } = job;
      if (task.type === 'inspect') {
        task.fallback.inspect(job.file, task.options).then(job.resolve, job.reject);
        continue;
      }
      this.#fallback
        .hash(job.file, { signal, onProgress: (fraction) => this.#reportProgress(job, fraction) })
        .then(job.resolve, job.reject);
    }
  }

  #forget(id: number): void {
    const job = this.#jobs.get(id);
    if (job === undefined) return;
    this.#jobs.delete(id);
    job.signal.removeEventListener('abort', job.onAbort);
  }
}
