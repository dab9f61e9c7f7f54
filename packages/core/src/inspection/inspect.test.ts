import { expect } from '@open-wc/testing';
import type { DocumentInfo } from './document-info.js';
import {
  buildDocx,
  buildEncryptedDocx,
  buildLinearizedPdf,
  buildPdf,
  buildPlainZip,
  buildTruncatedPdf,
  buildUpdatedPdf,
  textFixtures,
  type PageKind,
} from './fixtures.js';
import { inspectDocument } from './inspect.js';
import { MAX_SAMPLED_PAGES } from './pdf.js';

const signal = () => new AbortController().signal;
const MiB = 1024 * 1024;

const PDF: DocumentInfo = {
  kind: 'pdf',
  pageCount: 1,
  wordCount: null,
  lineCount: null,
  encrypted: false,
  textLayer: 'text',
  macros: false,
  encoding: null,
  binary: false,
  damage: null,
  pdfVersion: '1.7',
  linearized: false,
  incrementalUpdates: 0,
};
const DOCX: DocumentInfo = { ...PDF, kind: 'docx', pageCount: null, pdfVersion: null, linearized: null, incrementalUpdates: null };
const TXT: DocumentInfo = { ...DOCX, kind: 'txt', encoding: 'utf-8' };

const pdf = (blob: Blob) => inspectDocument(blob, 'pdf', { signal: signal() });
const docx = (bytes: Uint8Array<ArrayBuffer>) => inspectDocument(new Blob([bytes]), 'docx', { signal: signal() });
const txt = (bytes: Uint8Array<ArrayBuffer>) => inspectDocument(new Blob([bytes]), 'txt', { signal: signal() });

/**
 * A Blob stand-in that counts the bytes read through slice(): reading the whole file at once
 * (arrayBuffer, stream, text on the file itself) fails the test.
 */
export function countingBlob(blob: Blob): { blob: Blob; read: () => number } {
  let read = 0;
  const refuse = () => {
    throw new Error('read the whole file');
  };
  const wrapper = {
    size: blob.size,
    type: blob.type,
    slice(start?: number, end?: number, type?: string) {
      const part = blob.slice(start, end, type);
      read += part.size;
      return part;
    },
    arrayBuffer: refuse,
    stream: refuse,
    text: refuse,
    bytes: refuse,
  };
  return { blob: wrapper as unknown as Blob, read: () => read };
}

