// One event class per file, each `v2-…`, bubbling and composed, typed through GlobalEventHandlersEventMap.
export { V2FileAddedEvent } from './v2-file-added.js';
export type { V2FileAddedDetail } from './v2-file-added.js';
export { V2FileRejectedEvent } from './v2-file-rejected.js';
export type { V2FileRejectedDetail } from './v2-file-rejected.js';
export { V2UploadStartEvent } from './v2-upload-start.js';
export type { V2UploadStartDetail } from './v2-upload-start.js';
export { V2UploadProgressEvent } from './v2-upload-progress.js';
export type { V2UploadProgressDetail } from './v2-upload-progress.js';
export { V2UploadCompleteEvent } from './v2-upload-complete.js';
export type { V2UploadCompleteDetail } from './v2-upload-complete.js';
export { V2UploadErrorEvent } from './v2-upload-error.js';
export type { V2UploadErrorDetail } from './v2-upload-error.js';
export { V2ProcessingProgressEvent } from './v2-processing-progress.js';
export type { V2ProcessingProgressDetail } from './v2-processing-progress.js';
export { V2ProcessingCompleteEvent } from './v2-processing-complete.js';
export type { V2ProcessingCompleteDetail } from './v2-processing-complete.js';
export { V2AllCompleteEvent } from './v2-all-complete.js';
export type { V2AllCompleteDetail } from './v2-all-complete.js';
