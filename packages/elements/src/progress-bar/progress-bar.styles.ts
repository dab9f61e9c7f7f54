import { css } from 'lit';

// Defaults: blue 600 for the filled part, 5.2:1 against white, so it stays visible (WCAG
// 1.4.11 asks 3:1); gray 200 for the track, light but still showing how much is left. The
// indicator's 150 ms width transition is short enough to follow frame-rate progress and long
// enough to smooth the steps. (Notes here rather than in the CSS, which ships as written.)

export const progressBarStyles = css`
  :host {
    --v2-progress-color: #2563eb;
    --v2-progress-track-color: #e5e7eb;
    --v2-progress-height: 0.5rem;

    display: block;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    position: relative;
    overflow: hidden;
    height: var(--v2-progress-height);
    border-radius: calc(var(--v2-progress-height) / 2);
    background-color: var(--v2-progress-track-color);
  }

  .indicator {
    height: 100%;
    background-color: var(--v2-progress-color);
    border-radius: inherit;
    transition: width 150ms linear;
  }

  .base--indeterminate .indicator {
    position: absolute;
    width: 40%;
    animation: v2-progress-indeterminate 1.5s ease-in-out infinite;
  }

  @keyframes v2-progress-indeterminate {
    from {
      inset-inline-start: -40%;
    }
    to {
      inset-inline-start: 100%;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .indicator {
      transition: none;
    }

    .base--indeterminate .indicator {
      animation: none;
      inset-inline-start: 0;
      width: 100%;
      opacity: 0.5;
    }
  }
`;
