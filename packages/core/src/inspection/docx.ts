// Inspects a Word document: the ZIP's central directory (read from the file's end, as
// validation/zip.ts does), then at most three small parts inflated one at a time:
// [Content_Types].xml (macro-enabled type), docProps/app.xml (<Pages>, <Words>) and the start
// of word/document.xml (any text run). An encrypted Word file is not a ZIP at all but an OLE
// compound file (CFB) holding an EncryptionInfo stream; only its directory is read.
import type { DocumentInfo } from './document-info.js';
import { inflate, latin1, type Source } from './source.js';
import { hasZipHeader, isDocxEntryList } from '../validation/magic.js';
import { type CentralDirectoryEntry, readZipEntries } from '../validation/zip.js';

/** OLE / Compound File Binary signature (MS-CFB 2.2). */
const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MACRO_MAIN_TYPE = 'application/vnd.ms-word.document.macroenabled.main+xml';
/** The largest part inflated whole (content types, app.xml); real ones are a few KiB. */
const MAX_SMALL_PART = 1024 * 1024;
/** How much of word/document.xml is inflated at most looking for a text run. */
const MAX_BODY_SCAN = 8 * 1024 * 1024;


const BASE = {
  kind: 'docx' as const,
  pageCount: null,
  wordCount: null,
  lineCount: null,
  encrypted: false,
  textLayer: 'none' as const,
  macros: false,
  encoding: null,
  binary: false,
  damage: null,
  pdfVersion: null,
  linearized: null,
  incrementalUpdates: null,
};

export async function inspectDocx(source: Source): Promise<DocumentInfo> {
  const head = await source.read(0, 8);
  if (CFB_SIGNATURE.every((byte, i) => head[i] === byte)) {
    // A .docx stored as a compound file is a password-protected one (Word writes the
    // encrypted package into CFB). Without an EncryptionInfo stream it is not even that:
    // an old binary .doc renamed, say.
    const streams = await readCfbNames(source);
    return { ...BASE, encrypted: true, damage: streams?.includes('EncryptionInfo') === true ? null : 'unreadable' };
  }
  if (!hasZipHeader(head)) return { ...BASE, damage: 'unreadable' };
  const entries = await readZipEntries((start, end) => source.read(start, end), source.size);
  // A ZIP that starts well but has no end-of-central-directory record was cut short.
  if (entries === undefined) return { ...BASE, damage: 'truncated' };
  if (!isDocxEntryList(entries.map((entry) => entry.name))) return { ...BASE, damage: 'missing-parts' };
  const byName = new Map(entries.map((entry) => [entry.name.toLowerCase(), entry]));
  const contentTypes = await readPart(source, byName.get('[content_types].xml'));
  const macros = byName.has('word/vbaproject.bin') || (contentTypes?.toLowerCase().includes(MACRO_MAIN_TYPE) ?? false);
  const app = await readPart(source, byName.get('docprops/app.xml'));
  const pageCount = xmlNumber(app, 'Pages');
  const wordCount = xmlNumber(app, 'Words');
  const hasText = await bodyHasText(source, byName.get('word/document.xml'));
  return { ...BASE, macros, pageCount, wordCount, textLayer: hasText ? 'text' : 'none' };
}

/** The number in `<Name>123</Name>` (any namespace prefix), or null. */
function xmlNumber(xml: string | undefined, name: string): number | null {
  const match = xml === undefined ? null : new RegExp(`<(?:\\w+:)?${name}>\\s*(\\d+)\\s*</`).exec(xml);
  return match === null ? null : Number(match[1]);
}

/** Where an entry's data starts: after its local header, whose name and extra field lengths are its own. */
async function dataStart(source: Source, entry: CentralDirectoryEntry): Promise<number | undefined> {
  const local = await source.read(entry.offset, entry.offset + 30);
  if (local.length < 30) return undefined;
  const view = new DataView(local.buffer, local.byteOffset, local.byteLength);
  if (view.getUint32(0, true) !== 0x04034b50) return undefined;
  return entry.offset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
}

