import type { UploadFileState } from '@v2-uploader/core';

export type V2AllCompleteDetail = { files: readonly UploadFileState[] };

/** Nothing is left to do: every file is done, a duplicate, failed or cancelled. Bubbles and crosses shadow roots. */
export class V2AllCompleteEvent extends CustomEvent<V2AllCompleteDetail> {
  static readonly type = 'v2-all-complete';
  constructor(detail: V2AllCompleteDetail) {
    super('v2-all-complete', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-all-complete': V2AllCompleteEvent;
  }
}
