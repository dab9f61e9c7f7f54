// The seed document's client, kept for apps written against it:
//
//   const uploadClient = new V2UploadClient(supabaseUrl, supabaseKey, { maxFileSize, allowedTypes, enableRealtime });
//   const result = await uploadClient.initializeUpload(file);
//   const documentId = await uploadClient.uploadFile(file, result, (progress) => console.log(progress.progress));
//   const unsubscribe = uploadClient.subscribeToProgress(userId, (progress) => updateUI(progress));
//
// It is a thin layer over the same parts the Uploader store uses (validation, hashing,
// upload-handler, transports, retries, resume): `uploadFile` runs an Uploader for the one file.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createDefaultHasher } from './hashing/index.js';
import type { BackendApi, Hasher, InitResult, ProgressEvent } from './interfaces.js';
import { callSafely } from './util/call-safely.js';
import { createPollingFeed } from './server-progress/polling-feed.js';
import { createBackendApi } from './transport/backend-api.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';
import { rejectionError } from './validation/rejection-error.js';
import { claimedDocumentType, resolveValidationOptions, validateFile } from './validation/validate.js';

export interface UploadConfig {
  /** Bytes; default 52428800 (50 MiB). */
  maxFileSize?: number;
  /** MIME types (or extensions) accepted; default PDF, DOCX and TXT. */
  allowedTypes?: string[];
  /** Follow progress over Supabase Realtime (default true); otherwise poll progress-tracker. */
  enableRealtime?: boolean;
  /** Use the app's own client (and its session) instead of making one from URL and key. */
  client?: SupabaseClient;
}

export interface UploadProgress {
  documentId: string;
  /** The seed's update types. */
  type: 'progress_update' | 'status_change' | 'error' | 'complete';
  status: string;
  /** 0–100 for the current stage (upload bytes, then parsing or embedding). */
  progress: number;
  stage?: string;
  bytesUploaded?: number;
  totalBytes?: number;
  etaSeconds?: number;
  stuck?: boolean;
  message?: string;
  error?: { code: string; message: string };
}

/** upload-handler's answer, plus the MD5 the client computed. */
export type UploadResult = InitResult & { fileHash: string };

const DEFAULT_ALLOWED = ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain'];

export class V2UploadClient {
  readonly #supabase: SupabaseClient;
  readonly #api: BackendApi;
  readonly #config: Required<Omit<UploadConfig, 'client'>>;
  readonly #hasher: Hasher;
  readonly #documents = new Set<string>();

