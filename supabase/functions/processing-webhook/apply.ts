// What a verified event does to its document, inside the caller's transaction (as the service).
//
// Webhooks arrive late, twice (under new ids) and out of order. An event for a step the document
// has already passed (Storage confirming an object again, a success repeated by a retrying
// sender, progress from a stage that is over) is a harmless repeat: answered 200 and recorded as
// 'ignored', so the sender stops retrying. An event that contradicts the document (a parse
// success for a document that never started parsing, a failure for a completed one) is refused
// with 409 invalid_state and changes nothing; the trigger on documents is the last word anyway.
import type { Tx } from '../_shared/db.ts';
import { addProgressRow, type DocumentRow, type DocumentStatus, findDocument } from '../_shared/documents.ts';
import { HttpError } from '../_shared/errors.ts';
import { markUploaded, moveTo, startProcessing, userFlag } from '../_shared/pipeline.ts';
import type { Action, Failure, Target, WebhookEvent } from './events.ts';

export type Applied =
  | {
    doc: DocumentRow;
    outcome: 'applied' | 'ignored';
    /** Why an event was ignored. */
    reason?: string;
    merged?: undefined;
  }
  /** Storage reports an object of a document that was merged away (late hash): ignored, its object goes. */
  | { doc: null; outcome: 'ignored'; reason: 'merged'; merged: Merged };

/**
 * A late-hash document resolved to an earlier one (private.document_merges, issue 19): its row is
 * gone, and any object still in its folder (`<user>/<document>/…`, in the bucket its documents
 * use) is an orphan to remove — bytes that were still travelling when the merge removed nothing.
 */
export interface Merged {
  documentId: string;
  mergedInto: string;
  bucket: string;
  /** Object names in the merged document's folder, as Storage holds them now. */
  paths: string[];
}

/** The forward order of the pipeline; failed and cancelled are off it. */
const ORDER: readonly DocumentStatus[] = ['pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding', 'completed'];
const rank = (status: DocumentStatus) => ORDER.indexOf(status);
const closed = (status: DocumentStatus) => status === 'failed' || status === 'cancelled';

export async function applyEvent(tx: Tx, event: WebhookEvent, at: Date): Promise<Applied> {
  const doc = await locate(tx, event.target);
  if (!doc) {
    // Late hash (issue 19): bytes that landed after their document was merged into an earlier
    // one. Nothing to move; the handler removes the orphan object after the commit.
    const merged = event.source === 'storage' ? await mergedDocument(tx, event.target) : undefined;
    if (merged) return { doc: null, outcome: 'ignored', reason: 'merged', merged };
    throw missing(event.target);
  }
  const { action } = event;
  switch (action.type) {
    case 'uploaded':
      return await uploaded(tx, doc, action, at);
    case 'progress':
      return await progress(tx, doc, action, event.source, at);
    case 'advance':
      if (doc.status === action.from) {
        return { doc: await moveTo(tx, doc, action.to, at, action.message ? { message: action.message } : {}), outcome: 'applied' };
      }
      if (!closed(doc.status) && rank(doc.status) >= rank(action.to)) return ignored(doc, `already_${doc.status}`);
      throw conflict(doc, `a ${event.source} success applies to documents in ${action.from}`);
    case 'fail':
      if (action.from.includes(doc.status)) return { doc: await fail(tx, doc, action.error, at), outcome: 'applied' };
      if (closed(doc.status)) return ignored(doc, `already_${doc.status}`);
      throw conflict(doc, `a ${event.source} failure applies to documents in ${action.from.join(' or ')}`);
    case 'move':
      return await move(tx, doc, action, at);
  }
}

