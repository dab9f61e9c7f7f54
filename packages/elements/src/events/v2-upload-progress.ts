import type { UploadFileState } from '@v2-uploader/core';

export type V2UploadProgressDetail = { file: UploadFileState; bytesSent: number; bytesTotal: number; speed: number; etaSeconds: number | undefined };

/** More bytes of a file are stored (at most once per animation frame per file). Bubbles and crosses shadow roots. */
export class V2UploadProgressEvent extends CustomEvent<V2UploadProgressDetail> {
  static readonly type = 'v2-upload-progress';
  constructor(detail: V2UploadProgressDetail) {
    super('v2-upload-progress', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-upload-progress': V2UploadProgressEvent;
  }
}
