// @v2-uploader/core/store: the Uploader and what a UI needs beside it, and nothing else.
//
// The package's main entry is this entry plus every I/O default (transports, hashers, the
// IndexedDB resume store, the server-progress feeds). The Uploader loads those with a dynamic
// import when a file first needs them, but bundlers that assign files to chunks by what the main
// entry reaches, used or not (esbuild with code splitting, evanw/esbuild#3704), then put them in a
// chunk the page loads up front. Import from here (as @v2-uploader/elements does) to keep them
// lazy. Engine internals and test fakes are in `@v2-uploader/core/testing`.
export { Uploader } from './uploader.js';
export type { FilesInput } from './uploader.js';
export type { UploaderOptions, ResolvedOptions } from './uploader-options.js';
export { DEFAULT_OPTIONS } from './uploader-options.js';
export type { UploaderEventMap, UploaderEventType, UploaderEventListener } from './uploader-events.js';
export type { DocumentProblem, FileStatus, RejectionReason, UploadFileState, UploaderSnapshot, UploaderTotals } from './types.js';
export { DEFAULT_DOCUMENT_RULES, documentNotices, documentRejection } from './validation/document-rules.js';
export type { DocumentNotice, DocumentRules } from './validation/document-rules.js';
export type {
  DocumentDamage, DocumentInfo, DocumentKind, InspectionFacts, TextEncoding, TextLayer,
} from './inspection/document-info.js';
export { TERMINAL_STATUSES, PROCESSING_STATUSES } from './types.js';
export { fileActions, fileActionList } from './file-actions.js';
export type { FileAction, FileActions } from './file-actions.js';
export { UploadError } from './upload-error.js';
export type { UploadErrorCode, UploadErrorOptions, UploadErrorRequest } from './upload-error.js';
export { Subscribable } from './subscribable.js';
export type { AnyListener } from './subscribable.js';
export { formatByteRate, formatFileSize, rejectionMessage } from './validation/messages.js';
export { rejectionTextsEn, rejectionTextsFor, rejectionTextsReady } from './i18n/index.js';
export type { DocumentWords, RejectionTexts } from './i18n/index.js';
export { judgeDrag, droppedFileCount } from './drag-judgement.js';
export type { DragJudgement, DragJudgementOptions } from './drag-judgement.js';
export { DEFAULT_VALIDATION_OPTIONS } from './validation/validate.js';
export { matchesAccept } from './accept.js';
export type { AcceptableFile } from './accept.js';
