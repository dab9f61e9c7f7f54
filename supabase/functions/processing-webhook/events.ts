// What each source sends, validated, and turned into one event shape: which document it is
// about (by id, by Storage object, or by LlamaParse job) and what it asks for.
import { z } from 'zod';
import type { DocumentStatus } from '../_shared/documents.ts';
import { HttpError } from '../_shared/errors.ts';
import { uuidSchema, validate } from '../_shared/http.ts';

export const SOURCES = ['llamaparse', 'storage', 'embedding', 'internal'] as const;
export type Source = typeof SOURCES[number];

/** Sources that may authenticate with the shared-secret header: LlamaCloud and Supabase
 * Database Webhooks can only add static headers. Everything else signs each request. */
export const SHARED_SECRET_SOURCES: readonly Source[] = ['llamaparse', 'storage'];

export type Target =
  | { by: 'id'; documentId: string }
  | { by: 'object'; bucket: string; path: string }
  | { by: 'job'; jobId: string; documentId?: string };

export interface Failure {
  code: string;
  message: string;
}

export type Action =
  /** Storage holds the object: check it against the row, mark uploaded, start processing. */
  | { type: 'uploaded'; size?: number; md5?: string }
  /** Progress within a stage: a progress_update row, nothing else changes. */
  | { type: 'progress'; stage: DocumentStatus; progress?: number; message?: string }
  /** A stage finished: `from` → `to`. */
  | { type: 'advance'; from: DocumentStatus; to: DocumentStatus; message?: string }
  /** A stage failed. */
  | { type: 'fail'; from: readonly DocumentStatus[]; error: Failure }
  /** internal: go to `to`, whatever the state machine allows. */
  | { type: 'move'; to: DocumentStatus; progress?: number; message?: string; error?: Failure };

export interface WebhookEvent {
  source: Source;
  target: Target;
  action: Action;
}

/** Error codes land in documents.error_code, which clients switch on: keep them identifiers. */
const code = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must be an identifier like "ocr_failed" (letters, digits, _ . -; at most 64)');
const message = z.string().min(1).max(2000);
const progress = z.number().min(0).max(100);
const errorInfo = z.union([message, z.object({ code: code.optional(), message: message.optional() })]);
type ErrorInfo = z.infer<typeof errorInfo>;

function failure(info: ErrorInfo | undefined, fallback: Failure, keepCode = true): Failure {
  if (info === undefined) return fallback;
  if (typeof info === 'string') return { code: fallback.code, message: info };
  return { code: (keepCode ? info.code : undefined) ?? fallback.code, message: info.message ?? fallback.message };
}

const size = z.number().int().min(0).refine(Number.isSafeInteger, 'must be a safe integer');
const md5 = z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be an MD5 as 32 hexadecimal digits').transform((s) => s.toLowerCase());

// storage, as the seed describes it (a processor or a Storage hook reporting on a document).
const StorageEvent = z.object({
  documentId: uuidSchema,
  status: z.enum(['completed', 'failed']),
  size: size.optional(),
  md5: md5.optional(),
  error: errorInfo.optional(),
});

// storage, as a Supabase Database Webhook on storage.objects sends it (pg_net, static headers).
const StorageObjectEvent = z.object({
  type: z.enum(['INSERT', 'UPDATE'], { error: 'must be INSERT or UPDATE: configure the Database Webhook on storage.objects for inserts and updates only' }),
  table: z.literal('objects'),
  schema: z.literal('storage'),
  record: z.object({
    bucket_id: z.string().min(1).max(255),
    name: z.string().min(1).max(1024),
    metadata: z.object({
      size: size.optional(),
      contentLength: size.optional(),
      eTag: z.string().max(256).optional(),
      mimetype: z.string().max(255).optional(),
    }).nullish(),
  }),
});

const LLAMA_EVENTS = ['parse.pending', 'parse.running', 'parse.success', 'parse.partial_success', 'parse.error', 'parse.cancelled'] as const;
const jobId = z.string().min(1).max(255);
const LlamaParseEvent = z.object({
  event: z.enum(LLAMA_EVENTS).optional(),
  event_type: z.enum(LLAMA_EVENTS).optional(),
  jobId: jobId.optional(),
  job_id: jobId.optional(),
  documentId: uuidSchema.optional(),
  progress: progress.optional(),
  error: errorInfo.optional(),
})
  .refine((e) => e.event ?? e.event_type, { message: `is required: one of ${LLAMA_EVENTS.join(', ')}`, path: ['event'] })
  .refine((e) => e.jobId ?? e.job_id, { message: 'is required: the LlamaParse job id', path: ['jobId'] });

const EmbeddingEvent = z.object({
  documentId: uuidSchema,
  status: z.enum(['progress', 'completed', 'failed']),
  progress: progress.optional(),
  message: message.optional(),
  error: errorInfo.optional(),
});

const InternalEvent = z.object({
  documentId: uuidSchema,
  status: z.enum(['processing', 'parsing', 'embedding', 'completed', 'failed']),
  progress: progress.optional(),
  message: message.optional(),
  error: errorInfo.optional(),
});

