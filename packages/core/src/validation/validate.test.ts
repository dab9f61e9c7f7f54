import { expect } from '@open-wc/testing';
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from './magic.js';
import { buildZip, DOCX_PARTS, minimalPdf, PDF_HEAD, windowsExecutableHead, XLSX_PARTS } from './testing/zip-fixture.js';
import { DEFAULT_VALIDATION_OPTIONS, validateFile, validateFiles } from './validate.js';

const MiB = 1024 * 1024;
const SERVER_MAX = 52_428_800;
const ONE_MIB_OF_ZEROS = new Blob([new Uint8Array(MiB)]);

const pdf = (name = 'report.pdf', type = PDF_TYPE) => new File([minimalPdf() as BlobPart], name, { type });
const docx = (name = 'letter.docx', type = DOCX_TYPE) => new File([buildZip(DOCX_PARTS) as BlobPart], name, { type });
const text = (name = 'notes.txt', content = 'Grüße — notes\n', type = TEXT_TYPE) => new File([content], name, { type });

/** A PDF of exactly `size` bytes, built from shared 1 MiB parts so a 50 MiB file costs little. */
function pdfOfSize(size: number): File {
  const parts: BlobPart[] = [PDF_HEAD as BlobPart];
  let rest = size - PDF_HEAD.length;
  for (; rest >= MiB; rest -= MiB) parts.push(ONE_MIB_OF_ZEROS);
  parts.push(new Uint8Array(rest));
  return new File(parts, 'scan.pdf', { type: PDF_TYPE });
}

/** A file whose content throws when read and whose size is whatever we say: decisions made from size alone. */
function unreadable(name: string, size: number, type = PDF_TYPE): File {
  const file = new File([], name, { type });
  const fail = () => {
    throw new Error(`the content of ${name} was read`);
  };
  Object.defineProperties(file, {
    size: { value: size },
    slice: { value: fail },
    arrayBuffer: { value: fail },
    stream: { value: fail },
    text: { value: fail },
  });
  return file;
}

describe('validateFile: what passes', () => {
  it('uses the server limits by default', () => {
    expect(DEFAULT_VALIDATION_OPTIONS.maxFileSize).to.equal(SERVER_MAX);
    expect(DEFAULT_VALIDATION_OPTIONS.minFileSize).to.equal(1);
    expect(DEFAULT_VALIDATION_OPTIONS.checkContent).to.equal(true);
  });

  it('accepts real PDF, Word and text files', async () => {
    expect(await validateFile(pdf())).to.equal(undefined);
    expect(await validateFile(docx())).to.equal(undefined);
    expect(await validateFile(text())).to.equal(undefined);
  });

  it('accepts a document the OS gave no MIME type, by its extension', async () => {
    expect(await validateFile(docx('letter.DOCX', ''))).to.equal(undefined);
    expect(await validateFile(pdf('Scan 2024.PDF ', ''))).to.equal(undefined);
  });

  it('treats options left undefined as defaults', async () => {
    expect(await validateFile(pdf(), { maxFileSize: undefined, accept: undefined })).to.equal(undefined);
  });
});

