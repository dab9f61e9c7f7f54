// Messages between WorkerHasher (page) and hash-worker (worker). A Blob is posted as a handle:
// the worker reads its slices itself, so no file bytes are copied from the page.

/** Page → worker: hash a file, or stop hashing one (queued or running). */
export type HashRequest = { id: number; file: Blob } | { id: number; cancel: true };

/** Worker → page: progress (0–1) of a file, then either its hash or the error that stopped it. */
export type HashResponse =
  | { id: number; progress: number }
  | { id: number; hash: string }
  | { id: number; error: unknown };
