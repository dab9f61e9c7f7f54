import { fileActions, type UploadFileState } from '@v2-uploader/core/store';
import { html, LitElement, nothing, type PropertyDeclarations } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { actionIcon } from '../icons/action-icons.js';
import { fileIcon, fileKind } from '../icons/file-icons.js';
import { resolveLocale, type ResolvedLocale } from '../i18n/registry.js';
import '../progress-bar/define.js';
import { ThumbnailController } from '../thumbnail/thumbnail-controller.js';
import { type V2ItemAction, V2ItemActionEvent } from './item-action-event.js';
import { detailsOf, factsOf, messagesOf, progressOf } from './item-model.js';
import { uploadItemStyles } from './upload-item.styles.js';

/** Shared by every row that is not given a locale; resolving builds Intl formatters. */
const DEFAULT_LOCALE = resolveLocale('en');

/**
 * One file of an upload list: its icon or thumbnail, name, size, status, a progress bar
 * through upload and processing, speed and time left, notices and errors in words that say
 * what to do, and the buttons that make sense for the status. A pure view: the buttons only
 * dispatch `v2-item-action`, and the parent calls the uploader. Live announcements are the
 * parent's job too; the row's text is plain.
 *
 * The row is a `role="group"` named after the file (it works inside an `<li>`). The host
 * reflects the file's status as `data-status`, so pages can style by state.
 *
 * @summary A row of the uploader's file list.
 *
 * @event v2-item-action - A button was pressed; `detail` is `{ action: 'pause' | 'resume' | 'cancel' | 'retry' | 'remove', id }`. Bubbles and is composed.
 *
 * @csspart base - The row, the element with `role="group"`.
 * @csspart icon - The file type icon (PDF, Word, text, other), shown when there is no thumbnail.
 * @csspart thumbnail - The `<img>` preview of an image, or of a PDF's first page.
 * @csspart name - The file name.
 * @csspart size - The file size.
 * @csspart facts - What inspection found: "12 pages · 2,345 words" (PDF and Word pages; Word and text words).
 * @csspart status - The status text.
 * @csspart progress - The `<v2-progress-bar>`; absent once failed or cancelled. Its colours follow the theme and
 *   the status; set `--v2-progress-color` and `--v2-progress-track-color` on this part to choose others.
 * @csspart progress-base - The progress bar's track.
 * @csspart progress-indicator - The progress bar's filled part.
 * @csspart details - The percent, speed and time-left line.
 * @csspart message - Notices and errors (duplicate, stuck, retrying, a scan to recognise (OCR), an unusual text
 *   encoding, failure and what to do).
 * @csspart actions - The button group.
 * @csspart pause-button - Pauses an upload.
 * @csspart resume-button - Resumes a paused upload.
 * @csspart cancel-button - Cancels the file.
 * @csspart retry-button - Tries a failed or cancelled file again.
 * @csspart remove-button - Removes the file from the list.
 *
 * @cssproperty [--v2-item-padding=0.75rem] - Space inside the row.
 * @cssproperty [--v2-item-gap=0.75rem] - Space between the icon, the text and the buttons.
 * @cssproperty [--v2-item-radius=0.5rem] - Corner radius of the row (buttons and icon use three quarters of it).
 * @cssproperty [--v2-item-background=light-dark(#ffffff, #111827)] - Background of the row.
 * @cssproperty [--v2-item-border=1px solid light-dark(#e5e7eb, #374151)] - Border of the row.
 * @cssproperty [--v2-text-color=light-dark(#111827, #f9fafb)] - The name and button icons.
 * @cssproperty [--v2-muted-color=light-dark(#4b5563, #d1d5db)] - Size, status, details and secondary lines.
 * @cssproperty [--v2-error-color=light-dark(#b91c1c, #fca5a5)] - Failures.
 * @cssproperty [--v2-success-color=light-dark(#15803d, #86efac)] - Done and already uploaded.
 * @cssproperty [--v2-warning-color=light-dark(#b45309, #fcd34d)] - Retrying, stalled and stuck.
 * @cssproperty [--v2-focus-ring=2px solid var(--v2-accent, light-dark(#2563eb, #60a5fa))] - Outline of a focused button.
 * @cssproperty [--v2-button-background=light-dark(#f3f4f6, #1f2937)] - Button background.
 * @cssproperty [--v2-button-color=var(--v2-text-color)] - Button icon colour.
 */
export class V2UploadItem extends LitElement {
  static override styles = uploadItemStyles;
  // Declared without decorators: the helpers tsc emits for decorators cost more bytes than the
  // element itself.
  static override properties: PropertyDeclarations = {
    file: { attribute: false },
    locale: { attribute: false },
    blob: { attribute: false },
    thumbnails: { type: Boolean },
    now: { type: Number },
    theme: { reflect: true },
  };

  /** The file to show, from the uploader's snapshot (required; nothing renders without it). */
  declare file: UploadFileState;

  /** Texts and number formats, from `resolveLocale(tag)`. Defaults to English. */
  declare locale: ResolvedLocale;