describe('validateFile: sizes', () => {
  it('accepts exactly 50 MiB and rejects one byte more', async () => {
    expect(await validateFile(pdfOfSize(SERVER_MAX))).to.equal(undefined);
    expect(await validateFile(pdfOfSize(SERVER_MAX + 1))).to.deep.equal({
      code: 'file-too-large',
      maxSize: SERVER_MAX,
      size: SERVER_MAX + 1,
    });
  });

  it('decides on size without reading the file', async () => {
    expect(await validateFile(unreadable('huge.pdf', 2 * SERVER_MAX))).to.deep.equal({
      code: 'file-too-large',
      maxSize: SERVER_MAX,
      size: 2 * SERVER_MAX,
    });
    expect(await validateFile(unreadable('tiny.pdf', 3), { minFileSize: 4 })).to.deep.equal({
      code: 'file-too-small',
      minSize: 4,
      size: 3,
    });
  });

  it('reports an empty file as empty, whatever the minimum', async () => {
    expect(await validateFile(new File([], 'empty.pdf', { type: PDF_TYPE }))).to.deep.equal({ code: 'file-empty' });
    expect(await validateFile(new File([], 'empty.pdf'), { minFileSize: 0 })).to.deep.equal({ code: 'file-empty' });
  });

  it('applies a custom minimum and maximum inclusively', async () => {
    expect(await validateFile(text('a.txt', '12345'), { minFileSize: 5, maxFileSize: 5 })).to.equal(undefined);
    expect((await validateFile(text('a.txt', '1234'), { minFileSize: 5 }))?.code).to.equal('file-too-small');
    expect((await validateFile(text('a.txt', '123456'), { maxFileSize: 5 }))?.code).to.equal('file-too-large');
  });
});

describe('validateFile: accept', () => {
  it('rejects types the server does not take, with what was tried', async () => {
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'photo.png', { type: 'image/png' });
    expect(await validateFile(png)).to.deep.equal({
      code: 'file-type-not-accepted',
      accept: DEFAULT_VALIDATION_OPTIONS.accept,
      type: 'image/png',
      name: 'photo.png',
    });
  });

  it('follows the input attribute: extensions, exact types and type/* wildcards', async () => {
    expect(await validateFile(text(), { accept: 'text/*' })).to.equal(undefined);
    expect((await validateFile(pdf(), { accept: 'text/*' }))?.code).to.equal('file-type-not-accepted');
    expect(await validateFile(pdf('a.pdf', ''), { accept: '.PDF' })).to.equal(undefined);
    expect(await validateFile(pdf('a', PDF_TYPE), { accept: 'application/pdf' })).to.equal(undefined);
    expect((await validateFile(pdf('a.pdf', ''), { accept: 'application/pdf' }))?.code).to.equal('file-type-not-accepted');
  });

  it('does not judge the content of types it does not know', async () => {
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0])], 'photo.png', { type: 'image/png' });
    expect(await validateFile(png, { accept: 'image/*' })).to.equal(undefined);
  });
});

describe('validateFile: limits against files already added', () => {
  it('rejects a file beyond maxFiles', async () => {
    const context = { existingCount: 3, existingTotalSize: 0 };
    expect(await validateFile(pdf(), { maxFiles: 3 }, context)).to.deep.equal({ code: 'too-many-files', maxFiles: 3 });
    expect(await validateFile(pdf(), { maxFiles: 4 }, context)).to.equal(undefined);
  });

  it('rejects a file that would take the total past maxTotalSize, and accepts reaching it exactly', async () => {
    const file = text('a.txt', 'x'.repeat(10));
    expect(await validateFile(file, { maxTotalSize: 100 }, { existingCount: 1, existingTotalSize: 91 })).to.deep.equal({
      code: 'total-size-exceeded',
      maxTotalSize: 100,
      totalSize: 101,
    });
    expect(await validateFile(file, { maxTotalSize: 100 }, { existingCount: 1, existingTotalSize: 90 })).to.equal(undefined);
  });
});

