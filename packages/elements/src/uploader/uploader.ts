import type { SupabaseClient } from '@supabase/supabase-js';
import {
  DEFAULT_DOCUMENT_RULES, DEFAULT_OPTIONS, DEFAULT_VALIDATION_OPTIONS, type DocumentRules, judgeDrag, Uploader, type UploaderEventMap, type UploaderOptions,
} from '@v2-uploader/core/store';
import type { Inspector } from '@v2-uploader/core';
import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { repeat } from 'lit/directives/repeat.js';
import {
  V2AllCompleteEvent, V2FileAddedEvent, V2FileRejectedEvent, V2ProcessingCompleteEvent, V2ProcessingProgressEvent,
  V2UploadCompleteEvent, V2UploadErrorEvent, V2UploadProgressEvent, V2UploadStartEvent,
} from '../events/index.js';
import { localeReady, rejectionText, resolveLocale, type ResolvedLocale } from '../i18n/registry.js';
import '../progress-bar/define.js';
import '../upload-item/define.js';
import type { V2ItemActionEvent } from '../upload-item/item-action-event.js';
import { UploaderController } from '../uploader-controller.js';
import { Announcements } from './announcements.js';
import { documentIds, FormController } from './form-controller.js';
import { uploaderStyles } from './uploader.styles.js';

/** Boolean attributes that default to on: absent or any value but "false" means true. */
const defaultTrue = {
  fromAttribute: (value: string | null) => value === null || value.toLowerCase() !== 'false',
  toAttribute: (value: boolean) => (value ? null : 'false'),
};

/**
 * Upload documents to Supabase: drop, paste or pick files; each is checked, hashed,
 * deduplicated, sent resumably to Storage and followed through server processing.
 *
 * @summary A drop-in document uploader for Supabase apps.
 *
 * @slot icon - Replaces the drop zone's icon.
 * @slot hint - Replaces the drop zone's hint text.
 *
 * @event v2-file-added - A file passed validation and joined the list.
 * @event v2-file-rejected - A file was refused before any request; `detail.reason` and a localised `detail.message`.
 * @event v2-upload-start - A file's first bytes are on their way.
 * @event v2-upload-progress - More bytes of a file are stored.
 * @event v2-upload-complete - Every byte of a file is stored, or the server already had it (`detail.duplicate`).
 * @event v2-upload-error - A file failed; `detail.error` is an UploadError.
 * @event v2-processing-progress - The server moved a document on (parsing, embedding…).
 * @event v2-processing-complete - The server finished a document.
 * @event v2-all-complete - Nothing is left to do.
 *
 * @csspart base - The wrapper around everything.
 * @csspart dropzone - The drop zone button (click, Enter or Space opens the file picker).
 * @csspart icon - The drop zone's icon.
 * @csspart label - The drop zone's title.
 * @csspart hint - The drop zone's hint (accepted types and size).
 * @csspart browse - The "browse files" text inside the drop zone.
 * @csspart summary - The "n of m done" line.
 * @csspart list - The list of files.
 * @csspart item - Each file row (a `<v2-upload-item>`).
 *
 * @cssproperty [--v2-accent=#2563eb] - Accent colour (focus, drag-over, progress).
 * @cssproperty [--v2-background=#ffffff] - Background of the drop zone, and of the whole element when `theme` is `light` or `dark`.
 * @cssproperty [--v2-text-color=#111827] - Main text colour.
 * @cssproperty [--v2-muted-color=#4b5563] - Secondary text colour.
 * @cssproperty [--v2-border-color=#9ca3af] - Drop zone border.
 * @cssproperty [--v2-error-color=#b91c1c] - Refusals and errors.
 * @cssproperty [--v2-radius=0.75rem] - Corner radius.
 * @cssproperty [--v2-gap=0.75rem] - Space between parts.
 * @cssproperty [--v2-font=inherit] - Font family.
 */
