// The Uploader's browser defaults for its I/O, loaded by `lazy-io.ts` with one dynamic import
// when a file first needs them (hashing, the upload-handler POST, the transfer, the resume
// store, server progress), so a page that only shows the uploader does not pay for them.
// Everything here is also exported, statically, from the package's index.
export { createDefaultHasher } from './hashing/index.js';
// From inspector.ts, not the index: the page side loads the engine itself only when it inspects
// on the main thread (the default inspects in the worker).
export { createDefaultInspector } from './inspection/inspector.js';
export { IndexedDbResumeStore } from './persistence/indexeddb-resume-store.js';
export { createProgressFeed } from './server-progress/combined-feed.js';
export { createBackendApi } from './transport/backend-api.js';
export { createDefaultTransport } from './transport/index.js';
