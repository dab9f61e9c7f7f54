import type { Uploader, UploaderSnapshot, UploadFileState } from '@v2-uploader/core';
import { useCallback, useMemo } from 'react';
import { useResolvedUploader } from './uploader-context.js';
import { useSubscribable } from './use-subscribable.js';

/** One file of the uploader and what can be done with it. */
export interface UseUploadResult {
  /** The file's state; undefined once it is removed (or for an unknown id). */
  readonly file: UploadFileState | undefined;
  pause(): void;
  resume(): void;
  cancel(): void;
  retry(): void;
  remove(): void;
}

/**
 * Follows one file: re-renders only when that file changes (the store replaces a file's object
 * only when something about it changed), not when other files make progress.
 */
export function useUpload(fileId: string, uploader?: Uploader): UseUploadResult {
  const store = useResolvedUploader(uploader, 'useUpload', 'useUpload(fileId, uploader)');
  const select = useCallback((snapshot: UploaderSnapshot) => snapshot.files.find((f) => f.id === fileId), [fileId]);
  const file = useSubscribable(store, select);
  // Bound to this file: without an id the store's methods act on every file.
  const actions = useMemo(
    () => ({
      pause: () => store.pause(fileId),
      resume: () => store.resume(fileId),
      cancel: () => store.cancel(fileId),
      retry: () => store.retry(fileId),
      remove: () => store.remove(fileId),
    }),
    [store, fileId],
  );
  return useMemo(() => ({ file, ...actions }), [file, actions]);
}