export class V2UploaderElement extends LitElement {
  static override styles = uploaderStyles;
  static formAssociated = true;
  // Declared without decorators: the helpers tsc emits for decorators cost more bytes than the
  // element itself. (`state: true` with `attribute: false` is what the `@state()` decorator set.)
  static override properties: PropertyDeclarations = {
    supabaseUrl: { attribute: 'supabase-url' },
    anonKey: { attribute: 'anon-key' },
    supabase: { attribute: false },
    anonymousSignIn: { type: Boolean, attribute: 'anonymous-sign-in' },
    accept: {},
    maxFileSize: { type: Number, attribute: 'max-file-size' },
    maxFiles: { type: Number, attribute: 'max-files' },
    multiple: { type: Boolean, reflect: true },
    autoUpload: { attribute: 'auto-upload', converter: defaultTrue },
    chunkSize: { type: Number, attribute: 'chunk-size' },
    maxPages: { type: Number, attribute: 'max-pages' },
    documentRules: { attribute: false },
    validateDocument: { attribute: false },
    inspector: { attribute: false },
    realtime: { converter: defaultTrue },
    locale: { reflect: true },
    disabled: { type: Boolean, reflect: true },
    name: { reflect: true },
    required: { type: Boolean, reflect: true },
    theme: { reflect: true },
    thumbnails: { type: Boolean },
    drag: { state: true, attribute: false },
  };

  /** Project URL, e.g. `https://<ref>.supabase.co` (or give the `supabase` property). */
  declare supabaseUrl: string;
  /** The anon (publishable) key. */
  declare anonKey: string;
  /**
   * The app's Supabase client, signed in (property only). Uploads need a signed-in user: the
   * backend refuses requests without a session ("Sign in to upload").
   */
  declare supabase: SupabaseClient | undefined;
  /**
   * When the client has no session, sign in anonymously (`auth.signInAnonymously()`) once,
   * before the first upload. For projects that allow anonymous sign-ins; set it before the
   * first file is added.
   */
  declare anonymousSignIn: boolean;
  /** Accepted types, as the input attribute: MIME types, `type/*`, `.ext`. */
  declare accept: string;
  /** Largest file in bytes (the server allows 50 MiB). */
  declare maxFileSize: number;
  /** Most files in the list at once. */
  declare maxFiles: number;
  /** Allow several files per pick or drop. */
  declare multiple: boolean;
  /** Start uploading as soon as files are added (`auto-upload="false"` to start by hand). */
  declare autoUpload: boolean;
  /** TUS chunk size in bytes (default: the server's plan, 6 MiB). */
  declare chunkSize: number | undefined;
  /**
   * Most pages a document may have (PDF, and Word files that record their page count); longer
   * ones are refused before any byte is sent. Sets `documentRules.maxPages`.
   */
  declare maxPages: number | undefined;
  /**
   * What inspection refuses (property only): `refuseEncrypted`, `refuseDamaged`, `refuseMacros`,
   * `refuseBinaryText` (all on by default), `maxPages` (the `max-pages` attribute wins).
   */
  declare documentRules: Partial<DocumentRules> | undefined;
  /**
   * The app's own rule (property only), run after inspection for every file that passed
   * validation: return a message to refuse the file (people see it in the row), or nothing.
   */
  declare validateDocument: UploaderOptions['validateDocument'];
  /** Looks inside documents before they are sent (property only; pages, text layer, password…). */
  declare inspector: Inspector | undefined;
  /** Follow server progress over Realtime (`realtime="false"` polls instead). */
  declare realtime: boolean;
  /** BCP 47 language tag for texts and number formats (en, de, ar built in). */
  declare locale: string;
  /** Turns the whole uploader off. */
  declare disabled: boolean;
  /** Name under which completed document ids are submitted with a form. */
  declare name: string;
  /** In a form: at least one completed document is needed. */
  declare required: boolean;
  /** `light`, `dark`, or `auto` (follows prefers-color-scheme). */
  declare theme: 'light' | 'dark' | 'auto';
  /** Show thumbnails of images (and PDFs, where pdfjs-dist is installed). */
  declare thumbnails: boolean;

  // Reactive state must have a string key for Lit, so this is TypeScript-private, not #private.
  declare private drag: 'none' | 'accept' | 'reject';

  private get input(): HTMLInputElement | null {
    return this.renderRoot?.querySelector('input[type=file]') ?? null;
  }

  private get dropzone(): HTMLButtonElement | null {
    return this.renderRoot?.querySelector('[part~=dropzone]') ?? null;
  }

  readonly #store = new UploaderController(this);
  readonly #form = new FormController(this, () => this.value, () => this.dropzone ?? undefined);
  readonly #announce = new Announcements(this, () => this.#locale);
  #ownUploader: Uploader | undefined;
  #unbind: (() => void)[] = [];
  #progressFrame = new Map<string, number>();

