// The I/O the Uploader depends on, each behind a small interface with a browser default, so
// tests can script it and users can replace it (tus-js-client's HttpStack / UrlStorage idea).
import type { DocumentInfo, DocumentKind, InspectionFacts } from './inspection/document-info.js';

/** Computes a file's MD5 (hex) incrementally, never holding the whole file in memory. */
export interface Hasher {
  hash(file: Blob, options: { signal: AbortSignal; onProgress?: (fraction: number) => void }): Promise<string>;
}

/**
 * Looks inside a document before it is sent (pages, text layer, password, macros, encoding),
 * reading only what the format needs. The default runs in the hash worker.
 */
export interface Inspector {
  inspect(file: Blob, options: { kind: DocumentKind; signal: AbortSignal }): Promise<DocumentInfo>;
}

/** What upload-handler answers (see supabase/functions/README.md). */
export interface UploadPlan {
  strategy: 'put' | 'tus';
  bucket: string;
  path: string;
  signedUrl: string;
  token: string;
  tusEndpoint: string;
  chunkSize: number;
  expiresAt: string | null;
}

export interface ServerDocument {
  id: string;
  status: 'pending' | 'uploading' | 'uploaded' | 'processing' | 'parsing' | 'embedding' | 'completed' | 'failed' | 'cancelled';
  filename: string;
  fileSize: number;
  upload: { bytesUploaded: number; progress: number };
  processing: { stage: string | null; progress: number };
  error: { code: string; message: string | null } | null;
}

export type InitResult =
  | { duplicate: false; documentId: string; upload: UploadPlan; features: Features }
  | { duplicate: true; documentId: string; document: ServerDocument; upload?: UploadPlan; features: Features };

/**
 * upload-handler's answer to a start with a fingerprint instead of the whole-file MD5
 * (`POST` with `fingerprint`, supabase/functions/README.md "Late hash").
 */
export type FingerprintStart =
  /** One of the user's documents could be this file: hash it whole and start with the hash. */
  | { candidate: true; features: Features }
  /** No candidate: a new document whose hash is pending; send the bytes now. */
  | { candidate: false; documentId: string; upload: UploadPlan; features: Features };

/** upload-handler's answer to the whole-file MD5 delivered for a document started with a fingerprint. */
export type HashDelivery =
  /** Recorded: the document goes on (processing starts once its object has landed). */
  | { duplicate: false; documentId: string; status: ServerDocument['status'] }
  /**
   * The user already had these bytes in `documentId`: the document the hash was delivered for
   * (`resolvedFrom`) is gone, merged into that one. Stop sending its bytes.
   */
  | { duplicate: true; documentId: string; resolvedFrom: string; status: ServerDocument['status'] };

export interface Features {
  realtime: boolean;
  llamaParse: boolean;
}

/** Server-side progress of a document (upload-handler / progress-tracker GET). */
export interface ServerProgress {
  documentId: string;
  status: ServerDocument['status'];
  stage: string;
  processing: { stage: string | null; progress: number };
  upload: { bytesUploaded: number; totalBytes: number; progress: number };
  etaSeconds: number | null;
  stuck: boolean;
  error: { code: string; message: string | null } | null;
}

/** The backend's HTTP API (upload-handler, progress-tracker), with the session read fresh per request. */
export interface BackendApi {
  initUpload(body: { filename: string; contentType: string; fileSize: number; fileHash: string; inspection?: InspectionFacts }, signal: AbortSignal): Promise<InitResult>;
  /**
   * Starts with a cheap fingerprint (see {@link fingerprintOf}) so the bytes can leave while the
   * whole file is still being hashed. `idempotencyKey` (a UUID, the same for every retry of one
   * start) makes a repeat answer the document the first try made, when its answer was lost. Optional: without it (and {@link deliverHash}) every file
   * is hashed before its first byte is sent.
   */
  startWithFingerprint?(
    body: { filename: string; contentType: string; fileSize: number; fingerprint: string; idempotencyKey: string; inspection?: InspectionFacts },
    signal: AbortSignal,
  ): Promise<FingerprintStart>;
  /**
   * Delivers the whole-file MD5 of a document started with a fingerprint. Fails with code
   * `file-changed` when the server holds other bytes for it (the file changed while it was sent).
   */
  deliverHash?(body: { documentId: string; fileHash: string }, signal: AbortSignal): Promise<HashDelivery>;
  reportProgress(body: { documentId: string; bytesUploaded: number; chunkIndex?: number; totalChunks?: number }, signal?: AbortSignal): Promise<void>;
  getProgress(documentId: string, signal?: AbortSignal): Promise<ServerProgress>;
  cancel(documentId: string): Promise<void>;
  /** The signed-in user's id (the resume store keys entries by it), or undefined. */
  userId(): Promise<string | undefined>;
}

/** Sends a file's bytes to Storage as the plan says (one PUT, or TUS). */
export interface Transport {
  send(file: Blob, plan: UploadPlan, options: TransferOptions): Promise<TransferResult>;
}

export interface TransferOptions {
  contentType: string;
  /**
   * Stops the transfer. Aborted with a `DiscardUpload` reason, what was sent is unwanted:
   * discard it on the server too (TUS: terminate the upload) rather than keep it to resume.
   */
  signal: AbortSignal;
  /** Bytes the server has (monotonic; TUS offsets, XHR upload progress). */
  onProgress: (bytesSent: number) => void;
  /** A TUS upload URL from an earlier attempt or page, to resume from its offset. */
  resumeUrl?: string | undefined;
  /** Called once TUS has an upload URL, so it can be persisted for resuming. */
  onUploadUrl?: (url: string) => void;
}

export interface TransferResult {
  /** TUS upload URL (for the record); undefined for PUT. */
  uploadUrl: string | undefined;
}

/** One server-side progress event for a document, from realtime or polling. */
export interface ProgressEvent {
  documentId: string;
  status: ServerDocument['status'];
  /** Stage progress, 0–100. */
  progress: number;
  etaSeconds: number | undefined;
  stuck: boolean;
  error: { code: string; message: string } | undefined;
}

/** Follows server-side progress of documents; opened only while someone listens. */
export interface ProgressFeed {
  /** Start following `documentId`; returns a stop function. */
  follow(documentId: string, listener: (event: ProgressEvent) => void): () => void;
  /**
   * Stops following every document at once (the Uploader's `destroy` calls it when present). A
   * feed without it is let go of through the stops `follow` returned.
   */
  close?(): void;
}

/** A `ProgressFeed` that can be shut down as a whole (the Uploader's `destroy`). */
export interface ClosableProgressFeed extends ProgressFeed {
  /** Stops following every document (the realtime channel is removed, polls end). */
  close(): void;
}

/** What is remembered to resume an upload after a reload. */
export interface ResumeRecord {
  key: string;
  documentId: string;
  uploadUrl: string | undefined;
  plan: UploadPlan;
  size: number;
  /**
   * The file's MD5; undefined while it is still being computed (an upload started with a
   * fingerprint, its record kept under the fingerprint's key until the hash is delivered).
   */
  hash: string | undefined;
  /** The fingerprint the upload started with, when it started with one. */
  fingerprint?: string | undefined;
  updatedAt: number;
}

/** Persists resume records (IndexedDB by default), keyed by user + content hash (or fingerprint) + size. */
export interface ResumeStore {
  get(key: string): Promise<ResumeRecord | undefined>;
  put(record: ResumeRecord): Promise<void>;
  delete(key: string): Promise<void>;
  /** Remove records older than `maxAgeMs`; returns how many. */
  prune(maxAgeMs: number): Promise<number>;
}
