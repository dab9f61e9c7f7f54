import { LitElement, html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { styleMap } from 'lit/directives/style-map.js';
import { progressBarStyles } from './progress-bar.styles.js';

/** The accessible name used when no `label` is set: a progress bar must have one. */
const DEFAULT_LABEL = 'Progress';

/** Keeps `value` a finite percentage; anything that is not a number counts as 0. */
function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

/**
 * Shows how far a task has gone, from 0 to 100 percent, or that it is under way
 * with no known end (`indeterminate`).
 *
 * @summary A progress bar for one upload or processing step.
 *
 * @csspart base - The track, the element with `role="progressbar"`.
 * @csspart indicator - The filled part of the track.
 *
 * @cssproperty [--v2-progress-color=#2563eb] - Color of the filled part.
 * @cssproperty [--v2-progress-track-color=#e5e7eb] - Color of the unfilled track.
 * @cssproperty [--v2-progress-height=0.5rem] - Height of the bar.
 */
export class V2ProgressBar extends LitElement {
  static override styles = progressBarStyles;
  // Declared without decorators: the helpers tsc emits for decorators cost more bytes than the
  // element itself.
  static override properties: PropertyDeclarations = {
    value: { type: Number, reflect: true },
    label: {},
    indeterminate: { type: Boolean, reflect: true },
  };

  /** Percent done, 0 to 100. Values outside the range are clamped; non-numbers become 0. */
  declare value: number;

  /** Accessible name announced by screen readers, e.g. "Uploading report.pdf". Defaults to "Progress". */
  declare label: string;

  /** Shows activity without a known amount, e.g. while the server processes a file. */
  declare indeterminate: boolean;

  constructor() {
    super();
    this.value = 0;
    this.label = '';
    this.indeterminate = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Clamped before render so the reflected attribute, the ARIA value and the
    // width all agree, like the value of a native <progress>.
    if (changed.has('value')) this.value = clampPercent(this.value);
  }

  protected override render() {
    return html`
      <div
        part="base"
        class=${classMap({ base: true, 'base--indeterminate': this.indeterminate })}
        role="progressbar"
        aria-label=${this.label.length > 0 ? this.label : DEFAULT_LABEL}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${ifDefined(this.indeterminate ? undefined : this.value)}
      >
        <div
          part="indicator"
          class="indicator"
          style=${styleMap({ width: this.indeterminate ? undefined : `${this.value}%` })}
        ></div>
      </div>
    `;
  }
}
