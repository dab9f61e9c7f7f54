import { css } from 'lit';

// Every public --v2-* property is read with its default at one place below, so a value set
// on any ancestor (the uploader sets --v2-text-color and friends) reaches the row. Defaults
// use light-dark(): which side applies follows `color-scheme`, set from the `theme` attribute
// (`color-scheme: light dark` on the host is theme="auto": follow prefers-color-scheme).
// Contrast of each default pair is against the default background on the same side:
// border gray 200 / gray 700 (a quiet outline around each row); text gray 900 / gray 50
// (17:1); muted gray 600 / gray 300 (7.5:1 and 12:1, still clear at the small sizes used);
// error red 700 / red 300 (6.5:1 and 9:1); success green 700 / green 300 (5:1 and 13:1);
// warning amber 700 / amber 300 (5:1 and 12:1).
//
// Notes on the rules (here rather than in the CSS, which ships as written):
// - `.base`: logical properties and grid columns follow the inline direction, so dir="rtl"
//   mirrors the row.
// - `.name`: dir="auto" gives the name its own direction, which places the ellipsis; sizing
//   the box to the text and aligning it with the grid (whose start follows the row) keeps a
//   Latin name at the start of a right-to-left row.
// - `.meta`, `.facts`, `.details` (size · pages · words · status, and the details line): each piece is its own flex
//   item, so numbers and units keep their order in right-to-left rows.
// - `.progress`: the bar's colours follow the theme (the bar itself only knows light ones) and
//   tell the state at a glance. Blue 400 on gray 700 keeps the 3:1 the filled part needs in
//   the dark. Page rules on ::part(progress) win over these.
// - `.button`: 32px, above the 24px minimum target size (WCAG 2.5.8); a transparent border,
//   not none, because forced-colors mode paints it, so buttons keep an outline.
// - The progress bar turns off its own transition and animation under the same
//   prefers-reduced-motion query as `.button` here.
export const uploadItemStyles = css`
  :host {
    color-scheme: light dark;

    --_padding: var(--v2-item-padding, 0.75rem);
    --_gap: var(--v2-item-gap, 0.75rem);
    --_radius: var(--v2-item-radius, 0.5rem);
    --_background: var(--v2-item-background, light-dark(#ffffff, #111827));
    --_border: var(--v2-item-border, 1px solid light-dark(#e5e7eb, #374151));
    --_text: var(--v2-text-color, light-dark(#111827, #f9fafb));
    --_muted: var(--v2-muted-color, light-dark(#4b5563, #d1d5db));
    --_error: var(--v2-error-color, light-dark(#b91c1c, #fca5a5));
    --_success: var(--v2-success-color, light-dark(#15803d, #86efac));
    --_warning: var(--v2-warning-color, light-dark(#b45309, #fcd34d));
    --_focus-ring: var(--v2-focus-ring, 2px solid var(--v2-accent, light-dark(#2563eb, #60a5fa)));
    --_button-background: var(--v2-button-background, light-dark(#f3f4f6, #1f2937));
    --_button-color: var(--v2-button-color, var(--_text));

    display: block;
    color: var(--_text);
  }

  :host([theme='light']) {
    color-scheme: light;
  }

  :host([theme='dark']) {
    color-scheme: dark;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    grid-template-areas:
      'media name actions'
      'media meta actions'
      '. progress progress'
      '. details details'
      '. message message';
    column-gap: var(--_gap);
    align-items: center;
    padding: var(--_padding);
    border: var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
    text-align: start;
  }

  .media {
    grid-area: media;
    align-self: start;
    display: grid;
    place-items: center;
    inline-size: 2.5rem;
    block-size: 2.5rem;
    border-radius: calc(var(--_radius) * 0.75);
    line-height: 0;
  }

  .icon {
    color: var(--_muted);
  }
  .icon[data-kind='pdf'] {
    color: light-dark(#b91c1c, #fca5a5);
  }
  .icon[data-kind='word'] {
    color: light-dark(#1d4ed8, #93c5fd);
  }

  .thumbnail {
    object-fit: cover;
    background: var(--_button-background);
  }

  .name {
    grid-area: name;
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
    justify-self: start;
    max-inline-size: 100%;
  }

  .meta,
  .facts,
  .details {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.375rem;
    color: var(--_muted);
    font-size: 0.8125rem;
  }

  .meta {
    grid-area: meta;
  }

  :host([data-status='completed']) .status,
  :host([data-status='duplicate']) .status {
    color: var(--_success);
  }
  :host([data-status='failed']) .status {
    color: var(--_error);
  }
  :host([data-status='retrying']) .status,
  :host([data-status='stalled']) .status {
    color: var(--_warning);
  }

  .progress {
    grid-area: progress;
    margin-block-start: 0.5rem;
    --v2-progress-color: var(--v2-accent, light-dark(#2563eb, #60a5fa));
    --v2-progress-track-color: light-dark(#e5e7eb, #374151);
  }
  :host([data-status='completed']) .progress,
  :host([data-status='duplicate']) .progress {
    --v2-progress-color: var(--_success);
  }
  :host([data-status='paused']) .progress {
    --v2-progress-color: var(--_muted);
  }
  :host([data-status='retrying']) .progress,
  :host([data-status='stalled']) .progress {
    --v2-progress-color: var(--_warning);
  }

  .details {
    grid-area: details;
    margin-block-start: 0.25rem;
    font-variant-numeric: tabular-nums;
  }

  .messages {
    grid-area: message;
    display: grid;
    gap: 0.25rem;
    margin-block-start: 0.375rem;
    font-size: 0.8125rem;
  }
  .message {
    margin: 0;
  }
  .message--error {
    color: var(--_error);
  }
  .message--warning {
    color: var(--_warning);
  }
  .message--info {
    color: var(--_muted);
  }
  .message__text,
  .message__detail {
    display: block;
  }
  .message__detail {
    color: var(--_muted);
    overflow-wrap: anywhere;
  }

  .actions {
    grid-area: actions;
    align-self: start;
    display: flex;
    gap: 0.25rem;
  }

  .button {
    display: inline-grid;
    place-items: center;
    inline-size: 2rem;
    block-size: 2rem;
    padding: 0;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_button-background);
    color: var(--_button-color);
    font: inherit;
    cursor: pointer;
    transition: background-color 120ms ease;
  }
  .button:hover {
    background: color-mix(in srgb, var(--_button-color) 12%, var(--_button-background));
  }
  .button:focus-visible {
    outline: var(--_focus-ring);
    outline-offset: 2px;
  }

  @media (prefers-reduced-motion: reduce) {
    .button {
      transition: none;
    }
  }
`;
