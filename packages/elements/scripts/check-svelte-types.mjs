// svelte-check over type-tests/svelte: App.svelte (correct use) must be clean and Wrong.svelte
// must fail exactly where it misuses the element (a theme that does not exist, a detail field
// that does not exist), which shows the tags are typed at all, not `any`.
import { spawnSync } from 'node:child_process';

const run = spawnSync('svelte-check', ['--tsconfig', './type-tests/svelte/tsconfig.json', '--output', 'machine'], {
  cwd: new URL('..', import.meta.url),
  encoding: 'utf8',
  shell: process.platform === 'win32',
});
const errors = (run.stdout ?? '').split('\n').filter((l) => / (ERROR|WARNING) /.test(l)).map((l) => l.replace(/^\d+ /, ''));
const expected = [/^ERROR "type-tests\/svelte\/Wrong\.svelte" 6:\d+ .*purple/, /^ERROR "type-tests\/svelte\/Wrong\.svelte" 7:\d+ .*'nothing'/];
const unexpected = errors.filter((e) => !expected.some((re) => re.test(e)));
const missing = expected.filter((re) => !errors.some((e) => re.test(e)));
if (run.status === null || unexpected.length || missing.length) {
  console.error(`svelte types: ${run.error ?? ''}\n${unexpected.map((e) => `unexpected: ${e}`).join('\n')}\n${missing.map((re) => `missing: ${re}`).join('\n')}\n${run.stderr ?? ''}`);
  process.exit(1);
}
console.log('svelte types: App.svelte clean, Wrong.svelte fails where it should');
