import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import { initialize, mswLoader } from 'msw-storybook-addon';
import '@v2-uploader/elements/define.js';
// Generated from the components' JSDoc by `cem analyze` (the elements build, or this package's
// `manifest` script): the docs pages list attributes, properties, events, slots, parts and CSS
// custom properties from it. Not exported by the package, so it is read by path.
import manifest from '../../packages/elements/custom-elements.json';
import { surfaceDecorator } from '../src/support/surface.js';

setCustomElementsManifest(manifest);

// The backend of every story that talks to one is msw's service worker (public/mockServiceWorker.js).
// Requests no handler claims (Storybook's own files, fonts) go to the network untouched.
initialize({ onUnhandledRequest: 'bypass', quiet: true });

const preview: Preview = {
  loaders: [mswLoader],
  decorators: [surfaceDecorator],
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true, sort: 'requiredFirst' },
    a11y: {
      // Fail the a11y panel (and `storybook test`) on violations rather than only listing them.
      test: 'error',
      options: { runOnly: ['wcag2a', 'wcag2aa'] },
    },
  },
};

export default preview;