  constructor() {
    super();
    this.supabaseUrl = '';
    this.anonKey = '';
    this.supabase = undefined;
    this.anonymousSignIn = false;
    this.accept = DEFAULT_VALIDATION_OPTIONS.accept;
    this.maxFileSize = DEFAULT_VALIDATION_OPTIONS.maxFileSize;
    this.maxFiles = DEFAULT_VALIDATION_OPTIONS.maxFiles;
    this.multiple = false;
    this.autoUpload = DEFAULT_OPTIONS.autoUpload;
    this.chunkSize = undefined;
    this.realtime = DEFAULT_OPTIONS.realtime;
    this.locale = '';
    this.disabled = false;
    this.name = '';
    this.required = false;
    this.theme = 'auto';
    this.thumbnails = false;
    this.drag = 'none';
    this.addEventListener('paste', (e) => this.#onPaste(e));
  }

  /** The core store behind the element; set your own (e.g. with scripted I/O) to share or test it. */
  get uploader(): Uploader | undefined {
    return this.#store.uploader;
  }

  set uploader(uploader: Uploader | undefined) {
    this.#bind(uploader);
  }

  get form(): HTMLFormElement | null {
    return this.#form.internals.form;
  }

  /** Completed document ids (the form value). */
  get value(): string[] {
    return documentIds(this.#store.snapshot);
  }

  get validity(): ValidityState {
    return this.#form.internals.validity;
  }

  checkValidity(): boolean {
    return this.#form.internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.#form.internals.reportValidity();
  }

  /** Open the file picker. */
  browse(): void {
    if (!this.disabled) this.input?.click();
  }

  /** Add files programmatically (File, Blob, FileList, File[] or a DataTransfer). */
  async addFiles(input: Parameters<Uploader['addFiles']>[0]): Promise<void> {
    if (this.disabled) return;
    // Texts in a language whose table is still loading (before the first render) wait for it;
    // a drop's DataTransfer does not, as the browser empties it once the drop event is over.
    const ready = localeReady(this.#requestedLocale());
    if (ready && !(typeof DataTransfer !== 'undefined' && input instanceof DataTransfer)) await ready;
    const uploader = this.#ensureUploader();
    if (!uploader) return;
    const added = await uploader.addFiles(input);
    const accepted = added.filter((f) => !f.rejection).length;
    if (accepted) this.#announce.say(this.#locale.strings.announce.added(accepted));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const frame of this.#progressFrame.values()) cancelAnimationFrame(frame);
    this.#progressFrame.clear();
    this.#tickWhileRetrying(false);
  }

  /** Form reset: the list is cleared (uploads in flight are cancelled). */
  formResetCallback(): void {
    this.uploader?.remove();
    this.#form.sync();
  }

  formDisabledCallback(disabled: boolean): void {
    this.disabled = disabled;
  }

  #requestedLocale(): string | undefined {
    return this.locale || (this.closest('[lang]')?.getAttribute('lang') ?? undefined);
  }

  get #locale(): ResolvedLocale {
    return resolveLocale(this.#requestedLocale());
  }

  /** German and Arabic are loaded on demand: an update in one of them waits for its table. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const ready = localeReady(this.#requestedLocale());
    return ready ? ready.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  /**
   * The element's settings as the store's options: the one place attributes and properties are
   * mapped. `cleared` (the option keys whose value was just removed) resets what the element set
   * before; otherwise an unset value is left out, so a store shared with the app keeps its choice.
   */
  #options(cleared: ReadonlySet<PropertyKey> = new Set()): UploaderOptions {
    const options: UploaderOptions = {
      accept: this.accept,
      maxFileSize: this.maxFileSize,
      maxFiles: this.maxFiles,
      autoUpload: this.autoUpload,
      realtime: this.realtime,
    };
    if (this.chunkSize !== undefined) options.chunkSize = this.chunkSize;
    // Only when on: a store shared with the app keeps the app's choice otherwise.
    if (this.anonymousSignIn) options.anonymousSignIn = true;
    const rules = this.documentRules ?? (cleared.has('documentRules') ? DEFAULT_DOCUMENT_RULES : undefined);
    // A max-pages that is not a whole number of at least 1 ("", "abc") is ignored, not thrown.
    const attribute = Number.isInteger(this.maxPages) && this.maxPages! >= 1 ? this.maxPages : undefined;
    const maxPages = attribute ?? rules?.maxPages ?? (cleared.has('maxPages') ? Infinity : undefined);
    if (rules || maxPages !== undefined) options.documentRules = maxPages === undefined ? { ...rules } : { ...rules, maxPages };
    if (this.validateDocument || cleared.has('validateDocument')) options.validateDocument = this.validateDocument ?? (() => undefined);
    if (this.inspector) options.inspector = this.inspector;
    return options;
  }

  #ensureUploader(): Uploader | undefined {
    if (this.uploader) return this.uploader;
    const base = this.#options();
    let uploader: Uploader;
    if (this.supabase) uploader = new Uploader({ ...base, supabase: this.supabase });
    else if (this.supabaseUrl && this.anonKey) uploader = new Uploader({ ...base, supabaseUrl: this.supabaseUrl, supabaseKey: this.anonKey });
    else {
      this.#announce.shout('Set supabase-url and anon-key, or the supabase property.');
      return undefined;
    }
    this.#ownUploader = uploader;
    this.#bind(uploader);
    return uploader;
  }

