// The life of one file after validation: hash, initialise with upload-handler (or find the
// duplicate), send the bytes, then follow the server through processing. Side effects only:
// every state change goes through `ctx.dispatch` (the reducer decides), and nothing happens
// after the file's AbortSignal fires (pause, cancel, remove, destroy).
import { fingerprintOf, startsWithFingerprint } from './hashing/fingerprint.js';
import { inspectionFacts, type InspectionFacts } from './inspection/document-info.js';
import type { BackendApi, Features, FingerprintStart, HashDelivery, Hasher, InitResult, ProgressEvent, ProgressFeed, ResumeRecord, ResumeStore, Transport, UploadPlan } from './interfaces.js';
import { ProgressMeter } from './progress-meter.js';
import type { Action } from './reducer.js';
import { fingerprintResumeKey, resumeKey } from './persistence/resume-key.js';
import type { Clock } from './task/clock.js';
import { type RetryOptions, retrying, stopped } from './task/retryer.js';
import { DiscardUpload, isTokenExpired, isUploadGone } from './transport/transport-error.js';
import { claimedDocumentType } from './validation/validate.js';
import type { UploadFileState } from './types.js';
import { UploadError } from './upload-error.js';
import { randomUuid } from './util/random-uuid.js';
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

/** What inspection learned, for upload-handler to store with the document (nothing when it did not run). */
function factsOf({ ctx, id }: Run): { inspection?: InspectionFacts } {
  const document = ctx.file(id)?.document;
  return document ? { inspection: inspectionFacts(document) } : {};
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

/**
 * Where the upload's resume record lives: under its hash's key, or under its fingerprint's key
 * while the hash is not known yet (then `hash` is undefined). `keys` is every key it has had,
 * all forgotten once the bytes are stored or the file turns out to be a duplicate.
 */
interface ResumeSlot {
  key: string;
  hash: string | undefined;
  fingerprint: string | undefined;
  keys: Set<string>;
}

const hashSlot = (userId: string, hash: string, size: number): ResumeSlot => {
  const key = resumeKey({ userId, hash, size });
  return { key, hash, fingerprint: undefined, keys: new Set([key]) };
};

export async function runFileTask(ctx: TaskContext, id: string, blob: Blob, signal: AbortSignal): Promise<void> {
  const file = ctx.file(id);
  if (!file) return;
  const run: Run = { ctx, id, file, blob, signal };
  const started = lateHashPossible(run) ? await startWithFingerprint(run) : await startWithHash(run, file.hash || (await hashBytes(run)));
  if (!started) return; // another document has these bytes
  await finishTransfer(run, started.stored, started.slot);
  // Follow the server until the document is completed or failed (no transfer slot needed).
  ctx.releaseSlot();
  await followProcessing(ctx, id, started.stored.documentId, started.stored.features, signal);
}

/** What a start ends with: the stored document and its resume record's keys; undefined for a duplicate. */
type Started = { stored: Stored; slot: ResumeSlot } | undefined;

/**
 * Whether the bytes may leave before the whole-file hash is known: a file not yet hashed, large
 * enough for a fingerprint, with a backend that takes late hashes, and the option on.
 */
function lateHashPossible({ ctx, file, blob }: Run): boolean {
  return !file.hash && ctx.options.hashWhileUploading && startsWithFingerprint(blob.size) && ctx.api.startWithFingerprint !== undefined && ctx.api.deliverHash !== undefined;
}

async function userKey(ctx: TaskContext): Promise<string> {
  return (await ctx.api.userId()) ?? 'anonymous';
}

/** 1. Hash (once per file; a retry or resume reuses it). */
async function hashBytes(run: Run): Promise<string> {
  const { ctx, id } = run;
  ctx.dispatch({ type: 'hashing', id });
  const hash = await hashQuietly(run, run.signal);
  check(run);
  ctx.dispatch({ type: 'hashed', id, hash });
  return hash;
}

/** The whole file's MD5, with its progress shown but the file's status left as it is. */
function hashQuietly({ ctx, id, blob }: Run, signal: AbortSignal): Promise<string> {
  return ctx.hasher.hash(blob, { signal, onProgress: (p) => ctx.dispatch({ type: 'hash-progress', id, progress: p }) });
}

/** The classic start: the whole-file hash is known, upload-handler gets it up front. */
async function startWithHash(run: Run, hash: string): Promise<Started> {
  const userId = await userKey(run.ctx);
  const slot = hashSlot(userId, hash, run.blob.size);
  // A large file paused or failed while its bytes went out ahead of its hash: its document may
  // still wait for that hash (the record under its fingerprint says which).
  if (run.ctx.api.deliverHash && startsWithFingerprint(run.blob.size)) {
    const fingerprint = await fingerprintOf(run.blob, run.signal);
    await adoptUnhashed(run, fingerprintResumeKey({ userId, fingerprint, size: run.blob.size }), slot);
  }
  return withHash(run, slot);
}

function withHash(run: Run, slot: ResumeSlot): Promise<Started> {
  const sent: Sent = { documentId: undefined, strategy: undefined };
  return transfer(run, sent, (dropResumeUrl) => attempt(run, slot, sent, dropResumeUrl));
}

/**
 * 1–3 with a late hash: a fingerprint starts the upload, the bytes leave at once, and the
 * whole-file hash, computed meanwhile, is delivered when ready. When the fingerprint matches one
 * of the user's documents, the hash is awaited first so that a true duplicate sends no byte.
 */
async function startWithFingerprint(run: Run): Promise<Started> {
  const { ctx, id, file, blob, signal } = run;
  ctx.dispatch({ type: 'hashing', id });
  const fingerprint = await fingerprintOf(blob, signal);
  check(run);
  const userId = await userKey(ctx);
  const fpKey = fingerprintResumeKey({ userId, fingerprint, size: blob.size });
  // From here on the whole file is hashed beside everything else, until the task ends.
  const hashStop = linked(signal);
  const hashing = hashQuietly(run, hashStop.signal);
  hashing.catch(() => {});
  try {
    ctx.dispatch({ type: 'initializing', id });
    const contentType = claimedDocumentType(file.name, file.type) ?? file.type;
    // One key for every try of this start: a try whose answer was lost made a document, and the
    // next try gets that one back rather than a "candidate" (itself) and a second document.
    const idempotencyKey = randomUuid();
    const start = await retried(run, () =>
      ctx.api.startWithFingerprint!({ filename: file.name, contentType, fileSize: blob.size, fingerprint, idempotencyKey, ...factsOf(run) }, signal));
    check(run);
    if (start.candidate) {
      // A file this user may have stored (then nothing is sent), or this very upload, begun
      // before a reload or a pause: its hash decides.
      ctx.dispatch({ type: 'hashing', id });
      const hash = await hashing;
      check(run);
      const slot = hashSlot(userId, hash, blob.size);
      await adoptUnhashed(run, fpKey, slot);
      ctx.dispatch({ type: 'hashed', id, hash });
      return await withHash(run, slot);
    }
    return await sendBeforeHash(run, start, { userId, fingerprint, fpKey, hashing, stopHashing: () => hashStop.abort() });
  } finally {
    hashStop.abort();
    hashStop.dispose();
  }
}

/** An AbortController that also aborts with `parent`; `dispose` lets go of the parent. */
function linked(parent: AbortSignal): AbortController & { dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (parent.aborted) controller.abort();
  else parent.addEventListener('abort', abort, { once: true });
  return Object.assign(controller, { dispose: () => parent.removeEventListener('abort', abort) });
}

/** `call` tried again as the retryer says, its failures as UploadErrors of this file. */
function retried<T>(run: Run, call: (previous: UploadError | undefined) => Promise<T>, options: RetryOptions = retryOptions(run)): Promise<T> {
  return retrying((previous) => call(previous).catch((error: unknown) => {
    throw toUploadError(error, run.id);
  }), options);
}

function retryOptions(run: Run): RetryOptions {
  const { ctx, id } = run;
  return {
    maxAttempts: ctx.options.maxAttempts,
    signal: run.signal,
    clock: ctx.clock,
    random: ctx.random,
    onWait: ({ error, retryAt, attempt: next }) => ctx.dispatch({ type: 'retrying', id, error, retryAt, attempt: next }),
    onWaited: () => ctx.dispatch({ type: 'retry-started', id }),
  };
}

/**
 * Before a start with the hash: the document this file began with a fingerprint (kept in the
 * resume record under `fpKey`, or in the file's state) gets its hash now, and its record moves
 * to the hash's key, so the classic start recognises it as this upload and resumes it. A
 * document that is gone, failed or holds other bytes is let go: the file starts anew.
 */
async function adoptUnhashed(run: Run, fpKey: string, slot: ResumeSlot): Promise<void> {
  const { ctx, id, signal } = run;
  const record = ctx.options.resume ? await ctx.store.get(fpKey) : undefined;
  check(run);
  const current = ctx.file(id);
  const documentId = record?.documentId ?? (current && !current.hash ? current.documentId : undefined);
  if (documentId === undefined) return;
  try {
    const delivery = await retried(run, () => ctx.api.deliverHash!({ documentId, fileHash: slot.hash! }, signal));
    if (record && !delivery.duplicate) {
      // Its TUS upload is resumed only when this page sent it from this very file (a pause, a
      // retry). After a reload the file picked again is known only by its fingerprint (size,
      // first and last MiB), not its bytes: the document is reused but its bytes are sent again
      // from the start, so a different file with the same ends can never be spliced onto them.
      // (That costs only what went out before the hash was known.)
      const sameFile = current?.documentId === record.documentId;
      await ctx.store.put({ ...record, key: slot.key, hash: slot.hash, uploadUrl: sameFile ? record.uploadUrl : undefined, updatedAt: ctx.clock.now() }).catch(() => {});
    }
  } catch (error) {
    // Stopped, or the backend could not be reached: the file stops here (a later try adopts).
    if (signal.aborted || (error instanceof UploadError && error.retryable)) throw error;
  }
  check(run);
  if (record) await ctx.store.delete(fpKey).catch(() => {});
}

interface LateHash {
  userId: string;
  fingerprint: string;
  fpKey: string;
  /** The whole-file hash, computed while the bytes go out. */
  hashing: Promise<string>;
  stopHashing(): void;
}

/**
 * No document of the user can be this file: send now, deliver the hash when it is ready. The
 * upload ends when both have; a hash that shows another document has these bytes stops the
 * transfer and makes the file a duplicate of it (the server removed this document).
 */
async function sendBeforeHash(run: Run, start: Extract<FingerprintStart, { candidate: false }>, late: LateHash): Promise<Started> {
  const { ctx, id, blob } = run;
  const { documentId, features } = start;
  const plan = planWithChunkSize(ctx, start.upload);
  const slot: ResumeSlot = { key: late.fpKey, hash: undefined, fingerprint: late.fingerprint, keys: new Set([late.fpKey]) };
  if (ctx.options.resume) {
    await remember(ctx, slot, { documentId, plan, size: blob.size, uploadUrl: undefined });
    check(run);
  }
  ctx.dispatch({ type: 'initialized', id, documentId });
  const sendStop = linked(run.signal);
  const sending: Run = { ...run, signal: sendStop.signal };
  const delivery = late.hashing.then((hash) => deliverLateHash(run, documentId, hash, slot, late.userId));
  // The bytes stop as soon as they are known to be unwanted (a duplicate) or unrecordable.
  let transferEnded = false;
  let stoppedByHash = false;
  const stopSending = () => {
    if (transferEnded) return;
    stoppedByHash = true;
    sendStop.abort(new DiscardUpload('These bytes are not wanted: the file is a duplicate, or not the file hashed.'));
  };
  delivery.then((d) => d.duplicate && stopSending(), stopSending);
  const sent: Sent = { documentId, strategy: plan.strategy };
  const transferred = transfer(sending, sent, async (dropResumeUrl, previous) => {
    if (previous === undefined) {
      await send(ctx, id, blob, plan, documentId, { slot, resumeUrl: undefined, signal: sendStop.signal });
      return { stored: { documentId, features }, slot };
    }
    // A new plan comes from the classic start, which finds this document by its hash: wait for it.
    const d = await delivery;
    if (d.duplicate) throw stopped();
    return attempt(sending, slot, sent, dropResumeUrl);
  });
  transferred.then(
    () => void (transferEnded = true),
    () => {
      // A transfer that fails for good ends the file: its hash is no longer needed.
      transferEnded = true;
      late.stopHashing();
    },
  );
  const [t, d] = await Promise.allSettled([transferred, delivery]);
  sendStop.dispose();
  check(run);
  if (d.status === 'fulfilled' && d.value.duplicate) {
    ctx.dispatch({ type: 'duplicate', id, documentId: d.value.documentId, at: ctx.clock.now() });
    await forget(ctx, slot);
    return undefined;
  }
  if (t.status === 'rejected' && !stoppedByHash) throw t.reason;
  if (d.status === 'rejected') {
    // Other bytes arrived than were hashed: the document holds a file that is not this one.
    if (d.reason instanceof UploadError && d.reason.code === 'file-changed') void ctx.api.cancel(documentId).catch(() => {});
    throw toUploadError(d.reason, id);
  }
  if (t.status === 'rejected') throw t.reason;
  return t.value;
}

/** Delivers the late hash (retried like any step); once recorded, the record moves to the hash's key. */
async function deliverLateHash(run: Run, documentId: string, hash: string, slot: ResumeSlot, userId: string): Promise<HashDelivery> {
  const { ctx, id, blob } = run;
  check(run);
  // Quietly: the bytes may still be going out, and the file shows that, not this step's waits.
  const { onWait: _wait, onWaited: _waited, ...quietly } = retryOptions(run);
  const delivery = await retried(run, () => ctx.api.deliverHash!({ documentId, fileHash: hash }, run.signal), quietly);
  check(run);
  if (!delivery.duplicate && ctx.options.resume) {
    const fpKey = slot.key;
    const record = await ctx.store.get(fpKey);
    const key = resumeKey({ userId, hash, size: blob.size });
    // Writes from here on (the TUS URL) go to the hash's key.
    Object.assign(slot, { key, hash });
    slot.keys.add(key);
    if (record) await ctx.store.put({ ...record, key, hash, updatedAt: ctx.clock.now() }).catch(() => {});
    await ctx.store.delete(fpKey).catch(() => {});
  }
  // Only now: a file whose state has its hash has it recorded by the server and in its record.
  ctx.dispatch({ type: 'hashed', id, hash });
  return delivery;
}

/**
 * 2–3. Initialise and send, tried again as the retryer says, and with a new plan when a token
 * expired or the upload is gone. Undefined: the content is another document's (a duplicate).
 */
function transfer(
  run: Run,
  sent: Sent,
  attemptOnce: (dropResumeUrl: boolean, previous: UploadError | undefined) => Promise<Started>,
): Promise<Started> {
  const { ctx, id } = run;
  return retried(run, (previous) => attemptOnce(previous !== undefined && isUploadGone(previous), previous), {
    ...retryOptions(run),
    retryAtOnce: needsNewPlan,
    // A TUS offset is confirmed by Storage; a PUT's progress is bytes handed to the network.
    progress: () => ({ bytes: ctx.file(id)?.bytesSent ?? 0, confirmed: sent.strategy === 'tus' }),
  });
}

/** What this task's earlier attempts got to: the document they sent bytes to, and how. */
interface Sent {
  documentId: string | undefined;
  strategy: UploadPlan['strategy'] | undefined;
}

const planWithChunkSize = (ctx: TaskContext, offered: UploadPlan): UploadPlan =>
  ctx.options.chunkSize !== undefined && offered.strategy === 'tus' ? { ...offered, chunkSize: ctx.options.chunkSize } : offered;

/** One attempt: ask upload-handler for a plan, then send the bytes it asks for. */
async function attempt(run: Run, slot: ResumeSlot, sent: Sent, dropResumeUrl: boolean): Promise<Started> {
  const { ctx, id, file, blob, signal } = run;
  const hash = slot.hash!;
  ctx.dispatch({ type: 'initializing', id });
  // The type the name implies (what the server checks), not what the OS guessed.
  const contentType = claimedDocumentType(file.name, file.type) ?? file.type;
  const result = await ctx.api.initUpload({ filename: file.name, contentType, fileSize: blob.size, fileHash: hash, ...factsOf(run) }, signal);
  check(run);
  if (result.duplicate && !result.upload) return duplicateOrOwn(run, result, slot, sent);
  const plan = planWithChunkSize(ctx, result.upload!);
  const record = ctx.options.resume ? await ctx.store.get(slot.key) : undefined;
  const resumeUrl = !dropResumeUrl && record?.documentId === result.documentId ? record.uploadUrl : undefined;
  // Remember the document before any byte goes out (a TUS upload adds its URL once it has
  // one): after a crash, the file picked again is recognised as this upload, also when its
  // last answer never arrived (a PUT has no URL to resume, only a document to recognise).
  if (ctx.options.resume && record?.documentId !== result.documentId) {
    await remember(ctx, slot, { documentId: result.documentId, plan, size: blob.size, uploadUrl: undefined });
    check(run);
  }
  ctx.dispatch({ type: 'initialized', id, documentId: result.documentId });
  sent.documentId = result.documentId;
  sent.strategy = plan.strategy;
  await send(ctx, id, blob, plan, result.documentId, { slot, resumeUrl, signal });
  return { stored: { documentId: result.documentId, features: result.features }, slot };
}

/**
 * The server already has these bytes. Our own upload, finished on the server while its last
 * answer was lost (a reset, a crash after the last byte), is stored, not a duplicate of itself;
 * another document's content makes this file a duplicate (undefined).
 */
async function duplicateOrOwn(run: Run, result: InitResult, slot: ResumeSlot, sent: Sent): Promise<Started> {
  const { ctx, id } = run;
  const record = sent.documentId === undefined && ctx.options.resume ? await ctx.store.get(slot.key) : undefined;
  check(run);
  if (result.documentId === (sent.documentId ?? record?.documentId)) {
    ctx.dispatch({ type: 'initialized', id, documentId: result.documentId, stored: true });
    return { stored: { documentId: result.documentId, features: result.features }, slot };
  }
  ctx.dispatch({ type: 'duplicate', id, documentId: result.documentId, at: ctx.clock.now() });
  await forget(ctx, slot);
  return undefined;
}

/** Writes the upload's resume record where its slot says (its hash's key, or its fingerprint's). */
async function remember(ctx: TaskContext, slot: ResumeSlot, upload: Pick<ResumeRecord, 'documentId' | 'plan' | 'size' | 'uploadUrl'>): Promise<void> {
  const { key, hash, fingerprint } = slot;
  await ctx.store.put({ key, ...upload, hash, fingerprint, updatedAt: ctx.clock.now() }).catch(() => {});
}

/** Forgets every resume record the upload had. */
async function forget(ctx: TaskContext, slot: ResumeSlot): Promise<void> {
  await Promise.all([...slot.keys].map((key) => ctx.store.delete(key).catch(() => {})));
}

/** 4. Every byte is stored: forget the resume record, tell the server the last byte. */
async function finishTransfer(run: Run, { documentId }: Stored, slot: ResumeSlot): Promise<void> {
  const { ctx, id, blob } = run;
  ctx.dispatch({ type: 'uploaded', id });
  await forget(ctx, slot);
  // The last report always goes out (the server throttles rows but keeps the final one).
  void ctx.api.reportProgress({ documentId, bytesUploaded: blob.size }).catch(() => {});
}

interface SendState {
  slot: ResumeSlot;
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
        void remember(ctx, s.slot, { documentId, plan, size: blob.size, uploadUrl: url });
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
