// One error shape for every function: `{ "error": { "code", "message", "details"? } }` with the
// right status. Codes are stable (clients switch on them); messages say what to do next.

export type ErrorCode =
  // 400
  | 'invalid_json'
  | 'invalid_request'
  | 'source_unknown'
  // 401
  | 'auth_missing'
  | 'auth_malformed'
  | 'auth_expired'
  | 'auth_invalid'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_expired'
  // 403
  | 'forbidden'
  | 'feature_disabled'
  // 404
  | 'not_found'
  | 'document_not_found'
  // 405, 409, 413, 415
  | 'method_not_allowed'
  | 'invalid_state'
  | 'hash_conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  // 422
  | 'validation_failed'
  | 'file_too_large'
  | 'file_empty'
  | 'file_type_not_allowed'
  | 'file_type_mismatch'
  | 'filename_invalid'
  | 'hash_invalid'
  | 'hash_mismatch'
  | 'fingerprint_invalid'
  | 'document_encrypted'
  | 'idempotency_key_reused'
  | 'progress_out_of_range'
  | 'size_mismatch'
  // 5xx
  | 'storage_unavailable'
  | 'database_unavailable'
  | 'internal_error';

export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function errorResponse(err: HttpError): Response {
  return Response.json(errorBody(err.code, err.message, err.details), {
    status: err.status,
    headers: err.headers,
  });
}

export const notFound = (what = 'document') =>
  new HttpError(404, what === 'document' ? 'document_not_found' : 'not_found',
    `No ${what} with that id belongs to you. Check the id; documents of other users are not visible.`);
