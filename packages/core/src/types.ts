import type { DocumentInfo, DocumentKind } from './inspection/document-info.js';
import type { UploadError } from './upload-error.js';

/**
 * Where one file is in its life. The happy path:
 * `queued → validating → hashing → initializing → uploading → uploaded → (processing | parsing
 * → embedding) → completed`, or `duplicate` when the server already has the content.
 * Side states: `paused` (by the user; the server keeps the offset), `retrying` (waiting for the
 * next attempt after a transient error), `stalled` (no bytes or server news for a while; it
 * recovers by itself). Terminal: `completed`, `duplicate`, `failed`, `cancelled`.
 */
export type FileStatus =
  | 'queued'
  | 'validating'
  | 'hashing'
  | 'initializing'
  | 'uploading'
  | 'uploaded'
  | 'processing'
  | 'parsing'
  | 'embedding'
  | 'completed'
  | 'duplicate'
  | 'failed'
  | 'cancelled'
  | 'paused'
  | 'retrying'
  | 'stalled';

/** The statuses a file cannot leave except through `retry` (failed, cancelled) or `remove`. */
export const TERMINAL_STATUSES: readonly FileStatus[] = ['completed', 'duplicate', 'failed', 'cancelled'];
/** Server-side stages after the last byte. */
export const PROCESSING_STATUSES: readonly FileStatus[] = ['uploaded', 'processing', 'parsing', 'embedding'];

/** Why a file was refused before any request; a UI renders and translates these. */
export type RejectionReason =
  | { code: 'file-too-large'; maxSize: number; size: number }
  | { code: 'file-too-small'; minSize: number; size: number }
  | { code: 'file-empty' }
  | { code: 'too-many-files'; maxFiles: number }
  | { code: 'total-size-exceeded'; maxTotalSize: number; totalSize: number }
  | { code: 'file-type-not-accepted'; accept: string; type: string; name: string }
  | { code: 'content-mismatch'; expected: string; detected: string | null }
  | { code: 'invalid-name'; name: string; problem: 'empty' | 'path-separator' | 'control-character' | 'bidi-control' | 'too-long' | 'dot-name' }
  /** Inspection found something the document rules refuse (see `DocumentRules`). */
  | { code: 'document-refused'; kind: DocumentKind; problem: DocumentProblem }
  | { code: 'too-many-pages'; maxPages: number; pageCount: number }
  /** The app's own `validateDocument` hook said no, with its message. */
  | { code: 'refused-by-app'; message: string };

/**
 * What the document rules refuse by default: a password (`encrypted`), a broken structure
 * (`damaged`: see `DocumentInfo.damage`), Word macros (`macros`), binary bytes in a `.txt`
 * (`binary`).
 */
export type DocumentProblem = 'encrypted' | 'damaged-no-xref' | 'damaged-truncated' | 'damaged-missing-parts' | 'damaged-unreadable' | 'macros' | 'binary';

/** One file in the uploader, as views read it. Immutable: a change makes a new object. */
export interface UploadFileState {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
  /** For folder drops: the path inside the dropped folder (`reports/2024/q1.pdf`). */
  readonly relativePath: string | undefined;
  readonly status: FileStatus;
  /** While paused, retrying or stalled: the status to go back to. */
  readonly resumeStatus: FileStatus | undefined;
  /** Hashing progress, 0–1. */
  readonly hashProgress: number;
  readonly hash: string | undefined;
  readonly documentId: string | undefined;
  /** Bytes the server has confirmed (TUS offset, PUT progress). */
  readonly bytesSent: number;
  /** Smoothed upload speed in bytes per second (0 when idle). */
  readonly speed: number;
  /** Seconds left for the current stage, when it can be estimated. */
  readonly etaSeconds: number | undefined;
  /** Server-side stage progress, 0–100 (parsing, embedding…). */
  readonly processingProgress: number;
  /** 0–1 across the whole journey: hashing, upload, then processing. */
  readonly progress: number;
  /** The server says no progress for more than 30 minutes. */
  readonly stuck: boolean;
  /** Attempts made so far for the current step (1 on the first try). */
  readonly attempt: number;
  /** When the next retry starts (epoch ms), while `retrying`. */
  readonly retryAt: number | undefined;
  readonly error: UploadError | undefined;
  readonly rejection: RejectionReason | undefined;
  /**
   * What inspection learned before any byte was sent (pages, text layer, encryption…), once the
   * file passed validation; undefined before, for files refused earlier, or with inspection off.
   */
  readonly document: DocumentInfo | undefined;
  /** The existing document this file duplicates (status `duplicate`). */
  readonly duplicateOf: string | undefined;
  readonly addedAt: number;
  readonly completedAt: number | undefined;
}

export interface UploaderTotals {
  readonly files: number;
  readonly completed: number;
  readonly failed: number;
  readonly active: number;
  readonly bytesTotal: number;
  readonly bytesSent: number;
  /** 0–1 over all files that are not failed or cancelled. */
  readonly progress: number;
}

export interface UploaderSnapshot {
  readonly files: readonly UploadFileState[];
  readonly totals: UploaderTotals;
  /** Something is hashing, initializing, uploading or retrying. */
  readonly busy: boolean;
}
