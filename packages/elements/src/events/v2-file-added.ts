import type { UploadFileState } from '@v2-uploader/core';

export type V2FileAddedDetail = { file: UploadFileState };

/** A file passed validation and joined the list. Bubbles and crosses shadow roots. */
export class V2FileAddedEvent extends CustomEvent<V2FileAddedDetail> {
  static readonly type = 'v2-file-added';
  constructor(detail: V2FileAddedDetail) {
    super('v2-file-added', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-file-added': V2FileAddedEvent;
  }
}
