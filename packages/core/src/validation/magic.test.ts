import { expect } from '@open-wc/testing';
import {
  DOCX_TYPE,
  PDF_TYPE,
  TEXT_SAMPLE_SIZE,
  TEXT_TYPE,
  detectDocumentType,
  isDocx,
  isPdf,
  isPlainText,
  looksLikeUtf8Text,
} from './magic.js';
import { buildZip, DOCX_PARTS, minimalPdf, PDF_HEAD, windowsExecutableHead, XLSX_PARTS } from './testing/zip-fixture.js';

const encode = (text: string) => new TextEncoder().encode(text);
const blobOf = (...parts: (Uint8Array | string | Blob)[]) => new Blob(parts as BlobPart[]);
const latin1 = (text: string) => new Uint8Array(Array.from(text, (c) => c.charCodeAt(0)));

/** A Blob stand-in that records every range read, to check detection reads only slices. */
function spyOnReads(blob: Blob): { blob: Blob; bytesRead: () => number } {
  let total = 0;
  const spy = {
    size: blob.size,
    type: blob.type,
    slice(start?: number, end?: number) {
      const part = blob.slice(start, end);
      total += part.size;
      return part;
    },
  };
  return { blob: spy as unknown as Blob, bytesRead: () => total };
}

describe('detectDocumentType: PDF', () => {
  it('recognises a real PDF', async () => {
    expect(await detectDocumentType(blobOf(minimalPdf()))).to.equal(PDF_TYPE);
    expect(await isPdf(blobOf(PDF_HEAD))).to.equal(true);
  });

  it('finds the header anywhere in the first 1024 bytes, as PDF readers do', async () => {
    const junk = (n: number) => 'x'.repeat(n);
    expect(await detectDocumentType(blobOf(junk(1019), PDF_HEAD))).to.equal(PDF_TYPE);
    expect(await isPdf(blobOf(junk(1020), PDF_HEAD))).to.equal(false);
    expect(await isPdf(blobOf(junk(2000), PDF_HEAD))).to.equal(false);
  });

  it('does not take "%PDF" without the dash, or a PostScript file, for a PDF', async () => {
    expect(await isPdf(blobOf('%PDF'))).to.equal(false);
    expect(await isPdf(blobOf('%!PS-Adobe-3.0\n'))).to.equal(false);
  });
});

describe('detectDocumentType: DOCX', () => {
  it('recognises a ZIP with [Content_Types].xml and word/document.xml', async () => {
    expect(await detectDocumentType(blobOf(buildZip(DOCX_PARTS)))).to.equal(DOCX_TYPE);
  });

  it('rejects a spreadsheet (no word/document.xml) and a plain ZIP', async () => {
    expect(await detectDocumentType(blobOf(buildZip(XLSX_PARTS)))).to.equal(null);
    expect(await isDocx(blobOf(buildZip(XLSX_PARTS)))).to.equal(false);
    expect(await detectDocumentType(blobOf(buildZip([{ name: 'word/document.xml', data: '<w/>' }])))).to.equal(null);
  });

  it('recognises a Word document with a long archive comment', async () => {
    const zip = buildZip(DOCX_PARTS, { comment: 'Signed by the archiving system. '.repeat(2000) });
    expect(await detectDocumentType(blobOf(zip))).to.equal(DOCX_TYPE);
  });

  it('recognises a ZIP64 Word document', async () => {
    expect(await isDocx(blobOf(buildZip(DOCX_PARTS, { zip64: true })))).to.equal(true);
  });

  it('needs the ZIP signature at the start, not just the right names somewhere', async () => {
    const zip = buildZip(DOCX_PARTS);
    expect(await isDocx(blobOf('garbage', zip))).to.equal(false);
  });

  it('reads only the start and the end of a large document', async () => {
    const mib = 1024 * 1024;
    const parts = [...DOCX_PARTS, { name: 'word/media/video.bin', data: new Uint8Array(8 * mib) }];
    const { blob, bytesRead } = spyOnReads(blobOf(buildZip(parts)));
    expect(await detectDocumentType(blob)).to.equal(DOCX_TYPE);
    expect(bytesRead()).to.be.below(200 * 1024);
  });
});

