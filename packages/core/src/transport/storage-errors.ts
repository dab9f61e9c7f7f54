// Storage's refusals as TransportErrors. Storage answers in two ways (supabase/storage
// src/http/error-handler.ts and routes/tus/lifecycle.ts; the local stack copies both):
//
// - REST routes (the signed-URL PUT): JSON `{ statusCode: "413", code, error, message }` with
//   HTTP 400 for EVERY client error; the real status is the `statusCode` string. Only 5xx keep
//   their HTTP status.
// - TUS routes: the real HTTP status (409, 413, 404…) and the message as plain text.
import type { UploadErrorRequest } from '../upload-error.js';
import { parseRetryAfter } from './retry.js';
import { TransportError } from './transport-error.js';

export interface StorageAnswer {
  /** Which route answered: the signed-URL PUT or a TUS request. */
  route: 'put' | 'tus';
  request: UploadErrorRequest;
  /** The HTTP status. */
  status: number;
  body: string;
  retryAfter?: string | null | undefined;
  /** The clock `Retry-After` dates are measured against (ms since epoch). */
  now?: number | undefined;
}

/** Storage error codes that mean "this upload token is no good" (expired, tampered, another object's). */
const TOKEN_CODES = new Set(['InvalidJWT', 'ExpiredToken', 'InvalidSignature', 'InvalidToken']);
/**
 * Messages that mean the same when there is no code (TUS answers are plain text): jose's
 * `"exp" claim timestamp check failed`, jsonwebtoken's `jwt expired` / `jwt malformed`,
 * `Invalid Compact JWS`, `signature verification failed`, `The provided token has expired.`.
 * Deliberately not "Missing x-signature header": that is our bug, and a new plan cannot fix it.
 */
const TOKEN_MESSAGE = /\bjwt\b|\bjws\b|"exp" claim|token has expired|token expired|invalid signature|signature verification failed|invalid token/i;

interface StorageBody {
  statusCode?: unknown;
  code?: unknown;
  error?: unknown;
  message?: unknown;
}

function parseBody(body: string): StorageBody | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StorageBody) : undefined;
  } catch {
    return undefined;
  }
}

const asString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The status that means something: Storage's own `statusCode` when it hides behind an HTTP 400. */
function effectiveStatus(httpStatus: number, json: StorageBody | undefined): number {
  const own = Number(asString(json?.statusCode) ?? json?.statusCode);
  if (httpStatus === 400 && Number.isInteger(own) && own >= 400 && own <= 599) return own;
  return httpStatus;
}

/** A TransportError for a non-2xx answer from Storage (or a 2xx that broke the TUS protocol). */
export function storageError(answer: StorageAnswer): TransportError {
  const json = parseBody(answer.body);
  const status = effectiveStatus(answer.status, json);
  const serverCode = asString(json?.code) ?? asString(json?.error);
  const serverMessage = (asString(json?.message) ?? (json ? undefined : answer.body.trim())) || undefined;
  const method = answer.request.method.toUpperCase();
  const retryAfterMs = parseRetryAfter(answer.retryAfter, answer.now);

  const tokenExpired =
    (status === 400 || status === 401 || status === 403) &&
    ((serverCode !== undefined && TOKEN_CODES.has(serverCode)) || TOKEN_MESSAGE.test(serverMessage ?? ''));
  const uploadGone = answer.route === 'tus' && method !== 'POST' && (status === 404 || status === 410);

  let retryable: boolean | undefined;
  let message: string;
  const said = serverMessage ? ` (Storage said: ${serverMessage})` : '';
  if (tokenExpired) {
    retryable = false;
    message = `The upload token expired or was refused; get a new upload plan and resume${said}.`;
  } else if (uploadGone) {
    retryable = false;
    message = `The resumable upload no longer exists on the server (it expired or was finished); start a new one${said}.`;
  } else if (status >= 200 && status < 300) {
    // A 2xx that breaks the protocol (no Location, no Upload-Offset): a proxy in the way. Asking
    // again (HEAD, then continue) is the only thing that can help.
    retryable = true;
    message = `Storage answered ${answer.status} without what the upload protocol needs; it will be retried.`;
  } else if (status === 413) {
    message = `The file is larger than Storage accepts for this bucket; choose a smaller file${said}.`;
  } else if (status === 415) {
    message = `Storage does not accept this file type for this bucket${said}.`;
  } else if (status === 409 && answer.route === 'tus' && method !== 'POST') {
    // PATCH/HEAD: our offset is behind the server's, or another request holds the upload's lock.
    // A HEAD tells the new offset, so the next attempt succeeds.
    retryable = true;
    message = `Storage's offset for this upload moved on (or another tab is sending it); it will be resumed${said}.`;
  } else if (status === 423) {
    retryable = true;
    message = `The upload is locked by another request right now; it will be retried${said}.`;
  } else if (status === 409) {
    message = `A file already exists at this path and may not be overwritten${said}.`;
  } else if (status === 403) {
    message = `Storage refused the upload (permission denied)${said}.`;
  } else if (status === 429) {
    message = `Storage asked us to slow down; the upload will be retried${said}.`;
  } else if (status >= 500) {
    message = `Storage failed with ${status}; the upload will be retried${said}.`;
  } else {
    message = `Storage refused the upload with ${status}${said}.`;
  }

  return new TransportError(message, {
    code: 'http',
    request: answer.request,
    status,
    retryable,
    serverCode,
    retryAfterMs,
    tokenExpired,
    uploadGone,
    responseBody: answer.body,
  });
}
