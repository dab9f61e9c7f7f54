import type { UploadFileState } from '@v2-uploader/core';

export type V2ProcessingProgressDetail = { file: UploadFileState; status: UploadFileState['status']; progress: number };

/** The server moved a document on (uploaded, processing, parsing, embedding). Bubbles and crosses shadow roots. */
export class V2ProcessingProgressEvent extends CustomEvent<V2ProcessingProgressDetail> {
  static readonly type = 'v2-processing-progress';
  constructor(detail: V2ProcessingProgressDetail) {
    super('v2-processing-progress', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-processing-progress': V2ProcessingProgressEvent;
  }
}
