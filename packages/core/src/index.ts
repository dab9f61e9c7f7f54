export { matchesAccept } from './accept.js';
export type { AcceptableFile } from './accept.js';
export { Subscribable } from './subscribable.js';
export type { AnyListener } from './subscribable.js';
export { UploadError, isRetryableByDefault } from './upload-error.js';
export type { UploadErrorCode, UploadErrorOptions, UploadErrorRequest } from './upload-error.js';
