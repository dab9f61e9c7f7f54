// Messages between WorkerHasher (page) and hash-worker (worker). A Blob is posted as a handle:
// the worker reads its slices itself, so no file bytes are copied from the page.
import type { DocumentInfo, DocumentKind } from '../inspection/document-info.js';

/**
 * Page → worker: hash a file (queued: one hash at a time), inspect one (runs at once, beside
 * any hash), or stop either (queued or running). Ids are shared by hashes and inspections.
 */
export type HashRequest =
  | { id: number; file: Blob }
  | { id: number; inspect: Blob; kind: DocumentKind }
  | { id: number; cancel: true };

/**
 * Worker → page: progress (0–1) of a hash, then either its hash, an inspection's result, or
 * the error that stopped either.
 */
export type HashResponse =
  | { id: number; progress: number }
  | { id: number; hash: string }
  | { id: number; info: DocumentInfo }
  | { id: number; error: unknown };
