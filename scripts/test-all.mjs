#!/usr/bin/env node
// Every suite of the repository, one after another, with one summary at the end:
//   db       pgTAP over the reference schema (real Postgres 15)
//   packages build, strict typecheck and publint for every package
//   packed   the packed tarballs installed with plain npm into a fresh project and used there
//            (the READMEs' ts/tsx snippets type-checked there too: scripts/test/readme-snippets.test.mjs)
//   examples examples/ installed from the tarballs, built, each upload driven to completed in
//            Chromium, all on Node 24
//   reliability  faults, crashes and token expiry through a fault proxy, core in Chromium
//            (after packages: it bundles packages/core/dist; V2_RELIABILITY_HEAVY=1 for more)
//   browser  @web/test-runner in Debian's Chromium
//   deno     deno test for the Edge Functions (real Deno)
//   stack    the local stack through supabase-js and tus-js-client (node --test)
//   playground the main job's page driven in Chromium (after packages: it serves dist/)
//   storybook  builds Storybook, opens every story in Chromium: no console errors, axe-clean
//   size     min+gz of the core, element and React entries against bench/size-budget.json
//            (after packages: it bundles dist/)
//   db-legacy, deno-legacy, stack-legacy  the same against an older Supabase project (default
//            grants on, HS256 keys): the database, the functions and the stack's end-to-end files
// `node scripts/test-all.mjs db browser` runs a subset. Exit code 0 only when all pass.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib/migrate.mjs';

const bin = (name) => path.join(root, 'node_modules/.bin', name);
const pnpm = ['npx', '-y', 'pnpm@12.4.2'];

/** node --test's TAP closing lines: `# pass N` and `# fail N`. */
function tapCounts(out) {
  const pass = /^# pass (\d+)$/m.exec(out);
  const fail = /^# fail (\d+)$/m.exec(out);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : null;
}

/** A suite of node:test files, one after another, counted from their TAP. */
const nodeTest = (files, env = {}) => ({
  cmd: ['node', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files],
  env,
  count: tapCounts,
});

/** Each suite: a command and how to read its pass/fail counts from its output. */
const suites = {
  db: {
    cmd: ['node', 'scripts/test-db.mjs'],
    count(out) {
      const total = Number(/Files=\d+, Tests=(\d+)/.exec(out)?.[1] ?? 0);
      const failed = [...out.matchAll(/Failed (\d+)\/\d+ subtests/g)].reduce((n, m) => n + Number(m[1]), 0);
      return { passed: total - failed, failed };
    },
  },
  packages: {
    // Build first (publint and the React package's types read dist/), then strict types, then publint.
    cmd: ['bash', '-c', `set -e; for s in build typecheck lint:package; do ${pnpm.join(' ')} -r --workspace-concurrency=1 --if-present run "$s"; done`],
    count: () => null,
  },
  packed: {
    // The packages packed with pnpm and installed with plain npm into a fresh project outside
    // the repository, then used from there (after packages: it packs dist/).
    ...nodeTest(['scripts/test/packed.test.mjs']),
  },
  examples: {
    // examples/ (Vite, Vite + React, Next.js, webpack, esbuild) installed from the packed
    // tarballs, built, and driven in Chromium against one local stack (after packages: it packs dist/).
    // All of it (npm, the builds, the stack) on Node 24, which scripts/ensure.sh puts in
    // .local/node24: users run 22 and 24, while every other suite runs on the machine's Node 20.
    ...nodeTest(['scripts/test/node-version.test.mjs', 'scripts/test/examples.test.mjs'], { V2_EXPECT_NODE_MAJOR: '24', PATH: `${path.join(root, '.local/node24/bin')}${path.delimiter}${process.env.PATH}` }),
  },
  reliability: {
    // reliability/: the fault proxy's own tests, 200 uploads through faults, crash/reload, token expiry.
    ...nodeTest(['reliability/test/']),
  },
  browser: {
    cmd: [bin('web-test-runner')],
    count(out) {
      const m = [...out.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
    },
  },
  playground: {
    // The README's main job driven like a person (needs the packages built: run after `packages`).
    ...nodeTest(['playground/test/']),
  },
  stack: {
    // The local stack end to end through the real supabase-js and tus-js-client clients.
    ...nodeTest(['stack/test/']),
  },
  'db-legacy': {
    cmd: ['node', 'scripts/test-db.mjs', '--legacy'],
    count: (out) => suites.db.count(out),
  },
  'deno-legacy': {
    cmd: ['node', 'scripts/test-functions.mjs', '--legacy'],
    count: (out) => suites.deno.count(out),
  },
  'stack-legacy': {
    // The files whose outcome depends on the project's kind (grants and the RLS matrix, session
    // keys, functions, the pipeline) and `npm run verify`, against an older project. The rest
    // (bad input, storage, realtime, sweep) does not depend on it and runs once, in `stack`.
    ...nodeTest(['hosted-database', 'functions', 'pipeline', 'rls-matrix', 'auth', 'verify'].map((f) => `stack/test/${f}.test.mjs`),
      { V2_STACK_PROFILE: 'legacy' }),
  },
  deno: {
    cmd: ['node', 'scripts/test-functions.mjs'],
    count(out) {
      const m = [...out.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
    },
  },
  storybook: {
    // stories/: build once, then every story (and docs page) in headless Chromium.
    cmd: ['node', 'scripts/test-storybook.mjs'],
    count(out) {
      const m = [...out.matchAll(/^storybook: (\d+) passed, (\d+) failed$/gm)].at(-1);
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
    },
  },
  size: {
    // Bundle-size budgets (bench/size.mjs --check): each entry ~5 % above its size when set.
    cmd: ['node', 'bench/size.mjs', '--check'],
    count(out) {
      const m = [...out.matchAll(/^size: (\d+) passed, (\d+) failed$/gm)].at(-1);
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
    },
  },
};

function run(name, { cmd, env = {} }) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name}: ${cmd.join(' ')}`);
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(suites);
const results = [];
for (const name of names) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite ${name}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const started = Date.now();
  const { code, out } = await run(name, suite);
  const counts = suite.count(out);
  results.push({ name, code, counts, seconds: (Date.now() - started) / 1000 });
}

console.log('\n=== summary');
let passed = 0;
let failed = 0;
for (const r of results) {
  const c = r.counts;
  const ok = r.code === 0 && (!c || c.failed === 0);
  if (c) {
    passed += c.passed;
    failed += c.failed;
  }
  // A suite that failed without counted failures (crashed, or a check) still counts as one.
  if (!ok && (!c || c.failed === 0)) failed += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${r.name.padEnd(9)} ${c ? `${c.passed} passed, ${c.failed} failed` : r.code === 0 ? 'checks ok' : `exit ${r.code}`} (${r.seconds.toFixed(1)} s)`);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && results.every((r) => r.code === 0) ? 0 : 1);
