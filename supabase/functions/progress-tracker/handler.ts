// progress-tracker: processors (service role) and owners report processing progress (POST),
// anyone allowed to see a document reads progress with ETA and stuck (GET), and a failed or
// stuck document is reset for a retry (DELETE).
import { z } from 'zod';
import { createHandler, type Deps, type RequestContext } from '../_shared/app.ts';
import type { Caller } from '../_shared/auth.ts';
import type { Tx } from '../_shared/db.ts';
import {
  addProgressRow, type DocumentRow, etaSeconds, findDocument, getDocument, progressDto, stageVelocity,
} from '../_shared/documents.ts';
import { HttpError, notFound } from '../_shared/errors.ts';
import { documentIdParam, json, readJson, uuidSchema } from '../_shared/http.ts';
import { moveTo, startProcessing, userFlag } from '../_shared/pipeline.ts';

const STAGES = ['processing', 'parsing', 'embedding', 'completed', 'failed'] as const;

const ProgressBody = z.object({
  documentId: uuidSchema,
  stage: z.enum(STAGES),
  progress: z.number().min(0).max(100),
  message: z.string().max(1000).optional(),
  errorCode: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/).optional(),
});

async function report(ctx: RequestContext): Promise<Response> {
  const caller = await ctx.caller();
  const body = await readJson(ctx.req, ProgressBody);
  const now = ctx.clock.now();
  // As the caller: RLS hides other users' documents, and the status trigger lets a user only
  // report progress within the current stage; moving between stages is the service's.
  return await ctx.db.asUser(caller, async (tx) => {
    const doc = await getDocument(tx, body.documentId, true);
    if (body.stage !== doc.status) {
      if (caller.role !== 'service_role') {
        throw new HttpError(403, 'forbidden', `Only the service role moves a document between stages (it is ${doc.status}).`);
      }
      const moved = await moveTo(tx, doc, body.stage, now, {
        processingProgress: body.stage === 'completed' ? 100 : body.stage === 'failed' ? Number(doc.processing_progress) : body.progress,
        ...(body.stage === 'failed'
          ? { error: { code: body.errorCode ?? 'processing_failed', message: body.message ?? `Processing failed during ${doc.processing_stage ?? doc.status}.` } }
          : {}),
        ...(body.message && body.stage !== 'failed' ? { message: body.message } : {}),
      });
      if (body.stage !== 'completed' && body.stage !== 'failed' && body.progress > 0) {
        await progressRow(tx, moved, body.progress, now, body.message);
      }
      return json({ accepted: true, ...(await progressDto(tx, moved, now)) });
    }
    if (body.stage === 'completed' || body.stage === 'failed') {
      throw new HttpError(409, 'invalid_state', `The document is already ${doc.status}.`);
    }
    if (body.progress < Number(doc.processing_progress)) {
      return json({ accepted: false, reason: 'not_forward', ...(await progressDto(tx, doc, now)) });
    }
    const [updated] = await tx<DocumentRow[]>`
      update public.documents
         set processing_progress = ${body.progress}, processing_stage = ${body.stage}, last_progress_at = ${now}
       where id = ${doc.id}
       returning *`;
    await progressRow(tx, updated!, body.progress, now, body.message);
    return json({ accepted: true, ...(await progressDto(tx, updated!, now)) });
  });
}

/** A progress_update row carrying the measured velocity (this report included) and its ETA. */
async function progressRow(tx: Tx, doc: DocumentRow, progress: number, at: Date, message?: string) {
  const velocity = await stageVelocity(tx, doc, { progress, at });
  await addProgressRow(tx, doc, {
    type: 'progress_update',
    status: doc.status,
    stage: doc.processing_stage ?? doc.status,
    progress,
    velocity,
    etaSeconds: etaSeconds(doc, velocity),
    ...(message ? { message } : {}),
  }, at);
}

async function read(ctx: RequestContext): Promise<Response> {
  const caller = await ctx.caller();
  const id = documentIdParam(ctx.req);
  return await ctx.db.asUser(caller, async (tx) => json(await progressDto(tx, await getDocument(tx, id), ctx.clock.now())));
}

/**
 * Reset for a retry. Bytes already in Storage (an object exists at the document's path): back
 * to uploaded, processing cleared, and the next step started again. Otherwise: back to pending
 * with upload progress cleared, and the client uploads again. retry_count + 1 either way.
 */
async function reset(ctx: RequestContext): Promise<Response> {
  const caller = await ctx.caller();
  const id = documentIdParam(ctx.req);
  const now = ctx.clock.now();
  return await ctx.db.asService(async (tx) => {
    const doc = await findDocument(tx, id, true);
    if (!doc || !mayReset(caller, doc)) throw notFound();
    if (doc.status === 'completed' || doc.status === 'cancelled' || doc.status === 'pending') {
      throw new HttpError(409, 'invalid_state', `A ${doc.status} document has nothing to retry.`);
    }
    const [stored] = await tx<{ exists: boolean }[]>`
      select exists (select 1 from storage.objects where bucket_id = ${doc.storage_bucket} and name = ${doc.storage_path}) as exists`;
    const [cleared] = await tx<DocumentRow[]>`
      update public.documents
         set retry_count = retry_count + 1, processing_progress = 0, processing_stage = null,
             llama_parse_job_id = null, error_code = null, error_message = null,
             bytes_uploaded = case when ${stored!.exists} then file_size else 0 end,
             upload_progress = case when ${stored!.exists} then 100 else 0 end,
             chunks_uploaded = case when ${stored!.exists} then coalesce(chunks_total, chunks_uploaded) else 0 end
       where id = ${doc.id}
       returning *`;
    let after: DocumentRow;
    if (stored!.exists) {
      after = doc.status === 'uploaded' ? cleared! : await moveTo(tx, cleared!, 'uploaded', now, { stage: null, processingProgress: 0, message: 'reset for retry' });
      // Late hash (issue 19): no processing before the content hash is known; it waits, uploaded.
      if (after.file_hash !== null) {
        after = await startProcessing(tx, after, now, await userFlag(tx, 'llama_parse_integration', doc.user_id));
      }
    } else {
      after = await moveTo(tx, cleared!, 'pending', now, { stage: null, processingProgress: 0, message: 'reset for retry' });
    }
    return json({ reset: true, ...(await progressDto(tx, after, now)) });
  });
}

function mayReset(caller: Caller, doc: DocumentRow) {
  return caller.role === 'service_role' || caller.userId === doc.user_id;
}

export function progressTracker(getDeps?: () => Deps) {
  return createHandler('progress-tracker', { POST: report, GET: read, DELETE: reset }, getDeps);
}
