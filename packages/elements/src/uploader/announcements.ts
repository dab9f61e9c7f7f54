import type { Uploader } from '@v2-uploader/core/store';
import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { rejectionText, type ResolvedLocale } from '../i18n/registry.js';

/**
 * The uploader's two live regions: polite news (added, uploading, half way, done) and
 * assertive refusals and failures, in the element's language. `follow` announces what a
 * store does; `say` and `shout` anything else. A repeated text is heard again.
 */
export class Announcements {
  readonly #host: ReactiveControllerHost;
  readonly #locale: () => ResolvedLocale;
  #polite = '';
  #assertive = '';
  readonly #halfway = new Set<string>();

  constructor(host: ReactiveControllerHost, locale: () => ResolvedLocale) {
    this.#host = host;
    this.#locale = locale;
  }

  /** Announces `uploader`'s news; returns the unsubscribers. */
  follow(uploader: Uploader): (() => void)[] {
    const s = () => this.#locale().strings;
    const on = uploader.on.bind(uploader);
    return [
      on('file-rejected', ({ file, reason }) => this.shout(rejectionText(this.#locale(), reason, file.name))),
      on('upload-start', ({ file }) => this.say(s().announce.started(file.name))),
      on('upload-progress', ({ file, bytesSent, bytesTotal }) => {
        if (bytesTotal <= 0 || bytesSent / bytesTotal < 0.5 || this.#halfway.has(file.id)) return;
        this.#halfway.add(file.id);
        this.say(s().announce.halfway(file.name));
      }),
      on('upload-complete', ({ file, duplicate }) => this.say(duplicate ? s().announce.duplicate(file.name) : s().announce.uploaded(file.name))),
      // Refused files never get here (they fail at once with file-rejected, announced there,
      // and a retry leaves them refused), so the hint is always the upload error's.
      on('upload-error', ({ file, error }) => this.shout(s().announce.failed(file.name, s().errorHint(error.code, error.status)))),
      on('processing-complete', ({ file }) => this.say(s().announce.completed(file.name))),
      on('all-complete', ({ files }) => this.say(s().announce.allComplete(files.length))),
    ];
  }

  /** Polite: read out when the reader is idle. */
  say(text: string): void {
    this.#polite = renew(this.#polite, text);
    this.#host.requestUpdate();
  }

  /** Assertive: read out at once. */
  shout(text: string): void {
    this.#assertive = renew(this.#assertive, text);
    this.#host.requestUpdate();
  }

  render(): TemplateResult {
    return html`
      <div class="visually-hidden" role="status" aria-live="polite">${this.#polite}</div>
      <div class="visually-hidden" role="alert" aria-live="assertive">${this.#assertive}</div>`;
  }
}

/** Re-setting the same text is not announced again; a zero-width space makes it new. */
const renew = (current: string, text: string) => (current === text ? `${text}\u200b` : text);
