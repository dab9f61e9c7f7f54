// Custom Elements Manifest (custom-elements.json) from the components' JSDoc
// (@summary @slot @event @csspart @cssproperty), shipped with the package for IDEs,
// Storybook docs and linters.
import path from 'node:path';

/**
 * The analyzer reads src/*.ts and writes what it read: `src/…ts` paths, specifiers relative to
 * the importing module (`./v2-file-added.js`) and root-absolute ones (`/src/…`). A user's tools
 * read the manifest against the installed package, which runs dist/*.js: make every path
 * package-relative and point it at the built module.
 */
function shippedPaths() {
  const toDist = (from, specifier) => {
    const resolved = specifier.startsWith('.') ? path.posix.join(path.posix.dirname(from), specifier) : specifier.replace(/^\//, '');
    return resolved.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');
  };
  const visit = (node, modulePath) => {
    if (Array.isArray(node)) return node.forEach((child) => visit(child, modulePath));
    if (node === null || typeof node !== 'object') return;
    for (const key of ['path', 'module']) {
      if (typeof node[key] === 'string') node[key] = toDist(modulePath, node[key]);
    }
    for (const [key, child] of Object.entries(node)) if (key !== 'path' && key !== 'module') visit(child, modulePath);
  };
  return {
    name: 'v2-shipped-paths',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        const source = mod.path;
        visit({ ...mod, path: undefined }, source);
        mod.path = toDist(source, source);
      }
    },
  };
}

/**
 * The analyzer lists each event twice: once from the `@event` tag (name, description, no type)
 * and once from `dispatchEvent(new V2…Event(d))` (the class, named after the variable or not at
 * all). Keep one entry per event: the documented one, typed with its class (`v2-file-added` →
 * `V2FileAddedEvent`, as the schema's `type` means: the event object fired).
 */
function typedEvents() {
  const className = (name) => name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('') + 'Event';
  return {
    name: 'v2-typed-events',
    packageLinkPhase({ customElementsManifest }) {
      const classes = new Set(customElementsManifest.modules.flatMap((m) => (m.declarations ?? []).map((d) => d.name)));
      for (const d of customElementsManifest.modules.flatMap((m) => m.declarations ?? [])) {
        if (!d.customElement || !d.events) continue;
        d.events = d.events.filter((e) => e.name?.startsWith('v2-'));
        for (const e of d.events) if (classes.has(className(e.name))) e.type = { text: className(e.name) };
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts', 'src/i18n/**', 'src/icons/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [shippedPaths(), typedEvents()],
};
