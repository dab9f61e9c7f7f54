import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { TaskContext } from './file-task.js';
import type { BackendApi, Features, Hasher, Inspector, ProgressFeed, ResumeStore, Transport } from './interfaces.js';
import type { DocumentInfo, DocumentKind } from './inspection/document-info.js';
import { lazyBackendApi, lazyHasher, lazyInspector, lazyResumeStore, lazyTransport, loadDefaultIo } from './lazy-io.js';
import { type Action, emptySnapshot, newFileState, reduce } from './reducer.js';
import { Subscribable } from './subscribable.js';
import type { RejectionReason, UploaderSnapshot, UploadFileState } from './types.js';
import { PROCESSING_STATUSES, TERMINAL_STATUSES } from './types.js';
import { UploadError } from './upload-error.js';
import { type Clock, systemClock } from './task/clock.js';
import { allCompleteEvent, eventsFor, type UploaderEventListener, UploaderEvents, type UploaderEventType } from './uploader-events.js';
import { resolveOptions, type ResolvedOptions, type UploaderOptions } from './uploader-options.js';
import { filesFromDataTransfer, filesFromInput } from './validation/data-transfer.js';
import { documentRejection } from './validation/document-rules.js';
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from './validation/document-types.js';
import { normaliseFileName } from './validation/names.js';
import { claimedDocumentType, rejectionError, validateFiles } from './validation/validate.js';

/** Statuses whose file needs a task: never started, or resumed after a pause. */
const NEEDS_WORK: readonly UploadFileState['status'][] = ['queued', 'hashing', 'initializing', 'uploading'];

/** What `addFiles` takes: a file, several, a FileList, or a drop's DataTransfer (folders walked). */
export type FilesInput = File | Blob | FileList | readonly (File | Blob)[] | DataTransfer;

/** What an Uploader runs on besides its options (tests replace it). */
export interface UploaderDependencies {
  /** Time and timers for retries, stalls and timestamps; the real ones by default. The `now` option, when given, reads the time instead. */
  clock?: Clock;
}

/** The options naming the Uploader's I/O: a new value is used from the next file on. */
const IO_OPTIONS = ['supabase', 'supabaseUrl', 'supabaseKey', 'anonymousSignIn', 'api', 'transport', 'hasher', 'inspector', 'resumeStore', 'progressFeed'] as const;

/**
 * The upload store shared by the element and the React bindings. `getSnapshot()` is immutable
 * and keeps its identity until something changes; `subscribe()` returns an unsubscribe. All
 * state changes go through one reducer; requests, workers and timers live beside it.
 */
export class Uploader extends Subscribable<() => void> {
  #state: UploaderSnapshot = emptySnapshot;
  #options: ResolvedOptions;
  readonly #raw: UploaderOptions;
  readonly #events = new UploaderEvents();
  readonly #blobs = new Map<string, Blob>();
  readonly #running = new Map<string, AbortController>();
  /** Files holding one of the `concurrency` transfer slots (following processing holds none). */
  readonly #slots = new Set<string>();
  #supabase: SupabaseClient | undefined;
  #api: BackendApi | undefined;
  #transport: Transport | undefined;
  #hasher: Hasher | undefined;
  /** The default hasher, when #hasher is it (the default inspector shares its worker). */
  #defaultHasher: ReturnType<typeof lazyHasher> | undefined;
  #inspector: Inspector | undefined;
  /** Aborted on destroy: stops inspections under way. */
  readonly #inspections = new AbortController();
  #store: ResumeStore | undefined;
  #feed: Promise<ProgressFeed> | undefined;
  /** I/O replaced by setOptions while files may still use it: released on destroy. */
  readonly #retired: (() => void)[] = [];
  readonly #clock: Clock;
  #destroyed = false;
  #notifyPending = false;
  #wasBusy = false;
  #nextId = 0;