  /** The file's bytes, for a thumbnail. */
  declare blob: Blob | undefined;

  /** Show a preview of images (and of PDFs' first page where pdfjs-dist can be loaded). */
  declare thumbnails: boolean;

  /** The current time in epoch ms, for the "trying again in …" countdown; the parent ticks it. */
  declare now: number;

  /** `light`, `dark`, or `auto` (follows prefers-color-scheme). */
  declare theme: 'light' | 'dark' | 'auto';

  constructor() {
    super();
    this.locale = DEFAULT_LOCALE;
    this.blob = undefined;
    this.thumbnails = false;
    this.now = Date.now();
    this.theme = 'auto';
  }

  readonly #thumbnail = new ThumbnailController(this, () =>
    this.thumbnails && this.blob && this.file
      ? { blob: this.blob, type: this.blob.type || this.file.type }
      : undefined,
  );
  #hadFocus = false;

  protected override willUpdate(): void {
    if (this.file) this.setAttribute('data-status', this.file.status);
    this.#hadFocus = this.shadowRoot?.activeElement != null;
  }

  protected override updated(): void {
    // A focused button can disappear with its status (pause once the upload is done); keep
    // keyboard focus in the row instead of dropping it to the page. Remove is always there.
    if (this.#hadFocus && this.shadowRoot?.activeElement == null) {
      this.shadowRoot?.querySelector<HTMLButtonElement>('[part~="remove-button"]')?.focus();
    }
  }

  #dispatch(action: V2ItemAction): void {
    this.dispatchEvent(new V2ItemActionEvent({ action, id: this.file.id }));
  }

  // One template for every button: a slot that swaps pause for resume keeps its element,
  // and with it the focus.
  #button(action: V2ItemAction) {
    const { strings } = this.locale;
    const label = strings.actionLabel(strings.actions[action], this.file.name);
    return html`<button
      type="button"
      part=${`${action}-button`}
      class="button"
      aria-label=${label}
      title=${label}
      @click=${() => this.#dispatch(action)}
    >${actionIcon(action)}</button>`;
  }

  #media() {
    const url = this.#thumbnail.url;
    if (url !== undefined) {
      return html`<img part="thumbnail" class="media thumbnail" src=${url} alt="" decoding="async"
        @error=${() => this.#thumbnail.failed()} />`;
    }
    const kind = fileKind(this.file.name, this.file.type);
    return html`<span part="icon" class="media icon" data-kind=${kind} aria-hidden="true">${fileIcon(kind)}</span>`;
  }

  protected override render() {
    const file = this.file;
    if (!file) return nothing;
    const { strings, format, dir } = this.locale;
    const progress = progressOf(file);
    const details = detailsOf(file, this.locale);
    const facts = factsOf(file, this.locale);
    const messages = messagesOf(file, this.locale, this.now);
    const { toggle, stop } = fileActions(file);
    return html`
      <div
        part="base"
        class="base"
        role="group"
        aria-label=${file.name}
        aria-describedby=${ifDefined(messages.length > 0 ? 'message' : undefined)}
        dir=${ifDefined(dir === 'rtl' ? 'rtl' : undefined)}
      >
        ${this.#media()}
        <span part="name" class="name" dir="auto" title=${file.relativePath ?? file.name}>${file.name}</span>
        <span class="meta">
          <span part="size" class="size">${format.size(file.size)}</span>
          <span aria-hidden="true">·</span>
          ${facts.length > 0
            ? html`<span part="facts" class="facts">${facts.map(
                (f, i) => html`${i > 0 ? html` <span aria-hidden="true">·</span> ` : nothing}<span>${f}</span>`,
              )}</span>
                <span aria-hidden="true">·</span>`
            : nothing}
          <span part="status" class="status">${strings.status[file.status]}</span>
        </span>
        ${progress
          ? html`<v2-progress-bar
              part="progress"
              exportparts="base:progress-base,indicator:progress-indicator"
              class="progress"
              .value=${progress.value}
              ?indeterminate=${progress.indeterminate}
              label=${strings.progressLabel(file.name)}
            ></v2-progress-bar>`
          : nothing}
        ${details.length > 0
          ? html`<span part="details" class="details">${details.map(
              (d, i) => html`${i > 0 ? html` <span aria-hidden="true">·</span> ` : nothing}<span>${d}</span>`,
            )}</span>`
          : nothing}
        ${messages.length > 0
          ? html`<div part="message" id="message" class="messages">
              ${messages.map(
                (m) => html`<p class="message message--${m.tone}">
                  <span class="message__text">${m.text}</span>${m.detail
                    ? html`<span class="message__detail" dir="auto">${m.detail}</span>`
                    : nothing}
                </p>`,
              )}
            </div>`
          : nothing}
        <div part="actions" class="actions">
          ${toggle ? this.#button(toggle) : nothing}${stop ? this.#button(stop) : nothing}${this.#button('remove')}
        </div>
      </div>
    `;
  }
}
