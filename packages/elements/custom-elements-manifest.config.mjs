// Custom Elements Manifest (custom-elements.json) from the components' JSDoc
// (@summary @slot @event @csspart @cssproperty), shipped with the package for IDEs,
// Storybook docs and linters.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts', 'src/i18n/**', 'src/icons/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
