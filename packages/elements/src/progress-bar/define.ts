import { V2ProgressBar } from './progress-bar.js';

// Guarded so that loading this module twice (two bundles, HMR) does not throw.
if (!customElements.get('v2-progress-bar')) {
  customElements.define('v2-progress-bar', V2ProgressBar);
}

declare global {
  interface HTMLElementTagNameMap {
    'v2-progress-bar': V2ProgressBar;
  }
}
