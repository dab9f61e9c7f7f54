import type { DocumentInfo } from './inspection/document-info.js';
import type { UploadError } from './upload-error.js';
import type { FileStatus, RejectionReason, UploaderSnapshot, UploaderTotals, UploadFileState } from './types.js';
import { PROCESSING_STATUSES, TERMINAL_STATUSES } from './types.js';

/** Every change to the uploader's state, as data. The Uploader dispatches; only the reducer decides. */
export type Action =
  | { type: 'added'; files: readonly UploadFileState[] }
  | { type: 'rejected'; id: string; rejection: RejectionReason; error: UploadError }
  | { type: 'validating'; id: string }
  | { type: 'validated'; id: string }
  | { type: 'hashing'; id: string }
  | { type: 'hash-progress'; id: string; progress: number }
  | { type: 'hashed'; id: string; hash: string }
  | { type: 'inspected'; id: string; document: DocumentInfo }
  | { type: 'initializing'; id: string }
  /** `stored`: the server already holds every byte (our own upload, its last answer lost): nothing is sent. */
  | { type: 'initialized'; id: string; documentId: string; bytesSent?: number; stored?: boolean }
  | { type: 'duplicate'; id: string; documentId: string; at: number }
  | { type: 'upload-progress'; id: string; bytesSent: number; speed: number; etaSeconds: number | undefined }
  | { type: 'uploaded'; id: string }
  | { type: 'server-progress'; id: string; status: 'uploaded' | 'processing' | 'parsing' | 'embedding'; processingProgress: number; etaSeconds: number | undefined; stuck: boolean }
  | { type: 'completed'; id: string; at: number }
  | { type: 'failed'; id: string; error: UploadError }
  | { type: 'retrying'; id: string; error: UploadError; retryAt: number; attempt: number }
  | { type: 'retry-started'; id: string }
  | { type: 'paused'; id: string }
  | { type: 'resumed'; id: string }
  | { type: 'stalled'; id: string }
  | { type: 'unstalled'; id: string }
  | { type: 'cancelled'; id: string }
  | { type: 'reset'; id: string }
  | { type: 'removed'; id: string };

export const emptySnapshot: UploaderSnapshot = Object.freeze({
  files: Object.freeze([]) as readonly UploadFileState[],
  totals: Object.freeze({ files: 0, completed: 0, failed: 0, active: 0, bytesTotal: 0, bytesSent: 0, progress: 0 }),
  busy: false,
});

const isTerminal = (s: FileStatus) => TERMINAL_STATUSES.includes(s);
/** Side states remember where to go back to. */
const SIDE_STATES: readonly FileStatus[] = ['paused', 'retrying', 'stalled'];
const BUSY: readonly FileStatus[] = ['validating', 'hashing', 'initializing', 'uploading', 'retrying', 'stalled'];

/** The status that counts for progress: the one behind a side state. */
export const effectiveStatus = (f: UploadFileState): FileStatus =>
  SIDE_STATES.includes(f.status) && f.resumeStatus ? f.resumeStatus : f.status;

// How much of the single progress bar each part of the journey fills: hashing is quick and
// local, the transfer is what a person waits for, server processing follows.
const HASH_SHARE = 0.05;
const UPLOAD_SHARE = 0.65;
const PROCESSING_SHARE = 0.3;

/** 0–1 across hashing, upload and processing (parsing fills the first half, embedding the second). */
export function overallProgress(f: UploadFileState): number {
  const status = effectiveStatus(f);
  if (status === 'completed' || status === 'duplicate') return 1;
  const hash = f.hash ? 1 : f.hashProgress;
  const upload = f.size > 0 ? Math.min(1, f.bytesSent / f.size) : 0;
  let processing = 0;
  const p = Math.max(0, Math.min(100, f.processingProgress)) / 100;
  if (status === 'processing') processing = p;
  else if (status === 'parsing') processing = p / 2;
  else if (status === 'embedding') processing = 0.5 + p / 2;
  const done = PROCESSING_STATUSES.includes(status) ? 1 : upload;
  return Math.min(1, HASH_SHARE * hash + UPLOAD_SHARE * done + PROCESSING_SHARE * processing);
}

