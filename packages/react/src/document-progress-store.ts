import type { ProgressEvent } from '@v2-uploader/core';
import { Subscribable, UploadError } from '@v2-uploader/core/store';

/** A document's server-side progress, as `useUploadProgress` returns it. */
export interface UploadProgressState {
  /** Where the document is (`pending` … `completed`, `failed`, `cancelled`); undefined until the first answer. */
  readonly status: ProgressEvent['status'] | undefined;
  /** Progress of the current stage, 0–100 (bytes while uploading, then the processing stage's). */
  readonly progress: number;
  /** Seconds left for the current stage, when the server can tell. */
  readonly etaSeconds: number | undefined;
  /** The server saw no progress for more than 30 minutes. */
  readonly stuck: boolean;
  /** Why the document failed, or why its progress could not be read (code and message). */
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

export const UNKNOWN_PROGRESS: UploadProgressState = Object.freeze({
  status: undefined, progress: 0, etaSeconds: undefined, stuck: false, error: undefined,
});

/** Starts following; returns the stop. */
export type FollowDocument = (listener: (event: ProgressEvent) => void, onError: (error: unknown) => void) => () => void;

/**
 * One document's progress as a store for useSyncExternalStore (TanStack's shape): it follows
 * the feed from the first subscriber on and stops after the last one leaves.
 */
export class DocumentProgressStore extends Subscribable {
  #state: UploadProgressState = UNKNOWN_PROGRESS;
  #stop: (() => void) | undefined;
  readonly #follow: FollowDocument;

  constructor(follow: FollowDocument) {
    super();
    this.#follow = follow;
    this.getSnapshot = this.getSnapshot.bind(this);
  }

  getSnapshot(): UploadProgressState {
    return this.#state;
  }

  protected override onSubscribe(): void {
    this.#stop ??= this.#follow(
      (event) => this.#set({ status: event.status, progress: event.progress, etaSeconds: event.etaSeconds, stuck: event.stuck, error: event.error }),
      (error) => this.#set({ ...this.#state, error: describe(error) }),
    );
  }

  protected override onUnsubscribe(): void {
    // A microtask later: StrictMode unsubscribes and subscribes again at once, and stopping in
    // between would abort the first catch-up request and ask again.
    queueMicrotask(() => {
      if (this.hasListeners()) return;
      this.#stop?.();
      this.#stop = undefined;
    });
  }

  #set(state: UploadProgressState): void {
    this.#state = Object.freeze(state);
    this.notify((listener) => listener());
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof UploadError) return { code: error.code, message: error.message };
  return { code: 'network', message: error instanceof Error ? error.message : String(error) };
}
