// The backend's HTTP API (supabase/functions/README.md) over plain fetch: we pass our own
// AbortSignal, read error bodies and headers (Retry-After), and read the session afresh for
// every request, so a token refreshed mid-upload is used by the very next call.
import type { BackendApi, FingerprintStart, HashDelivery, InitResult, ServerProgress, UploadPlan } from '../interfaces.js';
import { UploadError, type UploadErrorRequest } from '../upload-error.js';
import { withAnonymousSignIn } from './anonymous-sign-in.js';
import { type AnySupabaseClient, clientConfig, type ClientConfigOptions } from './client-config.js';
import { parseRetryAfter } from './retry.js';
import { abortedError, networkError, TransportError } from './transport-error.js';

export type { AnySupabaseClient } from './client-config.js';

export interface BackendApiOptions extends ClientConfigOptions {
  /** With no session, sign in anonymously once before the first request (the Uploader's option). */
  anonymousSignIn?: boolean;
  fetch?: typeof fetch;
  /** The clock for `Retry-After` dates; `Date.now` by default. */
  now?: () => number;
}

/** A BackendApi over `supabase`'s session, calling upload-handler and progress-tracker. */
export function createBackendApi(client: AnySupabaseClient, options: BackendApiOptions = {}): BackendApi {
  // The session is read through this client only: wrapped, its first read signs in when needed.
  const supabase = options.anonymousSignIn ? withAnonymousSignIn(client) : client;
  const { functionsUrl, anonKey } = clientConfig(supabase, options);
  const fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;

  /** The access token right now; getSession refreshes it first when it is about to expire. */
  async function accessToken(request: UploadErrorRequest): Promise<string> {
    let result: Awaited<ReturnType<typeof supabase.auth.getSession>>;
    try {
      result = await supabase.auth.getSession();
    } catch (cause) {
      // A client that signs in on demand (the element's anonymous-sign-in) says why it could not.
      if (cause instanceof UploadError) throw cause;
      throw networkError(request, cause, 'Reading the session');
    }
    const { data, error } = result;
    if (error) {
      // A refresh that could not reach Auth is a blip; any other failure ended the session.
      const offline = error.name === 'AuthRetryableFetchError';
      throw new TransportError(
        offline ? 'Refreshing the session failed: Auth could not be reached. It will be retried.' : `Your session ended (${error.message}); sign in again, then retry.`,
        { code: offline ? 'network' : 'http', request, ...(offline ? {} : { status: 401 }), serverCode: error.code, cause: error },
      );
    }
    // Signed out: send the anon key, as supabase-js does, and let the function answer 401 auth_missing.
    return data.session?.access_token ?? anonKey;
  }

  /**
   * A new access token after the server refused ours with 401: it expired on the way (a slow
   * network, a stalled request), the device clock is off, or it was revoked. Undefined when the
   * session cannot be refreshed (signed out, the refresh token is spent): the 401 stands.
   */
  async function refreshedToken(refused: string): Promise<string | undefined> {
    try {
      const { data, error } = await supabase.auth.refreshSession();
      const token = data.session?.access_token;
      return !error && token && token !== refused ? token : undefined;
    } catch {
      return undefined;
    }
  }

  async function call(method: string, name: string, query: string, body: unknown, signal: AbortSignal | undefined, what: string): Promise<unknown> {
    const url = `${functionsUrl}/${name}${query}`;
    const request = { method, url };
    if (signal?.aborted) throw abortedError(request, signal.reason);
    let token = await accessToken(request);
    let response: Response;
    let text: string;
    // Every call is safe to repeat (upload-handler deduplicates by hash; progress only moves
    // forward; cancel is idempotent), so a 401 for a session token is answered by one refresh
    // and one more try.
    for (let tries = 0; ; tries++) {
      if (signal?.aborted) throw abortedError(request, signal.reason);
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, apikey: anonKey };
      if (body !== undefined) headers['content-type'] = 'application/json';
      try {
        response = await fetchImpl(url, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(signal ? { signal } : {}),
        });
        text = await response.text();
      } catch (cause) {
        if (signal?.aborted) throw abortedError(request, signal.reason);
        throw networkError(request, cause, what);
      }
      if (signal?.aborted) throw abortedError(request, signal.reason);
      if (response.status !== 401 || token === anonKey || tries > 0) break;
      const fresh = await refreshedToken(token);
      if (fresh === undefined) break;
      token = fresh;
    }
    if (response.status === 401 && token === anonKey) throw authRequired(text, request, what);
    if (!response.ok) throw backendError(response, text, request, what, now());
    try {
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch (cause) {
      throw unexpected(request, response.status, text, what, cause);
    }
  }

  return {
    async initUpload(body, signal) {
      const answer = await call('POST', 'upload-handler', '', body, signal, 'Starting the upload');
      if (!isInitResult(answer)) throw unexpected({ method: 'POST', url: `${functionsUrl}/upload-handler` }, 200, JSON.stringify(answer), 'Starting the upload');
      return answer;
    },
    async startWithFingerprint(body, signal) {
      const answer = await call('POST', 'upload-handler', '', body, signal, 'Starting the upload');
      if (!isFingerprintStart(answer)) throw unexpected({ method: 'POST', url: `${functionsUrl}/upload-handler` }, 200, JSON.stringify(answer), 'Starting the upload');
      return answer.candidate
        ? { candidate: true, features: answer.features }
        : { candidate: false, documentId: answer.documentId, upload: answer.upload, features: answer.features };
    },
    async deliverHash(body, signal) {
      let answer: unknown;
      try {
        answer = await call('POST', 'upload-handler', '', body, signal, 'Recording the file\'s hash');
      } catch (error) {
        throw fileChanged(error);
      }
      if (!isHashDelivery(answer)) throw unexpected({ method: 'POST', url: `${functionsUrl}/upload-handler` }, 200, JSON.stringify(answer), 'Recording the file\'s hash');
      return answer.duplicate
        ? { duplicate: true, documentId: answer.documentId, resolvedFrom: answer.resolvedFrom, status: answer.status }
        : { duplicate: false, documentId: answer.documentId, status: answer.status };
    },
    async reportProgress(body, signal) {
      await call('PUT', 'upload-handler', '', body, signal, 'Reporting progress');
    },
    async getProgress(documentId, signal) {
      // progress-tracker's GET: the same progress answer as upload-handler's, without the document.
      const answer = await call('GET', 'progress-tracker', `?documentId=${encodeURIComponent(documentId)}`, undefined, signal, 'Reading progress');
      return toServerProgress(answer);
    },
    async cancel(documentId) {
      await call('DELETE', 'upload-handler', `?documentId=${encodeURIComponent(documentId)}`, undefined, undefined, 'Cancelling the upload');
    },
    async userId() {
      try {
        const { data } = await supabase.auth.getSession();
        return data.session?.user.id;
      } catch {
        return undefined;
      }
    },
  };
}

