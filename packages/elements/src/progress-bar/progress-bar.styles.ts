import { css } from 'lit';

export const progressBarStyles = css`
  :host {
    /* Blue 600: 5.2:1 against white, so the filled part stays visible (WCAG 1.4.11 asks 3:1). */
    --v2-progress-color: #2563eb;
    /* Gray 200: a light track that still shows how much is left. */
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
    /* Short enough to follow frame-rate progress, long enough to smooth the steps. */
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
