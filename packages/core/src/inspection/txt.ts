// Inspects a plain-text file in slices: the encoding (a BOM, else whether every byte is valid
// UTF-8), whether it is binary by the rule of validation/magic.ts (a NUL, or more than one
// control character in MAX_CONTROL_RATIO), and its lines and words. Each slice is decoded on
// its own with streaming decoders; the file is never one string.
import type { DocumentInfo, TextEncoding } from './document-info.js';
import type { Source } from './source.js';
import { MAX_CONTROL_RATIO } from '../validation/magic.js';

/** Bytes per read: 1 MiB in a worker; 256 KiB on the page (short tasks between yields). */
export const TEXT_SLICE_SIZE = 1024 * 1024;
export const MAIN_THREAD_TEXT_SLICE_SIZE = 256 * 1024;

const BOMS: { encoding: TextEncoding; label: string; bytes: number[] }[] = [
  { encoding: 'utf-8-bom', label: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le-bom', label: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be-bom', label: 'utf-16be', bytes: [0xfe, 0xff] },
];

/** Controls as magic.ts counts them: C0 but tab, LF, FF, CR; DEL; C1. */
function isControl(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d;
  return code >= 0x7f && code <= 0x9f;
}

/** Unicode White_Space (what `\s` matches), tested without a regular expression per character. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

export async function inspectText(source: Source): Promise<DocumentInfo> {
  const sliceSize = source.options.yieldBetweenReads === true ? MAIN_THREAD_TEXT_SLICE_SIZE : TEXT_SLICE_SIZE;
  const head = await source.read(0, 4);
  const bom = BOMS.find(({ bytes }) => bytes.every((byte, i) => head[i] === byte));
  let encoding: TextEncoding = bom?.encoding ?? 'utf-8';
  const utf16 = bom !== undefined && bom.label !== 'utf-8';
  // Counting decoder (never fails: an invalid byte becomes U+FFFD, one character).
  const decoder = new TextDecoder(bom?.label ?? 'utf-8', { ignoreBOM: false });
  // Validity of UTF-8 without a BOM is judged by a fatal decoder beside it.
  let validator: TextDecoder | undefined = bom === undefined ? new TextDecoder('utf-8', { fatal: true }) : undefined;
  let nul = false;
  let chars = 0;
  let controls = 0;
  let lines = 0;
  let words = 0;
  let inWord = false;
  let lastChar = -1;
  let latin1Words: TextDecoder | undefined;
  for (let offset = 0; offset < source.size || offset === 0; offset += sliceSize) {
    const end = Math.min(offset + sliceSize, source.size);
    const bytes = await source.read(offset, end);
    const last = end >= source.size;
    if (!utf16 && bytes.includes(0)) nul = true;
    if (validator !== undefined) {
      try {
        validator.decode(bytes, { stream: !last });
      } catch {
        // Not UTF-8 and no BOM: a legacy code page we cannot name. Count it as Latin-1 from
        // here on; an earlier slice's counts were made from identical ASCII characters.
        validator = undefined;
        encoding = 'unknown';
        latin1Words = new TextDecoder('latin1');
      }
    }
    const text = (latin1Words ?? decoder).decode(bytes, { stream: !last });
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      chars++;
      if (code === 0 && utf16) nul = true;
      if (isControl(code)) controls++;
      // A line ends at LF, at CR not followed by LF, and (below) at the end of the text.
      if (code === 0x0a || (lastChar === 0x0d && code !== 0x0a)) lines++;
      if (isSpace(code)) inWord = false;
      else if (!inWord) {
        inWord = true;
        words++;
      }
      lastChar = code;
    }
    if (last) break;
  }
  if (lastChar === 0x0d) lines++;
  else if (lastChar !== -1 && lastChar !== 0x0a) lines++;
  // The UTF-8 BOM (or UTF-16's) is a character of the text to the decoder only when ignored;
  // with ignoreBOM false it is dropped, so a BOM-only file is empty.
  const binary = nul || controls > chars * MAX_CONTROL_RATIO;
  return {
    kind: 'txt',
    pageCount: null,
    wordCount: words,
    lineCount: lines,
    encrypted: false,
    textLayer: words > 0 && !binary ? 'text' : 'none',
    macros: false,
    encoding,
    binary,
    damage: null,
    pdfVersion: null,
    linearized: null,
    incrementalUpdates: null,
  };
}