/** `{ error: { code, message } }` (the functions' one error shape) as a TransportError. */
function backendError(response: Response, text: string, request: UploadErrorRequest, what: string, now: number): TransportError {
  const { serverCode, serverMessage } = errorBody(text);
  const status = response.status;
  return new TransportError(serverMessage ?? `${what} failed with ${status}${status >= 500 || status === 429 || status === 408 ? '; it will be retried' : ''}.`, {
    code: 'http',
    request,
    status,
    serverCode,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now),
    responseBody: text,
  });
}

/** The code and message of `{ error: { code, message } }`; neither for any other body (a gateway's HTML page). */
function errorBody(text: string): { serverCode?: string; serverMessage?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return {
      ...(typeof parsed?.error?.code === 'string' ? { serverCode: parsed.error.code } : {}),
      ...(typeof parsed?.error?.message === 'string' ? { serverMessage: parsed.error.message } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * A 401 for a request sent without a session (the anon key as bearer): nobody is signed in,
 * which no retry fixes. Distinct from a session that ended (`http` 401), so a UI can say
 * "sign in" rather than "sign in again".
 */
function authRequired(text: string, request: UploadErrorRequest, what: string): TransportError {
  return new TransportError(`${what} needs a signed-in user: the Supabase client has no session. Sign in (or in anonymously), then retry.`, {
    code: 'auth-required',
    request,
    status: 401,
    retryable: false,
    serverCode: errorBody(text).serverCode,
    responseBody: text,
  });
}

function unexpected(request: UploadErrorRequest, status: number, text: string, what: string, cause?: unknown): TransportError {
  return new TransportError(`${what}: the backend answered with something other than what it documents. Check that the functions are deployed.`, {
    code: 'http',
    request,
    status,
    retryable: false,
    responseBody: text,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The server holds other bytes for the document than the hash says (`hash_mismatch`: Storage's
 * MD5 of the object differs; `hash_conflict`: another hash is already recorded): the file
 * changed while it was being sent. No retry helps; the file must be picked again.
 */
function fileChanged(error: unknown): unknown {
  if (!(error instanceof TransportError) || (error.serverCode !== 'hash_mismatch' && error.serverCode !== 'hash_conflict')) return error;
  return new TransportError('The file changed while it was being uploaded, so what arrived is not this file. Pick the file again.', {
    code: 'file-changed',
    request: error.request ?? { method: 'POST', url: '' },
    status: error.status,
    retryable: false,
    serverCode: error.serverCode,
    responseBody: error.responseBody,
    cause: error,
  });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const isPlan = (upload: unknown): upload is UploadPlan =>
  isObject(upload) && (upload.strategy === 'put' || upload.strategy === 'tus') && typeof upload.token === 'string' && typeof upload.path === 'string';

const isStatus = (value: unknown): value is HashDelivery['status'] =>
  typeof value === 'string' && ['pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding', 'completed', 'failed', 'cancelled'].includes(value);

function isFingerprintStart(value: unknown): value is FingerprintStart {
  if (!isObject(value) || !isObject(value.features)) return false;
  if (value.candidate === true) return true;
  return value.candidate === false && typeof value.documentId === 'string' && isPlan(value.upload);
}

function isHashDelivery(value: unknown): value is HashDelivery {
  if (!isObject(value) || typeof value.documentId !== 'string' || typeof value.duplicate !== 'boolean' || !isStatus(value.status)) return false;
  return !value.duplicate || typeof value.resolvedFrom === 'string';
}

function isInitResult(value: unknown): value is InitResult {
  if (!isObject(value) || typeof value.documentId !== 'string' || typeof value.duplicate !== 'boolean') return false;
  const upload = value.upload;
  if (upload === undefined) return value.duplicate;
  return isPlan(upload);
}

function toServerProgress(value: unknown): ServerProgress {
  const v = isObject(value) ? value : {};
  const upload = isObject(v.upload) ? v.upload : {};
  const processing = isObject(v.processing) ? v.processing : {};
  const error = isObject(v.error) ? v.error : null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    documentId: String(v.documentId ?? ''),
    status: v.status as ServerProgress['status'],
    stage: String(v.stage ?? ''),
    processing: { stage: typeof processing.stage === 'string' ? processing.stage : null, progress: num(processing.progress) },
    upload: { bytesUploaded: num(upload.bytesUploaded), totalBytes: num(upload.totalBytes), progress: num(upload.progress) },
    etaSeconds: typeof v.etaSeconds === 'number' ? v.etaSeconds : null,
    stuck: v.stuck === true,
    error: error ? { code: String(error.code ?? ''), message: typeof error.message === 'string' ? error.message : null } : null,
  };
}