function totals(files: readonly UploadFileState[]): UploaderTotals {
  let completed = 0;
  let failed = 0;
  let active = 0;
  let bytesTotal = 0;
  let bytesSent = 0;
  let progressSum = 0;
  let counted = 0;
  for (const f of files) {
    const status = effectiveStatus(f);
    if (status === 'completed' || status === 'duplicate') completed += 1;
    else if (status === 'failed') failed += 1;
    else if (status !== 'cancelled') active += 1;
    if (status === 'failed' || status === 'cancelled') continue;
    bytesTotal += f.size;
    bytesSent += status === 'duplicate' ? f.size : Math.min(f.size, f.bytesSent);
    progressSum += f.progress;
    counted += 1;
  }
  return { files: files.length, completed, failed, active, bytesTotal, bytesSent, progress: counted ? progressSum / counted : 0 };
}

function snapshotOf(files: readonly UploadFileState[]): UploaderSnapshot {
  return Object.freeze({
    files: Object.freeze(files),
    totals: Object.freeze(totals(files)),
    busy: files.some((f) => BUSY.includes(f.status)),
  });
}

function withProgress(f: UploadFileState): UploadFileState {
  return Object.freeze({ ...f, progress: overallProgress(f) });
}

/** Apply `patch` to file `id`, or return null when this action does not apply to it. */
function update(file: UploadFileState, action: Action): UploadFileState | null {
  const terminal = isTerminal(file.status);
  // Abort is final and failures are settled: only a reset or a removal moves them.
  if (terminal && action.type !== 'reset' && action.type !== 'removed') return null;
  switch (action.type) {
    case 'rejected':
      return { ...file, status: 'failed', rejection: action.rejection, error: action.error, resumeStatus: undefined };
    case 'validating':
    case 'hashing':
    case 'initializing':
      if (file.status === 'paused') return { ...file, resumeStatus: action.type };
      return { ...file, status: action.type, resumeStatus: undefined, error: undefined };
    case 'validated':
      if (file.status === 'paused' && file.resumeStatus === 'validating') return { ...file, resumeStatus: 'queued' };
      if (file.status !== 'validating') return null;
      return { ...file, status: 'queued' };
    case 'hash-progress':
      return { ...file, hashProgress: Math.max(file.hashProgress, Math.min(1, action.progress)) };
    case 'hashed':
      return { ...file, hash: action.hash, hashProgress: 1 };
    case 'inspected':
      return { ...file, document: action.document };
    case 'initialized': {
      const next: UploadFileState = { ...file, documentId: action.documentId, bytesSent: action.bytesSent ?? file.bytesSent, attempt: 1 };
      return file.status === 'paused' ? { ...next, resumeStatus: 'uploading' } : { ...next, status: 'uploading', resumeStatus: undefined };
    }
    case 'duplicate':
      // bytesSent stays: 0 when the server knew the file before any byte, more when the hash came
      // late and the bytes sent meanwhile were dropped (a UI says which).
      return { ...file, status: 'duplicate', documentId: action.documentId, duplicateOf: action.documentId, speed: 0, etaSeconds: undefined, completedAt: action.at, resumeStatus: undefined };
    case 'upload-progress':
      // Bytes confirmed never go back (a resumed TUS upload restarts from the server's offset).
      return { ...file, bytesSent: Math.max(file.bytesSent, Math.min(file.size, action.bytesSent)), speed: action.speed, etaSeconds: action.etaSeconds };
    case 'uploaded':
      return { ...file, status: file.status === 'paused' ? 'paused' : 'uploaded', resumeStatus: file.status === 'paused' ? 'uploaded' : undefined, bytesSent: file.size, speed: 0, etaSeconds: undefined };
    case 'server-progress': {
      const order: FileStatus[] = ['uploading', 'uploaded', 'processing', 'parsing', 'embedding'];
      const current = effectiveStatus(file);
      // Realtime and polling may deliver out of order: a stage never goes back.
      if (order.indexOf(action.status) < order.indexOf(current)) return null;
      const sameStage = action.status === current;
      return {
        ...file,
        status: file.status === 'paused' || file.status === 'stalled' ? file.status : action.status,
        resumeStatus: file.status === 'paused' || file.status === 'stalled' ? action.status : undefined,
        bytesSent: file.size,
        speed: 0,
        processingProgress: sameStage ? Math.max(file.processingProgress, action.processingProgress) : action.processingProgress,
        etaSeconds: action.etaSeconds,
        stuck: action.stuck,
      };
    }
    case 'completed':
      return { ...file, status: 'completed', resumeStatus: undefined, bytesSent: file.size, processingProgress: 100, speed: 0, etaSeconds: undefined, stuck: false, completedAt: action.at, error: undefined };
    case 'failed':
      return { ...file, status: 'failed', resumeStatus: undefined, error: action.error, speed: 0, etaSeconds: undefined, retryAt: undefined };
    case 'retrying':
      return { ...file, status: 'retrying', resumeStatus: effectiveStatus(file), error: action.error, retryAt: action.retryAt, attempt: action.attempt, speed: 0 };
    case 'retry-started':
      if (file.status !== 'retrying') return null;
      return { ...file, status: file.resumeStatus ?? 'queued', resumeStatus: undefined, retryAt: undefined };
    case 'paused':
      if (file.status === 'paused') return null;
      return { ...file, status: 'paused', resumeStatus: effectiveStatus(file), speed: 0, etaSeconds: undefined, retryAt: undefined };
    case 'resumed':
      if (file.status !== 'paused') return null;
      return { ...file, status: file.resumeStatus ?? 'queued', resumeStatus: undefined };
    case 'stalled':
      if (file.status === 'stalled' || file.status === 'paused' || file.status === 'retrying') return null;
      return { ...file, status: 'stalled', resumeStatus: file.status, speed: 0 };
    case 'unstalled':
      if (file.status !== 'stalled') return null;
      return { ...file, status: file.resumeStatus ?? 'queued', resumeStatus: undefined };
    case 'cancelled':
      return { ...file, status: 'cancelled', resumeStatus: undefined, speed: 0, etaSeconds: undefined, retryAt: undefined };
    case 'reset':
      if (file.status !== 'failed' && file.status !== 'cancelled') return null;
      if (file.rejection) return null; // a refused file stays refused: the same bytes would be refused again
      return {
        ...file, status: 'queued', resumeStatus: undefined, error: undefined, attempt: 0, retryAt: undefined,
        speed: 0, etaSeconds: undefined, stuck: false, processingProgress: 0,
      };
    case 'added':
    case 'removed':
      return null;
  }
}

