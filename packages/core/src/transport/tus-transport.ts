// TUS resumable upload of one file to Storage's signed TUS endpoint, with tus-js-client.
// One call of `send` is one attempt: tus-js-client's own retries are off, so the uploader's
// retry loop (retry.ts) is the only one, and every failure comes back as a TransportError
// that says what to do next (retry, resume, new plan, new upload, give up).
import type { DetailedError, HttpStack, UploadOptions } from 'tus-js-client';
import type { TransferOptions, TransferResult, Transport, UploadPlan } from '../interfaces.js';
import { callSafely } from '../util/call-safely.js';
import { forwardProgress } from './callbacks.js';
import { storageError } from './storage-errors.js';
import { abortedError, DiscardUpload, networkError, TransportError } from './transport-error.js';

/**
 * tus-js-client's `HttpStack`, restated: naming its type in ours would pull tus-js-client's
 * declarations into the app's program, and those need `@types/node` under `skipLibCheck: false`.
 * Any tus-js-client `HttpStack` fits.
 */
export interface TusHttpStack {
  createRequest(method: string, url: string): unknown;
  getName(): string;
}

export interface TusTransportOptions {
  /** tus-js-client's HTTP layer (XMLHttpRequest by default); tests wrap it to watch requests. */
  httpStack?: TusHttpStack;
  /** The clock for `Retry-After` dates; `Date.now` by default. */
  now?: () => number;
}

/**
 * Chunk size when a plan has none: 6 MiB, the size Supabase's hosted TUS endpoint requires
 * ("must be 6 MB" in the Storage docs; a proxy constraint, not in Storage's code).
 */
export const DEFAULT_TUS_CHUNK_SIZE = 6 * 1024 * 1024;

/** Stored as the object's Cache-Control (`max-age=3600`), as supabase-js does by default. */
const CACHE_CONTROL_SECONDS = '3600';

type TusModule = typeof import('tus-js-client');
let tusModule: Promise<TusModule> | undefined;
/**
 * tus-js-client is loaded on the first TUS upload, not when core is imported: its browser build
 * touches `window` at import time and throws where there is none (SSR, edge runtimes, workers),
 * and apps that only send small files never need it.
 */
function loadTus(): Promise<TusModule> {
  tusModule ??= import('tus-js-client').catch((error: unknown) => {
    tusModule = undefined; // a failed chunk load (offline) may succeed next time
    throw error;
  });
  return tusModule;
}

/** A Transport that sends `file` with TUS to `plan.tusEndpoint`, resuming `resumeUrl` when given. */
export function createTusTransport(options: TusTransportOptions = {}): Transport {
  const now = options.now ?? Date.now;
  return {
    send: (file, plan, transfer) => sendTus(file, plan, transfer, options.httpStack, now),
  };
}

