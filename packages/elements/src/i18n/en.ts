import type { LocaleStrings } from './strings.js';

export const en: LocaleStrings = {
  dropzoneLabel: 'Upload documents',
  dropzoneHint: (accept, maxSize) => `Drop files here, paste, or browse. ${accept} up to ${maxSize}.`,
  browse: 'Browse files',
  dragAccept: 'Drop to upload',
  dragReject: 'Some of these files cannot be uploaded',
  disabled: 'Uploading is turned off',
  status: {
    queued: 'Waiting',
    validating: 'Checking',
    hashing: 'Preparing',
    initializing: 'Starting',
    uploading: 'Uploading',
    uploaded: 'Uploaded',
    processing: 'Processing',
    parsing: 'Reading the document',
    embedding: 'Indexing',
    completed: 'Done',
    duplicate: 'Already uploaded',
    failed: 'Failed',
    cancelled: 'Cancelled',
    paused: 'Paused',
    retrying: 'Retrying',
    stalled: 'Connection stalled',
  },
  actions: { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry', remove: 'Remove' },
  actionLabel: (action, name) => `${action} ${name}`,
  progressLabel: (name) => `Progress of ${name}`,
  remaining: (d) => `${d} left`,
  duplicate: 'You uploaded this file before; nothing was sent again.',
  duplicateDropped: 'You uploaded this file before; this copy was dropped and the earlier one is used.',
  stuck: 'No progress for over 30 minutes. Retry, or contact support if it stays stuck.',
  retryingIn: (d) => `Trying again in ${d}`,
  document: {
    pages: (n, plural) => (plural === 'one' ? `${n} page` : `${n} pages`),
    words: (n, plural) => (plural === 'one' ? `${n} word` : `${n} words`),
    notices: {
      'needs-ocr': 'Scanned: the text will be recognised (OCR)',
      'unknown-encoding': 'Unusual text encoding: some characters may come out wrong',
    },
  },
  errorHint: (code, status) => {
    if (code === 'network') return 'The connection was lost. Check your network; it will retry.';
    if (code === 'processing-failed') return 'The server could not process this document. Retry, or upload another file.';
    if (code === 'file-changed') return 'The file changed while it was uploading. Pick it again.';
    if (code === 'auth-required') return 'Sign in to upload.';
    if (status === 401 || status === 403) return 'Your session ended. Sign in again, then retry.';
    if (status === 413) return 'The file is larger than the server accepts.';
    if (status !== undefined && status >= 500) return 'The server had a problem. Retry in a moment.';
    return 'Something went wrong. Retry, or remove the file.';
  },
  summary: (done, total, percent) => `${done} of ${total} done · ${percent}`,
  filesLabel: 'Files',
  announce: {
    added: (n) => (n === 1 ? '1 file added' : `${n} files added`),
    started: (name) => `Uploading ${name}`,
    halfway: (name) => `${name} is half uploaded`,
    uploaded: (name) => `${name} uploaded, processing`,
    completed: (name) => `${name} is ready`,
    duplicate: (name) => `${name} was already uploaded`,
    failed: (name, reason) => `${name} failed: ${reason}`,
    allComplete: (n) => (n === 1 ? 'Upload finished' : `All ${n} uploads finished`),
  },
};
