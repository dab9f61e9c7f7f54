// @v2-uploader/core/testing: what tests, stories and tools need and apps do not. Scripted fakes
// of the Uploader's I/O ports (./fakes.ts) and the engine's internals: the pure reducer and its
// actions (stories walk a file through every state with them), the progress meter, the retry
// arithmetic and the validation helpers behind `validateFile`. None of it is a stable API.
export * from './fakes.js';
export { reduce, emptySnapshot, newFileState, overallProgress, effectiveStatus } from '../reducer.js';
export type { Action } from '../reducer.js';
export { ProgressMeter } from '../progress-meter.js';
export { isRetryableByDefault } from '../upload-error.js';
export {
  MAX_RETRY_AFTER_MS, RETRY_BASE_MS, RETRY_CAP_MS, RETRY_FACTOR, parseRetryAfter, retryAfterOf, retryDelay, shouldRetry,
} from '../transport/retry.js';
export type { RetryDelayOptions } from '../transport/retry.js';
export { isTokenExpired, isUploadGone } from '../transport/transport-error.js';
export { MAIN_THREAD_SLICE_SIZE, WORKER_SLICE_SIZE } from '../hashing/md5-incremental.js';
export type { IncrementalMd5, Md5Factory, Md5Options } from '../hashing/md5-incremental.js';
export { claimedDocumentType, resolveValidationOptions } from '../validation/validate.js';
export { hasDocumentContent, isDocx, isPdf, isPlainText } from '../validation/magic.js';
export { normaliseFileName } from '../validation/names.js';
export type { InvalidNameRejection } from '../validation/names.js';
export { displayFileName } from '../validation/messages.js';
export { rejectionError } from '../validation/rejection-error.js';
export { FakeClock } from '../task/fake-clock.js';
export type { Clock } from '../task/clock.js';
export type { UploaderDependencies } from '../uploader.js';
