// The inspection engine: what a document is, before any byte is sent (issue 20). Pure: no DOM
// beyond Blob, TextDecoder and DecompressionStream, so it runs in the hash worker (loaded there
// with import()) and on the page (MainThreadInspector). It reads only the slices a format
// needs; see each format's module.
import type { DocumentInfo, DocumentKind } from './document-info.js';
import { inspectDocx } from './docx.js';
import { inspectPdf } from './pdf.js';
import { Source, type InspectOptions } from './source.js';
import { inspectText } from './txt.js';

export type { InspectOptions } from './source.js';

/**
 * Inspects `blob` as a document of `kind`. Rejects with an 'aborted' UploadError when
 * `options.signal` fires; otherwise resolves, a broken file included (its `damage` says how).
 */
export async function inspectDocument(blob: Blob, kind: DocumentKind, options: InspectOptions): Promise<DocumentInfo> {
  const source = new Source(blob, options);
  source.check();
  switch (kind) {
    case 'pdf':
      return inspectPdf(source);
    case 'docx':
      return inspectDocx(source);
    case 'txt':
      return inspectText(source);
  }
}