/** The event's document (locked), or undefined when no document has that id or object. */
async function locate(tx: Tx, target: Target): Promise<DocumentRow | undefined> {
  // Rows are locked: two webhooks for one document (say, a late progress and the success) apply
  // one after the other, each to the state the other left.
  if (target.by === 'id') return await findDocument(tx, target.documentId, true);
  if (target.by === 'object') {
    const [doc] = await tx<DocumentRow[]>`
      select * from public.documents where storage_bucket = ${target.bucket} and storage_path = ${target.path} for update`;
    return doc;
  }
  if (target.documentId) {
    const doc = await findDocument(tx, target.documentId, true);
    if (!doc) throw notFound(`No document has the id ${target.documentId}.`);
    if (doc.llama_parse_job_id !== target.jobId) {
      throw new HttpError(409, 'invalid_state', `Document ${doc.id} is waiting for LlamaParse job ${doc.llama_parse_job_id ?? '(none)'}, not ${target.jobId}.`);
    }
    return doc;
  }
  const [doc] = await tx<DocumentRow[]>`
    select * from public.documents where llama_parse_job_id = ${target.jobId} order by created_at desc limit 1 for update`;
  if (!doc) throw notFound(`No document is waiting for LlamaParse job ${target.jobId}.`);
  return doc;
}

function missing(target: Target): HttpError {
  switch (target.by) {
    case 'id':
      return notFound(`No document has the id ${target.documentId}.`);
    case 'object':
      return notFound(`No document is stored at ${target.bucket}/${target.path}. Limit the Database Webhook to the documents bucket, or create the document (upload-handler POST) before uploading.`);
    case 'job':
      return notFound(`No document is waiting for LlamaParse job ${target.jobId}.`);
  }
}

/** A uuid as Postgres writes it (uuid::text), the way document folders are named. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The merge of the event's document, if it was merged away: by id, or, for an object, by the
 * folder documents are stored in (`<user id>/<document id>/<name>`, which create_document and
 * create_document_late_hash build) in the bucket of the document it merged into. Read as the
 * service (the functions' role has SELECT on private.document_merges). A merge whose earlier
 * document is gone too has gone with it (on delete cascade): then the event is unknown as before.
 */
async function mergedDocument(tx: Tx, target: Target): Promise<Merged | undefined> {
  let found: { document_id: string; user_id: string; merged_into: string; bucket: string } | undefined;
  if (target.by === 'id') {
    [found] = await tx<NonNullable<typeof found>[]>`
      select m.document_id, m.user_id, m.merged_into, d.storage_bucket as bucket
        from private.document_merges m join public.documents d on d.id = m.merged_into
       where m.document_id = ${target.documentId}`;
  } else if (target.by === 'object') {
    const [owner, id] = target.path.split('/');
    if (!owner || !id || !UUID.test(owner) || !UUID.test(id)) return undefined;
    [found] = await tx<NonNullable<typeof found>[]>`
      select m.document_id, m.user_id, m.merged_into, d.storage_bucket as bucket
        from private.document_merges m join public.documents d on d.id = m.merged_into
       where m.document_id = ${id} and m.user_id = ${owner} and d.storage_bucket = ${target.bucket}`;
  }
  if (!found) return undefined;
  const folder = `${found.user_id}/${found.document_id}/`;
  const objects = await tx<{ name: string }[]>`
    select name from storage.objects
     where bucket_id = ${found.bucket} and starts_with(name, ${folder})
     order by name limit 100`;
  return { documentId: found.document_id, mergedInto: found.merged_into, bucket: found.bucket, paths: objects.map((o) => o.name) };
}

