// The life of one file after validation: hash, initialise with upload-handler (or find the
// duplicate), send the bytes, then follow the server through processing. Side effects only:
// every state change goes through `ctx.dispatch` (the reducer decides), and nothing happens
// after the file's AbortSignal fires (pause, cancel, remove, destroy).
import type { BackendApi, Features, Hasher, InitResult, ProgressEvent, ProgressFeed, ResumeStore, Transport, UploadPlan } from './interfaces.js';
import { ProgressMeter } from './progress-meter.js';
import type { Action } from './reducer.js';
import { resumeKey } from './persistence/resume-key.js';
import type { Clock } from './task/clock.js';
import { retrying, stopped } from './task/retryer.js';
import { isTokenExpired, isUploadGone } from './transport/transport-error.js';
import { claimedDocumentType } from './validation/validate.js';
import type { UploadFileState } from './types.js';
import { UploadError } from './upload-error.js';
import type { ResolvedOptions } from './uploader-options.js';

export interface TaskContext {
  options: ResolvedOptions;
  api: BackendApi;
  transport: Transport;
  hasher: Hasher;
  store: ResumeStore;
  feed(features: Features): Promise<ProgressFeed>;
  /** Time and timers: retry waits, the stall timer, timestamps. */
  clock: Clock;
  random(): number;
  /** Every state change; the Uploader derives the events from the actions. */
  dispatch(action: Action): void;
  file(id: string): UploadFileState | undefined;
  /** The bytes are sent: give the transfer slot to the next file while processing is followed. */
  releaseSlot(): void;
}

/** Errors that mean "ask upload-handler again": a signed token expired, or the TUS upload is gone. */
const needsNewPlan = (error: UploadError) => isTokenExpired(error) || isUploadGone(error);

function toUploadError(error: unknown, fileId: string): UploadError {
  if (error instanceof UploadError) return error;
  return new UploadError(error instanceof Error ? error.message : String(error), { code: 'network', fileId, cause: error });
}

/** One task of one file: what every step needs. */
interface Run {
  ctx: TaskContext;
  id: string;
  /** The file as the task found it (its name and type). */
  file: UploadFileState;
  blob: Blob;
  signal: AbortSignal;
}

/** Throws {@link stopped} once the file's signal has fired. */
function check(run: Run): void {
  if (run.signal.aborted) throw stopped();
}

/** Every byte is in Storage, in this document. */
interface Stored {
  documentId: string;
  features: Features;
}

/** What the file's bytes are (their hash) and the key of its resume record. */
interface Content {
  hash: string;
  key: string;
}

export async function runFileTask(ctx: TaskContext, id: string, blob: Blob, signal: AbortSignal): Promise<void> {
  const file = ctx.file(id);
  if (!file) return;
  const run: Run = { ctx, id, file, blob, signal };
  const hash = file.hash || (await hashBytes(run));
  const key = resumeKey({ userId: (await ctx.api.userId()) ?? 'anonymous', hash, size: blob.size });
  const stored = await transfer(run, { hash, key });
  if (!stored) return; // another document has these bytes
  await finishTransfer(run, stored, key);
  // Follow the server until the document is completed or failed (no transfer slot needed).
  ctx.releaseSlot();
  await followProcessing(ctx, id, stored.documentId, stored.features, signal);
}

/** 1. Hash (once per file; a retry or resume reuses it). */
async function hashBytes(run: Run): Promise<string> {
  const { ctx, id, blob, signal } = run;
  ctx.dispatch({ type: 'hashing', id });
  const hash = await ctx.hasher.hash(blob, { signal, onProgress: (p) => ctx.dispatch({ type: 'hash-progress', id, progress: p }) });
  check(run);
  ctx.dispatch({ type: 'hashed', id, hash });
  return hash;
}

/**
 * 2–3. Initialise and send, tried again as the retryer says, and with a new plan when a token
 * expired or the upload is gone. Undefined: the content is another document's (a duplicate).
 */
function transfer(run: Run, content: Content): Promise<Stored | undefined> {
  const { ctx, id } = run;
  /** What this task's earlier attempts got to: the document they sent bytes to, and how. */
  const sent: Sent = { documentId: undefined, strategy: undefined };
  return retrying(
    (previous) => attempt(run, content, sent, previous !== undefined && isUploadGone(previous)).catch((error: unknown) => {
      throw toUploadError(error, id);
    }),
    {
      maxAttempts: ctx.options.maxAttempts,
      signal: run.signal,
      clock: ctx.clock,
      random: ctx.random,
      retryAtOnce: needsNewPlan,
      // A TUS offset is confirmed by Storage; a PUT's progress is bytes handed to the network.
      progress: () => ({ bytes: ctx.file(id)?.bytesSent ?? 0, confirmed: sent.strategy === 'tus' }),
      onWait: ({ error, retryAt, attempt: next }) => ctx.dispatch({ type: 'retrying', id, error, retryAt, attempt: next }),
      onWaited: () => ctx.dispatch({ type: 'retry-started', id }),
    },
  );
}