/** A small part's text (stored or deflated), or undefined when absent, too big or unreadable. */
async function readPart(source: Source, entry: CentralDirectoryEntry | undefined): Promise<string | undefined> {
  if (entry === undefined || entry.compressedSize > MAX_SMALL_PART) return undefined;
  const start = await dataStart(source, entry);
  if (start === undefined) return undefined;
  const raw = await source.read(start, start + entry.compressedSize);
  const bytes = entry.method === 0 ? raw : entry.method === 8 ? await inflate(raw, 'deflate-raw', source, MAX_SMALL_PART * 16) : undefined;
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/**
 * Whether word/document.xml has a text run (`<w:t>`), inflating it as a stream and stopping
 * at the first one: a long document is never inflated whole.
 */
async function bodyHasText(source: Source, entry: CentralDirectoryEntry | undefined): Promise<boolean> {
  if (entry === undefined) return false;
  const start = await dataStart(source, entry);
  if (start === undefined) return false;
  let stream = source.blob.slice(start, start + entry.compressedSize).stream();
  if (entry.method === 8) stream = stream.pipeThrough(new DecompressionStream('deflate-raw'));
  else if (entry.method !== 0) return false;
  const reader = stream.getReader();
  let carry = '';
  let scanned = 0;
  try {
    for (;;) {
      source.check();
      const { done, value } = await reader.read();
      if (done) return false;
      const text = carry + latin1(value);
      if (/<(?:\w+:)?t(?:\s[^>]*)?>[^<]/.test(text)) return true;
      carry = text.slice(-64);
      scanned += value.length;
      if (scanned > MAX_BODY_SCAN) return false;
    }
  } catch {
    source.check();
    return false;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * The names in a compound file's directory (MS-CFB 2.6), following the directory's sector
 * chain through the FAT, read one sector at a time. Undefined when the header is not sane.
 */
async function readCfbNames(source: Source): Promise<string[] | undefined> {
  const header = await source.read(0, 512);
  if (header.length < 512) return undefined;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return undefined;
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;
  const difat: number[] = [];
  for (let i = 0; i < 109; i++) difat.push(view.getUint32(0x4c + i * 4, true));
  // More FAT sectors than the header lists: follow the DIFAT sector chain.
  let difatSector = view.getUint32(0x44, true);
  for (let n = view.getUint32(0x48, true); n > 0 && difatSector < 0xfffffffa; n--) {
    const bytes = await source.read((difatSector + 1) * sectorSize, (difatSector + 2) * sectorSize);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i + 1 < perSector && (i + 1) * 4 <= bytes.length; i++) difat.push(dv.getUint32(i * 4, true));
    difatSector = bytes.length >= sectorSize ? dv.getUint32(sectorSize - 4, true) : 0xfffffffe;
  }
  const next = async (sector: number): Promise<number> => {
    const fatSector = difat[Math.floor(sector / perSector)];
    if (fatSector === undefined || fatSector >= 0xfffffffa) return 0xfffffffe;
    const at = (fatSector + 1) * sectorSize + (sector % perSector) * 4;
    const bytes = await source.read(at, at + 4);
    return bytes.length === 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) : 0xfffffffe;
  };
  const names: string[] = [];
  const seen = new Set<number>();
  for (let sector = view.getUint32(0x30, true); sector < 0xfffffffa && !seen.has(sector) && seen.size < 4096; sector = await next(sector)) {
    seen.add(sector);
    const bytes = await source.read((sector + 1) * sectorSize, (sector + 2) * sectorSize);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 128 <= bytes.length; at += 128) {
      const length = dv.getUint16(at + 0x40, true);
      if (length < 2 || length > 64 || bytes[at + 0x42] === 0) continue;
      names.push(new TextDecoder('utf-16le').decode(bytes.subarray(at, at + length - 2)));
    }
  }
  return names;
}
