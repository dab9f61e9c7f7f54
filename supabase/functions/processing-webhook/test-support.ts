// Test support for processing-webhook: requests signed with the `standardwebhooks` package (an
// implementation independent of ours), and documents arranged in any state. Imported by the
// tests only (needs TEST_DB_URL).
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import type { DocumentStatus } from '../_shared/documents.ts';
import { admin, call, createUser, randomHash, SHARED_SECRET, type TestDeps, WEBHOOK_SECRET } from '../_test/helpers.ts';

export type Handler = (req: Request) => Promise<Response>;

export interface SendOptions {
  /** `?source=` (omit to rely on the body's `source` field). */
  source?: string;
  /** Sign with these secrets (one v1 entry each); default: the configured test secret. */
  secrets?: string[];
  id?: string;
  /** Timestamp to sign with; default: the handler's (frozen) clock. */
  at?: Date;
  /** Send without Standard Webhooks headers. */
  unsigned?: boolean;
  /** Send the shared-secret header with this value (implies unsigned). */
  shared?: string;
  /** Send these bytes instead of what was signed (tampering). */
  sendInstead?: string;
  headers?: Record<string, string>;
}

/** POST a webhook. Every answer must be below 500: no request a sender can make is our fault. */
export async function send(handler: Handler, deps: TestDeps, body: unknown, opts: SendOptions = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  if (opts.shared !== undefined) {
    headers['x-webhook-secret'] = opts.shared;
  } else if (!opts.unsigned) {
    const at = opts.at ?? deps.clock.now();
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000));
    headers['webhook-signature'] = (opts.secrets ?? [WEBHOOK_SECRET]).map((s) => new Webhook(s).sign(id, at, raw)).join(' ');
  }
  const res = await call(handler, 'POST', {
    rawBody: opts.sendInstead ?? raw,
    headers: { ...headers, ...opts.headers },
    ...(opts.source ? { query: { source: opts.source } } : {}),
  }, '/functions/v1/processing-webhook');
  assert.ok(res.status < 500, `no 5xx: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res, id };
}

export { SHARED_SECRET };

/** Statuses reached by the admin along allowed transitions (the trigger checks every step). */
const PATH: Record<DocumentStatus, DocumentStatus[]> = {
  pending: [],
  uploading: ['uploading'],
  uploaded: ['uploading', 'uploaded'],
  processing: ['uploading', 'uploaded', 'processing'],
  parsing: ['uploading', 'uploaded', 'parsing'],
  embedding: ['uploading', 'uploaded', 'parsing', 'embedding'],
  completed: ['uploading', 'uploaded', 'processing', 'completed'],
  failed: ['failed'],
  cancelled: ['cancelled'],
};

export interface TestDocument {
  id: string;
  userId: string;
  size: number;
  hash: string;
  bucket: string;
  path: string;
  jobId: string | null;
}

/** A document of a fresh user (or `userId`), moved to `status`. */
export async function makeDocument(opts: { status?: DocumentStatus; userId?: string; size?: number; jobId?: string } = {}): Promise<TestDocument> {
  const userId = opts.userId ?? await createUser();
  const id = crypto.randomUUID();
  const size = opts.size ?? 1234;
  const hash = randomHash();
  const path = `${userId}/${id}/report.pdf`;
  await admin`insert into public.documents (id, user_id, filename, content_type, file_size, file_hash, storage_path)
              values (${id}, ${userId}, 'report.pdf', 'application/pdf', ${size}, ${hash}, ${path})`;
  const steps = PATH[opts.status ?? 'pending'];
  const jobId = steps.includes('parsing') ? opts.jobId ?? `job_${crypto.randomUUID()}` : null;
  for (const status of steps) {
    const stage = ['processing', 'parsing', 'embedding', 'completed'].includes(status) ? status : null;
    await admin`update public.documents
                   set status = ${status}, processing_stage = ${stage},
                       llama_parse_job_id = coalesce(${status === 'parsing' ? jobId : null}, llama_parse_job_id)
                 where id = ${id}`;
  }
  return { id, userId, size, hash, bucket: 'documents', path, jobId };
}

export async function webhookEvents(webhookId: string) {
  return await admin<{ source: string; document_id: string | null; outcome: string; payload: unknown }[]>`
    select source, document_id, outcome, payload from public.webhook_events where webhook_id = ${webhookId}`;
}

/** Progress row payload types as a sorted list (rows of one transaction share a timestamp). */
export const typesOf = (rows: { payload: Record<string, unknown> }[]) => rows.map((r) => String(r.payload.type)).sort();
