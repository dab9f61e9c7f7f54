// What inspection learns about a document before any byte is sent (issue 20): the facts a
// person would want to know ("12 pages", "scanned: needs OCR", "password-protected") and that
// processing can use (page count, whether there is text). One shape for the three formats;
// a fact a format does not have is null.

/** The formats the uploader accepts, as inspection names them. */
export type DocumentKind = 'pdf' | 'docx' | 'txt';

/** Why a document's structure is broken (the file is refused by default). */
export type DocumentDamage =
  /** PDF: no `startxref`/trailer/cross-reference the reader could follow. */
  | 'no-xref'
  /** The file ends early: a PDF without its `%%EOF`, a ZIP cut before its directory. */
  | 'truncated'
  /** DOCX: a ZIP without the parts Word needs (`[Content_Types].xml`, `word/document.xml`). */
  | 'missing-parts'
  /** The bytes could not be read as the format at all. */
  | 'unreadable';

/** TXT encodings inspection tells apart. `unknown`: none of these (flagged, not refused). */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le-bom' | 'utf-16be-bom' | 'unknown';

/** Whether a PDF's pages carry text, or only images (a scan: its text must be recognised, OCR). */
export type TextLayer = 'text' | 'image-only' | 'mixed' | 'none';

export interface DocumentInfo {
  readonly kind: DocumentKind;
  /** PDF: pages in the page tree; DOCX: `<Pages>` of docProps/app.xml when Word wrote it; TXT: null. */
  readonly pageCount: number | null;
  /** DOCX: `<Words>` of docProps/app.xml when present; TXT: words counted; PDF: null. */
  readonly wordCount: number | null;
  /** TXT: lines; else null. */
  readonly lineCount: number | null;
  /** Password-protected: PDF with an `/Encrypt` dictionary; DOCX stored as an encrypted OLE (CFB) container. */
  readonly encrypted: boolean;
  /** PDF: its pages' text layer; DOCX and TXT: 'text' (or 'none' when empty). */
  readonly textLayer: TextLayer;
  /** DOCX: macro-enabled content (a `vbaProject.bin` part or a macro-enabled content type). */
  readonly macros: boolean;
  /** TXT: the encoding; else null. */
  readonly encoding: TextEncoding | null;
  /** TXT: binary content (NUL bytes, many control characters) in a `.txt`. */
  readonly binary: boolean;
  /** Broken structure, or null when the file reads well. */
  readonly damage: DocumentDamage | null;
  /** PDF: the header's version (`1.7`, `2.0`), else null. */
  readonly pdfVersion: string | null;
  /** PDF: linearized ("fast web view"). */
  readonly linearized: boolean | null;
  /** PDF: how many incremental updates were appended after the original file (0: none). */
  readonly incrementalUpdates: number | null;
}

/** The facts sent to upload-handler with the start request, stored with the document for processing. */
export interface InspectionFacts {
  readonly kind: DocumentKind;
  readonly pageCount: number | null;
  readonly wordCount: number | null;
  readonly textLayer: TextLayer;
  readonly encrypted: boolean;
}

export const inspectionFacts = ({ kind, pageCount, wordCount, textLayer, encrypted }: DocumentInfo): InspectionFacts =>
  ({ kind, pageCount, wordCount, textLayer, encrypted });
