// The UploadError that transfers and backend calls fail with: an UploadError (so `instanceof
// UploadError` and `code`/`retryable`/`status`/`request` work as everywhere else) plus what the
// uploader needs to decide its next step without parsing messages.
import { UploadError, type UploadErrorCode, type UploadErrorRequest } from '../upload-error.js';

export interface TransportErrorOptions {
  readonly code: UploadErrorCode;
  readonly request: UploadErrorRequest;
  readonly status?: number | undefined;
  /** Overrides the default derived from `code` and `status`. */
  readonly retryable?: boolean | undefined;
  readonly cause?: unknown;
  /** The server's own error code: upload-handler's `error.code`, Storage's `code`/`error`. */
  readonly serverCode?: string | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly tokenExpired?: boolean | undefined;
  readonly uploadGone?: boolean | undefined;
  readonly responseBody?: string | undefined;
}

/** Longest response body kept on an error: enough for any JSON error, never a whole HTML page. */
const MAX_BODY_CHARS = 2000;

export class TransportError extends UploadError {
  /** The server's own error code (`hash_invalid`, `InvalidJWT`, `EntityTooLarge`…), if it sent one. */
  readonly serverCode: string | undefined;
  /** How long the server asked us to wait (its `Retry-After`), in ms from when it answered. */
  readonly retryAfterMs: number | undefined;
  /**
   * The signed upload token expired or was refused: the same plan can never succeed. Ask
   * upload-handler for a new plan (same document, same path) and resume with it.
   */
  readonly tokenExpired: boolean;
  /**
   * The TUS upload URL is unknown or expired on the server: forget it and start a new TUS
   * upload (same plan, no `resumeUrl`).
   */
  readonly uploadGone: boolean;
  /** The start of the response body, for logs and bug reports. */
  readonly responseBody: string | undefined;

  constructor(message: string, options: TransportErrorOptions) {
    super(message, {
      code: options.code,
      request: options.request,
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.retryable === undefined ? {} : { retryable: options.retryable }),
      ...('cause' in options ? { cause: options.cause } : {}),
    });
    this.serverCode = options.serverCode;
    this.retryAfterMs = options.retryAfterMs;
    this.tokenExpired = options.tokenExpired ?? false;
    this.uploadGone = options.uploadGone ?? false;
    this.responseBody = options.responseBody?.slice(0, MAX_BODY_CHARS);
  }
}

/** True when `error` says the signed upload token is no good any more (see {@link TransportError.tokenExpired}). */
export function isTokenExpired(error: unknown): boolean {
  return error instanceof TransportError && error.tokenExpired;
}

/** True when `error` says the TUS upload no longer exists (see {@link TransportError.uploadGone}). */
export function isUploadGone(error: unknown): boolean {
  return error instanceof TransportError && error.uploadGone;
}

/** The cancellation error: final, never retried. */
export function abortedError(request: UploadErrorRequest, cause?: unknown): TransportError {
  return new TransportError('The upload was cancelled.', {
    code: 'aborted',
    request,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** No HTTP answer at all (offline, DNS, CORS, connection reset): worth retrying. */
export function networkError(request: UploadErrorRequest, cause: unknown, what: string): TransportError {
  return new TransportError(`${what} failed: the server could not be reached. Check the connection; it will be retried.`, {
    code: 'network',
    request,
    cause,
  });
}

/**
 * The reason a transfer's signal aborts with when what was sent is unwanted (the file turned
 * out to be a duplicate of another document, or not the file that was hashed): besides
 * stopping, the transport discards it on the server (a TUS upload is terminated) instead of
 * keeping it to resume.
 */
export class DiscardUpload extends Error {
  override readonly name = 'DiscardUpload';
}
