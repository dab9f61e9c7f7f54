// The element entry's size as a consumer's bundler would ship it: `@v2-uploader/elements/define.js`
// from dist/, with Lit and @v2-uploader/core (and tus-js-client, spark-md5) bundled, and
// @supabase/supabase-js left out (a peer the app already has). Minified, then gzip -9. Code
// splitting on, as Vite/Rollup do: what is only imported dynamically (tus-js-client, loaded for
// the first resumable upload) becomes a lazy chunk and is reported on its own.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const result = await build({
  stdin: { contents: "import '@v2-uploader/elements/define.js';", resolveDir: new URL('..', import.meta.url).pathname },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  splitting: true,
  outdir: 'size-out',
  external: ['@supabase/supabase-js', 'pdfjs-dist'],
  metafile: true,
  logLevel: 'silent',
});
const entryFile = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)?.[0];
const chunks = result.outputFiles.map((f) => ({
  file: f.path.slice(f.path.indexOf('size-out/')),
  entry: f.path.endsWith(entryFile ?? '\0'),
  minified: f.contents.length,
  gzip: gzipSync(f.contents, { level: 9 }).length,
}));
const entry = chunks.filter((c) => c.entry);
const code = { length: entry.reduce((n, c) => n + c.minified, 0) };
const gz = entry.reduce((n, c) => n + c.gzip, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const inputs = Object.entries(result.metafile.inputs)
  .reduce((acc, [file, { bytes }]) => {
    const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.includes('packages/core') ? '@v2-uploader/core' : '@v2-uploader/elements');
    acc[pkg] = (acc[pkg] ?? 0) + bytes;
    return acc;
  }, {});
console.log(JSON.stringify({ entry: '@v2-uploader/elements/define.js', minified: code.length, gzip: gz, chunks, inputsByPackage: inputs }, null, 2));
console.log(`element entry: ${kb(code.length)} min, ${kb(gz)} min+gz (lazy chunks: ${chunks.filter((c) => !c.entry).map((c) => kb(c.gzip)).join(', ') || 'none'})`);
