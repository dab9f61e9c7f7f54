// Document inspection (issue 20): what a PDF, Word document or text file is, before upload.

export type { DocumentDamage, DocumentInfo, DocumentKind, TextEncoding, TextLayer } from './document-info.js';
export { inspectDocument } from './inspect.js';
export type { InspectOptions } from './inspect.js';
// The page side (inspector.ts) loads the engine with import(); only this index re-exports it.
export { createDefaultInspector, MainThreadInspector, WorkerInspector } from './inspector.js';
export type { Inspector, InspectorOptions, WorkerInspectorOptions } from './inspector.js';
export { MAX_SAMPLED_PAGES } from './pdf.js';
