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

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts', 'src/i18n/**', 'src/icons/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [shippedPaths()],
};
