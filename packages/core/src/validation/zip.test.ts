import { expect } from '@open-wc/testing';
import { buildZip, crc32, DOCX_PARTS } from './testing/zip-fixture.js';
import { centralDirectoryNames, findEndOfCentralDirectory, readZipEntryNames } from './zip.js';

const DOCX_NAMES = DOCX_PARTS.map((part) => part.name);
const encode = (text: string) => new TextEncoder().encode(text);
const blobOf = (...parts: Uint8Array[]) => new Blob(parts as BlobPart[]);

describe('the ZIP test fixture', () => {
  it('computes the standard CRC-32 check value', () => {
    // The published check value of CRC-32/ISO-HDLC for "123456789".
    expect(crc32(encode('123456789'))).to.equal(0xcbf43926);
  });
});

describe('findEndOfCentralDirectory', () => {
  it('finds the record at the very end of a ZIP without a comment', () => {
    const zip = buildZip(DOCX_PARTS);
    expect(findEndOfCentralDirectory(zip)).to.equal(zip.length - 22);
  });

  it('is not fooled by a comment that contains the record signature', () => {
    const fake = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18)]);
    const comment = new Uint8Array([...encode('before '), ...fake, ...encode(' after')]);
    const zip = buildZip(DOCX_PARTS, { comment });
    expect(findEndOfCentralDirectory(zip)).to.equal(zip.length - 22 - comment.length);
  });

  it('returns -1 when there is no record', () => {
    expect(findEndOfCentralDirectory(encode('no zip here, just some text that is long enough'))).to.equal(-1);
    expect(findEndOfCentralDirectory(new Uint8Array(0))).to.equal(-1);
  });
});

describe('centralDirectoryNames', () => {
  it('returns undefined for a directory shorter than it claims', () => {
    const zip = buildZip(DOCX_PARTS);
    const eocd = findEndOfCentralDirectory(zip);
    const view = new DataView(zip.buffer, zip.byteOffset);
    const start = view.getUint32(eocd + 16, true);
    const directory = zip.subarray(start, eocd);
    expect(centralDirectoryNames(directory, 3)).to.deep.equal(DOCX_NAMES);
    expect(centralDirectoryNames(directory, 4)).to.equal(undefined);
    expect(centralDirectoryNames(directory.subarray(0, directory.length - 5), 3)).to.equal(undefined);
  });
});

describe('readZipEntryNames', () => {
  it('lists the entries of a ZIP in directory order', async () => {
    expect(await readZipEntryNames(blobOf(buildZip(DOCX_PARTS)))).to.deep.equal(DOCX_NAMES);
  });

  it('handles UTF-8 entry names', async () => {
    const zip = buildZip([{ name: 'Bericht für März/Übersicht.txt', data: 'x' }]);
    expect(await readZipEntryNames(blobOf(zip))).to.deep.equal(['Bericht für März/Übersicht.txt']);
  });

  it('handles the longest possible comment (65,535 bytes)', async () => {
    const zip = buildZip(DOCX_PARTS, { comment: 'c'.repeat(0xffff) });
    expect(await readZipEntryNames(blobOf(zip))).to.deep.equal(DOCX_NAMES);
  });

  it('reads ZIP64 archives through the ZIP64 end record', async () => {
    expect(await readZipEntryNames(blobOf(buildZip(DOCX_PARTS, { zip64: true })))).to.deep.equal(DOCX_NAMES);
  });

  it('reads a central directory that lies before the last 64 KiB', async () => {
    const big = [...DOCX_PARTS, { name: 'word/media/image1.bin', data: new Uint8Array(200 * 1024) }];
    const zip = buildZip(big, { comment: 'padding '.repeat(100) });
    expect(await readZipEntryNames(blobOf(zip))).to.deep.equal(big.map((part) => part.name));
  });

  it('returns undefined for a truncated ZIP or one whose directory points past its end', async () => {
    const zip = buildZip(DOCX_PARTS);
    expect(await readZipEntryNames(blobOf(zip.subarray(0, zip.length - 30)))).to.equal(undefined);
    const corrupt = zip.slice();
    new DataView(corrupt.buffer).setUint32(corrupt.length - 6, zip.length, true);
    expect(await readZipEntryNames(blobOf(corrupt))).to.equal(undefined);
  });
});
