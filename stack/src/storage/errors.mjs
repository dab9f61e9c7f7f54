// @ts-check
// Storage errors exactly as Supabase Storage renders them (supabase/storage
// src/internal/errors/codes.ts + src/http/error-handler.ts):
//
// - REST routes answer JSON `{ statusCode: "<code>", code, error, message }` where `statusCode`
//   is the error's own code (404, 409, 413, 415, 403…) but the HTTP status is 400 for every
//   client error (Storage's `userStatusCode`); only 5xx keep their status. supabase-js reads
//   the body, so `error.statusCode` is what callers see.
// - TUS routes answer with the real status (413, 409, 403, 404…) and the message as a plain
//   text body (lifecycle.ts `onResponseError` → `{ status_code, body: message }`).

import { isDataError } from '../text.mjs';

export class StorageError extends Error {
  /**
   * @param {number} status     the error's own code, rendered as `statusCode: "<status>"`
   * @param {string} code       Supabase ErrorCode (NoSuchKey, InvalidJWT, …)
   * @param {string} error      the legacy `error` field (`not_found`, `Duplicate`, …)
   * @param {string} message
   * @param {number} [httpStatus]  HTTP status on REST routes (default: 400, or 500 for 5xx)
   */
  constructor(status, code, error, message, httpStatus) {
    super(message);
    this.name = 'StorageError';
    this.status = status;
    this.code = code;
    this.error = error;
    this.httpStatus = httpStatus ?? (status >= 500 ? 500 : 400);
  }

  render() {
    return { statusCode: String(this.status), code: this.code, error: this.error, message: this.message };
  }

  // tus-node-server reads these two when the error reaches its own error path.
  get status_code() {
    return this.status;
  }

  get body() {
    return this.message;
  }
}

export const ERRORS = {
  /** @param {string} [message] */
  AccessDenied: (message = 'Access denied') => new StorageError(403, 'AccessDenied', 'Unauthorized', message),
  RlsDenied: () => new StorageError(403, 'AccessDenied', 'Unauthorized', 'new row violates row-level security policy'),
  NoSuchBucket: () => new StorageError(404, 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  NoSuchKey: () => new StorageError(404, 'NoSuchKey', 'not_found', 'Object not found'),
  // Storage's createObject turns the unique violation (ResourceAlreadyExists) into this one, so
  // every object upload answers KeyAlreadyExists (database/pg.ts createObject).
  KeyAlreadyExists: () => new StorageError(409, 'KeyAlreadyExists', 'Duplicate', 'The resource already exists'),
  // A foreign key to a missing row: for objects, a bucket that does not exist when a URL is
  // signed by a caller whose RLS let the insert through (e.g. the service role).
  RelatedResourceNotFound: () =>
    new StorageError(404, 'InvalidRequest', 'InvalidRequest', 'The related resource does not exist'),
  /** @param {string} [message] */
  NoSuchUpload: (message = 'Upload not found') => new StorageError(404, 'NoSuchUpload', 'NoSuchUpload', message),
  /** @param {string} [entity] */
  EntityTooLarge: (entity = 'object') =>
    new StorageError(413, 'EntityTooLarge', 'Payload too large', `The ${entity} exceeded the maximum allowed size`),
  /** @param {string} mimeType */
  InvalidMimeType: (mimeType) =>
    new StorageError(415, 'InvalidMimeType', 'invalid_mime_type', `mime type ${mimeType} is not supported`),
  /** @param {string} key */
  InvalidKey: (key) => new StorageError(400, 'InvalidKey', 'InvalidKey', `Invalid key: ${key}`),
  /** @param {string} bucket */
  InvalidBucketName: (bucket) => new StorageError(400, 'InvalidBucketName', 'Invalid Input', `Bucket name invalid: ${bucket}`),
  /** @param {string} message */
  InvalidJWT: (message) => new StorageError(400, 'InvalidJWT', 'InvalidJWT', message || 'Invalid JWT'),
  /** @param {string} [message] */
  InvalidSignature: (message = 'Invalid signature') => new StorageError(400, 'InvalidSignature', 'InvalidSignature', message),
  ExpiredSignature: () => new StorageError(400, 'ExpiredToken', 'ExpiredToken', 'The provided token has expired.'),
  /** @param {string} message */
  InvalidRequest: (message) => new StorageError(400, 'InvalidRequest', 'InvalidRequest', message || 'Invalid Request'),
  /** @param {string} [message] */
  InvalidUploadId: (message = 'Invalid upload id') => new StorageError(400, 'InvalidUploadId', 'InvalidUploadId', message),
  MetadataRequired: () => new StorageError(400, 'InvalidRequest', 'InvalidRequest', 'Metadata header is required'),
  /** @param {string} [message] */
  NoContentProvided: (message = 'No content provided') => new StorageError(400, 'InvalidRequest', 'InvalidRequest', message),
  /** @param {string} method @param {string} path */
  RouteNotFound: (method, path) =>
    new StorageError(404, 'NotFound', 'Not Found', `Route ${method}:${path} not found`, 404),
  /** @param {string} message */
  InvalidParameter: (message) => new StorageError(400, 'InvalidParameter', 'InvalidParameter', message),
  /**
   * Text Postgres cannot store (text.mjs), refused before the database sees it.
   * @param {string} what e.g. "prefixes.0", "user metadata"  @param {string} reason
   */
  UnstorableText: (what, reason) =>
    new StorageError(400, 'InvalidParameter', 'InvalidParameter', `Invalid Parameter ${what}: it ${reason}, which cannot be stored`),
  /** @param {string} [message] */
  Internal: (message = 'Internal server error') => new StorageError(500, 'InternalError', 'InternalError', message),
};

/**
 * Map a Postgres error the way Storage's DBError.fromDBError does; anything else is returned as is.
 * @param {unknown} e
 * @returns {unknown}
 */
export function fromDbError(e) {
  const err = /** @type {{ code?: string, message?: string, constraint_name?: string }} */ (e);
  switch (err?.code) {
    case '42501':
      return String(err.message).includes('row-level security') ? ERRORS.RlsDenied() : ERRORS.AccessDenied(String(err.message));
    case '23505':
      return ERRORS.KeyAlreadyExists();
    case '23503':
      return ERRORS.RelatedResourceNotFound();
    case '22P02':
      return new StorageError(400, 'InvalidParameter', 'InvalidParameter', String(err.message || 'Invalid value'));
    default:
      // Storage answers the rest of SQLSTATE class 22 (22P05/22021: a NUL; 22001…) with its
      // 500 DatabaseError; they are the client's value, so the stack says so with a 400.
      return isDataError(e) ? ERRORS.InvalidParameter(`Invalid value: ${String(err.message || err.code)}`) : e;
  }
}

/**
 * Render an error on a REST route: JSON with Storage's shape.
 * @param {import('node:http').ServerResponse} res
 * @param {StorageError} error
 */
export function sendStorageError(res, error) {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const text = JSON.stringify(error.render());
  res.writeHead(error.httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
