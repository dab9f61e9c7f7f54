// Test helper: writes real ZIP files (stored, uncompressed) byte by byte, so the content
// sniffers are tested against what Word and zip tools produce rather than against themselves.
// Layout per APPNOTE.TXT 6.3: local headers and data, central directory, [ZIP64 record and
// locator], end-of-central-directory record, comment.

export interface ZipEntry {
  readonly name: string;
  readonly data: string | Uint8Array;
}

export interface ZipOptions {
  /** The archive comment after the EOCD record (up to 65,535 bytes). */
  readonly comment?: string | Uint8Array;
  /** Write a ZIP64 EOCD record and locator, with the classic record's fields all ones. */
  readonly zip64?: boolean;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), as ZIP stores it for each entry. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const encode = (data: string | Uint8Array) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);

/** A little-endian byte writer. */
class Writer {
  readonly #chunks: Uint8Array[] = [];
  length = 0;

  bytes(bytes: Uint8Array): this {
    this.#chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  #number(size: number, write: (view: DataView) => void): this {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    return this.bytes(bytes);
  }

  u16(value: number): this {
    return this.#number(2, (view) => view.setUint16(0, value, true));
  }

  u32(value: number): this {
    return this.#number(4, (view) => view.setUint32(0, value, true));
  }

  u64(value: number): this {
    return this.#number(8, (view) => view.setBigUint64(0, BigInt(value), true));
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** DOS date and time of 2024-01-01 00:00, a fixed timestamp so fixtures are reproducible. */
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;
/** General-purpose flag bit 11: names are UTF-8. */
const UTF8_FLAG = 0x0800;

/** A valid ZIP archive holding `entries`, stored without compression. */
export function buildZip(entries: readonly ZipEntry[], options: ZipOptions = {}): Uint8Array {
  const out = new Writer();
  const central = new Writer();
  for (const entry of entries) {
    const name = encode(entry.name);
    const data = encode(entry.data);
    const crc = crc32(data);
    const offset = out.length;
    out.u32(0x04034b50).u16(20).u16(UTF8_FLAG).u16(0).u16(DOS_TIME).u16(DOS_DATE);
    out.u32(crc).u32(data.length).u32(data.length).u16(name.length).u16(0).bytes(name).bytes(data);
    central.u32(0x02014b50).u16(20).u16(20).u16(UTF8_FLAG).u16(0).u16(DOS_TIME).u16(DOS_DATE);
    central.u32(crc).u32(data.length).u32(data.length).u16(name.length).u16(0).u16(0);
    central.u16(0).u16(0).u32(0).u32(offset).bytes(name);
  }
  const directoryOffset = out.length;
  const directory = central.toBytes();
  out.bytes(directory);
  if (options.zip64 === true) {
    const recordOffset = out.length;
    // The record's size counts the bytes after its first 12.
    out.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0);
    out.u64(entries.length).u64(entries.length).u64(directory.length).u64(directoryOffset);
    out.u32(0x07064b50).u32(0).u64(recordOffset).u32(1);
  }
  const comment = encode(options.comment ?? '');
  const wide = options.zip64 === true;
  out.u32(0x06054b50).u16(0).u16(0);
  out.u16(wide ? 0xffff : entries.length).u16(wide ? 0xffff : entries.length);
  out.u32(wide ? 0xffffffff : directory.length).u32(wide ? 0xffffffff : directoryOffset);
  out.u16(comment.length).bytes(comment);
  return out.toBytes();
}

/** The parts of a minimal Word document: content types, package relationships, the body. */
export const DOCX_PARTS: readonly ZipEntry[] = [
  {
    name: '[Content_Types].xml',
    data:
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
  },
  {
    name: '_rels/.rels',
    data:
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
  },
  {
    name: 'word/document.xml',
    data:
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      '<w:body><w:p><w:r><w:t>Hello, Word.</w:t></w:r></w:p></w:body></w:document>',
  },
];

/** An Excel workbook's parts: a valid OPC package, but no word/document.xml. */
export const XLSX_PARTS: readonly ZipEntry[] = [
  { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
  { name: '_rels/.rels', data: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>' },
  { name: 'xl/workbook.xml', data: '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>' },
];

/** The first bytes of a real PDF: version header, then the binary-marker comment writers add. */
export const PDF_HEAD = new Uint8Array([
  ...Array.from('%PDF-1.7\n%', (c) => c.charCodeAt(0)),
  0xe2, 0xe3, 0xcf, 0xd3, 0x0a,
]);

/** A small PDF with one empty page (no xref table: readers rebuild it), as bytes. */
export function minimalPdf(): Uint8Array {
  const body =
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
    '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n' +
    'trailer\n<< /Root 1 0 R >>\n%%EOF\n';
  const tail = new TextEncoder().encode(body);
  const bytes = new Uint8Array(PDF_HEAD.length + tail.length);
  bytes.set(PDF_HEAD);
  bytes.set(tail, PDF_HEAD.length);
  return bytes;
}

/** The start of a Windows executable: "MZ", the DOS header, the DOS stub's message. */
export function windowsExecutableHead(): Uint8Array {
  const bytes = new Uint8Array(512);
  bytes.set([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff]);
  bytes.set(new TextEncoder().encode('This program cannot be run in DOS mode.'), 0x4e);
  bytes.set([0x50, 0x45, 0x00, 0x00, 0x64, 0x86], 0x80);
  return bytes;
}
