// Browser tests for every workspace package, run in the machine's Chromium.
// `pnpm test:browser` runs them once; add `--watch` by hand when developing.
import { fromRollup } from '@web/dev-server-rollup';
import rollupCommonjs from '@rollup/plugin-commonjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { parse as parseCjs } from 'cjs-module-lexer';
import { init as initEsmLexer, parse as parseEsm } from 'es-module-lexer';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/lib/chromium.mjs';

const commonjs = fromRollup(rollupCommonjs);

/**
 * One local stack (stack/src/stack.mjs: Postgres, auth, functions in Deno, storage, realtime)
 * for the whole browser run, so integration tests talk to the real backend. Its URL and keys
 * are served at /__stack.json (see packages/core/src/testing/stack.ts).
 */
function stackPlugin() {
  /** @type {Awaited<ReturnType<typeof import('./stack/src/stack.mjs').startStack>> | undefined} */
  let stack;
  return {
    name: 'v2-uploader-stack',
    async serverStart() {
      const { startStack } = await import('./stack/src/stack.mjs');
      // Short token lifetime is not set here (tests that need expiry sign their own tokens);
      // the demo processor steps quickly so pipeline tests finish fast.
      stack = await startStack({ port: 0, processor: { stepMs: 100 }, log: () => {} });
    },
    async serverStop() {
      await stack?.stop();
    },
    serve(context) {
      if (context.path !== '/__stack.json' || !stack) return undefined;
      return {
        body: JSON.stringify({ url: stack.url, publishableKey: stack.publishableKey, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey, jwtSecret: stack.jwtSecret }),
        type: 'json',
      };
    },
  };
}
const rootDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * React (CommonJS) branches on process.env.NODE_ENV, which browsers do not have.
 * Replace it in every served script, as a bundler's `define` would; "development"
 * keeps React's warnings on in tests.
 */
function nodeEnvPlugin(nodeEnv = 'development') {
  return {
    name: 'define-node-env',
    transform(context) {
      if (!context.response.is('js') || typeof context.body !== 'string') return undefined;
      if (!context.body.includes('process.env.NODE_ENV')) return undefined;
      return { body: context.body.replaceAll('process.env.NODE_ENV', JSON.stringify(nodeEnv)) };
    },
  };
}

/**
 * Names a CommonJS module exports, found the way Node's own ESM loader finds them
 * (cjs-module-lexer), following `module.exports = require('./x')` re-exports.
 */
function cjsExportNames(file, seen = new Set()) {
  if (seen.has(file)) return new Set();
  seen.add(file);
  const { exports, reexports } = parseCjs(readFileSync(file, 'utf8'), file);
  const names = new Set(exports);
  const require = createRequire(file);
  for (const specifier of reexports) {
    try {
      for (const name of cjsExportNames(require.resolve(specifier), seen)) names.add(name);
    } catch {
      // An optional re-export that does not resolve here exports nothing.
    }
  }
  return names;
}

/**
 * @rollup/plugin-commonjs relies on Rollup's syntheticNamedExports for names it
 * cannot see statically (React's `index.js` picks its build with an `if`), and
 * the dev server has no such thing, so `import { useState } from 'react'` fails.
 * This adds those names as real exports of the converted module. Runs after the
 * commonjs plugin.
 */
async function cjsNamedExportsPlugin() {
  await initEsmLexer();
  const moduleExports = /export \{ (\w+) as __moduleExports[,} ]/;
  return {
    name: 'cjs-named-exports',
    transform(context) {
      if (!context.response.is('js') || typeof context.body !== 'string') return undefined;
      if (!context.path.includes('/node_modules/')) return undefined;
      const local = moduleExports.exec(context.body)?.[1];
      if (local === undefined) return undefined;
      const file = path.join(rootDir, decodeURIComponent(context.path));
      const declared = new Set(
        parseEsm(context.body)[1].flatMap((entry) => ('name' in entry ? [entry.name] : [])),
      );
      const names = [...cjsExportNames(file)].filter(
        (name) => name !== 'default' && name !== '__esModule' && !declared.has(name),
      );
      if (names.length === 0) return undefined;
      const bindings = names.map((name, i) => `${JSON.stringify(name)}: __cjs_named_${i}`);
      const specifiers = names.map((name, i) => `__cjs_named_${i} as ${JSON.stringify(name)}`);
      return {
        body: `${context.body}\nconst { ${bindings.join(', ')} } = ${local};\nexport { ${specifiers.join(', ')} };\n`,
      };
    },
  };
}