describe('inspectDocument: PDF', () => {
  it('a PDF with a text layer', async () => {
    expect(await pdf(await buildPdf(['text', 'text', 'text']))).to.deep.equal({ ...PDF, pageCount: 3 });
  });

  it('a scanned PDF: image-only', async () => {
    expect(await pdf(await buildPdf(['image', 'image'], { compress: true }))).to.deep.equal({ ...PDF, pageCount: 2, textLayer: 'image-only' });
  });

  it('mixed: some pages text, some only images', async () => {
    expect(await pdf(await buildPdf(['text', 'image', 'text', 'blank'], { compress: true }))).to.deep.equal({ ...PDF, pageCount: 4, textLayer: 'mixed' });
  });

  it('blank pages only: none', async () => {
    expect(await pdf(await buildPdf(['blank']))).to.deep.equal({ ...PDF, textLayer: 'none' });
  });

  it('encrypted with RC4 (/V 2 /R 3): page count from the page tree, content not read', async () => {
    expect(await pdf(await buildPdf(['text', 'image'], { encrypt: 'rc4', compress: true }))).to.deep.equal({
      ...PDF,
      pageCount: 2,
      encrypted: true,
      textLayer: 'mixed',
    });
  });

  it('encrypted with AES-128 (/V 4 /R 4 /AESV2)', async () => {
    expect(await pdf(await buildPdf(['image', 'image', 'image'], { encrypt: 'aes' }))).to.deep.equal({
      ...PDF,
      pageCount: 3,
      encrypted: true,
      textLayer: 'image-only',
    });
  });

  it('counts incremental updates along the /Prev chain', async () => {
    expect(await pdf(await buildUpdatedPdf(1))).to.deep.equal({ ...PDF, pageCount: 2, incrementalUpdates: 1 });
    expect(await pdf(await buildUpdatedPdf(3))).to.deep.equal({ ...PDF, pageCount: 2, incrementalUpdates: 3 });
  });

  it('a linearized PDF: its first-page xref section is not an update', async () => {
    expect(await pdf(await buildLinearizedPdf())).to.deep.equal({ ...PDF, pageCount: 3, pdfVersion: '1.6', linearized: true });
  });

  it('a truncated PDF', async () => {
    expect(await pdf(await buildTruncatedPdf())).to.deep.equal({
      ...PDF,
      pageCount: null,
      textLayer: 'none',
      damage: 'truncated',
      incrementalUpdates: null,
    });
  });

  it('no startxref or a broken one: no-xref', async () => {
    const good = new Uint8Array(await (await buildPdf(['text'])).arrayBuffer());
    const text = new TextDecoder('latin1').decode(good);
    const noStartxref = text.replace(/startxref\s+\d+/, 'startwhat');
    const badOffset = text.replace(/startxref\s+\d+/, 'startxref\n12');
    const bytes = (s: string) => new Blob([Uint8Array.from(s, (c) => c.charCodeAt(0))]);
    const damaged = { ...PDF, pageCount: null, textLayer: 'none', damage: 'no-xref', incrementalUpdates: null } as const;
    expect(await pdf(bytes(noStartxref))).to.deep.equal(damaged);
    expect(await pdf(bytes(badOffset))).to.deep.equal(damaged);
  });

  it('not a PDF at all: unreadable', async () => {
    expect(await pdf(new Blob(['hello']))).to.deep.equal({
      ...PDF,
      pageCount: null,
      textLayer: 'none',
      damage: 'unreadable',
      pdfVersion: null,
      linearized: null,
      incrementalUpdates: null,
    });
  });

  it('PDF 1.5 with an xref stream (PNG predictor) and object streams', async () => {
    expect(await pdf(await buildPdf(['text', 'image', 'image'], { version: '1.5', xref: 'stream', compress: true }))).to.deep.equal({
      ...PDF,
      pageCount: 3,
      pdfVersion: '1.5',
      textLayer: 'mixed',
    });
  });

  it('a large content stream (inflated by DecompressionStream, on the page too)', async () => {
    const file = await buildPdf(['image', 'text'], { compress: true, textPadding: 800 * 1024 });
    expect(file.size).to.be.greaterThan(300 * 1024);
    const expected = { ...PDF, pageCount: 2, textLayer: 'mixed' };
    expect(await pdf(file)).to.deep.equal(expected);
    expect(await inspectDocument(file, 'pdf', { signal: signal(), yieldBetweenReads: true })).to.deep.equal(expected);
  });

  it('a large page tree: intermediate /Pages nodes, pages sampled', async () => {
    const pages = Array.from({ length: 120 }, (_, i): PageKind => (i % 40 === 0 ? 'text' : 'image'));
    expect(await pdf(await buildPdf(pages, { xref: 'stream' }))).to.deep.equal({ ...PDF, pageCount: 120, textLayer: 'mixed' });
    expect(MAX_SAMPLED_PAGES).to.equal(50);
  });

  it('inspects a 50 MB scanned PDF reading a small part of it', async function () {
    this.timeout(60_000);
    const big = await buildPdf(Array.from({ length: 100 }, () => 'image' as const), { imageSize: 512 * 1024 });
    expect(big.size).to.be.greaterThan(50 * 1024 * 1024);
    const counted = countingBlob(big);
    const info = await inspectDocument(counted.blob, 'pdf', { signal: signal() });
    expect(info).to.deep.equal({ ...PDF, pageCount: 100, textLayer: 'image-only' });
    // The page tree, 50 sampled pages' dictionaries, content streams and image dictionaries:
    // about 450 KB of 50 MB.
    expect(counted.read()).to.be.lessThan(big.size / 50);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const promise = inspectDocument(await buildPdf(['text', 'image']), 'pdf', { signal: controller.signal });
    controller.abort();
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).to.have.property('code', 'aborted');
    const before = new AbortController();
    before.abort();
    const early = await inspectDocument(new Blob(['x']), 'txt', { signal: before.signal }).then(() => undefined, (e: unknown) => e);
    expect(early).to.have.property('code', 'aborted');
  });
});

