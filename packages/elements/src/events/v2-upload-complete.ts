import type { UploadFileState } from '@v2-uploader/core';

export type V2UploadCompleteDetail = { file: UploadFileState; documentId: string; duplicate: boolean };

/** Every byte of a file is stored, or the server already had it (`duplicate`). Bubbles and crosses shadow roots. */
export class V2UploadCompleteEvent extends CustomEvent<V2UploadCompleteDetail> {
  static readonly type = 'v2-upload-complete';
  constructor(detail: V2UploadCompleteDetail) {
    super('v2-upload-complete', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-upload-complete': V2UploadCompleteEvent;
  }
}
