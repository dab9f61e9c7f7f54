// @v2-uploader/core: the framework-agnostic upload engine.

// The store
export { Uploader } from './uploader.js';
export type { FilesInput } from './uploader.js';
export type { UploaderOptions, ResolvedOptions } from './uploader-options.js';
export { DEFAULT_OPTIONS } from './uploader-options.js';
export type { UploaderEventMap, UploaderEventType, UploaderEventListener } from './uploader-events.js';
export type { FileStatus, RejectionReason, UploadFileState, UploaderSnapshot, UploaderTotals } from './types.js';
export { TERMINAL_STATUSES, PROCESSING_STATUSES } from './types.js';
export { fileActions, fileActionList } from './file-actions.js';
export type { FileAction, FileActions } from './file-actions.js';
export { reduce, emptySnapshot, newFileState, overallProgress, effectiveStatus } from './reducer.js';
export type { Action } from './reducer.js';
export { Subscribable } from './subscribable.js';
export type { AnyListener } from './subscribable.js';
export { ProgressMeter } from './progress-meter.js';

// Errors
export { UploadError, isRetryableByDefault } from './upload-error.js';
export type { UploadErrorCode, UploadErrorOptions, UploadErrorRequest } from './upload-error.js';

// The seed's client
export { V2UploadClient } from './v2-upload-client.js';
export type { UploadConfig, UploadProgress, UploadResult } from './v2-upload-client.js';

// I/O interfaces and their browser defaults
export type {
  BackendApi, Features, Hasher, InitResult, ProgressEvent, ProgressFeed, ResumeRecord, ResumeStore, ServerDocument,
  ServerProgress, TransferOptions, TransferResult, Transport, UploadPlan,
} from './interfaces.js';
export * from './validation/index.js';
export * from './hashing/index.js';
export * from './transport/index.js';
export { createProgressFeed } from './server-progress/combined-feed.js';
export type { ClosableProgressFeed, ProgressFeedOptions } from './server-progress/combined-feed.js';
export { createRealtimeFeed } from './server-progress/realtime-feed.js';
export { createPollingFeed } from './server-progress/polling-feed.js';
export { IndexedDbResumeStore, MemoryResumeStore, resumeKey } from './persistence/indexeddb-resume-store.js';
export type { IndexedDbResumeStoreOptions } from './persistence/indexeddb-resume-store.js';
export { matchesAccept } from './accept.js';
export type { AcceptableFile } from './accept.js';
