// What the uploader refuses once inspection has looked inside a document (issue 20): the rules
// a developer configures, with defaults that refuse what would only fail later, in processing,
// minutes after the upload.
import type { DocumentInfo } from '../inspection/document-info.js';
import type { DocumentProblem, RejectionReason } from '../types.js';

export interface DocumentRules {
  /** Refuse password-protected PDFs and Word files (default true): processing cannot open them. */
  readonly refuseEncrypted: boolean;
  /** Refuse PDFs and Word files with a broken structure (default true). */
  readonly refuseDamaged: boolean;
  /** Refuse macro-enabled Word content (default true). */
  readonly refuseMacros: boolean;
  /** Refuse a `.txt` whose bytes are binary (default true). */
  readonly refuseBinaryText: boolean;
  /** Most pages a document may have (default Infinity). Documents whose count is unknown pass. */
  readonly maxPages: number;
}

export const DEFAULT_DOCUMENT_RULES: DocumentRules = Object.freeze({
  refuseEncrypted: true,
  refuseDamaged: true,
  refuseMacros: true,
  refuseBinaryText: true,
  maxPages: Infinity,
});

/** The reason the rules refuse `document`, or undefined. Scanned (image-only) PDFs pass: a UI warns. */
export function documentRejection(document: DocumentInfo, rules: DocumentRules = DEFAULT_DOCUMENT_RULES): RejectionReason | undefined {
  const refuse = (problem: DocumentProblem): RejectionReason => ({ code: 'document-refused', kind: document.kind, problem });
  if (document.encrypted && rules.refuseEncrypted) return refuse('encrypted');
  if (document.damage !== null && rules.refuseDamaged) return refuse(`damaged-${document.damage}`);
  if (document.macros && rules.refuseMacros) return refuse('macros');
  if (document.binary && rules.refuseBinaryText) return refuse('binary');
  if (document.pageCount !== null && document.pageCount > rules.maxPages) {
    return { code: 'too-many-pages', maxPages: rules.maxPages, pageCount: document.pageCount };
  }
  return undefined;
}

/** What a UI should say beside an accepted document, as stable codes. */
export type DocumentNotice =
  /** Some or all pages are images only: their text will have to be recognised (OCR). */
  | 'needs-ocr'
  /** A `.txt` in none of the encodings inspection knows: characters may come out wrong. */
  | 'unknown-encoding';

/** The notices for an accepted document (warnings, not refusals). */
export function documentNotices(document: DocumentInfo | undefined): DocumentNotice[] {
  if (!document) return [];
  const notices: DocumentNotice[] = [];
  if (document.kind === 'pdf' && (document.textLayer === 'image-only' || document.textLayer === 'mixed')) notices.push('needs-ocr');
  if (document.encoding === 'unknown') notices.push('unknown-encoding');
  return notices;
}
