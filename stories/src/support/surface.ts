// The page around a story: its background follows the component's theme (axe checks contrast
// against what is really behind the text), an optional width stands in for a phone, and an
// optional `dir`/`lang` sets the page's language the way an app would.
import type { Decorator } from '@storybook/web-components-vite';
import { html } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';

export interface SurfaceParameters {
  /** The page colours: `dark` for the dark theme (default `light`). */
  theme?: 'light' | 'dark';
  /** CSS width of the page, e.g. `320px` for a small phone. */
  width?: string;
  /** `lang` of the page (the element reads it when it has no `locale`). */
  lang?: string;
}

const PAGE = {
  light: { background: '#ffffff', color: '#111827' },
  dark: { background: '#030712', color: '#f9fafb' },
} as const;

export const surfaceDecorator: Decorator = (story, { parameters }) => {
  const surface = (parameters.surface ?? {}) as SurfaceParameters;
  const page = PAGE[surface.theme ?? 'light'];
  return html`<div
    class="v2-story-surface"
    lang=${surface.lang ?? 'en'}
    style=${styleMap({
      background: page.background,
      color: page.color,
      colorScheme: surface.theme ?? 'light',
      padding: '1rem',
      maxInlineSize: surface.width ?? '40rem',
      fontFamily: 'system-ui, sans-serif',
    })}
  >${story()}</div>`;
};
