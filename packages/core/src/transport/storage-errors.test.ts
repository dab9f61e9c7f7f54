import { expect } from '@open-wc/testing';
import { UploadError } from '../upload-error.js';
import { storageError } from './storage-errors.js';
import { TransportError } from './transport-error.js';

const put = { method: 'PUT', url: 'https://x.test/storage/v1/object/upload/sign/documents/u/d/a.pdf?token=t' };
const patch = { method: 'PATCH', url: 'https://x.test/storage/v1/upload/resumable/sign/abc' };
const head = { method: 'HEAD', url: patch.url };
const post = { method: 'POST', url: 'https://x.test/storage/v1/upload/resumable/sign' };
/** Storage's REST error body: HTTP 400 with the real status in `statusCode`. */
const rest = (statusCode: string, code: string, message: string) => JSON.stringify({ statusCode, code, error: code, message });

describe('storageError (signed-URL PUT answers)', () => {
  it('reads the real status from statusCode when Storage hides it behind HTTP 400', () => {
    const tooLarge = storageError({ route: 'put', request: put, status: 400, body: rest('413', 'EntityTooLarge', 'The object exceeded the maximum allowed size') });
    expect(tooLarge).to.be.instanceOf(UploadError);
    expect(tooLarge).to.be.instanceOf(TransportError);
    expect(tooLarge.code).to.equal('http');
    expect(tooLarge.status).to.equal(413);
    expect(tooLarge.retryable).to.equal(false);
    expect(tooLarge.serverCode).to.equal('EntityTooLarge');
    expect(tooLarge.request).to.deep.equal(put);
    expect(tooLarge.message).to.contain('smaller file');

    const exists = storageError({ route: 'put', request: put, status: 400, body: rest('409', 'ResourceAlreadyExists', 'The resource already exists') });
    expect([exists.status, exists.retryable]).to.deep.equal([409, false]);
    const rls = storageError({ route: 'put', request: put, status: 400, body: rest('403', 'AccessDenied', 'new row violates row-level security policy') });
    expect([rls.status, rls.retryable, rls.tokenExpired]).to.deep.equal([403, false, false]);
  });

  it('flags an expired or tampered token so the uploader asks for a new plan', () => {
    for (const [code, message] of [
      ['InvalidJWT', '"exp" claim timestamp check failed'],
      ['InvalidJWT', 'jwt expired'],
      ['InvalidJWT', 'Invalid Compact JWS'],
      ['ExpiredToken', 'The provided token has expired.'],
      ['InvalidSignature', 'Invalid signature'],
    ] as const) {
      const error = storageError({ route: 'put', request: put, status: 400, body: rest('400', code, message) });
      expect(error.tokenExpired, message).to.equal(true);
      expect(error.status).to.equal(400);
      expect(error.retryable).to.equal(false);
      expect(error.serverCode).to.equal(code);
    }
  });

  it('keeps 5xx retryable with the Retry-After the server sent', () => {
    const error = storageError({ route: 'put', request: put, status: 503, body: '<html>Bad gateway</html>', retryAfter: '3' });
    expect([error.status, error.retryable, error.retryAfterMs, error.serverCode]).to.deep.equal([503, true, 3000, undefined]);
    expect(error.responseBody).to.equal('<html>Bad gateway</html>');
  });
});

describe('storageError (TUS answers: real status, plain-text body)', () => {
  it('retries an offset mismatch or a lock on PATCH/HEAD (a HEAD finds the new offset)', () => {
    const mismatch = storageError({ route: 'tus', request: patch, status: 409, body: "Upload-Offset header's value does not match" });
    expect([mismatch.status, mismatch.retryable, mismatch.uploadGone]).to.deep.equal([409, true, false]);
    const locked = storageError({ route: 'tus', request: head, status: 423, body: 'locked' });
    expect(locked.retryable).to.equal(true);
  });

  it('does not retry a 409 on creation: the object exists and may not be overwritten', () => {
    const error = storageError({ route: 'tus', request: post, status: 409, body: 'The resource already exists' });
    expect(error.retryable).to.equal(false);
  });

  it('says "start a new upload" for 404/410 on an upload URL', () => {
    for (const status of [404, 410]) {
      const error = storageError({ route: 'tus', request: head, status, body: 'The file for this url was not found\n' });
      expect([error.uploadGone, error.retryable, error.tokenExpired]).to.deep.equal([true, false, false]);
    }
  });

  it('flags a bad x-signature as an expired token, but not a missing header (our bug)', () => {
    const expired = storageError({ route: 'tus', request: patch, status: 400, body: '"exp" claim timestamp check failed' });
    expect([expired.tokenExpired, expired.retryable]).to.deep.equal([true, false]);
    const forged = storageError({ route: 'tus', request: post, status: 400, body: 'signature verification failed' });
    expect(forged.tokenExpired).to.equal(true);
    const missing = storageError({ route: 'tus', request: post, status: 400, body: 'Missing x-signature header' });
    expect(missing.tokenExpired).to.equal(false);
  });

  it('gives up on 413 and retries 429/5xx after Retry-After (seconds or date)', () => {
    const tooLarge = storageError({ route: 'tus', request: post, status: 413, body: 'Maximum size exceeded\n' });
    expect([tooLarge.retryable, tooLarge.status]).to.deep.equal([false, 413]);
    const now = Date.parse('2025-01-08T12:00:00Z');
    const busy = storageError({ route: 'tus', request: patch, status: 429, body: '', retryAfter: 'Wed, 08 Jan 2025 12:00:02 GMT', now });
    expect([busy.retryable, busy.retryAfterMs]).to.deep.equal([true, 2000]);
    const down = storageError({ route: 'tus', request: patch, status: 502, body: '' });
    expect([down.retryable, down.retryAfterMs]).to.deep.equal([true, undefined]);
  });
});
