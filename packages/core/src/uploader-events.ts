import type { Action } from './reducer.js';
import type { RejectionReason, UploaderSnapshot, UploadFileState } from './types.js';
import { TERMINAL_STATUSES } from './types.js';
import type { UploadError } from './upload-error.js';
import { Listeners } from './util/listeners.js';

/** Typed events beside the snapshot, for code that reacts to moments rather than state. */
export interface UploaderEventMap {
  'file-added': { file: UploadFileState };
  'file-rejected': { file: UploadFileState; reason: RejectionReason; error: UploadError };
  'upload-start': { file: UploadFileState; documentId: string };
  'upload-progress': { file: UploadFileState; bytesSent: number; bytesTotal: number; speed: number; etaSeconds: number | undefined };
  /** Every byte is in Storage (or the server already had the content: `duplicate`). */
  'upload-complete': { file: UploadFileState; documentId: string; duplicate: boolean };
  'upload-error': { file: UploadFileState; error: UploadError };
  'processing-progress': { file: UploadFileState; status: UploadFileState['status']; progress: number };
  'processing-complete': { file: UploadFileState; documentId: string };
  /** Nothing is left to do: every file is completed, a duplicate, failed or cancelled. */
  'all-complete': { files: readonly UploadFileState[] };
}

export type UploaderEventType = keyof UploaderEventMap;
export type UploaderEventListener<K extends UploaderEventType> = (detail: UploaderEventMap[K]) => void;
/** One event with its detail, as {@link eventsFor} derives it. */
export type UploaderEvent = { [K in UploaderEventType]: { type: K; detail: UploaderEventMap[K] } }[UploaderEventType];

/**
 * The events an action means, from the state before and after the reducer applied it: the one
 * place a moment of a file becomes an event. An action that changed nothing means nothing.
 * `all-complete` is not here: it depends on whether the uploader worked since the last one (see
 * {@link allCompleteEvent}).
 */
export function eventsFor(action: Action, before: UploaderSnapshot, after: UploaderSnapshot): UploaderEvent[] {
  if (after === before || action.type === 'added') return [];
  const file = after.files.find((f) => f.id === action.id);
  if (!file) return [];
  switch (action.type) {
    case 'validated':
      return [{ type: 'file-added', detail: { file } }];
    case 'rejected':
      return [{ type: 'file-rejected', detail: { file, reason: action.rejection, error: action.error } }];
    case 'initialized':
      // A document found already stored (our own upload, its last answer lost) starts no upload.
      return action.stored ? [] : [{ type: 'upload-start', detail: { file, documentId: action.documentId } }];
    case 'upload-progress':
      return [{ type: 'upload-progress', detail: { file, bytesSent: file.bytesSent, bytesTotal: file.size, speed: action.speed, etaSeconds: action.etaSeconds } }];
    case 'duplicate':
      return [{ type: 'upload-complete', detail: { file, documentId: action.documentId, duplicate: true } }];
    case 'uploaded':
      // The document is the one `initialized` gave the file.
      return file.documentId === undefined ? [] : [{ type: 'upload-complete', detail: { file, documentId: file.documentId, duplicate: false } }];
    case 'failed':
      return [{ type: 'upload-error', detail: { file, error: action.error } }];
    case 'server-progress':
      return [{ type: 'processing-progress', detail: { file, status: file.status, progress: file.processingProgress } }];
    case 'completed':
      return file.documentId === undefined ? [] : [{ type: 'processing-complete', detail: { file, documentId: file.documentId } }];
    default:
      return [];
  }
}

/** Actions that can leave a file settled (completed, duplicate, failed or cancelled). */
const SETTLING: ReadonlySet<Action['type']> = new Set(['completed', 'failed', 'duplicate', 'cancelled', 'rejected']);

/**
 * `all-complete` when `action` settled a file and every file of `state` is settled now; the
 * Uploader sends it only when it worked on a file since the last one.
 */
export function allCompleteEvent(action: Action, state: UploaderSnapshot): UploaderEvent | undefined {
  if (!SETTLING.has(action.type)) return undefined;
  const { files } = state;
  if (files.length === 0 || !files.every((f) => TERMINAL_STATUSES.includes(f.status))) return undefined;
  return { type: 'all-complete', detail: { files } };
}

/** Typed events, one listener registry per type; a listener that throws does not stop the others (rethrown later). */
export class UploaderEvents {
  readonly #listeners = new Map<UploaderEventType, Listeners<(detail: never) => void>>();

  on<K extends UploaderEventType>(type: K, listener: UploaderEventListener<K>): () => void {
    let registry = this.#listeners.get(type);
    if (!registry) this.#listeners.set(type, (registry = new Listeners()));
    const remove = registry.add(listener as (detail: never) => void);
    return () => void remove();
  }

  emit<K extends UploaderEventType>(type: K, detail: UploaderEventMap[K]): void {
    this.#listeners.get(type)?.emit(detail as never);
  }

  /** Emit an event as {@link eventsFor} gives it. */
  send(event: UploaderEvent): void {
    this.emit(event.type, event.detail);
  }

  clear(): void {
    this.#listeners.clear();
  }
}
