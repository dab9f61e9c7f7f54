import { expect } from '@open-wc/testing';
import type { RejectionReason } from '../types.js';
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from './magic.js';
import { displayFileName, formatByteRate, formatFileSize, rejectionMessage } from './messages.js';
import { DEFAULT_VALIDATION_OPTIONS } from './validate.js';

const MiB = 1024 * 1024;
const tooLarge: RejectionReason = { code: 'file-too-large', maxSize: 50 * MiB, size: 62 * MiB };

describe('formatFileSize', () => {
  it('picks the unit that keeps the number readable', () => {
    expect(formatFileSize(1, 'en')).to.equal('1 byte');
    expect(formatFileSize(512, 'en')).to.equal('512 bytes');
    expect(formatFileSize(1536, 'en')).to.equal('1.5 kB');
    expect(formatFileSize(50 * MiB, 'en')).to.equal('50 MB');
    expect(formatFileSize(3 * 1024 * MiB, 'en')).to.equal('3 GB');
  });

  it('formats numbers for the locale, and survives a malformed locale', () => {
    expect(formatFileSize(62.5 * MiB, 'de-DE')).to.equal('62,5 MB');
    expect(formatFileSize(62.5 * MiB, 'not a locale!')).to.equal('62.5 MB');
  });

  it('shows the default limit as the server states it: 52,428,800 bytes are 50 MB', () => {
    expect(formatFileSize(DEFAULT_VALIDATION_OPTIONS.maxFileSize, 'en')).to.equal('50 MB');
    expect(formatFileSize(DEFAULT_VALIDATION_OPTIONS.maxFileSize, 'de')).to.equal('50 MB');
  });
});

describe('formatByteRate', () => {
  it('uses the same units as sizes, per second, in whole bytes below a kB', () => {
    expect(formatByteRate(1.5 * MiB, 'en')).to.equal('1.5 MB/s');
    expect(formatByteRate(1.5 * MiB, 'de')).to.equal('1,5 MB/s');
    expect(formatByteRate(512.4, 'en')).to.equal('512 bytes per second');
    expect(formatByteRate(1.5 * MiB, 'not a locale!')).to.equal('1.5 MB/s');
  });
});

describe('rejectionMessage', () => {
  it('states a size and the limit', () => {
    expect(rejectionMessage(tooLarge, 'en', 'report.pdf')).to.equal('report.pdf is 62 MB; the limit is 50 MB.');
    expect(rejectionMessage(tooLarge, 'en')).to.equal('This file is 62 MB; the limit is 50 MB.');
  });

  it('shows exact bytes when size and limit would look the same', () => {
    const reason: RejectionReason = { code: 'file-too-large', maxSize: 52_428_800, size: 52_428_801 };
    expect(rejectionMessage(reason, 'en', 'scan.pdf')).to.equal(
      'scan.pdf is 52,428,801 bytes; the limit is 52,428,800 bytes (50 MB).',
    );
  });

  it('explains small, empty, too many and too much', () => {
    expect(rejectionMessage({ code: 'file-too-small', minSize: 1024, size: 3 }, 'en', 'a.txt')).to.equal(
      'a.txt is 3 bytes; files must be at least 1 kB.',
    );
    expect(rejectionMessage({ code: 'file-empty' }, 'en', 'a.txt')).to.equal('a.txt is empty (0 bytes); choose a file with content.');
    expect(rejectionMessage({ code: 'too-many-files', maxFiles: 10 }, 'en', 'k.pdf')).to.equal(
      'k.pdf was not added: you can add at most 10 files. Remove one to make room.',
    );
    expect(rejectionMessage({ code: 'too-many-files', maxFiles: 1 }, 'en')).to.contain('at most 1 file.');
    expect(rejectionMessage({ code: 'total-size-exceeded', maxTotalSize: 100 * MiB, totalSize: 120 * MiB }, 'en', 'big.pdf')).to.equal(
      'Adding big.pdf would bring the total to 120 MB; the limit is 100 MB. Remove some files first.',
    );
  });

  it('lists the accepted extensions, or the accepted types when there are no extensions', () => {
    const byDefault: RejectionReason = { code: 'file-type-not-accepted', accept: DEFAULT_VALIDATION_OPTIONS.accept, type: 'image/png', name: 'photo.png' };
    expect(rejectionMessage(byDefault, 'en')).to.equal('photo.png is not an accepted file type; choose a .pdf, .docx, or .txt file.');
    const images: RejectionReason = { code: 'file-type-not-accepted', accept: 'image/*', type: 'application/pdf', name: 'a.pdf' };
    expect(rejectionMessage(images, 'en')).to.equal('a.pdf is not an accepted file type; choose a file of type image/*.');
  });

  it('says what a mislabelled file really is, or how to fix it', () => {
    expect(rejectionMessage({ code: 'content-mismatch', expected: PDF_TYPE, detected: DOCX_TYPE }, 'en', 'letter.pdf')).to.equal(
      'letter.pdf is named as a PDF but contains a Word document; rename it to end in .docx.',
    );
    expect(rejectionMessage({ code: 'content-mismatch', expected: PDF_TYPE, detected: null }, 'en', 'setup.pdf')).to.equal(
      'setup.pdf is named as a PDF but its content is not; export or save it as PDF again, or choose another file.',
    );
    expect(rejectionMessage({ code: 'content-mismatch', expected: TEXT_TYPE, detected: null }, 'en', 'a.txt')).to.contain('UTF-8');
  });

  it('explains each name problem without echoing hidden characters', () => {
    const message = (name: string, problem: Extract<RejectionReason, { code: 'invalid-name' }>['problem']) =>
      rejectionMessage({ code: 'invalid-name', name, problem }, 'en');
    expect(message('', 'empty')).to.equal('The file has no name; rename it and add it again.');
    expect(message('a/b.pdf', 'path-separator')).to.equal('The name "a/b.pdf" contains "/" or "\\", which file names cannot have; rename the file.');
    expect(message('a\u0007.pdf', 'control-character')).to.equal('The name "a\uFFFD.pdf" contains invisible control characters; rename the file.');
    const bidi = message('invoice\u202efdp.exe', 'bidi-control');
    expect(bidi).to.contain('"invoice\uFFFDfdp.exe"').and.not.contain('\u202e');
    expect(message('..', 'dot-name')).to.equal('".." is not a file name; rename the file.');
    expect(message('x'.repeat(300), 'too-long')).to.match(/^The name "x+…x+" is longer than 255 bytes; shorten it\.$/);
  });
});

describe('displayFileName', () => {
  it('shortens long names in the middle, keeping the extension', () => {
    const shown = displayFileName(`${'quarterly-report-'.repeat(10)}final.pdf`);
    expect(Array.from(shown)).to.have.length(60);
    expect(shown).to.match(/^quarterly-report-.*….*final\.pdf$/);
  });
});