describe('validateFile: content', () => {
  it('catches an executable renamed to .pdf', async () => {
    const exe = new File([windowsExecutableHead() as BlobPart], 'invoice.pdf', { type: PDF_TYPE });
    expect(await validateFile(exe)).to.deep.equal({ code: 'content-mismatch', expected: PDF_TYPE, detected: null });
  });

  it('catches a spreadsheet renamed to .docx and reports what a mislabelled file really is', async () => {
    const xlsx = new File([buildZip(XLSX_PARTS) as BlobPart], 'budget.docx', { type: DOCX_TYPE });
    expect(await validateFile(xlsx)).to.deep.equal({ code: 'content-mismatch', expected: DOCX_TYPE, detected: null });
    expect(await validateFile(docx('letter.pdf', PDF_TYPE))).to.deep.equal({
      code: 'content-mismatch',
      expected: PDF_TYPE,
      detected: DOCX_TYPE,
    });
  });

  it('catches a binary file named .txt, and text that is not UTF-8', async () => {
    const binary = new File([crypto.getRandomValues(new Uint8Array(2048))], 'data.txt', { type: TEXT_TYPE });
    expect(await validateFile(binary)).to.deep.equal({ code: 'content-mismatch', expected: TEXT_TYPE, detected: null });
    const latin1 = new File([new Uint8Array([0x43, 0x61, 0x66, 0xe9])], 'cafe.txt', { type: TEXT_TYPE });
    expect((await validateFile(latin1))?.code).to.equal('content-mismatch');
  });

  it('goes by the extension over the declared type, as the server does', async () => {
    // A real PDF the browser labelled text/plain is still checked as a PDF, and passes.
    expect(await validateFile(pdf('report.pdf', TEXT_TYPE))).to.equal(undefined);
    // Without a known extension, the declared type says what the content must be.
    const exe = new File([windowsExecutableHead() as BlobPart], 'blob', { type: PDF_TYPE });
    expect((await validateFile(exe))?.code).to.equal('content-mismatch');
  });

  it('skips the content check when checkContent is off', async () => {
    const exe = new File([windowsExecutableHead() as BlobPart], 'invoice.pdf', { type: PDF_TYPE });
    expect(await validateFile(exe, { checkContent: false })).to.equal(undefined);
  });
});

describe('validateFile: order of checks', () => {
  it('reports the first failing rule: name, empty, size, type, count, total, content', async () => {
    expect((await validateFile(new File([], 'a/b.exe')))?.code).to.equal('invalid-name');
    expect((await validateFile(new File([], 'b.exe')))?.code).to.equal('file-empty');
    expect((await validateFile(unreadable('b.exe', SERVER_MAX + 1, 'application/x-msdownload')))?.code).to.equal('file-too-large');
    const full = { existingCount: 5, existingTotalSize: 1e12 };
    const limits = { maxFiles: 5, maxTotalSize: 100 };
    expect((await validateFile(unreadable('b.exe', 10, ''), limits, full))?.code).to.equal('file-type-not-accepted');
    expect((await validateFile(unreadable('b.pdf', 10), limits, full))?.code).to.equal('too-many-files');
    expect((await validateFile(unreadable('b.pdf', 10), { maxTotalSize: 100 }, full))?.code).to.equal('total-size-exceeded');
  });
});

describe('validateFiles', () => {
  it('returns one result per file, in order', async () => {
    const results = await validateFiles([pdf(), new File([], 'empty.txt'), docx()]);
    expect(results).to.deep.equal([undefined, { code: 'file-empty' }, undefined]);
  });

  it('counts accepted files of the batch towards maxFiles, but not rejected ones', async () => {
    const batch = [new File([], 'empty.pdf'), pdf('a.pdf'), pdf('b.pdf'), pdf('c.pdf')];
    const results = await validateFiles(batch, { maxFiles: 3 }, { existingCount: 1, existingTotalSize: 0 });
    expect(results.map((r) => r?.code)).to.deep.equal(['file-empty', undefined, undefined, 'too-many-files']);
  });

  it('counts accepted sizes towards maxTotalSize, so a smaller later file can still fit', async () => {
    const sized = (name: string, n: number) => text(name, 'x'.repeat(n));
    const results = await validateFiles([sized('a.txt', 10), sized('b.txt', 20), sized('c.txt', 10)], { maxTotalSize: 25 });
    expect(results).to.deep.equal([
      undefined,
      { code: 'total-size-exceeded', maxTotalSize: 25, totalSize: 30 },
      undefined,
    ]);
  });
});