  constructor(options: UploaderOptions = {}, { clock = systemClock }: UploaderDependencies = {}) {
    super();
    this.#raw = { ...options };
    this.#options = resolveOptions(options);
    this.#clock = {
      now: () => this.#raw.now?.() ?? clock.now(),
      setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    };
    this.getSnapshot = this.getSnapshot.bind(this);
  }

  getSnapshot(): UploaderSnapshot {
    return this.#state;
  }

  get options(): Readonly<ResolvedOptions> {
    return this.#options;
  }

  on<K extends UploaderEventType>(type: K, listener: UploaderEventListener<K>): () => void {
    return this.#events.on(type, listener);
  }

  /** The File or Blob behind a file of the list (for previews); gone once the file is removed. */
  getFile(id: string): Blob | undefined {
    return this.#blobs.get(id);
  }

  /** Add files; invalid ones are kept as failed with a `rejection` (and `file-rejected`). */
  async addFiles(input: FilesInput): Promise<readonly UploadFileState[]> {
    if (this.#destroyed) return [];
    const entries = isDataTransfer(input) ? await filesFromDataTransfer(input) : filesFromInput(input as File | Blob | FileList | File[]);
    if (this.#destroyed || entries.length === 0) return [];
    const now = this.#now();
    const states = entries.map(({ file, relativePath }) => {
      const id = `f${++this.#nextId}-${Math.random().toString(36).slice(2, 8)}`;
      this.#blobs.set(id, file);
      return newFileState({ id, name: file.name, size: file.size, type: file.type, relativePath, addedAt: now });
    });
    this.#dispatch({ type: 'added', files: states });
    for (const s of states) this.#dispatch({ type: 'validating', id: s.id });
    const live = this.#state.files.filter((f) => !states.some((s) => s.id === f.id) && !['failed', 'cancelled'].includes(f.status));
    const results = await validateFiles(entries.map((e) => e.file), this.#options, {
      existingCount: live.length,
      existingTotalSize: live.reduce((n, f) => n + f.size, 0),
    });
    if (this.#destroyed) return [];
    // Files that passed are looked into (all at once: the worker reads only what each format
    // needs), then the document rules and the app's own rule decide.
    await Promise.all(states.map(async (s, i) => {
      const reason = results[i] ?? (await this.#judgeDocument(s.id, entries[i]!.file));
      if (this.#destroyed) return;
      if (reason) {
        this.#dispatch({ type: 'rejected', id: s.id, rejection: reason, error: rejectionError(reason, s.id, s.name) });
        this.#blobs.delete(s.id);
      } else {
        this.#dispatch({ type: 'validated', id: s.id });
      }
    }));
    if (this.#destroyed) return [];
    if (this.#options.autoUpload) this.#pump();
    return states.map((s) => this.#file(s.id)).filter((f): f is UploadFileState => f !== undefined);
  }

  /**
   * Inspection (when on) and the rules after it: the reason to refuse the file, or undefined.
   * An inspection that fails (an unexpected format quirk) refuses nothing: the file goes on
   * without `document`, as it would with inspection off.
   */
  async #judgeDocument(id: string, file: File): Promise<RejectionReason | undefined> {
    const { inspect, checkContent, documentRules } = this.#options;
    const kind = documentKind(file);
    let document: DocumentInfo | undefined;
    if (inspect && checkContent && kind !== undefined) {
      try {
        document = await this.#ensureInspector().inspect(file, { kind, signal: this.#inspections.signal });
      } catch {
        document = undefined;
      }
      if (this.#destroyed) return undefined;
      if (document) this.#dispatch({ type: 'inspected', id, document });
      const refused = document && documentRejection(document, documentRules);
      if (refused) return refused;
    }
    const hook = this.#raw.validateDocument;
    if (!hook) return undefined;
    try {
      const message = await hook(file, document);
      return typeof message === 'string' && message !== '' ? { code: 'refused-by-app', message } : undefined;
    } catch (error) {
      return { code: 'refused-by-app', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Start queued files (all, or one): needed when `autoUpload` is false. */
  start(id?: string): void {
    for (const f of this.#select(id)) if (f.status === 'queued') this.#manual.add(f.id);
    this.#pump();
  }

  /** Pause client work (hashing, sending); server-side processing cannot be paused. */
  pause(id?: string): void {
    for (const f of this.#select(id)) {
      if (TERMINAL_STATUSES.includes(f.status) || PROCESSING_STATUSES.includes(f.status) || f.status === 'paused') continue;
      this.#dispatch({ type: 'paused', id: f.id });
      this.#abort(f.id);
    }
    this.#pump();
  }

  resume(id?: string): void {
    for (const f of this.#select(id)) if (f.status === 'paused') this.#dispatch({ type: 'resumed', id: f.id });
    this.#pump();
  }

  cancel(id?: string): void {
    for (const f of this.#select(id)) {
      if (TERMINAL_STATUSES.includes(f.status)) continue;
      this.#dispatch({ type: 'cancelled', id: f.id });
      this.#abort(f.id);
      if (f.documentId && (f.status === 'uploading' || f.resumeStatus === 'uploading' || f.status === 'initializing')) {
        // Tell the server (best effort): the document stops counting as a live upload.
        this.#ensureApi().cancel(f.documentId).catch(() => {});
      }
    }
    this.#pump();
  }

  /** Try failed or cancelled files again (not files refused by validation). */
  retry(id?: string): void {
    for (const f of this.#select(id)) {
      this.#dispatch({ type: 'reset', id: f.id });
      if (this.#file(f.id)?.status === 'queued') this.#manual.add(f.id);
    }
    this.#pump();
  }

  remove(id?: string): void {
    for (const f of this.#select(id)) {
      if (!TERMINAL_STATUSES.includes(f.status)) this.cancel(f.id);
      this.#blobs.delete(f.id);
      this.#dispatch({ type: 'removed', id: f.id });
    }
  }

  /**
   * Change options. Files already under way keep the I/O they started with; a new `supabase`,
   * `api`, `transport`, `hasher`, `resumeStore` or `progressFeed` (or `realtime`) is used from the
   * next file on.
   */
  setOptions(options: UploaderOptions): void {
    const resolved = resolveOptions(options, this.#options);
    this.#replaceIo(options, resolved);
    Object.assign(this.#raw, options);
    this.#options = resolved;
    this.#pump();
  }

  /** Abort everything and release resources; no callback runs after this. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#inspections.abort();
    for (const controller of this.#running.values()) controller.abort();
    this.#running.clear();
    this.#slots.clear();
    this.#events.clear();
    this.#retired.push(this.#retireHasher(), this.#retireFeed());
    for (const release of this.#retired.splice(0)) release();
  }

  // ---------------------------------------------------------------------------------------

  readonly #manual = new Set<string>();

  #now(): number {
    return this.#clock.now();
  }

  #file(id: string): UploadFileState | undefined {
    return this.#state.files.find((f) => f.id === id);
  }

  #select(id?: string): UploadFileState[] {
    return id === undefined ? [...this.#state.files] : this.#state.files.filter((f) => f.id === id);
  }

  /**
   * The one way state changes: the reducer applies `action`, subscribers are told, and the
   * events the action means are emitted (as TanStack Query's `#dispatch` notifies with the
   * action). Then, when it settled the last file the uploader worked on, `all-complete`.
   */
  #dispatch(action: Action): void {
    if (this.#destroyed) return;
    const before = this.#state;
    const after = reduce(before, action);
    if (after === before) return;
    this.#state = after;
    this.#scheduleNotify();
    for (const event of eventsFor(action, before, after)) {
      if (this.#destroyed) return;
      this.#events.send(event);
    }
    // The state now, not `after`: a listener may have started a file again.
    const allComplete = this.#wasBusy ? allCompleteEvent(action, this.#state) : undefined;
    if (allComplete && !this.#destroyed) {
      this.#wasBusy = false;
      this.#events.send(allComplete);
    }
  }

  #scheduleNotify(): void {
    if (this.#options.notify === 'sync') {
      this.notify((l) => l());
      return;
    }
    if (this.#notifyPending) return;
    this.#notifyPending = true;
    const flush = () => {
      if (!this.#notifyPending) return;
      this.#notifyPending = false;
      if (!this.#destroyed) this.notify((l) => l());
    };
    // One notification per frame; a hidden tab gets no frames, so a timer backs it up.
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    setTimeout(flush, 100);
  }

  #abort(id: string): void {
    this.#running.get(id)?.abort();
    this.#running.delete(id);
    this.#slots.delete(id);
  }

  /** Start work for files that need it, up to `concurrency` at once. */
  #pump(): void {
    if (this.#destroyed) return;
    for (const f of this.#state.files) {
      if (this.#slots.size >= this.#options.concurrency) break;
      if (this.#running.has(f.id) || !NEEDS_WORK.includes(f.status)) continue;
      // A file never started waits for start() when autoUpload is off; a resumed one goes on.
      if (f.status === 'queued' && !this.#options.autoUpload && !this.#manual.has(f.id)) continue;
      this.#launch(f.id);
    }
  }

  #launch(id: string): void {
    const blob = this.#blobs.get(id);
    if (!blob) return;
    const controller = new AbortController();
    this.#running.set(id, controller);
    this.#slots.add(id);
    this.#wasBusy = true;
    const context = { ...this.#context(), releaseSlot: () => this.#releaseSlot(id, controller) };
    // The task loop (hashing, the POST, the transfer with its retries, processing) is its own
    // chunk, like the default I/O it drives: a page that only shows the uploader does not load it.
    import('./file-task.js')
      .then(({ runFileTask }) => runFileTask(context, id, blob, controller.signal))
      .catch((error: unknown) => {
        if (controller.signal.aborted || this.#destroyed) return;
        const uploadError = error instanceof UploadError ? error : new UploadError(String(error), { code: 'network', fileId: id, cause: error });
        this.#dispatch({ type: 'failed', id, error: uploadError });
      })
      .finally(() => {
        if (this.#running.get(id) === controller) this.#running.delete(id);
        this.#releaseSlot(id, controller);
        this.#manual.delete(id);
        this.#pump();
      });
  }

  #releaseSlot(id: string, controller: AbortController): void {
    // Only the task that holds the slot may give it back (a resumed file has a new task).
    if (this.#running.get(id) !== controller && this.#running.has(id)) return;
    if (this.#slots.delete(id)) this.#pump();
  }

  #context(): Omit<TaskContext, 'releaseSlot'> {
    return {
      options: this.#options,
      api: this.#ensureApi(),
      transport: (this.#transport ??= this.#raw.transport ?? lazyTransport()),
      hasher: this.#ensureHasher(),
      store: this.#ensureStore(),
      feed: (features) => this.#ensureFeed(features),
      clock: this.#clock,
      random: () => this.#raw.random?.() ?? Math.random(),
      dispatch: (action) => this.#dispatch(action),
      file: (id) => this.#file(id),
    };
  }

  /**
   * Forget the I/O a change of `options` replaces, so the next file builds it from the new
   * options; what files under way still use is released on destroy. Only a different value
   * counts (bindings pass the same client again with every change of another option).
   */
  #replaceIo(options: UploaderOptions, resolved: ResolvedOptions): void {
    const changed = new Set(IO_OPTIONS.filter((key) => key in options && options[key] !== this.#raw[key]));
    const client = changed.has('supabase') || changed.has('supabaseUrl') || changed.has('supabaseKey');
    // anonymousSignIn is the backend client's option (it wraps only its session reads): a new
    // api, not a new Supabase client (a second one from URL and key would be a second GoTrue).
    const api = client || changed.has('api') || changed.has('anonymousSignIn');
    if (client) this.#supabase = undefined;
    if (api) this.#api = undefined;
    if (changed.has('transport')) this.#transport = undefined;
    // The default inspector works in the hasher's worker: a new hasher, a new default inspector.
    if (changed.has('inspector') || changed.has('hasher')) this.#inspector = undefined;
    if (changed.has('resumeStore')) this.#store = undefined;
    if (changed.has('hasher')) this.#retired.push(this.#retireHasher());
    if (api || changed.has('progressFeed') || resolved.realtime !== this.#options.realtime) {
      this.#retired.push(this.#retireFeed());
    }
  }

  /** Forget the hasher; the returned function terminates it (a worker, for the default one). */
  #retireHasher(): () => void {
    const hasher = this.#hasher as (Hasher & { terminate?: () => void }) | undefined;
    this.#hasher = undefined;
    return () => hasher?.terminate?.();
  }

  /** Forget the progress feed; the returned function closes it (a Realtime channel, a poll). */
  #retireFeed(): () => void {
    const feed = this.#feed;
    this.#feed = undefined;
    return () => void feed?.then((f) => f.close?.()).catch(() => {});
  }

  /** The inspector given, or the default one in the default hasher's worker. */
  #ensureInspector(): Inspector {
    return (this.#inspector ??= this.#raw.inspector ?? lazyInspector(() => {
      const hasher = this.#ensureHasher();
      return hasher === this.#defaultHasher ? this.#defaultHasher.real() : Promise.resolve(hasher);
    }));
  }

  #ensureHasher(): Hasher {
    if (this.#hasher === undefined) {
      this.#defaultHasher = this.#raw.hasher === undefined ? lazyHasher() : undefined;
      this.#hasher = this.#raw.hasher ?? this.#defaultHasher!;
    }
    return this.#hasher;
  }

  #ensureStore(): ResumeStore {
    if (this.#store) return this.#store;
    const store = this.#raw.resumeStore ?? lazyResumeStore();
    // Storage forgets unfinished TUS uploads after a day; so do we (once per uploader).
    void store.prune(this.#options.resumeMaxAgeMs).catch(() => {});
    return (this.#store = store);
  }

  #ensureSupabase(): SupabaseClient {
    if (this.#supabase) return this.#supabase;
    let client = this.#raw.supabase;
    if (!client) {
      if (!this.#raw.supabaseUrl || !this.#raw.supabaseKey) {
        throw new UploadError('Give the uploader a Supabase client (supabase) or supabaseUrl and supabaseKey.', { code: 'network', retryable: false });
      }
      client = createClient(this.#raw.supabaseUrl, this.#raw.supabaseKey);
    }
    return (this.#supabase = client);
  }

  #ensureApi(): BackendApi {
    if (this.#api) return this.#api;
    if (this.#raw.api) return (this.#api = this.#raw.api);
    const supabase = this.#ensureSupabase();
    return (this.#api = lazyBackendApi(supabase, {
      ...(this.#raw.supabaseUrl ? { supabaseUrl: this.#raw.supabaseUrl } : {}),
      ...(this.#raw.supabaseKey ? { supabaseKey: this.#raw.supabaseKey } : {}),
      ...(this.#raw.anonymousSignIn ? { anonymousSignIn: true } : {}),
    }));
  }

  #ensureFeed(features: Features): Promise<ProgressFeed> {
    this.#feed ??= (async () => {
      const api = this.#ensureApi();
      const userId = (await api.userId()) ?? 'anonymous';
      const realtime = this.#options.realtime && features.realtime;
      if (this.#raw.progressFeed) return this.#raw.progressFeed({ userId, realtime });
      const supabase = this.#ensureSupabase();
      const { createProgressFeed } = await loadDefaultIo();
      return createProgressFeed({ supabase, api, userId, realtime });
    })();
    return this.#feed;
  }
}

function isDataTransfer(input: unknown): input is DataTransfer {
  return typeof DataTransfer !== 'undefined' && input instanceof DataTransfer;
}

const KINDS: Readonly<Record<string, DocumentKind>> = { [PDF_TYPE]: 'pdf', [DOCX_TYPE]: 'docx', [TEXT_TYPE]: 'txt' };

/** The kind of document the file's name claims (what validation checked its content against). */
function documentKind(file: File): DocumentKind | undefined {
  const type = claimedDocumentType(normaliseFileName(file.name), file.type);
  return type === undefined ? undefined : KINDS[type];
}
