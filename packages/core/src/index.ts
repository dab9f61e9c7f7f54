// @v2-uploader/core: the framework-agnostic upload engine.
//
// The main entry is the store entry (`@v2-uploader/core/store`: the Uploader and what a UI needs
// beside it) plus the I/O the Uploader runs on: the backend client, transports, hashers, resume
// stores and server-progress feeds, for apps that replace or wrap one of them. The engine's
// internals (the reducer, its actions, the progress meter, the retry arithmetic) and the scripted
// fakes for tests are in `@v2-uploader/core/testing`.
export * from './store.js';

// The seed's client
export { V2UploadClient } from './v2-upload-client.js';
export type { UploadConfig, UploadProgress, UploadResult } from './v2-upload-client.js';

// The I/O ports
export type {
  BackendApi, Features, FingerprintStart, HashDelivery, Hasher, InitResult, Inspector, ProgressEvent, ProgressFeed, ResumeRecord, ResumeStore,
  ServerDocument, ServerProgress, TransferOptions, TransferResult, Transport, UploadPlan,
} from './interfaces.js';

// Validation the Uploader runs on every file (for apps that check files before handing them over)
export { validateFile, validateFiles } from './validation/validate.js';
export type { ValidationContext, ValidationOptions, ValidationOptionsInput } from './validation/validate.js';
export { detectDocumentType, DOCX_TYPE, PDF_TYPE, TEXT_TYPE } from './validation/magic.js';
export type { DocumentType } from './validation/magic.js';
export { checkFileName, MAX_FILE_NAME_BYTES } from './validation/names.js';
export { filesFromDataTransfer, filesFromInput } from './validation/data-transfer.js';
export type { PickedFile } from './validation/data-transfer.js';

// Hashers
export { createDefaultHasher, MainThreadHasher, md5OfBlob, WorkerHasher } from './hashing/index.js';
export { fingerprintOf } from './hashing/fingerprint.js';

// Inspectors (the engine itself, `inspectDocument`, loads with import() when a page inspects on its own thread)
export { createDefaultInspector, MainThreadInspector, WorkerInspector } from './inspection/inspector.js';
export type { WorkerInspectorOptions } from './inspection/inspector.js';
export type { WorkerHasherOptions } from './hashing/index.js';

// The backend client and transports
export { createBackendApi, createDefaultTransport, createPutTransport, createTusTransport, DEFAULT_TUS_CHUNK_SIZE, DiscardUpload, TransportError } from './transport/index.js';
export type {
  AnySupabaseClient, BackendApiOptions, DefaultTransportOptions, PutTransportOptions, TransportErrorOptions, TusHttpStack, TusTransportOptions,
} from './transport/index.js';

// Server progress feeds
export { createProgressFeed } from './server-progress/combined-feed.js';
export type { ClosableProgressFeed, ProgressFeedOptions } from './server-progress/combined-feed.js';
export { createRealtimeFeed } from './server-progress/realtime-feed.js';
export { createPollingFeed } from './server-progress/polling-feed.js';

// Resume stores
export { IndexedDbResumeStore, MemoryResumeStore, resumeKey } from './persistence/indexeddb-resume-store.js';
export type { IndexedDbResumeStoreOptions } from './persistence/indexeddb-resume-store.js';
