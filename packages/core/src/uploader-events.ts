import type { RejectionReason, UploadFileState } from './types.js';
import type { UploadError } from './upload-error.js';
import { callSafely } from './util/call-safely.js';

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

/** A tiny typed emitter; a listener that throws does not stop the others (rethrown later). */
export class UploaderEvents {
  readonly #listeners = new Map<UploaderEventType, Set<(detail: never) => void>>();

  on<K extends UploaderEventType>(type: K, listener: UploaderEventListener<K>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    const entry = listener as (detail: never) => void;
    set.add(entry);
    return () => void set.delete(entry);
  }

  emit<K extends UploaderEventType>(type: K, detail: UploaderEventMap[K]): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      callSafely(listener as UploaderEventListener<K>, detail);
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
