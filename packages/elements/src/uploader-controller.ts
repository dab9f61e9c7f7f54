import type { Uploader, UploaderSnapshot } from '@v2-uploader/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * The only bridge from the core store to a Lit component: subscribes while the host is
 * connected and asks it to re-render when the snapshot changes. No upload logic lives here.
 */
export class UploaderController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #uploader: Uploader | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost, uploader?: Uploader) {
    this.#host = host;
    this.#uploader = uploader;
    host.addController(this);
  }

  get uploader(): Uploader | undefined {
    return this.#uploader;
  }

  /** Follow another store (or none); the host re-renders with its snapshot. */
  set uploader(next: Uploader | undefined) {
    if (next === this.#uploader) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#uploader = next;
    if (this.#connected) this.#subscribe();
    this.#host.requestUpdate();
  }

  /** The current snapshot, or undefined before there is a store. */
  get snapshot(): UploaderSnapshot | undefined {
    return this.#uploader?.getSnapshot();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #subscribe(): void {
    if (!this.#uploader || this.#unsubscribe) return;
    this.#unsubscribe = this.#uploader.subscribe(() => this.#host.requestUpdate());
  }
}
