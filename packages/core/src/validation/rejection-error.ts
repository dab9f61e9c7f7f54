// Turns a rejection into the package's one error type, for callers that report errors
// rather than rejections (an `error` event, a log).
import type { RejectionReason } from '../types.js';
import { UploadError, type UploadErrorCode } from '../upload-error.js';
import { rejectionMessage } from './messages.js';

/** Each rejection has an `UploadErrorCode` of the same name; the exact reason stays in `cause`. */
const ERROR_CODES: Readonly<Record<RejectionReason['code'], UploadErrorCode>> = {
  'file-too-large': 'file-too-large',
  'file-empty': 'file-empty',
  'file-type-not-accepted': 'file-type-not-accepted',
  'file-too-small': 'file-too-small',
  'too-many-files': 'too-many-files',
  'total-size-exceeded': 'total-size-exceeded',
  'content-mismatch': 'content-mismatch',
  'invalid-name': 'invalid-name',
  'document-refused': 'document-refused',
  'too-many-pages': 'too-many-pages',
  'refused-by-app': 'refused-by-app',
};

/**
 * The `UploadError` for a rejected file: never retryable (the same file fails the same way),
 * with `rejectionMessage` as its message and the rejection itself as `cause`.
 */
export function rejectionError(reason: RejectionReason, fileId: string, fileName?: string): UploadError {
  return new UploadError(rejectionMessage(reason, undefined, fileName), {
    code: ERROR_CODES[reason.code],
    retryable: false,
    fileId,
    cause: reason,
  });
}
