// Imports ONLY the register-everything entry, as the README says, and expects every
// v2-* event and all three tags to be typed. Compiled against dist/ by `typecheck`.
import '@v2-uploader/elements/define.js';

const uploader = document.querySelector('v2-uploader')!;
uploader.addEventListener('v2-file-added', (e) => e.detail.file.id);
uploader.addEventListener('v2-file-rejected', (e) => [e.detail.reason, e.detail.message]);
uploader.addEventListener('v2-upload-start', (e) => e.detail.file.id);
uploader.addEventListener('v2-upload-progress', (e) => e.detail.bytesSent / e.detail.bytesTotal);
uploader.addEventListener('v2-upload-complete', (e) => e.detail.documentId);
uploader.addEventListener('v2-upload-error', (e) => [e.detail.error.code, e.detail.error.retryable]);
uploader.addEventListener('v2-processing-progress', (e) => e.detail.progress);
uploader.addEventListener('v2-processing-complete', (e) => e.detail.documentId);
uploader.addEventListener('v2-all-complete', (e) => e.detail.files.length);
// Also on any element or the document: the events bubble and are composed.
document.addEventListener('v2-upload-complete', (e) => e.detail.duplicate);

const supabaseUrl: string | undefined = uploader.supabaseUrl;
const bar: number = document.createElement('v2-progress-bar').value;
const item: HTMLElement = document.createElement('v2-upload-item');
export { supabaseUrl, bar, item };
