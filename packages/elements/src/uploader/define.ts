import { V2UploaderElement } from './uploader.js';
// The element's events are typed through GlobalEventHandlersEventMap in events/*.ts. The
// element's own declarations use them only in code, so tsc drops that import from
// dist/uploader/uploader.d.ts; a bare import is kept in dist/uploader/define.d.ts and so types
// the v2-* events in every program that imports a define entry. (No bytes: uploader.js loads
// the same module.) Checked against dist/ by type-tests/.
import '../events/index.js';

if (!customElements.get('v2-uploader')) customElements.define('v2-uploader', V2UploaderElement);

declare global {
  interface HTMLElementTagNameMap {
    'v2-uploader': V2UploaderElement;
  }
}
