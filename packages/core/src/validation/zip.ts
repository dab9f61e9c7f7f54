// Lists the entries of a ZIP file from its central directory, reading only the end of the file
// and the directory itself (APPNOTE.TXT 6.3, sections 4.3.12–4.3.16). Nothing is decompressed.
import { readBytes } from './bytes.js';

/** The end-of-central-directory record: 22 fixed bytes, then a comment of up to 65,535 bytes. */
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT_SIZE = 0xffff;
/** ZIP64 puts a 20-byte locator right before the EOCD, pointing at a 56-byte ZIP64 EOCD record. */
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
/** Each central directory entry: 46 fixed bytes, then name, extra field and comment. */
const ENTRY_SIGNATURE = 0x02014b50;
const ENTRY_SIZE = 46;
/**
 * The most central directory we are willing to read. An entry takes 46 bytes plus its name, so
 * 4 MiB lists tens of thousands of parts; a Word document has dozens. A larger directory is
 * not a document we would accept, and reading it would defeat reading "only what we need".
 */
export const MAX_CENTRAL_DIRECTORY_SIZE = 4 * 1024 * 1024;

/** Where the central directory is, as the EOCD (or ZIP64 EOCD) record says. */
export interface CentralDirectoryLocation {
  readonly offset: number;
  readonly size: number;
  readonly entries: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The position of the EOCD record in `tail` (the last bytes of a file), or -1. The search runs
 * backwards, because the record is last but may be followed by a comment. A record whose
 * comment length reaches exactly the end wins, so a comment that itself contains the signature
 * cannot fool it; failing that, the last record that fits (some tools append bytes after it).
 */
export function findEndOfCentralDirectory(tail: Uint8Array): number {
  const data = view(tail);
  let loose = -1;
  for (let pos = tail.length - EOCD_SIZE; pos >= 0; pos--) {
    if (data.getUint32(pos, true) !== EOCD_SIGNATURE) continue;
    const end = pos + EOCD_SIZE + data.getUint16(pos + 20, true);
    if (end === tail.length) return pos;
    if (loose === -1 && end < tail.length) loose = pos;
  }
  return loose;
}

/** Reads the ZIP64 EOCD record that the locator before `eocd` points at. */
async function readZip64Location(read: ReadBytes, tail: Uint8Array, eocd: number): Promise<CentralDirectoryLocation | undefined> {
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator < 0 || view(tail).getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) return undefined;
  const recordOffset = Number(view(tail).getBigUint64(locator + 8, true));
  const record = view(await read(recordOffset, recordOffset + ZIP64_EOCD_SIZE));
  if (record.byteLength < ZIP64_EOCD_SIZE || record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) return undefined;
  return {
    entries: Number(record.getBigUint64(32, true)),
    size: Number(record.getBigUint64(40, true)),
    offset: Number(record.getBigUint64(48, true)),
  };
}

/** The central directory's location from the EOCD record at `eocd` in `tail`. */
async function readLocation(read: ReadBytes, tail: Uint8Array, eocd: number): Promise<CentralDirectoryLocation | undefined> {
  const data = view(tail);
  const entries = data.getUint16(eocd + 10, true);
  const size = data.getUint32(eocd + 12, true);
  const offset = data.getUint32(eocd + 16, true);
  // All-ones values mean "too big for this field; see the ZIP64 record".
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    return (await readZip64Location(read, tail, eocd)) ?? { entries, size, offset };
  }
  return { entries, size, offset };
}

/** One entry of a central directory: its name, and where and how its data is stored. */
export interface CentralDirectoryEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Where the entry's local header starts. */
  readonly offset: number;
}

/**
 * The entries of a central directory, or `undefined` when it is not a well-formed directory of
 * `entries` entries. Names are decoded as UTF-8; the names a document format requires are
 * ASCII, which reads the same in the legacy code page.
 */
export function centralDirectoryEntries(directory: Uint8Array, entries: number): CentralDirectoryEntry[] | undefined {
  const data = view(directory);
  const decoder = new TextDecoder();
  const found: CentralDirectoryEntry[] = [];
  let pos = 0;
  while (found.length < entries) {
    if (pos + ENTRY_SIZE > directory.length || data.getUint32(pos, true) !== ENTRY_SIGNATURE) return undefined;
    const nameLength = data.getUint16(pos + 28, true);
    const extraLength = data.getUint16(pos + 30, true);
    const commentLength = data.getUint16(pos + 32, true);
    const nameEnd = pos + ENTRY_SIZE + nameLength;
    if (nameEnd > directory.length) return undefined;
    found.push({
      name: decoder.decode(directory.subarray(pos + ENTRY_SIZE, nameEnd)),
      method: data.getUint16(pos + 10, true),
      compressedSize: data.getUint32(pos + 20, true),
      size: data.getUint32(pos + 24, true),
      offset: data.getUint32(pos + 42, true),
    });
    pos = nameEnd + extraLength + commentLength;
  }
  return found;
}

/** The entry names in a central directory (see {@link centralDirectoryEntries}). */
export function centralDirectoryNames(directory: Uint8Array, entries: number): string[] | undefined {
  return centralDirectoryEntries(directory, entries)?.map((entry) => entry.name);
}

/** Reads `[start, end)` of a file. */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

/**
 * The entries of the ZIP file of `size` bytes that `read` reads, or `undefined` when it is not a
 * readable ZIP. Reads the last 64 KiB or so (the EOCD record and its comment) and the central
 * directory.
 */
export async function readZipEntries(read: ReadBytes, size: number): Promise<CentralDirectoryEntry[] | undefined> {
  const tailStart = Math.max(0, size - (EOCD_SIZE + MAX_COMMENT_SIZE + ZIP64_LOCATOR_SIZE));
  const tail = await read(tailStart, size);
  const eocd = findEndOfCentralDirectory(tail);
  if (eocd === -1) return undefined;
  const location = await readLocation(read, tail, eocd);
  if (location === undefined) return undefined;
  const { offset, size: directorySize, entries } = location;
  // The directory must lie before the EOCD record; anything else is a corrupt (or hostile) file.
  if (offset + directorySize > tailStart + eocd || directorySize > MAX_CENTRAL_DIRECTORY_SIZE) return undefined;
  const directory = offset >= tailStart
    ? tail.subarray(offset - tailStart, offset - tailStart + directorySize)
    : await read(offset, offset + directorySize);
  return centralDirectoryEntries(directory, entries);
}

/** The names of the entries in the ZIP file `blob`, or `undefined` when it is not a readable ZIP. */
export async function readZipEntryNames(blob: Blob): Promise<string[] | undefined> {
  return (await readZipEntries((start, end) => readBytes(blob, start, end), blob.size))?.map((entry) => entry.name);
}
