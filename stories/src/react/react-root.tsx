// React inside this web-components Storybook: a story returns a container element with a
// React root rendered into it. One root at a time: rendering the next story (or the same one
// with new args) unmounts the previous tree, so its effects clean up (a provider's uploader is
// destroyed, aborting its transfers) like any React unmount.
import { type ReactNode, StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';

let mounted: Root | undefined;

/** Render `node` (in StrictMode, as apps do in development) and return its container. */
export function renderReact(node: ReactNode): HTMLElement {
  mounted?.unmount();
  const container = document.createElement('div');
  container.className = 'v2-react-root';
  const root = createRoot(container);
  // Synchronously, so the story's play function and the test find the tree rendered.
  flushSync(() => root.render(<StrictMode>{node}</StrictMode>));
  mounted = root;
  return container;
}
