// The READMEs' TypeScript snippets, type-checked verbatim as a user's app would compile them.
//
// Every ```ts and ```tsx block of the READMEs below is written, unedited, to its own file of a
// fresh project that has the packed packages installed with plain npm (their built types, as a
// user gets them; scripts/lib/pack.mjs installPacked), and compiled under strict TypeScript.
// `moduleDetection: "force"` makes each file a module, as a bundler treats it, so two snippets
// may both declare `supabase`. The only addition is one ambient prelude per README
// (scripts/test/readme-prelude/<name>.d.ts): names the reader's app has (its Supabase client,
// its `render`, its own components shown in another snippet), declared, never defined.
//
// A block that is not code a user compiles (a signature shown as documentation, a fragment) is
// marked in the README on the line before its fence:
//   <!-- snippet: not compiled (signature) -->
// Such blocks are counted, with the reason, by the marker check; every other block must compile.
//
// Run alone (`node --test scripts/test/readme-snippets.test.mjs`) it packs and installs by
// itself; scripts/test/packed.test.mjs runs the same checks in its own installed project, so
// `npm test` installs once.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { root } from '../lib/migrate.mjs';
import { installPacked } from '../lib/pack.mjs';

/** The READMEs whose ts/tsx blocks are checked, and the name of each one's prelude. */
export const READMES = Object.freeze({
  'README.md': 'root',
  'packages/core/README.md': 'core',
  'packages/elements/README.md': 'elements',
  'packages/react/README.md': 'react',
  'examples/README.md': 'examples',
});

const COMPILED = new Set(['ts', 'tsx']);
const MARKER = /^\s*<!--\s*snippet:\s*not compiled\s*(?:\((.*?)\))?\s*-->\s*$/;
const preludes = path.join(path.dirname(fileURLToPath(import.meta.url)), 'readme-prelude');

/** The compiler options of the fresh project (tsconfig.json in each README's folder). */
export const COMPILER_OPTIONS = Object.freeze({
  strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler',
  moduleDetection: 'force', lib: ['ES2022', 'DOM', 'DOM.Iterable'], jsx: 'react-jsx', skipLibCheck: true,
});

/**
 * @typedef {{ lang: string, fence: number, code: string, skip: string | null }} Snippet
 *   `fence`: the 1-based README line of the opening fence (code line n is README line fence + n);
 *   `skip`: the marker's reason when the block is marked not compiled
 */

/**
 * The fenced blocks of a Markdown text, and the markers that are not followed by a fence.
 * @param {string} text
 * @returns {{ snippets: Snippet[], strayMarkers: number[], unnamedMarkers: number[] }}
 */
export function extractSnippets(text) {
  const lines = text.split('\n');
  /** @type {Snippet[]} */
  const snippets = [];
  const strayMarkers = [];
  const unnamedMarkers = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (marker) {
      if (!/^\s*```/.test(lines[i + 1] ?? '')) strayMarkers.push(i + 1);
      if (!marker[1]?.trim()) unnamedMarkers.push(i + 1);
      continue;
    }
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, lang] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${ticks}\\s*$`).test(lines[j]); j++) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    const previous = MARKER.exec(lines[i - 1] ?? '');
    snippets.push({ lang: lang.toLowerCase(), fence: i + 1, code: `${body.join('\n')}\n`, skip: previous ? (previous[1]?.trim() || 'no reason given') : null });
    i = j;
  }
  return { snippets, strayMarkers, unnamedMarkers };
}

/**
 * Writes each README's compiled blocks into `<app>/readme-snippets/<name>/` (one file per block,
 * named by its fence line, its prelude, a tsconfig.json) and type-checks each folder as one
 * program with the app's TypeScript. Lib and package declarations are parsed once for all.
 * @param {string} app  a project with the packed packages and typescript installed
 * @returns {Promise<Map<string, { snippets: Snippet[], errors: Map<number, string[]> }>>}
 *   by README path; `errors` by fence line, each error with its README line
 */
