// @v2-uploader/core/bindings: what a framework binding needs beyond the store entry to share one
// source between many subscribers (the React package's one progress feed per client). Its own
// entry, because esbuild with code splitting puts whatever the store entry re-exports and a lazy
// chunk also uses into the page's up-front chunk (see store.ts), used or not.
export { fanOut } from './util/fan-out.js';
export type { FanOut, FanOutSource, Topic } from './util/fan-out.js';
