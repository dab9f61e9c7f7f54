import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { pdfThumbnail } from './pdf-thumbnail.js';

/** What to preview: the file's bytes and its MIME type (the Blob's own, or the file's). */
export interface ThumbnailSource {
  blob: Blob;
  type: string;
}

/**
 * Owns the object URL behind a row's thumbnail: made when a source appears, revoked when
 * it changes, when thumbnails are turned off and when the host leaves the document (a
 * list that reorders rows reconnects them, and the URL is then made again).
 */
export class ThumbnailController implements ReactiveController {
  /** The URL to show, or undefined for the type icon. */
  url: string | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #read: () => ThumbnailSource | undefined;
  #blob: Blob | undefined;
  // Bumped on every change, so a PDF rendering that finishes late is dropped.
  #call = 0;

  constructor(host: ReactiveControllerHost, read: () => ThumbnailSource | undefined) {
    this.#host = host;
    this.#read = read;
    host.addController(this);
  }

  hostConnected(): void {
    // After a disconnect nothing else changed, so ask for the update that rebuilds the URL.
    if (this.#blob === undefined) this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#clear();
  }

  hostUpdate(): void {
    const source = this.#read();
    if (source?.blob === this.#blob) return;
    this.#clear();
    if (source) this.#show(source);
  }

  /** The image could not be decoded: fall back to the icon until the source changes. */
  failed(): void {
    this.#revoke();
    this.#host.requestUpdate();
  }

  #show({ blob, type }: ThumbnailSource): void {
    this.#blob = blob;
    if (type.startsWith('image/')) {
      this.url = URL.createObjectURL(blob);
      return;
    }
    if (type !== 'application/pdf') return;
    const call = this.#call;
    void pdfThumbnail(blob).then((png) => {
      if (!png || call !== this.#call) return;
      this.url = URL.createObjectURL(png);
      this.#host.requestUpdate();
    });
  }

  #revoke(): void {
    if (this.url !== undefined) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  #clear(): void {
    this.#revoke();
    this.#blob = undefined;
    this.#call += 1;
  }
}
