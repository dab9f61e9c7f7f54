// The life of one file after validation: hash, initialise with upload-handler (or find the
// duplicate), send the bytes, then follow the server through processing. Side effects only:
// every state change goes through `ctx.dispatch` (the reducer decides), and nothing happens
// after the file's AbortSignal fires (pause, cancel, remove, destroy).
import type { BackendApi, Features, Hasher, InitResult, ProgressEvent, ProgressFeed, ResumeStore, Transport, UploadPlan } from './interfaces.js';
import { ProgressMeter } from './progress-meter.js';
import type { Action } from './reducer.js';
import { resumeKey } from './persistence/resume-key.js';
import { retryDelay } from './transport/retry.js';
import { isTokenExpired, isUploadGone } from './transport/transport-error.js';
import { claimedDocumentType } from './validation/validate.js';
import type { UploadFileState } from './types.js';
import { UploadError } from './upload-error.js';
import type { UploaderEventMap, UploaderEventType } from './uploader-events.js';
import type { ResolvedOptions } from './uploader-options.js';

export interface TaskContext {
  options: ResolvedOptions;
  api: BackendApi;
  transport: Transport;
  hasher: Hasher;
  store: ResumeStore;
  feed(features: Features): Promise<ProgressFeed>;
  now(): number;
  random(): number;
  dispatch(action: Action): void;
  emit<K extends UploaderEventType>(type: K, detail: UploaderEventMap[K]): void;
  file(id: string): UploadFileState | undefined;
  /** The bytes are sent: give the transfer slot to the next file while processing is followed. */
  releaseSlot(): void;
}

const aborted = () => new UploadError('The upload was stopped.', { code: 'aborted' });

/** Wait `ms`, or reject as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Errors that mean "ask upload-handler again": a signed token expired, or the TUS upload is gone. */
const needsNewPlan = (error: UploadError) => isTokenExpired(error) || isUploadGone(error);

function toUploadError(error: unknown, fileId: string): UploadError {
  if (error instanceof UploadError) return error;
  return new UploadError(error instanceof Error ? error.message : String(error), { code: 'network', fileId, cause: error });
}

export async function runFileTask(ctx: TaskContext, id: string, blob: Blob, signal: AbortSignal): Promise<void> {
  const check = () => {
    if (signal.aborted) throw aborted();
  };
  const state = () => ctx.file(id);
  const current = state();
  if (!current) return;

  // 1. Hash (once per file; a retry or resume reuses it).
  let hash = current.hash;
  if (!hash) {
    ctx.dispatch({ type: 'hashing', id });
    hash = await ctx.hasher.hash(blob, { signal, onProgress: (p) => ctx.dispatch({ type: 'hash-progress', id, progress: p }) });
    check();
    ctx.dispatch({ type: 'hashed', id, hash });
  }

  // 2–3. Initialise and send, again with a new plan when a token expires or an upload is gone.
  const userId = (await ctx.api.userId()) ?? 'anonymous';
  const key = resumeKey({ userId, hash, size: blob.size });
  let attempt = 1;
  let dropResumeUrl = false;
  let result: InitResult;
  let plan: UploadPlan;
  /** The document this task sent bytes to (an earlier attempt's, or the resume record's). */
  let ownDocumentId: string | undefined;
  /** Bytes Storage had confirmed (TUS offsets) at the last failure: attempts count failures without progress. */
  let strategy: UploadPlan['strategy'] | undefined;
  let confirmedAtFailure = 0;
  for (;;) {
    check();
    try {
      ctx.dispatch({ type: 'initializing', id });
      // The type the name implies (what the server checks), not what the OS guessed.
      const contentType = claimedDocumentType(current.name, current.type) ?? current.type;
      result = await ctx.api.initUpload({ filename: current.name, contentType, fileSize: blob.size, fileHash: hash }, signal);
      check();
      if (result.duplicate && !result.upload) {
        // Our own upload, finished on the server while its last answer was lost (a reset, a
        // crash after the last byte): the file is uploaded, not a duplicate of itself.
        const record = ownDocumentId === undefined && ctx.options.resume ? await ctx.store.get(key) : undefined;
        check();
        if (result.documentId === (ownDocumentId ?? record?.documentId)) {
          ctx.dispatch({ type: 'initialized', id, documentId: result.documentId });
          break;
        }
        ctx.dispatch({ type: 'duplicate', id, documentId: result.documentId, at: ctx.now() });
        const file = state();
        if (file) ctx.emit('upload-complete', { file, documentId: result.documentId, duplicate: true });
        await ctx.store.delete(key);
        return;
      }
      plan = result.upload!;
      if (ctx.options.chunkSize !== undefined && plan.strategy === 'tus') plan = { ...plan, chunkSize: ctx.options.chunkSize };
      const record = ctx.options.resume ? await ctx.store.get(key) : undefined;
      const resumeUrl = !dropResumeUrl && record?.documentId === result.documentId ? record.uploadUrl : undefined;
      dropResumeUrl = false;
      // Remember the document before any byte goes out (a TUS upload adds its URL once it has
      // one): after a crash, the file picked again is recognised as this upload, also when its
      // last answer never arrived (a PUT has no URL to resume, only a document to recognise).
      if (ctx.options.resume && record?.documentId !== result.documentId) {
        await ctx.store.put({ key, documentId: result.documentId, uploadUrl: undefined, plan, size: blob.size, hash, updatedAt: Date.now() }).catch(() => {});
        check();
      }
      ctx.dispatch({ type: 'initialized', id, documentId: result.documentId });
      ownDocumentId = result.documentId;
      strategy = plan.strategy;
      const started = state();
      if (started) ctx.emit('upload-start', { file: started, documentId: result.documentId });
      await send(ctx, id, blob, plan, result.documentId, { key, hash, resumeUrl, signal });
      break;
    } catch (raw) {
      check();
      const error = toUploadError(raw, id);
      // As tus-js-client does: a failure after Storage confirmed more bytes starts the count
      // again, so a long upload over a flaky line is not failed by blips spread over its whole
      // length. (A PUT's progress is bytes handed to the network, not confirmed: no reset.)
      const confirmed = state()?.bytesSent ?? 0;
      if (strategy === 'tus' && confirmed > confirmedAtFailure) attempt = 1;
      confirmedAtFailure = Math.max(confirmedAtFailure, confirmed);
      if (attempt >= ctx.options.maxAttempts || (!error.retryable && !needsNewPlan(error))) throw error;
      if (needsNewPlan(error)) {
        dropResumeUrl = isUploadGone(error);
        attempt += 1;
        continue;
      }
      const delay = retryDelay(attempt, error, { random: ctx.random });
      attempt += 1;
      ctx.dispatch({ type: 'retrying', id, error, retryAt: ctx.now() + delay, attempt });
      await sleep(delay, signal);
      ctx.dispatch({ type: 'retry-started', id });
    }
  }

  // 4. Every byte is stored.
  const documentId = result.documentId;
  ctx.dispatch({ type: 'uploaded', id });
  const uploaded = state();
  if (uploaded) ctx.emit('upload-complete', { file: uploaded, documentId, duplicate: false });
  await ctx.store.delete(key);
  // The last report always goes out (the server throttles rows but keeps the final one).
  void ctx.api.reportProgress({ documentId, bytesUploaded: blob.size }).catch(() => {});

  // 5. Follow the server until the document is completed or failed (no transfer slot needed).
  ctx.releaseSlot();
  await followProcessing(ctx, id, documentId, result.features, signal);
}

