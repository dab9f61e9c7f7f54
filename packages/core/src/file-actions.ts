// Which buttons a file's status allows, as plain data: the one rule every UI renders from
// (the element's rows, the React stories, the playground).
import { type FileStatus, TERMINAL_STATUSES, type UploadFileState } from './types.js';

/** What a person can ask of one file; the names are the `Uploader` methods that do it. */
export type FileAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove';

/**
 * A file's buttons in two slots that swap in place (pause ↔ resume, cancel ↔ retry), so a
 * focused button can stay focused when pressing it changes the status. Remove always applies.
 */
export interface FileActions {
  toggle: 'pause' | 'resume' | undefined;
  stop: 'cancel' | 'retry' | undefined;
}

/** Statuses where pausing stops or holds real work (the server keeps a TUS offset). */
const PAUSABLE: readonly FileStatus[] = ['queued', 'hashing', 'initializing', 'uploading', 'retrying', 'stalled'];

/** The two swapping slots for a file: pause or resume, cancel or retry. */
export function fileActions(file: Pick<UploadFileState, 'status' | 'rejection'>): FileActions {
  const { status } = file;
  const toggle = PAUSABLE.includes(status) ? 'pause' : status === 'paused' ? 'resume' : undefined;
  // A refused file would be refused again (the reducer ignores retry for it): only remove helps.
  const retryable = (status === 'failed' && !file.rejection) || status === 'cancelled';
  const stop = !TERMINAL_STATUSES.includes(status) ? 'cancel' : retryable ? 'retry' : undefined;
  return { toggle, stop };
}

/** Every action that applies to a file, in the order a row shows them; `remove` is always last. */
export function fileActionList(file: Pick<UploadFileState, 'status' | 'rejection'>): FileAction[] {
  const { toggle, stop } = fileActions(file);
  return [toggle, stop, 'remove'].filter((a): a is FileAction => a !== undefined);
}
