import type { ItemActionName } from '../icons/action-icons.js';

/** What the person asked for; the names are the `Uploader` methods that do it. */
export type V2ItemAction = ItemActionName;

export type V2ItemActionDetail = { action: V2ItemAction; id: string };

/**
 * A button of an upload row was pressed. The row does nothing itself; its parent calls
 * `uploader[detail.action](detail.id)`. Bubbles and crosses shadow roots.
 */
export class V2ItemActionEvent extends CustomEvent<V2ItemActionDetail> {
  static readonly type = 'v2-item-action';
  constructor(detail: V2ItemActionDetail) {
    super('v2-item-action', { bubbles: true, composed: true, detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'v2-item-action': V2ItemActionEvent;
  }
}
