import { V2UploaderElement } from './uploader.js';

if (!customElements.get('v2-uploader')) customElements.define('v2-uploader', V2UploaderElement);

declare global {
  interface HTMLElementTagNameMap {
    'v2-uploader': V2UploaderElement;
  }
}
