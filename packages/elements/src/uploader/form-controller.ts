import type { Uploader, UploaderSnapshot } from '@v2-uploader/core/store';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the form controller reads from its element. */
export interface FormHost extends ReactiveControllerHost {
  /** The field name the document ids are submitted under; none, nothing is submitted. */
  readonly name: string;
  /** At least one completed document is needed. */
  readonly required: boolean;
}

/** Completed (or already uploaded) documents' ids, in list order. */
export function documentIds(snapshot: UploaderSnapshot | undefined): string[] {
  return (snapshot?.files ?? []).filter((f) => (f.status === 'completed' || f.status === 'duplicate') && f.documentId).map((f) => f.documentId!);
}

/**
 * The element as a form control (form-associated custom element): its value is the completed
 * documents' ids under `name`; with `required` it is invalid until there is one. It follows
 * the store it is given (`follow`) and the host's `name` and `required` after each update.
 */
export class FormController implements ReactiveController {
  readonly #host: FormHost;
  readonly #internals: ElementInternals;
  readonly #ids: () => string[];
  readonly #anchor: () => HTMLElement | undefined;
  #synced: [name: string, required: boolean] | undefined;

  /** `ids`: the current value; `anchor`: where the browser points at a missing value. */
  constructor(host: FormHost & HTMLElement, ids: () => string[], anchor: () => HTMLElement | undefined) {
    this.#host = host;
    this.#internals = host.attachInternals();
    this.#ids = ids;
    this.#anchor = anchor;
    host.addController(this);
  }

  get internals(): ElementInternals {
    return this.#internals;
  }

  hostUpdated(): void {
    const [name, required] = this.#synced ?? [];
    if (name !== this.#host.name || required !== this.#host.required) this.sync();
  }

  /** Keeps the value in step with `uploader`'s list; returns the unsubscribers. */
  follow(uploader: Uploader): (() => void)[] {
    const sync = () => this.sync();
    const on = uploader.on.bind(uploader);
    sync();
    return [on('upload-complete', sync), on('processing-complete', sync), on('all-complete', sync), uploader.subscribe(sync)];
  }

  sync(): void {
    const { name, required } = this.#host;
    this.#synced = [name, required];
    const ids = this.#ids();
    let data: FormData | null = null;
    if (name && ids.length) {
      data = new FormData();
      for (const id of ids) data.append(name, id);
    }
    this.#internals.setFormValue(data);
    if (required && ids.length === 0) {
      this.#internals.setValidity({ valueMissing: true }, 'Upload at least one document.', this.#anchor());
    } else {
      this.#internals.setValidity({});
    }
  }
}
