// Recognises PDF, Word (.docx) and plain-text files by their content, so a file renamed to
// look like a document (setup.exe → setup.pdf) is refused before it is uploaded. Only small
// slices are read: the first 64 KiB at most, and for ZIPs the end of the file.
import { asciiBytes, indexOfBytes, readBytes, startsWithBytes } from './bytes.js';
import { readZipEntryNames } from './zip.js';

import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE, type DocumentType } from './document-types.js';

export { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from './document-types.js';
export type { DocumentType } from './document-types.js';

/**
 * Readers (Acrobat among them) accept the `%PDF-` header anywhere in the first 1024 bytes, and
 * real files carry junk before it (mail headers, a BOM), so we look as far as they do.
 */
export const PDF_HEADER_WINDOW = 1024;
/**
 * How much of a supposed text file is checked. Binary formats show themselves in the first
 * few KiB (NUL bytes, invalid UTF-8); 64 KiB keeps the check cheap for a 50 MiB file.
 */
export const TEXT_SAMPLE_SIZE = 64 * 1024;
/**
 * At most one control character in 50 may appear in text. Real text has a stray escape or
 * vertical tab (Word's line break) now and then; binary data that happens to be valid UTF-8
 * has far more.
 */
export const MAX_CONTROL_RATIO = 1 / 50;

const PDF_SIGNATURE = asciiBytes('%PDF-');
/** A local file header: every ZIP that holds a file starts with one. */
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
/**
 * The parts every Word document has: the OPC content-type map and the main document part.
 * Excel, PowerPoint, EPUB and plain ZIPs lack the second one.
 */
const DOCX_REQUIRED_PARTS = ['[content_types].xml', 'word/document.xml'];

/** Whether `%PDF-` occurs within the first {@link PDF_HEADER_WINDOW} bytes of `head`. */
export function hasPdfHeader(head: Uint8Array): boolean {
  return indexOfBytes(head.subarray(0, PDF_HEADER_WINDOW), PDF_SIGNATURE) !== -1;
}

/** Whether `head` starts with a ZIP local file header. */
export function hasZipHeader(head: Uint8Array): boolean {
  return startsWithBytes(head, ZIP_SIGNATURE);
}

/** C0 controls other than tab, line feed, form feed and carriage return; DEL; C1 controls. */
function isControl(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d;
  return code >= 0x7f && code <= 0x9f;
}

/**
 * Whether `bytes` is UTF-8 text: valid UTF-8 (a leading BOM is fine), no NUL byte, and at most
 * {@link MAX_CONTROL_RATIO} control characters. Pass `truncated` when `bytes` is a prefix of a
 * longer file, so a multi-byte character cut at the end of the slice is not held against it.
 */
export function looksLikeUtf8Text(bytes: Uint8Array, truncated: boolean): boolean {
  if (bytes.includes(0)) return false;
  let text: string;
  try {
    // `stream: true` keeps an incomplete sequence at the end for a next chunk instead of
    // failing; it still fails on bytes that can never become valid. The BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
  } catch {
    return false;
  }
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    if (isControl(text.charCodeAt(i))) controls++;
  }
  return controls <= text.length * MAX_CONTROL_RATIO;
}

/** Whether the entry names of a ZIP are those of a Word document (compared case-insensitively, as OPC does). */
export function isDocxEntryList(names: readonly string[]): boolean {
  const present = new Set(names.map((name) => name.toLowerCase()));
  return DOCX_REQUIRED_PARTS.every((part) => present.has(part));
}

/** Whether `blob` is a PDF: `%PDF-` within its first 1024 bytes. */
export async function isPdf(blob: Blob): Promise<boolean> {
  return hasPdfHeader(await readBytes(blob, 0, PDF_HEADER_WINDOW));
}

/** Whether `blob` is a Word document: a ZIP whose central directory lists the Word parts. */
export async function isDocx(blob: Blob): Promise<boolean> {
  if (!hasZipHeader(await readBytes(blob, 0, ZIP_SIGNATURE.length))) return false;
  const names = await readZipEntryNames(blob);
  return names !== undefined && isDocxEntryList(names);
}

/** Whether `blob` is UTF-8 plain text, judged by its first {@link TEXT_SAMPLE_SIZE} bytes. */
export async function isPlainText(blob: Blob): Promise<boolean> {
  const sample = await readBytes(blob, 0, TEXT_SAMPLE_SIZE);
  return looksLikeUtf8Text(sample, blob.size > sample.length);
}

/** Checks `blob` against one document type, reading only what that type needs. */
export function hasDocumentContent(blob: Blob, type: DocumentType): Promise<boolean> {
  switch (type) {
    case PDF_TYPE:
      return isPdf(blob);
    case DOCX_TYPE:
      return isDocx(blob);
    case TEXT_TYPE:
      return isPlainText(blob);
  }
}

/**
 * What `blob` is by content: PDF, Word (.docx) or UTF-8 plain text, or `null` when it is none
 * of them (including when it is empty: no bytes say nothing). Its name and `type` are ignored.
 */
export async function detectDocumentType(blob: Blob): Promise<DocumentType | null> {
  if (blob.size === 0) return null;
  // One read serves both the PDF window and the text sample.
  const head = await readBytes(blob, 0, TEXT_SAMPLE_SIZE);
  if (hasPdfHeader(head)) return PDF_TYPE;
  if (hasZipHeader(head)) return (await isDocx(blob)) ? DOCX_TYPE : null;
  return looksLikeUtf8Text(head, blob.size > head.length) ? TEXT_TYPE : null;
}
