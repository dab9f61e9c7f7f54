// Packs the publishable packages as a release does: with pnpm (which turns `workspace:*` into the
// version), from their built dist/ (run the packages' build first). Used by the tests that
// install the tarballs with plain npm outside the repository (scripts/test/packed.test.mjs,
// scripts/test/examples.test.mjs), and installs them into a fresh project (installPacked).
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from './migrate.mjs';

const run = promisify(execFile);

/** The packages a user installs, by folder under packages/. */
export const PACKAGES = Object.freeze(['core', 'elements', 'react']);

/** The root package.json (its packageManager pins the pnpm that packs). */
export const rootManifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

/**
 * @typedef {Record<string, any> & { name: string, version: string, file: string, contents: string[] }} Packed
 *   the package.json inside a tarball, plus the tarball's path and its file list (`package/…`)
 */

/**
 * Packs each package into `destination` (created if missing).
 * @param {string} destination
 * @param {readonly string[]} [packages]  folders under packages/
 * @returns {Promise<Record<string, Packed>>}  by package name (`@v2-uploader/core`, …)
 */
export async function packPackages(destination, packages = PACKAGES) {
  await mkdir(destination, { recursive: true });
  for (const name of packages) {
    await run('npx', ['-y', rootManifest.packageManager, 'pack', '--pack-destination', destination], {
      cwd: path.join(root, 'packages', name), maxBuffer: 64 * 1024 * 1024,
    });
  }
  /** @type {Record<string, Packed>} */
  const packed = {};
  const files = (await readdir(destination)).filter((f) => f.endsWith('.tgz')).map((f) => path.join(destination, f));
  for (const file of files) {
    const { stdout } = await run('tar', ['-xzOf', file, 'package/package.json']);
    const pkg = JSON.parse(stdout);
    const { stdout: list } = await run('tar', ['-tzf', file], { maxBuffer: 64 * 1024 * 1024 });
    packed[pkg.name] = { ...pkg, file, contents: list.split('\n') };
  }
  return packed;
}

/**
 * Packs the packages and installs the tarballs with plain npm into a fresh project
 * `<work>/app` (`"type": "module"`), next to supabase-js, React 19 with its types and
 * TypeScript at the repository's versions: the project a user starts from. One install serves
 * every check that runs in it (scripts/test/packed.test.mjs runs the README snippets there too).
 * @param {string} work  an empty directory (outside the repository)
 * @returns {Promise<{ app: string, packed: Record<string, Packed> }>}
 */
export async function installPacked(work) {
  const packed = await packPackages(path.join(work, 'tarballs'));
  const app = path.join(work, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }, null, 2));
  const dev = JSON.parse(await readFile(path.join(root, 'packages/react/package.json'), 'utf8')).devDependencies;
  await run('npm', [
    'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
    ...Object.values(packed).map((p) => p.file),
    `@supabase/supabase-js@${rootManifest.devDependencies['@supabase/supabase-js']}`,
    `react@${dev.react}`, `react-dom@${dev['react-dom']}`, `@types/react@${dev['@types/react']}`,
    `@types/react-dom@${dev['@types/react-dom']}`, `typescript@${rootManifest.devDependencies.typescript}`,
  ], { cwd: app, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
  return { app, packed };
}
