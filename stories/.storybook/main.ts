// Storybook for v2-uploader: web components (Lit) stories, React stories rendered through a
// small decorator, msw for the backend, the a11y addon, docs from the Custom Elements Manifest.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';
import { transform } from 'esbuild';
import { defaultClientConditions, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const packagesDir = path.resolve(here, '../../packages');

/**
 * The workspace packages are read from their TypeScript sources (the `@v2-uploader/source`
 * export condition, as the tests do), so stories never show a stale dist/. Their Lit
 * components use standard decorators (`@property() accessor x`), which Vite 8's Oxc transform
 * cannot lower yet and no browser runs natively: esbuild compiles those files first, to the
 * language level tsc ships (tsconfig.base.json: ES2022).
 */
function workspaceSources(): Plugin {
  const isPackageSource = (id: string) => id.startsWith(packagesDir + path.sep) && /\/src\/.+\.tsx?$/.test(id);
  return {
    name: 'v2-uploader-workspace-sources',
    enforce: 'pre',
    async resolveId(source, importer) {
      // `new URL('./hash-worker.js', import.meta.url)` names the file tsc emits; in src/ it is `.ts`.
      if (!importer || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const importerPath = importer.split('?')[0]!;
      if (!isPackageSource(importerPath)) return null;
      const js = path.resolve(path.dirname(importerPath), source);
      const ts = js.replace(/\.js$/, '.ts');
      return !existsSync(js) && existsSync(ts) ? ts : null;
    },
    async transform(code, id) {
      const file = id.split('?')[0]!;
      if (!isPackageSource(file)) return null;
      const result = await transform(code, {
        loader: file.endsWith('.tsx') ? 'tsx' : 'ts',
        target: 'es2022',
        sourcefile: file,
        sourcemap: true,
        // packages/react compiles JSX with the automatic runtime (its tsconfig's "react-jsx").
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true, jsx: 'react-jsx' } },
      });
      return { code: result.code, map: result.map };
    },
  };
}

const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../src/**/*.mdx', '../src/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y'],
  // msw's service worker (mockServiceWorker.js, from `msw init public`) is served from the root.
  staticDirs: ['../public'],
  core: {
    // The only network here is the package registry: no telemetry, no update checks.
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
  },
  async viteFinal(viteConfig) {
    viteConfig.plugins = [workspaceSources(), ...(viteConfig.plugins ?? [])];
    viteConfig.resolve = {
      ...viteConfig.resolve,
      conditions: ['@v2-uploader/source', ...defaultClientConditions],
    };
    // React inside the web-components Storybook (the hooks stories): the automatic JSX runtime.
    viteConfig.oxc = { ...(typeof viteConfig.oxc === 'object' ? viteConfig.oxc : {}), jsx: { runtime: 'automatic' } };
    return viteConfig;
  },
};

export default config;