/** Storage holds the object: check it, mark the document uploaded, then the step its owner's flags choose. */
async function uploaded(tx: Tx, doc: DocumentRow, action: Extract<Action, { type: 'uploaded' }>, at: Date): Promise<Applied> {
  if (doc.status !== 'pending' && doc.status !== 'uploading') {
    // Storage says so again (a second event, an upsert, a metadata update): nothing new. A failed
    // or cancelled document waits for the user's retry, which starts a fresh upload.
    return ignored(doc, closed(doc.status) ? `document_${doc.status}` : 'already_uploaded');
  }
  const declared = Number(doc.file_size);
  if (action.size !== undefined && action.size !== declared) {
    return {
      doc: await fail(tx, doc, {
        code: 'size_mismatch',
        message: `Storage holds ${action.size} bytes but the upload was declared as ${declared} bytes; upload the file again.`,
      }, at),
      outcome: 'applied',
    };
  }
  if (doc.file_hash === null) {
    // Late hash (issue 19): the bytes landed before the client's full MD5. The document waits,
    // uploaded ("awaiting hash"); upload-handler starts processing when the hash arrives and is
    // not a duplicate (or sweep_hash_pending fails it after an hour).
    return { doc: await markUploaded(tx, doc, at), outcome: 'applied', reason: 'awaiting_hash' };
  }
  if (action.md5 !== undefined && action.md5 !== doc.file_hash) {
    return {
      doc: await fail(tx, doc, {
        code: 'hash_mismatch',
        message: `The stored file's MD5 (${action.md5}) differs from the declared hash (${doc.file_hash}): the file changed or was damaged on the way; upload it again.`,
      }, at),
      outcome: 'applied',
    };
  }
  const stored = await markUploaded(tx, doc, at);
  const llamaParse = await userFlag(tx, 'llama_parse_integration', doc.user_id);
  return { doc: await startProcessing(tx, stored, at, llamaParse), outcome: 'applied' };
}

/** Progress within a stage: a progress_update row, and the stage's progress never goes back. */
async function progress(
  tx: Tx,
  doc: DocumentRow,
  action: { stage: DocumentStatus; progress?: number; message?: string },
  source: string,
  at: Date,
): Promise<Applied> {
  if (doc.status !== action.stage) {
    if (closed(doc.status) || rank(doc.status) > rank(action.stage)) return ignored(doc, `already_${doc.status}`);
    throw conflict(doc, `${source} progress applies to documents in ${action.stage}`);
  }
  const percent = action.progress === undefined ? Number(doc.processing_progress) : Math.max(Number(doc.processing_progress), action.progress);
  const [row] = await tx<DocumentRow[]>`
    update public.documents
       set processing_progress = ${percent}, processing_stage = ${action.stage}, last_progress_at = ${at}
     where id = ${doc.id}
     returning *`;
  const updated = row!;
  await addProgressRow(tx, updated, {
    type: 'progress_update',
    status: updated.status,
    stage: action.stage,
    ...(action.progress !== undefined ? { progress: percent } : {}),
    ...(action.message ? { message: action.message } : {}),
    source,
  }, at);
  return { doc: updated, outcome: 'applied' };
}

/** internal: where the processor says, if the state machine allows it. */
async function move(tx: Tx, doc: DocumentRow, action: Extract<Action, { type: 'move' }>, at: Date): Promise<Applied> {
  if (doc.status === action.to) {
    if (action.progress !== undefined && !closed(doc.status) && doc.status !== 'completed') {
      return await progress(tx, doc, { stage: action.to, progress: action.progress, ...(action.message ? { message: action.message } : {}) }, 'internal', at);
    }
    return ignored(doc, `already_${doc.status}`);
  }
  const [allowed] = await tx<{ ok: boolean }[]>`
    select exists (select 1 from public.document_status_transitions
                    where from_status = ${doc.status} and to_status = ${action.to}) as ok`;
  if (!allowed?.ok) {
    throw new HttpError(409, 'invalid_state', `Document ${doc.id} cannot go from ${doc.status} to ${action.to} (see public.document_status_transitions).`);
  }
  const moved = await moveTo(tx, doc, action.to, at, {
    ...(action.progress !== undefined ? { processingProgress: action.progress } : {}),
    ...(action.message ? { message: action.message } : {}),
    ...(action.error ? { error: action.error } : {}),
  });
  return { doc: moved, outcome: 'applied' };
}

const fail = (tx: Tx, doc: DocumentRow, error: Failure, at: Date) => moveTo(tx, doc, 'failed', at, { error, message: error.message });

const ignored = (doc: DocumentRow, reason: string): Applied => ({ doc, outcome: 'ignored', reason });

const notFound = (message: string) => new HttpError(404, 'document_not_found', message);

const conflict = (doc: DocumentRow, rule: string) =>
  new HttpError(409, 'invalid_state', `Document ${doc.id} is ${doc.status}; ${rule}.`, { details: { status: doc.status } });