export async function checkReadmes(app) {
  const ts = createRequire(path.join(app, 'package.json'))('typescript');
  const sourceFiles = new Map();
  const results = new Map();
  for (const [readme, name] of Object.entries(READMES)) {
    const file = path.join(root, readme);
    const { snippets } = extractSnippets(existsSync(file) ? await readFile(file, 'utf8') : '');
    const errors = new Map();
    results.set(readme, { snippets, errors });
    const compiled = snippets.filter((s) => COMPILED.has(s.lang) && !s.skip);
    if (compiled.length === 0) continue;

    const dir = path.join(app, 'readme-snippets', name);
    await mkdir(dir, { recursive: true });
    const byFile = new Map();
    for (const s of compiled) {
      const snippetFile = path.join(dir, `L${s.fence}.${s.lang}`);
      await writeFile(snippetFile, s.code);
      byFile.set(snippetFile, s);
    }
    const prelude = path.join(preludes, `${name}.d.ts`);
    if (existsSync(prelude)) await writeFile(path.join(dir, 'prelude.d.ts'), await readFile(prelude, 'utf8'));
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['*.ts', '*.tsx'] }, null, 2));

    const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
    const host = ts.createCompilerHost(config.options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      if (path.resolve(fileName).startsWith(dir + path.sep)) return read(fileName, languageVersion, ...rest);
      if (!sourceFiles.has(fileName)) sourceFiles.set(fileName, read(fileName, languageVersion, ...rest));
      return sourceFiles.get(fileName);
    };
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host });
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      const s = d.file && byFile.get(path.resolve(d.file.fileName));
      if (!s) {
        // An error outside the snippets (the prelude, a package's types) fails every block.
        const where = d.file ? `${path.relative(app, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : 'tsconfig';
        for (const each of compiled) errors.set(each.fence, [...(errors.get(each.fence) ?? []), `${where} ${message}`]);
        continue;
      }
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      errors.set(s.fence, [...(errors.get(s.fence) ?? []), `${readme}:${s.fence + line + 1}:${character + 1} ${message}`]);
    }
  }
  return results;
}

/**
 * Registers the checks: one test per ts/tsx block that is not marked, and one
 * that the markers are sound and that prints the counts.
 * @param {() => string | undefined} getApp  the installed project, known once `before` ran
 */
export function describeReadmeSnippets(getApp) {
  describe('the READMEs\' ts/tsx snippets type-check verbatim under strict TypeScript', () => {
    /** @type {Awaited<ReturnType<typeof checkReadmes>>} */
    let results;
    before(async () => {
      const app = getApp();
      assert.ok(app, 'the packed packages are installed');
      results = await checkReadmes(app);
    });

    for (const readme of Object.keys(READMES)) {
      const file = path.join(root, readme);
      // The blocks are read now to name the tests, and again by checkReadmes: a README edited
      // in between shows as a block that was not compiled.
      const { snippets } = extractSnippets(existsSync(file) ? readFileSync(file, 'utf8') : '');
      for (const s of snippets.filter((each) => COMPILED.has(each.lang))) {
        const title = `${readme}:${s.fence} (${s.lang})`;
        // A block marked "not compiled" (a signature shown as documentation) is no test at all:
        // the marker check below counts it, with its reason.
        if (s.skip) continue;
        it(title, () => {
          const result = results.get(readme);
          assert.ok(result.snippets.some((r) => r.fence === s.fence && r.code === s.code), `${title} changed during the run`);
          const errors = result.errors.get(s.fence) ?? [];
          if (errors.length) assert.fail(`${title} does not compile:\n${errors.join('\n')}\n--- the block:\n${s.code}`);
        });
      }
    }

    it('every marker names its reason and precedes a block; counts per README', (t) => {
      const problems = [];
      for (const readme of Object.keys(READMES)) {
        const file = path.join(root, readme);
        if (!existsSync(file)) continue;
        const { snippets, strayMarkers, unnamedMarkers } = extractSnippets(readFileSync(file, 'utf8'));
        for (const line of strayMarkers) problems.push(`${readme}:${line}: a "not compiled" marker with no fenced block on the next line`);
        for (const line of unnamedMarkers) problems.push(`${readme}:${line}: a "not compiled" marker without its reason in parentheses`);
        for (const s of snippets) {
          if (s.skip && !COMPILED.has(s.lang)) problems.push(`${readme}:${s.fence}: marked not compiled, but a \`\`\`${s.lang || '(plain)'} block is never compiled`);
        }
        const code = snippets.filter((s) => COMPILED.has(s.lang));
        const reasons = {};
        for (const s of code.filter((each) => each.skip)) reasons[s.skip] = (reasons[s.skip] ?? 0) + 1;
        const others = snippets.filter((s) => !COMPILED.has(s.lang)).map((s) => s.lang || 'plain');
        t.diagnostic(`${readme}: ${code.filter((s) => !s.skip).length} compiled, ${code.length - code.filter((s) => !s.skip).length} marked not compiled`
          + `${Object.keys(reasons).length ? ` (${Object.entries(reasons).map(([r, n]) => `${n} ${r}`).join(', ')})` : ''}`
          + `${others.length ? `; not TypeScript, not checked: ${others.join(', ')}` : ''}`);
      }
      assert.deepEqual(problems, []);
    });
  });
}

// Run alone: pack, install into a fresh project, check there.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let work;
  let app;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'v2-uploader-readme-'));
    ({ app } = await installPacked(work));
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });
  describeReadmeSnippets(() => app);
}
