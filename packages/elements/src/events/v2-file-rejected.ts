import type { RejectionReason, UploadFileState } from '@v2-uploader/core';

export type V2FileRejectedDetail = { file: UploadFileState; reason: RejectionReason; message: string };

/** A file was refused before any request (too large, wrong type…); `message` is localised. Bubbles and crosses shadow roots. */
export class V2FileRejectedEvent extends CustomEvent<V2FileRejectedDetail> {
  static readonly type = 'v2-file-rejected';
  constructor(detail: V2FileRejectedDetail) {
    super('v2-file-rejected', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-file-rejected': V2FileRejectedEvent;
  }
}
