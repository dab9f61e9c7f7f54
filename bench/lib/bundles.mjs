// Bundle sizes, built the way a consumer's bundler ships them:
// esbuild, bundle + minify, ESM, platform browser, target es2022, code splitting on (as
// Vite/Rollup do), gzip -9. The entry chunk, with the chunks it imports statically, is what a
// page pays up front; lazy chunks (only imported dynamically, e.g. tus-js-client in our element)
// are reported separately and in the total. Peers the app already has are left out for everybody: @supabase/supabase-js,
// pdfjs-dist (optional, loaded on demand), react and react-dom. CSS files shipped separately
// (Uppy's and FilePond's stylesheets) are not counted; our element and @vaadin/upload carry
// their styles in the JS.
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { esbuild, root, peersDir } from './common.mjs';

const ours = (p) => path.join(root, p);
export const EXTERNAL = ['@supabase/supabase-js', 'pdfjs-dist', 'react', 'react-dom', 'react/*', 'react-dom/*'];

/** Every entry measured. `ours` entries are budgeted by the `size` suite. */
export const ENTRIES = [
  { id: 'core', label: '@v2-uploader/core (everything it exports)', ours: true, dir: ours('playground'),
    code: "export * from '@v2-uploader/core';" },
  { id: 'element', label: '@v2-uploader/elements/define.js (Lit included)', ours: true, dir: ours('packages/elements'),
    code: "import '@v2-uploader/elements/define.js';" },
  { id: 'react', label: '@v2-uploader/react (React itself external)', ours: true, dir: ours('playground'),
    code: "export * from '@v2-uploader/react';" },
  { id: 'uppy', label: 'Uppy: @uppy/core + @uppy/dashboard + @uppy/tus (CSS not counted)', dir: peersDir,
    code: "export { default as Uppy } from '@uppy/core'; export { default as Dashboard } from '@uppy/dashboard'; export { default as Tus } from '@uppy/tus';" },
  { id: 'filepond', label: 'FilePond (CSS not counted)', dir: peersDir, code: "export * from 'filepond';" },
  { id: 'vaadin-upload', label: '@vaadin/upload (vaadin-upload.js, styles in JS)', dir: peersDir,
    code: "import '@vaadin/upload/vaadin-upload.js';" },
  { id: 'tus-js-client', label: 'tus-js-client', dir: peersDir, code: "export * from 'tus-js-client';" },
  { id: 'react-dropzone', label: 'react-dropzone (React external)', dir: peersDir,
    code: "export { default, useDropzone } from 'react-dropzone';" },
];

export async function measure(entry) {
  const result = await esbuild.build({
    stdin: { contents: entry.code, resolveDir: entry.dir },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    splitting: true,
    outdir: 'size-out',
    external: EXTERNAL,
    metafile: true,
    logLevel: 'silent',
    // @vaadin/upload's usage-statistics and the like read process.env.NODE_ENV; a production build.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  // What a page pays up front: the entry file and every chunk it imports statically, transitively
  // (with splitting on, code shared with a lazy chunk moves to a chunk the entry imports).
  const outputs = result.metafile.outputs;
  const entryFile = Object.keys(outputs).find((name) => outputs[name].entryPoint === '<stdin>');
  const upFront = new Set();
  const visit = (name) => {
    if (!name || upFront.has(name) || !outputs[name]) return;
    upFront.add(name);
    for (const i of outputs[name].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entryFile);
  const chunks = result.outputFiles
    .filter((f) => f.path.endsWith('.js'))
    .map((f) => ({
      entry: [...upFront].some((name) => f.path.endsWith(name)),
      minified: f.contents.length,
      gzip: gzipSync(f.contents, { level: 9 }).length,
    }));
  const sum = (cs, k) => cs.reduce((n, c) => n + c[k], 0);
  const entryChunks = chunks.filter((c) => c.entry);
  const lazy = chunks.filter((c) => !c.entry);
  return {
    id: entry.id,
    label: entry.label,
    ours: Boolean(entry.ours),
    entryMinified: sum(entryChunks, 'minified'),
    entryGzip: sum(entryChunks, 'gzip'),
    lazyGzip: lazy.map((c) => c.gzip),
    totalGzip: sum(chunks, 'gzip'),
  };
}
