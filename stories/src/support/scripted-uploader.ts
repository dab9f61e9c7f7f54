// An Uploader whose snapshot a story sets: the element renders from the store exactly as in an
// app (same controller, same rows, same summary), but nothing is sent anywhere. The row
// buttons still work, through core's reducer (pause → paused, retry → queued…), and files
// dropped or picked are validated for real and join the list as queued or refused.
import {
  filesFromDataTransfer, filesFromInput, type FilesInput, Uploader, type UploaderOptions, type UploaderSnapshot,
  type UploadFileState, validateFiles,
} from '@v2-uploader/core';
import { type Action, newFileState, reduce, rejectionError } from '@v2-uploader/core/testing';
import { snapshotOf } from './file-states.js';

export class ScriptedUploader extends Uploader {
  #snapshot: UploaderSnapshot;
  #added = 0;

  constructor(files: readonly UploadFileState[] = [], options: UploaderOptions = {}) {
    // No Supabase client and no autoUpload: this store never makes a request.
    super({ ...options, autoUpload: false, notify: 'sync' });
    this.#snapshot = snapshotOf(files);
  }

  override getSnapshot(): UploaderSnapshot {
    return this.#snapshot;
  }

  /** Replace the whole list (the element re-renders). */
  setFiles(files: readonly UploadFileState[]): void {
    this.#snapshot = snapshotOf(files);
    this.notify((listener) => listener());
  }

  /** Apply one action through core's reducer, as the real store does. */
  dispatch(action: Action): void {
    const next = reduce(this.#snapshot, action);
    if (next === this.#snapshot) return;
    this.#snapshot = next;
    this.notify((listener) => listener());
  }

  override async addFiles(input: FilesInput): Promise<readonly UploadFileState[]> {
    const picked = typeof DataTransfer !== 'undefined' && input instanceof DataTransfer
      ? await filesFromDataTransfer(input)
      : filesFromInput(input as File | Blob | FileList | File[]);
    const live = this.#snapshot.files.filter((f) => f.status !== 'failed' && f.status !== 'cancelled');
    const reasons = await validateFiles(picked.map((p) => p.file), this.options, {
      existingCount: live.length,
      existingTotalSize: live.reduce((n, f) => n + f.size, 0),
    });
    const states = picked.map(({ file, relativePath }) =>
      newFileState({ id: `picked-${++this.#added}`, name: file.name, size: file.size, type: file.type, relativePath, addedAt: Date.now() }));
    this.dispatch({ type: 'added', files: states });
    states.forEach((s, i) => {
      const reason = reasons[i];
      this.dispatch({ type: 'validating', id: s.id });
      this.dispatch(reason ? { type: 'rejected', id: s.id, rejection: reason, error: rejectionError(reason, s.id, s.name) } : { type: 'validated', id: s.id });
    });
    return states.map((s) => this.#snapshot.files.find((f) => f.id === s.id)!);
  }

  override start(): void {}

  override pause(id?: string): void {
    for (const f of this.#select(id)) this.dispatch({ type: 'paused', id: f.id });
  }

  override resume(id?: string): void {
    for (const f of this.#select(id)) this.dispatch({ type: 'resumed', id: f.id });
  }

  override cancel(id?: string): void {
    for (const f of this.#select(id)) this.dispatch({ type: 'cancelled', id: f.id });
  }

  override retry(id?: string): void {
    for (const f of this.#select(id)) this.dispatch({ type: 'reset', id: f.id });
  }

  override remove(id?: string): void {
    for (const f of this.#select(id)) this.dispatch({ type: 'removed', id: f.id });
  }

  #select(id: string | undefined): readonly UploadFileState[] {
    return id === undefined ? this.#snapshot.files : this.#snapshot.files.filter((f) => f.id === id);
  }
}
