import { V2UploadItem } from './upload-item.js';

// Guarded so that loading this module twice (two bundles, HMR) does not throw.
if (!customElements.get('v2-upload-item')) {
  customElements.define('v2-upload-item', V2UploadItem);
}

declare global {
  interface HTMLElementTagNameMap {
    'v2-upload-item': V2UploadItem;
  }
}
