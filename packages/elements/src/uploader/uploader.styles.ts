import { css } from 'lit';

// The dark palette, used for theme="dark" and for theme="auto" under a dark preference.
const dark = css`
  --v2-accent: #60a5fa;
  --v2-background: #111827;
  --v2-text-color: #f9fafb;
  --v2-muted-color: #d1d5db;
  --v2-border-color: #6b7280;
  --v2-error-color: #fca5a5;
`;

// An explicit theme brings its own background (`.base`): its text colours are chosen for it,
// not for the page, which may be the other way round (theme="dark" on a light page). `auto`
// follows the system, like the page, and stays transparent.
//
// `.dropzone.accept .browse`, `.dropzone.reject .browse`: on the tinted drag-over background
// the accent no longer has AA contrast, so the text colour is used. (Here rather than in the
// CSS, which ships as written.)
export const uploaderStyles = css`
  :host {
    --v2-accent: #2563eb;
    --v2-background: #ffffff;
    --v2-text-color: #111827;
    --v2-muted-color: #4b5563;
    --v2-border-color: #9ca3af;
    --v2-error-color: #b91c1c;
    --v2-radius: 0.75rem;
    --v2-gap: 0.75rem;
    --v2-font: inherit;
    display: block;
    color: var(--v2-text-color);
    font-family: var(--v2-font);
  }

  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: grid;
    gap: var(--v2-gap);
  }
  :host([theme='light']) .base,
  :host([theme='dark']) .base {
    background: var(--v2-background);
    border-radius: var(--v2-radius);
    padding: var(--v2-gap);
  }

  .dropzone {
    display: grid;
    justify-items: center;
    gap: 0.25rem;
    inline-size: 100%;
    padding-block: 1.5rem;
    padding-inline: 1rem;
    border: 2px dashed var(--v2-border-color);
    border-radius: var(--v2-radius);
    background: var(--v2-background);
    color: inherit;
    font: inherit;
    text-align: center;
    cursor: pointer;
    transition: border-color 120ms ease, background-color 120ms ease;
  }
  .dropzone:hover:not(:disabled) {
    border-color: var(--v2-accent);
  }
  .dropzone:focus-visible {
    outline: 3px solid var(--v2-accent);
    outline-offset: 2px;
  }
  .dropzone.accept {
    border-color: var(--v2-accent);
    border-style: solid;
    background: color-mix(in srgb, var(--v2-accent) 10%, var(--v2-background));
  }
  .dropzone.reject {
    border-color: var(--v2-error-color);
    border-style: solid;
    background: color-mix(in srgb, var(--v2-error-color) 10%, var(--v2-background));
  }
  .dropzone.accept .browse,
  .dropzone.reject .browse {
    color: var(--v2-text-color);
  }
  .dropzone:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  .icon {
    color: var(--v2-accent);
    line-height: 0;
  }
  .label {
    font-weight: 600;
  }
  .hint,
  .summary {
    color: var(--v2-muted-color);
    font-size: 0.875rem;
  }
  .browse {
    color: var(--v2-accent);
    text-decoration: underline;
    font-size: 0.875rem;
  }
  .summary {
    margin: 0;
  }

  .list {
    display: grid;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @media (prefers-reduced-motion: reduce) {
    .dropzone {
      transition: none;
    }
  }
`;
