import type { DocumentInfo, DocumentNotice, Uploader, UploaderSnapshot } from '@v2-uploader/core';
import { documentNotices } from '@v2-uploader/core/store';
import { useCallback, useMemo } from 'react';
import { useResolvedUploader } from './uploader-context.js';
import { useSubscribable } from './use-subscribable.js';

/** What inspection found in one file, and what a UI should warn about. */
export interface UseDocumentInfoResult {
  /**
   * Pages, words, text layer, password, macros, encoding… (`file.document`); undefined until
   * the file is inspected, for files refused before, with inspection off, or for an unknown id.
   */
  readonly document: DocumentInfo | undefined;
  /**
   * Warnings for an accepted document, as stable codes to phrase in the app's words:
   * `needs-ocr` (scanned pages, their text will be recognised), `unknown-encoding` (a `.txt` in an
   * unusual encoding). Empty for a refused file: its `file.rejection` says why.
   */
  readonly notices: readonly DocumentNotice[];
}

const NONE: readonly DocumentNotice[] = Object.freeze([]);

/**
 * Follows what inspection found in one file (issue 20): re-renders when the file's `document`
 * arrives or its refusal does, not while it makes progress.
 */
export function useDocumentInfo(fileId: string, uploader?: Uploader): UseDocumentInfoResult {
  const store = useResolvedUploader(uploader, 'useDocumentInfo', 'useDocumentInfo(fileId, uploader)');
  const selectDocument = useCallback((snapshot: UploaderSnapshot) => snapshot.files.find((f) => f.id === fileId)?.document, [fileId]);
  const selectRefused = useCallback((snapshot: UploaderSnapshot) => snapshot.files.find((f) => f.id === fileId)?.rejection !== undefined, [fileId]);
  const document = useSubscribable(store, selectDocument);
  const refused = useSubscribable(store, selectRefused);
  return useMemo(() => {
    const notices = refused ? NONE : documentNotices(document);
    return { document, notices: notices.length ? notices : NONE };
  }, [document, refused]);
}
