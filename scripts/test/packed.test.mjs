// The packages as a team installs them: packed with pnpm (which turns `workspace:*` into the
// version), installed with plain npm into a fresh project outside the repository, then used
// from that project — imported in Node, rendered on the server, and type-checked under strict
// TypeScript; the READMEs' ts/tsx snippets are type-checked there too (readme-snippets.test.mjs).
// Needs the packages built (the `packages` suite runs first).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { installPacked, PACKAGES } from '../lib/pack.mjs';
import { describeReadmeSnippets } from './readme-snippets.test.mjs';

const run = promisify(execFile);

let work;
let app;
/** name → { version, dependencies, …, file, contents } of each tarball (scripts/lib/pack.mjs). */
let packed = {};

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'v2-uploader-packed-'));
  ({ app, packed } = await installPacked(work));
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('carry real versions, their changelog and no workspace: ranges', () => {
    assert.deepEqual(Object.keys(packed).sort(), PACKAGES.map((n) => `@v2-uploader/${n}`));
    for (const pkg of Object.values(packed)) {
      assert.match(pkg.version, /^\d+\.\d+\.\d+/, pkg.name);
      assert.notEqual(pkg.version, '0.0.0', `${pkg.name}: a released version (changeset version)`);
      assert.ok(pkg.contents.includes('package/CHANGELOG.md'), `${pkg.name} ships CHANGELOG.md`);
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
          assert.ok(!String(range).startsWith('workspace:'), `${pkg.name} ${field}.${dep} = ${range}`);
          if (dep.startsWith('@v2-uploader/')) assert.equal(range, packed[dep].version, `${pkg.name} → ${dep}`);
        }
      }
    }
  });

  it('install with plain npm; the core works in Node from the installed copy and exports its worker', async () => {
    const { stdout } = await run('node', ['--input-type=module', '-e', `
      import { Uploader, formatFileSize, fileActionList } from '@v2-uploader/core/store';
      import * as main from '@v2-uploader/core';
      import { existsSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      const uploader = new Uploader({ notify: 'sync' });
      console.log(JSON.stringify({
        size: formatFileSize(50 * 1024 * 1024),
        same: main.Uploader === Uploader,
        actions: fileActionList({ status: 'failed' }),
        files: uploader.getSnapshot().files.length,
        reduce: 'reduce' in main,
        hashWorker: existsSync(fileURLToPath(import.meta.resolve('@v2-uploader/core/hash-worker.js'))),
      }));
      uploader.destroy();
    `], { cwd: app });
    assert.deepEqual(JSON.parse(stdout), { size: '50 MB', same: true, actions: ['retry', 'remove'], files: 0, reduce: false, hashWorker: true });
  });

  it('render <V2Uploader> on the server from the installed React package', async () => {
    const { stdout } = await run('node', ['--input-type=module', '-e', `
      import { createElement } from 'react';
      import { renderToString } from 'react-dom/server';
      import { V2Uploader } from '@v2-uploader/react';
      console.log(renderToString(createElement(V2Uploader, { supabaseUrl: 'https://x.supabase.co', multiple: true })));
    `], { cwd: app });
    assert.match(stdout, /^<v2-uploader supabase-url="https:\/\/x.supabase.co" multiple=""/);
  });

  it('type-check under strict TypeScript in the fresh project', async () => {
    await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'], jsx: 'react-jsx', skipLibCheck: false, types: ['react', 'react-dom'],
      },
      include: ['app.tsx'],
    }, null, 2));
    await writeFile(path.join(app, 'app.tsx'), `
      import { createClient } from '@supabase/supabase-js';
      import { Uploader, type UploadFileState } from '@v2-uploader/core';
      import { V2UploaderElement } from '@v2-uploader/elements';
      import '@v2-uploader/elements/define.js';
      import { UploaderProvider, useUploaderState, V2Uploader } from '@v2-uploader/react';

      const supabase = createClient('https://x.supabase.co', 'sb_publishable_x');
      const uploader = new Uploader({ supabase });
      const names: string[] = uploader.getSnapshot().files.map((f: UploadFileState) => f.name);
      const element: V2UploaderElement | null = document.querySelector('v2-uploader');

      function Files() {
        const files = useUploaderState((s) => s.files);
        return <ul>{files.map((f) => <li key={f.id}>{f.name}</li>)}</ul>;
      }
      export const App = () => (
        <UploaderProvider uploader={uploader}>
          <Files />
          <V2Uploader supabase={supabase} multiple />
          <v2-uploader supabase={supabase} max-file-size={1024} onv2-upload-complete={(e) => console.log(e.detail.documentId)} />
        </UploaderProvider>
      );
      export { names, element };
    `);
    const tsc = path.join(app, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', app]).catch((error) => error);
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    // skipLibCheck is off, as in strict projects: our declarations (and the tus-js-client ones
    // they must not pull in) are checked too. supabase-js's own need @types/node (Buffer,
    // NodeJS), which is the app's choice to add; any other error fails.
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    const ours = errors.filter((line) => !/node_modules\/@supabase\//.test(line));
    assert.deepEqual(ours, [], output);
    if (errors.length === 0) assert.equal(result.code ?? 0, 0, output);
  });
});

// The same installed project, its own folder and tsconfig (skipLibCheck on, as most apps have it).
describeReadmeSnippets(() => app);
