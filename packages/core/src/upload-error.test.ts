import { expect } from '@open-wc/testing';
import { UploadError, isRetryableByDefault } from './upload-error.js';

describe('UploadError', () => {
  it('is an Error that callers can recognise with instanceof', () => {
    const error = new UploadError('File is larger than 10 MB. Choose a smaller file.', {
      code: 'file-too-large',
      fileId: 'file-1',
    });
    expect(error).to.be.instanceOf(UploadError);
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('UploadError');
    expect(error.message).to.equal('File is larger than 10 MB. Choose a smaller file.');
    expect(error.code).to.equal('file-too-large');
    expect(error.fileId).to.equal('file-1');
    expect(error.retryable).to.equal(false);
    expect(String(error)).to.equal('UploadError: File is larger than 10 MB. Choose a smaller file.');
  });

  it('keeps the failed request, the status and the cause', () => {
    const cause = new TypeError('Failed to fetch');
    const request = { method: 'POST', url: 'https://example.test/functions/v1/upload-handler' };
    const error = new UploadError('Upload failed with 503. Try again in a minute.', {
      code: 'http',
      status: 503,
      request,
      cause,
    });
    expect(error.status).to.equal(503);
    expect(error.request).to.deep.equal(request);
    expect(error.request).not.to.equal(request, 'a copy, so later changes to the caller object do not leak in');
    expect(error.cause).to.equal(cause);
  });

  it('has no cause property when none was given', () => {
    const error = new UploadError('Cancelled.', { code: 'aborted' });
    expect('cause' in error).to.equal(false);
    expect(error.status).to.equal(undefined);
    expect(error.request).to.equal(undefined);
  });

  it('derives retryable from code and status unless told otherwise', () => {
    const retryable = (options: ConstructorParameters<typeof UploadError>[1]) =>
      new UploadError('x', options).retryable;
    expect(retryable({ code: 'network' })).to.equal(true);
    expect(retryable({ code: 'aborted' })).to.equal(false);
    expect(retryable({ code: 'file-empty' })).to.equal(false);
    expect(retryable({ code: 'file-type-not-accepted' })).to.equal(false);
    expect(retryable({ code: 'http', status: 500 })).to.equal(true);
    expect(retryable({ code: 'http', status: 503 })).to.equal(true);
    expect(retryable({ code: 'http', status: 408 })).to.equal(true);
    expect(retryable({ code: 'http', status: 429 })).to.equal(true);
    expect(retryable({ code: 'http', status: 400 })).to.equal(false);
    expect(retryable({ code: 'http', status: 403 })).to.equal(false);
    expect(retryable({ code: 'http', status: 404 })).to.equal(false);
    expect(retryable({ code: 'http', status: 413 })).to.equal(false);
    expect(retryable({ code: 'http' })).to.equal(false);
    expect(retryable({ code: 'http', status: 404, retryable: true })).to.equal(true);
    expect(retryable({ code: 'network', retryable: false })).to.equal(false);
  });

  it('exposes the default rule on its own', () => {
    expect(isRetryableByDefault('http', 502)).to.equal(true);
    expect(isRetryableByDefault('http', 600)).to.equal(false);
  });
});
