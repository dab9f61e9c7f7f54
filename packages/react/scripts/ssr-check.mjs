#!/usr/bin/env node
// The built package on a server: plain Node, no DOM globals. Importing it must touch no
// `window`, `document`, `customElements` or `HTMLElement`, and server rendering must give the
// bare <v2-uploader> tag and a hooks UI without throwing. Run after `build` (lint:package).
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (error) {
    results.push(false);
    console.log(`not ok - ${name}`);
    console.error(error);
  }
}

const DOM_GLOBALS = ['window', 'document', 'customElements', 'HTMLElement'];
let pkg;

await check('there is no DOM here, and importing dist/index.js adds none', async () => {
  for (const name of DOM_GLOBALS) assert.equal(typeof globalThis[name], 'undefined', `${name} before the import`);
  pkg = await import('../dist/index.js');
  for (const name of DOM_GLOBALS) assert.equal(typeof globalThis[name], 'undefined', `${name} after the import`);
});

await check('<V2Uploader> renders the bare tag with its attributes', () => {
  const html = renderToString(
    h(pkg.V2Uploader, { supabaseUrl: 'https://example.supabase.co', anonKey: 'anon', multiple: true, autoUpload: false, maxFileSize: 1024, className: 'docs' },
      h('span', { slot: 'hint' }, 'PDFs only')),
  );
  assert.match(html, /^<v2-uploader /);
  for (const part of ['supabase-url="https://example.supabase.co"', 'anon-key="anon"', 'multiple=""', 'auto-upload="false"', 'max-file-size="1024"', 'class="docs"', '<span slot="hint">PDFs only</span>']) {
    assert.ok(html.includes(part), `${part} in ${html}`);
  }
  assert.ok(!html.includes('realtime'), 'a default-on flag left on renders nothing');
});

await check('a hooks UI renders under a provider', () => {
  // A stand-in client: rendering on a server must not call it (nothing subscribes there).
  const supabase = new Proxy({}, { get: () => { throw new Error('the client was used during server rendering'); } });
  function Files() {
    const uploader = pkg.useUploaderContext();
    const count = pkg.useUploaderState((s) => s.files.length);
    const zone = pkg.useDropzone({ uploader });
    const progress = pkg.useUploadProgress('doc-1');
    return h('div', zone.getRootProps({ className: 'zone' }),
      h('input', zone.getInputProps()),
      h('p', null, `${count} files, document ${progress.status ?? 'unknown'}`));
  }
  function Page() {
    pkg.useUploader({ supabase });
    return h(pkg.UploaderProvider, { supabase }, h(Files));
  }
  const html = renderToString(h(Page));
  assert.ok(html.includes('role="button"'), html);
  assert.ok(html.includes('type="file"'), html);
  assert.ok(html.includes('0 files, document unknown'), html);
});

await check("dist/index.js opens with 'use client' (a client boundary for React Server Components)", async () => {
  const { readFile } = await import('node:fs/promises');
  const source = await readFile(new URL('../dist/index.js', import.meta.url), 'utf8');
  // The directive must be the first statement: only comments may come before it.
  const code = source.replace(/^(\s*(\/\/[^\n]*|\/\*[\s\S]*?\*\/))*\s*/, '');
  assert.match(code, /^['"]use client['"];/);
});

const passed = results.filter(Boolean).length;
console.log(`ssr-check: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
