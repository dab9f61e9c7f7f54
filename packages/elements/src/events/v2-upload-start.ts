import type { UploadFileState } from '@v2-uploader/core';

export type V2UploadStartDetail = { file: UploadFileState; documentId: string };

/** The first bytes of a file are on their way. Bubbles and crosses shadow roots. */
export class V2UploadStartEvent extends CustomEvent<V2UploadStartDetail> {
  static readonly type = 'v2-upload-start';
  constructor(detail: V2UploadStartDetail) {
    super('v2-upload-start', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-upload-start': V2UploadStartEvent;
  }
}
