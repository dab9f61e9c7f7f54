// The shipped custom-elements.json must describe the public API: every element, its
// attributes, events and parts (it is generated from JSDoc, so this catches missing tags).
import { existsSync, readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8'));
const elements = new Map(
  manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement).map((d) => [d.tagName, d])),
);
const expect = {
  'v2-uploader': {
    attributes: ['supabase-url', 'anon-key', 'anonymous-sign-in', 'accept', 'max-file-size', 'max-files', 'multiple', 'auto-upload', 'chunk-size', 'max-pages', 'realtime', 'locale', 'disabled', 'name', 'required', 'theme'],
    events: ['v2-file-added', 'v2-file-rejected', 'v2-upload-start', 'v2-upload-progress', 'v2-upload-complete', 'v2-upload-error', 'v2-processing-progress', 'v2-processing-complete', 'v2-all-complete'],
    parts: ['base', 'dropzone', 'hint', 'summary', 'list', 'item'],
  },
  'v2-upload-item': { attributes: [], events: ['v2-item-action'], parts: ['base', 'name', 'progress', 'actions'] },
  'v2-progress-bar': { attributes: ['value', 'label', 'indeterminate'], events: [], parts: ['base', 'indicator'] },
};
const problems = [];
for (const [tag, want] of Object.entries(expect)) {
  const el = elements.get(tag);
  if (!el) {
    problems.push(`${tag} is missing`);
    continue;
  }
  const has = (list, name) => (list ?? []).some((x) => x.name === name);
  for (const a of want.attributes) if (!has(el.attributes, a)) problems.push(`${tag}: attribute ${a} missing`);
  for (const e of want.events) if (!has(el.events, e)) problems.push(`${tag}: event ${e} missing`);
  // One entry per event, named and typed with its class (the Vue/Svelte typings are made from them).
  for (const e of el.events ?? []) if (!e.name?.startsWith('v2-') || !e.type?.text) problems.push(`${tag}: event ${JSON.stringify(e)} has no v2-* name or no type`);
  for (const p of want.parts) if (!has(el.cssParts, p)) problems.push(`${tag}: part ${p} missing`);
  if (!(el.cssProperties ?? []).length) problems.push(`${tag}: no CSS custom properties documented`);
}
// Every path in it must name a built module the package ships (tools read it against the
// installed package, which has dist/*.js; src/*.ts is there for source maps only).
const packageDir = new URL('../', import.meta.url);
JSON.stringify(manifest, (key, value) => {
  if ((key === 'path' || key === 'module') && typeof value === 'string') {
    if (!value.startsWith('dist/') || !value.endsWith('.js')) problems.push(`${key} ${value} is not a built module under dist/`);
    else if (!existsSync(new URL(value, packageDir))) problems.push(`${key} ${value} does not exist`);
  }
  return value;
});
if (problems.length) {
  console.error(`custom-elements.json is incomplete:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`custom-elements.json: ${elements.size} elements documented`);