async function sendTus(
  file: Blob,
  plan: UploadPlan,
  transfer: TransferOptions,
  httpStack: TusHttpStack | undefined,
  now: () => number,
): Promise<TransferResult> {
  const { signal, resumeUrl } = transfer;
  const first = { method: resumeUrl ? 'HEAD' : 'POST', url: resumeUrl ?? plan.tusEndpoint };
  if (signal.aborted) throw abortedError(first, signal.reason);
  let tus: TusModule;
  try {
    tus = await loadTus();
  } catch (cause) {
    throw networkError(first, cause, 'Loading the upload client');
  }
  return new Promise<TransferResult>((resolve, reject) => {
    // Abort is final, also while the client was loading.
    if (signal.aborted) {
      reject(abortedError(first, signal.reason));
      return;
    }
    const report = forwardProgress(transfer.onProgress, file.size);
    let settled = false;
    let announced = resumeUrl;

    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => {
      settle(() => {
        // Stops the running request and any further callback. The upload stays on the server
        // to be resumed, unless what was sent is unwanted: then it is terminated (a DELETE).
        upload.abort(signal.reason instanceof DiscardUpload).catch(() => {});
        reject(abortedError(upload.url ? { method: 'PATCH', url: upload.url } : first, signal.reason));
      });
    };

    const options: UploadOptions = {
      // Resuming: no endpoint, so a HEAD that fails (404/410: the upload expired; 400: the
      // token) surfaces as an error instead of tus-js-client silently creating a new upload.
      endpoint: resumeUrl ? null : plan.tusEndpoint,
      uploadUrl: resumeUrl ?? null,
      // On every request (POST, HEAD, PATCH): `headers` is applied by tus-js-client per request.
      // The signed endpoint needs no Authorization, so a session refresh cannot break the upload.
      headers: { 'x-signature': plan.token },
      chunkSize: plan.chunkSize > 0 && Number.isFinite(plan.chunkSize) ? plan.chunkSize : DEFAULT_TUS_CHUNK_SIZE,
      metadata: {
        bucketName: plan.bucket,
        objectName: plan.path,
        contentType: transfer.contentType || file.type || 'application/octet-stream',
        cacheControl: CACHE_CONTROL_SECONDS,
      },
      retryDelays: null,
      // Our resume store keeps the URL (onUploadUrl); tus-js-client's localStorage would only
      // resume by fingerprint, which matches other files with the same name and size.
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      ...(httpStack ? { httpStack: httpStack as HttpStack } : {}),
      onUploadUrlAvailable: () => {
        const url = upload.url;
        if (settled || !url || url === announced) return;
        announced = url;
        callSafely(transfer.onUploadUrl, url);
      },
      onAfterResponse: (req, res) => {
        // A resume's HEAD tells how much the server already has: report it at once, so progress
        // continues from there rather than from the first chunk sent now.
        if (settled || req.getMethod() !== 'HEAD') return;
        const status = res.getStatus();
        if (status < 200 || status >= 300) return;
        report(Number.parseInt(res.getHeader('Upload-Offset') ?? '', 10));
      },
      // bytesAccepted is the server's Upload-Offset after a PATCH: bytes it really has. (onProgress
      // counts bytes written to the socket, which a dropped connection can take back.)
      onChunkComplete: (_chunk, bytesAccepted) => {
        if (!settled) report(bytesAccepted);
      },
      onSuccess: () => {
        settle(() => {
          report(file.size);
          resolve({ uploadUrl: upload.url ?? undefined });
        });
      },
      onError: (error) => {
        settle(() => reject(tusError(error, first, now())));
      },
    };
    const upload = new tus.Upload(file, options);
    signal.addEventListener('abort', onAbort, { once: true });
    upload.start();
  });
}

/** A tus-js-client error as a TransportError. */
export function tusError(error: unknown, fallback: { method: string; url: string }, now: number = Date.now()): TransportError {
  if (isDetailedError(error)) {
    const request = { method: error.originalRequest.getMethod(), url: error.originalRequest.getURL() };
    const res = error.originalResponse;
    if (!res) return networkError(request, error.causingError ?? error, 'Sending the file');
    return storageError({
      route: 'tus',
      request,
      status: res.getStatus(),
      body: res.getBody() ?? '',
      retryAfter: res.getHeader('Retry-After'),
      now,
    });
  }
  // Not a request failure: reading the file failed (it changed or vanished on disk) or the
  // options are wrong. Retrying the same thing cannot help.
  return new TransportError(`The file could not be read for upload (${String(error)}); choose it again.`, {
    code: 'network',
    request: fallback,
    retryable: false,
    cause: error,
  });
}

/** tus-js-client's DetailedError (by shape: the module is loaded lazily, and may be loaded twice). */
function isDetailedError(error: unknown): error is DetailedError {
  const request = (error as Partial<DetailedError> | null)?.originalRequest;
  return error instanceof Error && typeof request?.getMethod === 'function' && typeof request.getURL === 'function';
}
