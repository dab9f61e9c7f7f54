import type { FileAction } from '@v2-uploader/core/store';
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/** The buttons of an upload row: the core's file actions. */
export type ItemActionName = FileAction;

const paths: Record<ItemActionName, SVGTemplateResult> = {
  pause: svg`<path d="M9 5v14M15 5v14" />`,
  // Media controls keep their direction in right-to-left layouts, so "play" is not mirrored.
  resume: svg`<path d="M7 5l12 7-12 7z" />`,
  cancel: svg`<path d="M6 6l12 12M18 6L6 18" />`,
  retry: svg`<path d="M20 12a8 8 0 1 1-2.34-5.66" /><path d="M20 4v5h-5" />`,
  remove: svg`<path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3" />`,
};

/** The icon inside a row button; decorative (the button's accessible name says what it does). */
export function actionIcon(action: ItemActionName): TemplateResult {
  return html`<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${paths[action]}</svg>`;
}
