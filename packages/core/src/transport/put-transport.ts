// One PUT of the whole file to the plan's signed upload URL, for small files (upload-handler
// picks "put" up to 5 MiB). XMLHttpRequest rather than fetch: fetch has no upload progress.
import type { TransferOptions, TransferResult, Transport, UploadPlan } from '../interfaces.js';
import { forwardProgress } from './callbacks.js';
import { storageError } from './storage-errors.js';
import { abortedError, networkError, TransportError } from './transport-error.js';

export interface PutTransportOptions {
  /** Makes the request object; `new XMLHttpRequest()` by default (tests and other runtimes swap it). */
  createXhr?: () => XMLHttpRequest;
  /** The clock for `Retry-After` dates; `Date.now` by default. */
  now?: () => number;
}

/**
 * `Cache-Control` stored with the object: an hour, like supabase-js's default and the TUS
 * transport's `cacheControl: '3600'`, so both strategies store the same object metadata.
 */
const CACHE_CONTROL = 'max-age=3600';

/** A Transport that sends `file` with one PUT to `plan.signedUrl`. */
export function createPutTransport(options: PutTransportOptions = {}): Transport {
  const createXhr = options.createXhr ?? (() => new XMLHttpRequest());
  const now = options.now ?? Date.now;
  return {
    send: (file, plan, transfer) => put(file, plan, transfer, createXhr, now),
  };
}

function put(
  file: Blob,
  plan: UploadPlan,
  transfer: TransferOptions,
  createXhr: () => XMLHttpRequest,
  now: () => number,
): Promise<TransferResult> {
  const request = { method: 'PUT', url: plan.signedUrl };
  const { signal } = transfer;
  return new Promise<TransferResult>((resolve, reject) => {
    // Abort is final: an already-aborted signal sends nothing.
    if (signal.aborted) {
      reject(abortedError(request, signal.reason));
      return;
    }
    const report = forwardProgress(transfer.onProgress, file.size);
    const xhr = createXhr();
    let settled = false;

    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      xhr.upload.onprogress = null;
      xhr.onload = xhr.onerror = xhr.ontimeout = null;
      action();
    };
    const onAbort = () => {
      settle(() => {
        xhr.abort();
        reject(abortedError(request, signal.reason));
      });
    };

    xhr.upload.onprogress = (event) => {
      // Bytes handed to the network; Storage has them once the answer comes back.
      if (!settled && event.lengthComputable) report(event.loaded);
    };
    xhr.onload = () => {
      settle(() => {
        if (xhr.status >= 200 && xhr.status < 300) {
          report(file.size);
          resolve({ uploadUrl: undefined });
          return;
        }
        reject(storageError({
          route: 'put',
          request,
          status: xhr.status,
          body: readBody(xhr),
          retryAfter: xhr.getResponseHeader('retry-after'),
          now: now(),
        }));
      });
    };
    xhr.onerror = xhr.ontimeout = (event) => {
      settle(() => reject(networkError(request, event, 'Sending the file')));
    };

    signal.addEventListener('abort', onAbort, { once: true });
    try {
      xhr.open('PUT', plan.signedUrl);
      xhr.setRequestHeader('content-type', transfer.contentType || file.type || 'application/octet-stream');
      // Upsert: a retry of the same document may write the same path again. (The signed token
      // carries its own upsert flag; the header keeps the intent explicit for every Storage version.)
      xhr.setRequestHeader('x-upsert', 'true');
      xhr.setRequestHeader('cache-control', CACHE_CONTROL);
      // The Blob itself, not FormData: raw bytes stream from disk with exact progress.
      xhr.send(file);
    } catch (error) {
      // open/send throw only for a malformed URL or a forbidden header: a bug, not a blip.
      settle(() => reject(new TransportError(`The upload could not start: ${String(error)}.`, {
        code: 'network', request, retryable: false, cause: error,
      })));
    }
  });
}

function readBody(xhr: XMLHttpRequest): string {
  try {
    return typeof xhr.responseText === 'string' ? xhr.responseText : '';
  } catch {
    return '';
  }
}