describe('detectDocumentType: plain text', () => {
  it('recognises ASCII and multi-byte UTF-8 text, with or without a BOM', async () => {
    expect(await detectDocumentType(blobOf('Meeting notes\r\n\t- budget\f'))).to.equal(TEXT_TYPE);
    expect(await detectDocumentType(blobOf('Grüße aus Köln — 日本語のテキスト 🎉\n'))).to.equal(TEXT_TYPE);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    expect(await detectDocumentType(blobOf(bom, 'Notes with a byte order mark'))).to.equal(TEXT_TYPE);
  });

  it('accepts a multi-byte character cut by the 64 KiB sample boundary', async () => {
    // "€" is 3 bytes and "🎉" 4; each straddles byte 65,536, where the sample ends.
    const euro = blobOf('a'.repeat(TEXT_SAMPLE_SIZE - 1), '€ and more text after the boundary');
    const party = blobOf('a'.repeat(TEXT_SAMPLE_SIZE - 2), '🎉 and more text after the boundary');
    expect(await detectDocumentType(euro)).to.equal(TEXT_TYPE);
    expect(await detectDocumentType(party)).to.equal(TEXT_TYPE);
    expect(await isPlainText(party)).to.equal(true);
  });

  it('rejects a file that really ends in the middle of a character', async () => {
    const cut = encode('€').subarray(0, 2);
    expect(await detectDocumentType(blobOf('price: 5', cut))).to.equal(null);
    expect(await detectDocumentType(blobOf('a'.repeat(TEXT_SAMPLE_SIZE - 2), cut))).to.equal(null);
  });

  it('rejects Latin-1 text, which is not valid UTF-8', async () => {
    expect(await detectDocumentType(blobOf(latin1('Café, résumé, naïve')))).to.equal(null);
  });

  it('rejects UTF-16 text (NUL bytes) and binary data', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from('Hi', (c) => [c.charCodeAt(0), 0]).flat()]);
    expect(await detectDocumentType(blobOf(utf16))).to.equal(null);
    expect(await detectDocumentType(blobOf(windowsExecutableHead()))).to.equal(null);
    expect(await detectDocumentType(blobOf(crypto.getRandomValues(new Uint8Array(4096))))).to.equal(null);
  });

  it('tolerates a stray control character but not many', async () => {
    const line = 'A normal line of text in a log file, nothing special here.\n';
    expect(await isPlainText(blobOf(line, '\x1b[0m', line))).to.equal(true);
    expect(await isPlainText(blobOf('\x01\x02\x03\x04 data \x05\x06\x07\x08'))).to.equal(false);
  });

  it('reads at most the 64 KiB sample of a large text file', async () => {
    const { blob, bytesRead } = spyOnReads(blobOf(...Array<string>(100).fill('line of text\n'.repeat(8000))));
    expect(await detectDocumentType(blob)).to.equal(TEXT_TYPE);
    expect(bytesRead()).to.equal(TEXT_SAMPLE_SIZE);
  });
});

describe('detectDocumentType: other content', () => {
  it('returns null for an empty file and for a Windows executable', async () => {
    expect(await detectDocumentType(new Blob([]))).to.equal(null);
    expect(await detectDocumentType(blobOf(windowsExecutableHead(), new Uint8Array(10_000)))).to.equal(null);
  });

  it('ignores the name and declared type', async () => {
    const exe = new File([windowsExecutableHead() as BlobPart], 'invoice.pdf', { type: 'application/pdf' });
    expect(await detectDocumentType(exe)).to.equal(null);
  });
});

describe('looksLikeUtf8Text', () => {
  it('forgives an incomplete last character only when the bytes are a prefix', () => {
    const bytes = new Uint8Array([...encode('total: 5 '), 0xe2, 0x82]);
    expect(looksLikeUtf8Text(bytes, true)).to.equal(true);
    expect(looksLikeUtf8Text(bytes, false)).to.equal(false);
  });

  it('still rejects invalid bytes at the end of a prefix', () => {
    // 0xC0 can never start a valid sequence, so no later byte could complete it.
    expect(looksLikeUtf8Text(new Uint8Array([...encode('abc'), 0xc0]), true)).to.equal(false);
    expect(looksLikeUtf8Text(new Uint8Array([...encode('abc'), 0xe2, 0x28]), true)).to.equal(false);
  });

  it('rejects NUL bytes even in otherwise valid text', () => {
    expect(looksLikeUtf8Text(new Uint8Array([...encode('abc'), 0, ...encode('def')]), false)).to.equal(false);
  });
});
