import type { UploadFileState } from '@v2-uploader/core';
import type { UploadError as CoreUploadError } from '@v2-uploader/core';

export type V2UploadErrorDetail = { file: UploadFileState; error: CoreUploadError };

/** A file failed; `error.code` says why, `error.retryable` whether retrying may help. Bubbles and crosses shadow roots. */
export class V2UploadErrorEvent extends CustomEvent<V2UploadErrorDetail> {
  static readonly type = 'v2-upload-error';
  constructor(detail: V2UploadErrorDetail) {
    super('v2-upload-error', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-upload-error': V2UploadErrorEvent;
  }
}