  constructor(supabaseUrl: string, supabaseKey: string, config: UploadConfig = {}) {
    this.#supabase = config.client ?? createClient(supabaseUrl, supabaseKey);
    this.#api = createBackendApi(this.#supabase, { supabaseUrl, supabaseKey });
    this.#config = {
      maxFileSize: config.maxFileSize ?? 52_428_800,
      allowedTypes: config.allowedTypes ?? DEFAULT_ALLOWED,
      enableRealtime: config.enableRealtime ?? true,
    };
    this.#hasher = createDefaultHasher();
  }

  #uploaderOptions(): UploaderOptions {
    return { supabase: this.#supabase, maxFileSize: this.#config.maxFileSize, accept: this.#config.allowedTypes.join(','), realtime: this.#config.enableRealtime };
  }

  /** Validate, hash and ask upload-handler: a new document with its upload plan, or the duplicate. */
  async initializeUpload(file: File): Promise<UploadResult> {
    const options = resolveValidationOptions({ maxFileSize: this.#config.maxFileSize, accept: this.#config.allowedTypes.join(',') });
    const reason = await validateFile(file, options, { existingCount: 0, existingTotalSize: 0 });
    if (reason) throw rejectionError(reason, file.name, file.name);
    const fileHash = await this.#hasher.hash(file, { signal: new AbortController().signal });
    const contentType = claimedDocumentType(file.name, file.type) ?? file.type;
    const result = await this.#api.initUpload({ filename: file.name, contentType, fileSize: file.size, fileHash }, new AbortController().signal);
    this.#documents.add(result.documentId);
    return { ...result, fileHash };
  }

  /**
   * Send the file as `result` says (nothing for a finished duplicate); resolves with the
   * document id once every byte is stored. Retries, token refresh and resume included.
   */
  uploadFile(file: File, result: UploadResult, onProgress?: (progress: UploadProgress) => void): Promise<string> {
    const report = (p: UploadProgress) => callSafely(onProgress, p);
    let first = true;
    // The first init is the one already made; later ones (expired token, retry) are real calls.
    const api: BackendApi = {
      ...this.#api,
      initUpload: (body, signal) => {
        if (first && body.fileHash === result.fileHash) {
          first = false;
          return Promise.resolve(result);
        }
        return this.#api.initUpload(body, signal);
      },
    };
    const known: Hasher = { hash: () => Promise.resolve(result.fileHash) };
    const uploader = new Uploader({ ...this.#uploaderOptions(), api, hasher: known, notify: 'sync' });
    return new Promise<string>((resolve, reject) => {
      const done = (fn: () => void) => {
        uploader.destroy();
        fn();
      };
      uploader.on('upload-progress', ({ bytesSent, bytesTotal, etaSeconds, file: f }) => report({
        documentId: f.documentId ?? result.documentId,
        type: 'progress_update',
        status: 'uploading',
        stage: 'upload',
        progress: bytesTotal ? Math.round((bytesSent / bytesTotal) * 10000) / 100 : 0,
        bytesUploaded: bytesSent,
        totalBytes: bytesTotal,
        ...(etaSeconds !== undefined ? { etaSeconds } : {}),
      }));
      uploader.on('upload-complete', ({ documentId, duplicate }) => {
        this.#documents.add(documentId);
        report({ documentId, type: duplicate ? 'complete' : 'status_change', status: duplicate ? 'duplicate' : 'uploaded', progress: 100, totalBytes: file.size, bytesUploaded: duplicate ? 0 : file.size });
        done(() => resolve(documentId));
      });
      uploader.on('upload-error', ({ error }) => done(() => reject(error)));
      uploader.on('file-rejected', ({ error }) => done(() => reject(error)));
      uploader.addFiles(file).catch((error: unknown) => done(() => reject(error)));
    });
  }

  /**
   * Every progress update of the user's documents: over Realtime (`postgres_changes` on
   * realtime_progress_updates, filtered by user), or — with `enableRealtime: false` — by
   * polling progress-tracker for the documents this client started.
   */
  subscribeToProgress(userId: string, callback: (progress: UploadProgress) => void): () => void {
    const deliver = (p: UploadProgress) => callSafely(callback, p);
    if (!this.#config.enableRealtime) {
      const feed = createPollingFeed(this.#api);
      const stops = [...this.#documents].map((id) => feed.follow(id, (e) => deliver(fromEvent(e))));
      return () => stops.forEach((stop) => stop());
    }
    const channel = this.#supabase
      .channel(`v2-upload-client:${userId}:${Math.random().toString(36).slice(2)}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', filter: `user_id=eq.${userId}` },
        (change: { new: { document_id: string; payload: Record<string, unknown> } }) => deliver(fromRow(change.new.document_id, change.new.payload)))
      .subscribe();
    return () => void this.#supabase.removeChannel(channel);
  }
}

function fromRow(documentId: string, payload: Record<string, unknown>): UploadProgress {
  const type = (payload['type'] as UploadProgress['type']) ?? 'progress_update';
  const status = String(payload['status'] ?? payload['to'] ?? (type === 'complete' ? 'completed' : type === 'error' ? 'failed' : ''));
  const progress = typeof payload['progress'] === 'number' ? payload['progress'] : type === 'complete' ? 100 : 0;
  const out: UploadProgress = { documentId, type, status, progress };
  if (typeof payload['stage'] === 'string') out.stage = payload['stage'];
  if (typeof payload['bytesUploaded'] === 'number') out.bytesUploaded = payload['bytesUploaded'];
  if (typeof payload['totalBytes'] === 'number') out.totalBytes = payload['totalBytes'];
  if (typeof payload['etaSeconds'] === 'number') out.etaSeconds = payload['etaSeconds'];
  if (typeof payload['message'] === 'string') out.message = payload['message'];
  if (type === 'error') out.error = { code: String(payload['code'] ?? 'processing_failed'), message: String(payload['message'] ?? '') };
  return out;
}

function fromEvent(e: ProgressEvent): UploadProgress {
  const type = e.status === 'completed' ? 'complete' : e.status === 'failed' ? 'error' : 'progress_update';
  const out: UploadProgress = { documentId: e.documentId, type, status: e.status, progress: e.progress, stuck: e.stuck };
  if (e.etaSeconds !== undefined) out.etaSeconds = e.etaSeconds;
  if (e.error) out.error = e.error;
  return out;
}

