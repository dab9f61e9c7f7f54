import { expect } from '@open-wc/testing';
import type { RejectionReason } from '../types.js';
import { UploadError } from '../upload-error.js';
import { PDF_TYPE } from './magic.js';
import { rejectionError } from './rejection-error.js';

const tooLarge: RejectionReason = { code: 'file-too-large', maxSize: 50 * 1024 * 1024, size: 62 * 1024 * 1024 };

describe('rejectionError', () => {
  it('builds a non-retryable UploadError carrying the reason', () => {
    const error = rejectionError(tooLarge, 'file-1', 'report.pdf');
    expect(error).to.be.instanceOf(UploadError);
    expect(error.code).to.equal('file-too-large');
    expect(error.retryable).to.equal(false);
    expect(error.fileId).to.equal('file-1');
    expect(error.cause).to.equal(tooLarge);
    expect(error.message).to.equal('report.pdf is 62 MB; the limit is 50 MB.');
  });

  it('maps every rejection to the error code of the same name, never retryable', () => {
    const cases: [RejectionReason, string][] = [
      [{ code: 'file-empty' }, 'file-empty'],
      [{ code: 'file-too-small', minSize: 10, size: 1 }, 'file-too-small'],
      [{ code: 'too-many-files', maxFiles: 1 }, 'too-many-files'],
      [{ code: 'total-size-exceeded', maxTotalSize: 1, totalSize: 2 }, 'total-size-exceeded'],
      [{ code: 'file-type-not-accepted', accept: '.pdf', type: '', name: 'a' }, 'file-type-not-accepted'],
      [{ code: 'content-mismatch', expected: PDF_TYPE, detected: null }, 'content-mismatch'],
      [{ code: 'invalid-name', name: '.', problem: 'dot-name' }, 'invalid-name'],
    ];
    for (const [reason, code] of cases) {
      const error = rejectionError(reason, 'f');
      expect(error.code, reason.code).to.equal(code);
      expect(error.retryable, reason.code).to.equal(false);
    }
  });
});
