import type { UploadFileState } from '@v2-uploader/core';

export type V2ProcessingCompleteDetail = { file: UploadFileState; documentId: string };

/** The server finished a document: it is parsed and embedded. Bubbles and crosses shadow roots. */
export class V2ProcessingCompleteEvent extends CustomEvent<V2ProcessingCompleteDetail> {
  static readonly type = 'v2-processing-complete';
  constructor(detail: V2ProcessingCompleteDetail) {
    super('v2-processing-complete', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-processing-complete': V2ProcessingCompleteEvent;
  }
}