/** The sender, from `?source=` or else the body's `source` field. */
export function resolveSource(req: Request, body: unknown): Source {
  const fromQuery = new URL(req.url).searchParams.get('source');
  const fromBody = isObject(body) && typeof body.source === 'string' ? body.source : undefined;
  const named = fromQuery || fromBody;
  const list = SOURCES.join(', ');
  if (!named) {
    throw new HttpError(400, 'source_unknown', `Say which service sent this webhook: add ?source=<${SOURCES.join('|')}> to the URL or a "source" field to the body.`);
  }
  if (!(SOURCES as readonly string[]).includes(named)) {
    throw new HttpError(400, 'source_unknown', `Unknown webhook source "${named.slice(0, 64)}"; use one of: ${list}.`);
  }
  if (fromQuery && fromBody !== undefined && fromBody !== fromQuery) {
    throw new HttpError(400, 'invalid_request', `The URL says source=${fromQuery} but the body says "${fromBody.slice(0, 64)}"; they must agree.`);
  }
  return named as Source;
}

/** Validate a body for its source (422 with the issues) and say what it asks for. */
export function parseEvent(source: Source, body: unknown): WebhookEvent {
  switch (source) {
    case 'storage':
      return isObject(body) && 'record' in body ? storageObjectEvent(validate(StorageObjectEvent, body)) : storageEvent(validate(StorageEvent, body));
    case 'llamaparse':
      return llamaParseEvent(validate(LlamaParseEvent, body));
    case 'embedding':
      return embeddingEvent(validate(EmbeddingEvent, body));
    case 'internal':
      return internalEvent(validate(InternalEvent, body));
  }
}

const UPLOADING: readonly DocumentStatus[] = ['pending', 'uploading'];

function storageEvent(e: z.infer<typeof StorageEvent>): WebhookEvent {
  const target: Target = { by: 'id', documentId: e.documentId };
  if (e.status === 'failed') {
    const error = failure(e.error, { code: 'upload_failed', message: 'Storage could not store the file; upload it again.' });
    return { source: 'storage', target, action: { type: 'fail', from: UPLOADING, error } };
  }
  return { source: 'storage', target, action: { type: 'uploaded', ...(e.size !== undefined ? { size: e.size } : {}), ...(e.md5 ? { md5: e.md5 } : {}) } };
}

function storageObjectEvent(e: z.infer<typeof StorageObjectEvent>): WebhookEvent {
  const meta = e.record.metadata ?? {};
  const objectSize = meta.size ?? meta.contentLength;
  // An S3 ETag is the object's MD5 only for single-part uploads; a multipart ETag ("<md5>-<parts>",
  // what TUS uploads get) is a digest of part digests and says nothing about the file's MD5.
  const etag = meta.eTag?.replaceAll('"', '').toLowerCase();
  const etagMd5 = etag && /^[0-9a-f]{32}$/.test(etag) ? etag : undefined;
  return {
    source: 'storage',
    target: { by: 'object', bucket: e.record.bucket_id, path: e.record.name },
    action: { type: 'uploaded', ...(objectSize !== undefined ? { size: objectSize } : {}), ...(etagMd5 ? { md5: etagMd5 } : {}) },
  };
}

function llamaParseEvent(e: z.infer<typeof LlamaParseEvent>): WebhookEvent {
  const event = (e.event ?? e.event_type)!;
  const target: Target = { by: 'job', jobId: (e.jobId ?? e.job_id)!, ...(e.documentId ? { documentId: e.documentId } : {}) };
  const base = { source: 'llamaparse' as const, target };
  switch (event) {
    case 'parse.pending':
    case 'parse.running':
      return {
        ...base,
        action: {
          type: 'progress',
          stage: 'parsing',
          ...(e.progress !== undefined ? { progress: e.progress } : {}),
          message: event === 'parse.pending' ? 'LlamaParse queued the document' : 'LlamaParse is parsing the document',
        },
      };
    case 'parse.success':
      return { ...base, action: { type: 'advance', from: 'parsing', to: 'embedding', message: 'LlamaParse parsed the document' } };
    case 'parse.partial_success':
      return { ...base, action: { type: 'advance', from: 'parsing', to: 'embedding', message: 'LlamaParse parsed the document with warnings (partial success)' } };
    case 'parse.error':
      return { ...base, action: { type: 'fail', from: ['parsing'], error: failure(e.error, { code: 'parse_failed', message: 'LlamaParse could not parse the document.' }, false) } };
    case 'parse.cancelled':
      return { ...base, action: { type: 'fail', from: ['parsing'], error: failure(e.error, { code: 'parse_cancelled', message: 'The LlamaParse job was cancelled.' }, false) } };
  }
}

function embeddingEvent(e: z.infer<typeof EmbeddingEvent>): WebhookEvent {
  const target: Target = { by: 'id', documentId: e.documentId };
  const base = { source: 'embedding' as const, target };
  switch (e.status) {
    case 'progress':
      return { ...base, action: { type: 'progress', stage: 'embedding', ...(e.progress !== undefined ? { progress: e.progress } : {}), ...(e.message ? { message: e.message } : {}) } };
    case 'completed':
      return { ...base, action: { type: 'advance', from: 'embedding', to: 'completed', ...(e.message ? { message: e.message } : {}) } };
    case 'failed':
      return {
        ...base,
        action: { type: 'fail', from: ['embedding'], error: failure(e.error ?? e.message, { code: 'embedding_failed', message: 'The embedding service could not process the document.' }, false) },
      };
  }
}

function internalEvent(e: z.infer<typeof InternalEvent>): WebhookEvent {
  const error = e.status === 'failed'
    ? failure(e.error ?? e.message, { code: 'processing_failed', message: 'Processing failed.' })
    : undefined;
  return {
    source: 'internal',
    target: { by: 'id', documentId: e.documentId },
    action: {
      type: 'move',
      to: e.status,
      ...(e.progress !== undefined ? { progress: e.progress } : {}),
      ...(e.message ? { message: e.message } : {}),
      ...(error ? { error } : {}),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
