// What the progress feeds share: turning the server's answers into `ProgressEvent`s, the
// pipeline order events must respect, and the feeds' default error report.
import type { ProgressEvent, ServerDocument, ServerProgress } from '../interfaces.js';

export type DocumentStatus = ServerDocument['status'];
export type ProgressListener = (event: ProgressEvent) => void;

/**
 * Where each status sits in the pipeline (supabase/functions/README.md): pending → uploading →
 * uploaded → processing | parsing → embedding → completed | failed | cancelled. `processing`
 * and `parsing` are alternatives (LlamaParse off or on), so they share a rank; the three
 * terminal statuses share the last one, so once a document has ended nothing moves it on.
 */
const STATUS_RANK: Readonly<Record<DocumentStatus, number>> = {
  pending: 0,
  uploading: 1,
  uploaded: 2,
  processing: 3,
  parsing: 3,
  embedding: 4,
  completed: 5,
  failed: 5,
  cancelled: 5,
};

export function isDocumentStatus(value: unknown): value is DocumentStatus {
  return typeof value === 'string' && Object.hasOwn(STATUS_RANK, value);
}

/** Completed, failed and cancelled documents never change again on their own. */
export function isTerminal(status: DocumentStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** A percentage from the server, clamped to 0–100 (anything else is 0). */
export function percent(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0;
}

/** A non-negative number of seconds, or undefined when the server has no estimate. */
export function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * One progress answer (progress-tracker / upload-handler GET) as an event. `progress` is the
 * current stage's: bytes while uploading, then the processing stage's percentage.
 */
export function eventFromServerProgress(answer: ServerProgress): ProgressEvent {
  const { status } = answer;
  if (!isDocumentStatus(status)) throw new TypeError(`progress answer with an unknown status: ${String(status)}`);
  const uploading = status === 'pending' || status === 'uploading';
  const progress = status === 'completed' ? 100 : uploading ? answer.upload.progress : answer.processing.progress;
  return {
    documentId: answer.documentId,
    status,
    progress: percent(progress),
    etaSeconds: seconds(answer.etaSeconds),
    stuck: answer.stuck === true,
    error: answer.error ? { code: answer.error.code, message: answer.error.message ?? answer.error.code } : undefined,
  };
}

/** Whether two events say the same thing (a repeat is not worth a notification). */
export function sameEvent(a: ProgressEvent | undefined, b: ProgressEvent): boolean {
  return (
    a !== undefined &&
    a.status === b.status &&
    a.progress === b.progress &&
    a.etaSeconds === b.etaSeconds &&
    a.stuck === b.stuck &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message
  );
}

/**
 * Whether `next` may be shown after `last` for the same document. Realtime rows, catch-up
 * answers and polls race, so an older view can arrive after a newer one: a status earlier in
 * the pipeline, or less progress within the same status, is dropped, and so is a repeat.
 * Nothing follows a terminal status except news about it (the error row after `failed`).
 * A retry that resets a failed document starts a new journey: follow it again.
 */
export function isForward(last: ProgressEvent | undefined, next: ProgressEvent): boolean {
  if (last === undefined) return true;
  const from = STATUS_RANK[last.status];
  const to = STATUS_RANK[next.status];
  if (to !== from) return to > from;
  if (next.status !== last.status) return false;
  if (next.progress !== last.progress) return next.progress > last.progress;
  return !sameEvent(last, next);
}

/** The default `onError` of the feeds: one console warning per feed, not one per poll. */
export function warnOnce(what: string): (error: unknown) => void {
  let warned = false;
  return (error) => {
    if (warned) return;
    warned = true;
    console.warn(`v2-uploader: ${what}; will keep trying (further errors are not logged).`, error);
  };
}