/** Prints one closing line, `browser: N passed, N failed, N skipped`, for CI logs. */
function countsReporter() {
  const count = (suite, totals) => {
    for (const test of suite?.tests ?? []) {
      if (test.skipped) totals.skipped += 1;
      else if (test.passed) totals.passed += 1;
      else totals.failed += 1;
    }
    for (const child of suite?.suites ?? []) count(child, totals);
  };
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        count(session.testResults, totals);
        // A file that failed to load or threw outside a test ran no test: count it.
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.failed += 1;
      }
      // Written after the default reporter's final output (it renders on stop).
      process.on('exit', () => {
        console.log(`browser: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
      });
    },
  };
}

/**
 * Source files import each other with `.js` suffixes (what tsc emits), and esbuild's plugin
 * maps those imports to `.ts`. A plain request is not an import, though: `new Worker(new
 * URL('./hash-worker.js', import.meta.url))` asks for the `.js` file itself. Serve the `.ts`
 * source for such requests inside packages' src/, as a bundler would serve the built file.
 */
function tsForJsMiddleware() {
  return async (context, next) => {
    const match = /^(\/packages\/[^/]+\/src\/.+)\.js$/.exec(context.path);
    if (match && !existsSync(path.join(rootDir, context.path)) && existsSync(path.join(rootDir, `${match[1]}.ts`))) {
      context.path = `${match[1]}.ts`;
    }
    return next();
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  middleware: [tsForJsMiddleware()],
  files: ['packages/*/src/**/*.test.{ts,tsx}'],
  nodeResolve: {
    // Packages such as tus-js-client point at their browser build only through the `browser`
    // field of package.json, as bundlers read it; without this the Node build (fs, http) loads.
    browser: true,
    // Workspace packages resolve to their TypeScript sources, so tests never run
    // against a stale dist/. "development" is the runner's default condition.
    exportConditions: ['@v2-uploader/source', 'development'],
  },
  plugins: [
    stackPlugin(),
    nodeEnvPlugin(),
    esbuildPlugin({
      ts: true,
      tsx: true,
      // The language level tsc emits (tsconfig.base.json), so tests run what ships.
      // 'auto' would leave standard decorators (Lit's @property) untransformed for
      // the newest Chrome, which cannot run them yet. A fixed target also sends
      // .js files through esbuild; they are cached after the first run.
      target: 'es2022',
      // JSX with the automatic runtime (react/jsx-runtime), like packages/react.
      tsconfig: new URL('./web-test-runner.tsconfig.json', import.meta.url).pathname,
    }),
    // Only dependencies are CommonJS (spark-md5, React, testing-library's deps).
    // strictRequires: false keeps each converted module a plain ES module with
    // its own exports; the default (true) emits wrappers that only Rollup's
    // bundler can link.
    // axe-core (used by chai-a11y-axe) is a UMD script imported for its side
    // effect of setting window.axe, which the conversion would take away.
    commonjs({
      include: ['**/node_modules/**'],
      exclude: ['**/node_modules/axe-core/**'],
      strictRequires: false,
    }),
    await cjsNamedExportsPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
  // One test file at a time. Concurrent files share one Chromium as separate
  // tabs, and a tab in the background gets no animation frames, so axe audits
  // (and anything using requestAnimationFrame) stall until they time out. One
  // file at a time also leaves a core for the dev server on a 2-core machine.
  concurrency: 1,
  // A cold start transforms React and axe-core once; later files reuse the cache.
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 180_000,
  testFramework: {
    config: {
      // Accessibility audits (axe) can take a few seconds on a busy 2-core machine.
      timeout: 10_000,
    },
  },
  // Lit's development build (the "development" condition) announces itself in
  // every file; its other warnings stay visible.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countsReporter()],
};
