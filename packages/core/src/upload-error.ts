/**
 * What went wrong, as a stable string a program can switch on. Messages are for
 * people; codes are for code.
 */
export type UploadErrorCode =
  /** The request never got an HTTP response (offline, DNS, CORS, connection reset). */
  | 'network'
  /** The server answered with a status that is not a success; see `status`. */
  | 'http'
  /** The upload was cancelled on purpose. Never retried. */
  | 'aborted'
  /** The file is larger than the configured maximum. */
  | 'file-too-large'
  /** The file matches none of the accepted MIME types or extensions. */
  | 'file-type-not-accepted'
  /** The file has no bytes. */
  | 'file-empty'
  /** The file is smaller than the configured minimum. */
  | 'file-too-small'
  /** Adding the file would pass the maximum number of files. */
  | 'too-many-files'
  /** Adding the file would pass the maximum total size. */
  | 'total-size-exceeded'
  /** The bytes are not what the name says (a renamed .exe, a .pdf that is not a PDF). */
  | 'content-mismatch'
  /** Inspection found what the document rules refuse: a password, a broken structure, macros, binary text. */
  | 'document-refused'
  /** The document has more pages than `documentRules.maxPages`. */
  | 'too-many-pages'
  /** The app's own `validateDocument` hook refused the file. */
  | 'refused-by-app'
  /** The file name cannot be stored (path separators, control characters, too long). */
  | 'invalid-name'
  /** The browser could not read the file (moved, deleted or changed after it was picked). */
  | 'file-unreadable'
  /**
   * The file changed while it was being uploaded: the bytes that arrived are not the bytes
   * hashed (the server's MD5 of the object differs). Never retried; pick the file again.
   */
  | 'file-changed'
  /** The server refused or failed the document after the upload (parsing, embedding). */
  | 'processing-failed'
  /**
   * Nobody is signed in: the Supabase client has no session, so the backend refused the
   * request (401). Sign a user in (or in anonymously), then retry. A session that existed and
   * can no longer be refreshed is `http` with status 401 instead.
   */
  | 'auth-required';

/** The request that failed, kept so an error can be reported or retried. */
export interface UploadErrorRequest {
  readonly method: string;
  readonly url: string;
}

export interface UploadErrorOptions {
  readonly code: UploadErrorCode;
  /** Overrides the default derived from `code` and `status` (see {@link isRetryableByDefault}). */
  readonly retryable?: boolean;
  /** HTTP status of the response, when there was one. */
  readonly status?: number;
  /** Which file in the uploader this error belongs to. */
  readonly fileId?: string;
  readonly request?: UploadErrorRequest;
  /** The underlying error or value that caused this one. */
  readonly cause?: unknown;
}

/**
 * HTTP statuses worth trying again: the request timed out (408), the server asked
 * us to slow down (429), or the server or a gateway failed (5xx). Everything else
 * in 4xx means the same request will fail the same way.
 */
function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Whether an error with this code (and status) is worth retrying when the caller
 * does not say: network failures and transient HTTP statuses are; cancellations
 * and validation failures never are, since retrying cannot change the outcome.
 */
export function isRetryableByDefault(code: UploadErrorCode, status?: number): boolean {
  switch (code) {
    case 'network':
      return true;
    case 'http':
      return isRetryableStatus(status);
    case 'aborted':
    case 'file-too-large':
    case 'file-type-not-accepted':
    case 'file-empty':
    case 'file-too-small':
    case 'too-many-files':
    case 'total-size-exceeded':
    case 'content-mismatch':
    case 'document-refused':
    case 'too-many-pages':
    case 'refused-by-app':
    case 'invalid-name':
    case 'file-unreadable':
    case 'file-changed':
    case 'processing-failed':
    case 'auth-required':
      return false;
  }
}

/**
 * The one error type of v2-uploader. It is stored in snapshots as a value rather
 * than thrown through listeners; check for it with `instanceof UploadError`.
 */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: UploadErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly fileId: string | undefined;
  readonly request: UploadErrorRequest | undefined;

  constructor(message: string, options: UploadErrorOptions) {
    // Only pass `cause` when given, so `'cause' in error` stays honest.
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = options.code;
    this.status = options.status;
    this.fileId = options.fileId;
    this.request = options.request === undefined ? undefined : { ...options.request };
    this.retryable = options.retryable ?? isRetryableByDefault(options.code, options.status);
  }
}