interface Sent {
  documentId: string | undefined;
  strategy: UploadPlan['strategy'] | undefined;
}

/** One attempt: ask upload-handler for a plan, then send the bytes it asks for. */
async function attempt(run: Run, { hash, key }: Content, sent: Sent, dropResumeUrl: boolean): Promise<Stored | undefined> {
  const { ctx, id, file, blob, signal } = run;
  ctx.dispatch({ type: 'initializing', id });
  // The type the name implies (what the server checks), not what the OS guessed.
  const contentType = claimedDocumentType(file.name, file.type) ?? file.type;
  const result = await ctx.api.initUpload({ filename: file.name, contentType, fileSize: blob.size, fileHash: hash }, signal);
  check(run);
  if (result.duplicate && !result.upload) return duplicateOrOwn(run, result, key, sent);
  const offered = result.upload!;
  const plan = ctx.options.chunkSize !== undefined && offered.strategy === 'tus' ? { ...offered, chunkSize: ctx.options.chunkSize } : offered;
  const record = ctx.options.resume ? await ctx.store.get(key) : undefined;
  const resumeUrl = !dropResumeUrl && record?.documentId === result.documentId ? record.uploadUrl : undefined;
  // Remember the document before any byte goes out (a TUS upload adds its URL once it has
  // one): after a crash, the file picked again is recognised as this upload, also when its
  // last answer never arrived (a PUT has no URL to resume, only a document to recognise).
  if (ctx.options.resume && record?.documentId !== result.documentId) {
    await ctx.store.put({ key, documentId: result.documentId, uploadUrl: undefined, plan, size: blob.size, hash, updatedAt: ctx.clock.now() }).catch(() => {});
    check(run);
  }
  ctx.dispatch({ type: 'initialized', id, documentId: result.documentId });
  sent.documentId = result.documentId;
  sent.strategy = plan.strategy;
  await send(ctx, id, blob, plan, result.documentId, { key, hash, resumeUrl, signal });
  return { documentId: result.documentId, features: result.features };
}

/**
 * The server already has these bytes. Our own upload, finished on the server while its last
 * answer was lost (a reset, a crash after the last byte), is stored, not a duplicate of itself;
 * another document's content makes this file a duplicate (undefined).
 */
async function duplicateOrOwn(run: Run, result: InitResult, key: string, sent: Sent): Promise<Stored | undefined> {
  const { ctx, id } = run;
  const record = sent.documentId === undefined && ctx.options.resume ? await ctx.store.get(key) : undefined;
  check(run);
  if (result.documentId === (sent.documentId ?? record?.documentId)) {
    ctx.dispatch({ type: 'initialized', id, documentId: result.documentId, stored: true });
    return { documentId: result.documentId, features: result.features };
  }
  ctx.dispatch({ type: 'duplicate', id, documentId: result.documentId, at: ctx.clock.now() });
  await ctx.store.delete(key);
  return undefined;
}

/** 4. Every byte is stored: forget the resume record, tell the server the last byte. */
async function finishTransfer(run: Run, { documentId }: Stored, key: string): Promise<void> {
  const { ctx, id, blob } = run;
  ctx.dispatch({ type: 'uploaded', id });
  await ctx.store.delete(key);
  // The last report always goes out (the server throttles rows but keeps the final one).
  void ctx.api.reportProgress({ documentId, bytesUploaded: blob.size }).catch(() => {});
}

interface SendState {
  key: string;
  hash: string;
  resumeUrl: string | undefined;
  signal: AbortSignal;
}

async function send(ctx: TaskContext, id: string, blob: Blob, plan: UploadPlan, documentId: string, s: SendState) {
  const { clock } = ctx;
  const meter = new ProgressMeter(blob.size, () => clock.now());
  let lastReport = -Infinity;
  let lastBytes = 0;
  let stallTimer: unknown;
  const armStall = () => {
    clock.clearTimeout(stallTimer);
    stallTimer = clock.setTimeout(() => {
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
        void ctx.store.put({ key: s.key, documentId, uploadUrl: url, plan, size: blob.size, hash: s.hash, updatedAt: clock.now() }).catch(() => {});
      },
      onProgress: (bytes) => {
        if (s.signal.aborted) return;
        armStall();
        ctx.dispatch({ type: 'unstalled', id });
        const { speed, etaSeconds } = meter.sample(bytes);
        ctx.dispatch({ type: 'upload-progress', id, bytesSent: bytes, speed, etaSeconds });
        const now = clock.now();
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
    clock.clearTimeout(stallTimer);
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
    const onAbort = () => finish(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
    ctx.feed(features).then((feed) => {
      if (signal.aborted) return;
      stop = feed.follow(documentId, (event: ProgressEvent) => {
        if (signal.aborted) return;
        if (event.status === 'completed') {
          ctx.dispatch({ type: 'completed', id, at: ctx.clock.now() });
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
        }
      });
    }, (error: unknown) => finish(toUploadError(error, id)));
  });
}