interface SendState {
  key: string;
  hash: string;
  resumeUrl: string | undefined;
  signal: AbortSignal;
}

async function send(ctx: TaskContext, id: string, blob: Blob, plan: UploadPlan, documentId: string, s: SendState) {
  const meter = new ProgressMeter(blob.size, ctx.now);
  let lastReport = -Infinity;
  let lastBytes = 0;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const armStall = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      if (!s.signal.aborted) ctx.dispatch({ type: 'stalled', id });
    }, ctx.options.stallTimeoutMs);
  };
  armStall();
  try {
    await ctx.transport.send(blob, plan, {
      contentType: claimedDocumentType(ctx.file(id)?.name ?? '', ctx.file(id)?.type ?? '') ?? 'application/octet-stream',
      signal: s.signal,
      resumeUrl: s.resumeUrl,
      onUploadUrl: (url) => {
        if (!ctx.options.resume) return;
        void ctx.store.put({ key: s.key, documentId, uploadUrl: url, plan, size: blob.size, hash: s.hash, updatedAt: Date.now() }).catch(() => {});
      },
      onProgress: (bytes) => {
        if (s.signal.aborted) return;
        armStall();
        ctx.dispatch({ type: 'unstalled', id });
        const { speed, etaSeconds } = meter.sample(bytes);
        ctx.dispatch({ type: 'upload-progress', id, bytesSent: bytes, speed, etaSeconds });
        const file = ctx.file(id);
        if (file) ctx.emit('upload-progress', { file, bytesSent: file.bytesSent, bytesTotal: blob.size, speed, etaSeconds });
        const now = ctx.now();
        if (bytes > lastBytes && bytes < blob.size && now - lastReport >= ctx.options.progressReportIntervalMs) {
          lastReport = now;
          lastBytes = bytes;
          const totalChunks = plan.strategy === 'tus' ? Math.ceil(blob.size / plan.chunkSize) : 1;
          const chunkIndex = Math.min(totalChunks - 1, Math.floor(bytes / plan.chunkSize));
          void ctx.api.reportProgress({ documentId, bytesUploaded: bytes, chunkIndex, totalChunks }).catch(() => {});
        }
      },
    });
  } finally {
    clearTimeout(stallTimer);
    ctx.dispatch({ type: 'unstalled', id });
  }
}

function followProcessing(ctx: TaskContext, id: string, documentId: string, features: Features, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | undefined;
    const finish = (error?: UploadError) => {
      stop?.();
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    ctx.feed(features).then((feed) => {
      if (signal.aborted) return;
      stop = feed.follow(documentId, (event: ProgressEvent) => {
        if (signal.aborted) return;
        if (event.status === 'completed') {
          ctx.dispatch({ type: 'completed', id, at: ctx.now() });
          const file = ctx.file(id);
          if (file) ctx.emit('processing-complete', { file, documentId });
          finish();
        } else if (event.status === 'failed' || event.status === 'cancelled') {
          finish(new UploadError(event.error?.message ?? `Processing ${event.status}.`, {
            code: 'processing-failed',
            retryable: false,
            fileId: id,
            cause: event.error,
          }));
        } else if (event.status === 'uploaded' || event.status === 'processing' || event.status === 'parsing' || event.status === 'embedding') {
          ctx.dispatch({ type: 'server-progress', id, status: event.status, processingProgress: event.progress, etaSeconds: event.etaSeconds, stuck: event.stuck });
          const file = ctx.file(id);
          if (file) ctx.emit('processing-progress', { file, status: file.status, progress: file.processingProgress });
        }
      });
    }, (error: unknown) => finish(toUploadError(error, id)));
  });
}