describe('inspectDocument: DOCX', () => {
  it('a Word document with docProps/app.xml', async () => {
    expect(await docx(await buildDocx({ pages: 12, words: 3456 }))).to.deep.equal({ ...DOCX, pageCount: 12, wordCount: 3456 });
  });

  it('without docProps/app.xml: no counts', async () => {
    const { buildZip, DOCX_PARTS } = await import('../validation/testing/zip-fixture.js');
    expect(await docx(buildZip(DOCX_PARTS) as Uint8Array<ArrayBuffer>)).to.deep.equal(DOCX);
  });

  it('encrypted: a compound file with an EncryptionInfo stream', async () => {
    expect(await docx(buildEncryptedDocx())).to.deep.equal({ ...DOCX, encrypted: true, textLayer: 'none' });
  });

  it('macro-enabled: vbaProject.bin and the macro-enabled content type', async () => {
    expect(await docx(await buildDocx({ macros: true }))).to.deep.equal({ ...DOCX, pageCount: 3, wordCount: 250, macros: true });
  });

  it('a plain ZIP renamed .docx: missing-parts', async () => {
    expect(await docx(await buildPlainZip())).to.deep.equal({ ...DOCX, textLayer: 'none', damage: 'missing-parts' });
  });

  it('a ZIP cut short: truncated', async () => {
    const bytes = await buildDocx();
    expect(await docx(bytes.slice(0, bytes.length - 40))).to.deep.equal({ ...DOCX, textLayer: 'none', damage: 'truncated' });
  });

  it('neither ZIP nor compound file: unreadable', async () => {
    expect(await docx(new TextEncoder().encode('plain text'))).to.deep.equal({ ...DOCX, textLayer: 'none', damage: 'unreadable' });
  });
});

describe('inspectDocument: TXT', () => {
  const counts = { wordCount: 16, lineCount: 4 };

  it('UTF-8', async () => {
    expect(await txt(textFixtures.utf8())).to.deep.equal({ ...TXT, ...counts });
  });

  it('UTF-8 with a BOM', async () => {
    expect(await txt(textFixtures.utf8Bom())).to.deep.equal({ ...TXT, ...counts, encoding: 'utf-8-bom' });
  });

  it('UTF-16 LE and BE with BOMs', async () => {
    expect(await txt(textFixtures.utf16le())).to.deep.equal({ ...TXT, ...counts, encoding: 'utf-16le-bom' });
    expect(await txt(textFixtures.utf16be())).to.deep.equal({ ...TXT, ...counts, encoding: 'utf-16be-bom' });
  });

  it('Latin-1: unknown encoding, still text', async () => {
    expect(await txt(textFixtures.latin1())).to.deep.equal({ ...TXT, ...counts, encoding: 'unknown' });
  });

  it('a binary file renamed .txt', async () => {
    const info = await txt(textFixtures.binary());
    expect({ ...info, wordCount: null, lineCount: null }).to.deep.equal({ ...TXT, encoding: 'unknown', binary: true, textLayer: 'none' });
  });

  it('empty, and lines without a final newline, CRLF and lone CR', async () => {
    expect(await txt(new Uint8Array(0))).to.deep.equal({ ...TXT, wordCount: 0, lineCount: 0, textLayer: 'none' });
    expect(await txt(new TextEncoder().encode('a b\r\nc\rd'))).to.deep.equal({ ...TXT, wordCount: 4, lineCount: 3 });
  });

  it('counts across slices: a 3 MiB text', async () => {
    const line = 'lorem ipsum dolor sit amet, ünïcödé words here\n';
    const repeat = Math.ceil((3 * MiB) / line.length);
    const counted = countingBlob(new Blob([line.repeat(repeat)]));
    const info = await inspectDocument(counted.blob, 'txt', { signal: signal() });
    expect(info).to.deep.equal({ ...TXT, wordCount: 8 * repeat, lineCount: repeat });
  });
});
