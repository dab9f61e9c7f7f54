// Transport: how bytes and backend calls travel. The Uploader depends only on the interfaces
// (BackendApi, Transport); these are the browser defaults.
import type { TransferOptions, TransferResult, Transport, UploadPlan } from '../interfaces.js';
import { createPutTransport, type PutTransportOptions } from './put-transport.js';
import { createTusTransport, type TusTransportOptions } from './tus-transport.js';

export { createBackendApi } from './backend-api.js';
export type { AnySupabaseClient, BackendApiOptions } from './backend-api.js';
export { createPutTransport } from './put-transport.js';
export type { PutTransportOptions } from './put-transport.js';
export { createTusTransport, DEFAULT_TUS_CHUNK_SIZE } from './tus-transport.js';
export type { TusHttpStack, TusTransportOptions } from './tus-transport.js';
export {
  MAX_RETRY_AFTER_MS, RETRY_BASE_MS, RETRY_CAP_MS, RETRY_FACTOR, parseRetryAfter, retryAfterOf, retryDelay, shouldRetry,
} from './retry.js';
export type { RetryDelayOptions } from './retry.js';
export { DiscardUpload, TransportError, isTokenExpired, isUploadGone } from './transport-error.js';
export type { TransportErrorOptions } from './transport-error.js';

export interface DefaultTransportOptions {
  put?: PutTransportOptions;
  tus?: TusTransportOptions;
}

/** The Transport the plan asks for: one PUT (`strategy: 'put'`) or TUS (`'tus'`). */
export function createDefaultTransport(options: DefaultTransportOptions = {}): Transport {
  const put = createPutTransport(options.put);
  const tus = createTusTransport(options.tus);
  return {
    send(file: Blob, plan: UploadPlan, transfer: TransferOptions): Promise<TransferResult> {
      return (plan.strategy === 'tus' ? tus : put).send(file, plan, transfer);
    },
  };
}