  #bind(uploader: Uploader | undefined): void {
    if (uploader === this.#store.uploader) return;
    this.#unbind.forEach((u) => u());
    this.#unbind = [];
    if (this.#ownUploader && this.#ownUploader !== uploader) {
      this.#ownUploader.destroy();
      this.#ownUploader = undefined;
    }
    this.#store.uploader = uploader;
    if (!uploader) return;
    // The element's attributes configure whichever store it shows.
    uploader.setOptions(this.#options());
    // Announcements first, then the page's events, then the form value: the order they had
    // when one listener per store event did all three.
    const on = uploader.on.bind(uploader);
    this.#unbind = [
      ...this.#announce.follow(uploader),
      on('file-added', (d) => this.dispatchEvent(new V2FileAddedEvent(d))),
      on('file-rejected', ({ file, reason }) => {
        const message = rejectionText(this.#locale, reason, file.name);
        this.dispatchEvent(new V2FileRejectedEvent({ file, reason, message }));
      }),
      on('upload-start', (d) => this.dispatchEvent(new V2UploadStartEvent(d))),
      on('upload-progress', (d) => this.#progress(d)),
      on('upload-complete', (d) => this.dispatchEvent(new V2UploadCompleteEvent(d))),
      on('upload-error', (d) => this.dispatchEvent(new V2UploadErrorEvent(d))),
      on('processing-progress', (d) => this.dispatchEvent(new V2ProcessingProgressEvent(d))),
      on('processing-complete', (d) => this.dispatchEvent(new V2ProcessingCompleteEvent(d))),
      on('all-complete', (d) => this.dispatchEvent(new V2AllCompleteEvent(d))),
      ...this.#form.follow(uploader),
    ];
  }

  /** One progress event per file per frame. */
  #progress(detail: UploaderEventMap['upload-progress']): void {
    const { file, bytesTotal } = detail;
    if (this.#progressFrame.has(file.id)) return;
    this.#progressFrame.set(file.id, requestAnimationFrame(() => {
      this.#progressFrame.delete(file.id);
      const latest = this.uploader?.getSnapshot().files.find((f) => f.id === file.id);
      if (!latest) return;
      this.dispatchEvent(new V2UploadProgressEvent({ file: latest, bytesSent: latest.bytesSent, bytesTotal, speed: latest.speed, etaSeconds: latest.etaSeconds }));
    }));
  }

  protected override updated(changed: PropertyValues<this>): void {
    const optionKeys = [
      'accept', 'maxFileSize', 'maxFiles', 'multiple', 'autoUpload', 'chunkSize', 'realtime', 'maxPages', 'documentRules',
      'validateDocument', 'inspector',
    ] as const;
    if (!this.uploader || !optionKeys.some((k) => changed.has(k))) return;
    const cleared = new Set<PropertyKey>(optionKeys.filter((k) => changed.has(k) && changed.get(k) != null && this[k] == null));
    if (cleared.has('documentRules')) cleared.add('maxPages');
    this.uploader.setOptions(this.#options(cleared));
  }

  #onDragOver(event: DragEvent): void {
    event.preventDefault();
    if (this.disabled || !event.dataTransfer) {
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
      return;
    }
    this.drag = judgeDrag(event.dataTransfer, this);
    event.dataTransfer.dropEffect = this.drag === 'accept' ? 'copy' : 'none';
  }

  #onDragLeave(event: DragEvent): void {
    if (event.relatedTarget instanceof Node && this.renderRoot.contains(event.relatedTarget)) return;
    this.drag = 'none';
  }

  #onDrop(event: DragEvent): void {
    event.preventDefault();
    this.drag = 'none';
    if (this.disabled || !event.dataTransfer) return;
    void this.addFiles(event.dataTransfer);
  }

  #onPaste(event: ClipboardEvent): void {
    const files = event.clipboardData?.files;
    if (this.disabled || !files || files.length === 0) return;
    event.preventDefault();
    void this.addFiles([...files]);
  }

  #onPick(): void {
    const input = this.input;
    if (!input?.files || input.files.length === 0) return;
    void this.addFiles([...input.files]);
    input.value = '';
  }

  #onItemAction(event: V2ItemActionEvent): void {
    const { action, id } = event.detail;
    const uploader = this.uploader;
    if (!uploader) return;
    uploader[action](id);
  }

  #ticker: ReturnType<typeof setInterval> | undefined;
  /** Re-render once a second while a file waits to retry, so its countdown moves. */
  #tickWhileRetrying(on: boolean): void {
    if (on && !this.#ticker) this.#ticker = setInterval(() => this.requestUpdate(), 1000);
    if (!on && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  #hint(): string {
    const types = [...new Set(this.accept.split(',').map((a) => a.trim()).filter((a) => a.startsWith('.')).map((a) => a.slice(1).toUpperCase()))].join(', ');
    return this.#locale.strings.dropzoneHint(types || this.accept, this.#locale.format.size(this.maxFileSize));
  }

  protected override render() {
    const locale = this.#locale;
    const { strings } = locale;
    const snapshot = this.#store.snapshot;
    const files = snapshot?.files ?? [];
    const theme = this.theme;
    const now = Date.now();
    this.#tickWhileRetrying(files.some((f) => f.status === 'retrying'));
    return html`
      <div part="base" class="base" dir=${locale.dir} lang=${locale.tag} @v2-item-action=${this.#onItemAction}>
        <button
          part="dropzone"
          type="button"
          class=${classMap({ dropzone: true, accept: this.drag === 'accept', reject: this.drag === 'reject' })}
          ?disabled=${this.disabled}
          aria-describedby="hint"
          @click=${() => this.browse()}
          @dragenter=${this.#onDragOver}
          @dragover=${this.#onDragOver}
          @dragleave=${this.#onDragLeave}
          @drop=${this.#onDrop}
        >
          <span part="icon" class="icon" aria-hidden="true"><slot name="icon">${uploadIcon}</slot></span>
          <span part="label" class="label">${this.drag === 'accept' ? strings.dragAccept : this.drag === 'reject' ? strings.dragReject : strings.dropzoneLabel}</span>
          <span part="hint" class="hint" id="hint"><slot name="hint">${this.disabled ? strings.disabled : this.#hint()}</slot></span>
          <span part="browse" class="browse">${strings.browse}</span>
        </button>
        <input type="file" tabindex="-1" aria-hidden="true" hidden accept=${this.accept} ?multiple=${this.multiple} @change=${this.#onPick} />
        ${files.length
          ? html`
              <p part="summary" class="summary">${strings.summary(snapshot!.totals.completed, files.length, locale.format.percent(snapshot!.totals.progress))}</p>
              <ul part="list" class="list" role="list" aria-label=${strings.filesLabel}>
                ${repeat(files, (f) => f.id, (f) => html`<li>
                  <v2-upload-item
                    part="item"
                    .file=${f}
                    .locale=${locale}
                    .blob=${this.uploader?.getFile(f.id)}
                    .thumbnails=${this.thumbnails}
                    .now=${now}
                    theme=${theme}
                  ></v2-upload-item>
                </li>`)}
              </ul>`
          : nothing}
        ${this.#announce.render()}
      </div>
    `;
  }
}

const uploadIcon = html`<svg viewBox="0 0 24 24" width="32" height="32" fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round"><path d="M12 16V4m0 0-4 4m4-4 4 4"/><path d="M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"/></svg>`;

