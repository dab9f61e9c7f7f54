// Document inspection (issue 20): what a PDF, Word document or text file is, before upload.
import { WorkerHasher } from '../hashing/worker-hasher.js';
import type { Hasher } from '../interfaces.js';
import { MainThreadInspector, WorkerInspector, type Inspector } from './inspector.js';

export type { DocumentDamage, DocumentInfo, DocumentKind, TextEncoding, TextLayer } from './document-info.js';
export { inspectDocument } from './inspect.js';
export type { InspectOptions } from './inspect.js';
export { MainThreadInspector, WorkerInspector } from './inspector.js';
export type { Inspector, InspectorOptions, WorkerInspectorOptions } from './inspector.js';
export { MAX_SAMPLED_PAGES } from './pdf.js';

/**
 * The inspector to use unless given one: in the hash worker where there are workers (sharing
 * `hasher`'s worker when it is a WorkerHasher), else on the main thread.
 */
export function createDefaultInspector(options: { hasher?: Hasher } = {}): Inspector {
  if (typeof Worker === 'undefined') return new MainThreadInspector();
  return options.hasher instanceof WorkerHasher ? new WorkerInspector({ hasher: options.hasher }) : new WorkerInspector();
}