/** The one place state changes. Pure: the same state and action always give the same result. */
export function reduce(state: UploaderSnapshot, action: Action): UploaderSnapshot {
  if (action.type === 'added') {
    const known = new Set(state.files.map((f) => f.id));
    const fresh = action.files.filter((f) => !known.has(f.id)).map(withProgress);
    return fresh.length ? snapshotOf([...state.files, ...fresh]) : state;
  }
  if (action.type === 'removed') {
    const files = state.files.filter((f) => f.id !== action.id);
    return files.length === state.files.length ? state : snapshotOf(files);
  }
  const index = state.files.findIndex((f) => f.id === action.id);
  if (index < 0) return state;
  const next = update(state.files[index]!, action);
  if (!next) return state;
  const files = state.files.slice();
  files[index] = withProgress(next);
  return snapshotOf(files);
}

/** A new file's initial state. */
export function newFileState(init: { id: string; name: string; size: number; type: string; relativePath?: string | undefined; addedAt: number }): UploadFileState {
  return withProgress({
    id: init.id,
    name: init.name,
    size: init.size,
    type: init.type,
    relativePath: init.relativePath,
    status: 'queued',
    resumeStatus: undefined,
    hashProgress: 0,
    hash: undefined,
    documentId: undefined,
    bytesSent: 0,
    speed: 0,
    etaSeconds: undefined,
    processingProgress: 0,
    progress: 0,
    stuck: false,
    attempt: 0,
    retryAt: undefined,
    error: undefined,
    rejection: undefined,
    duplicateOf: undefined,
    document: undefined,
    addedAt: init.addedAt,
    completedAt: undefined,
  });
}
