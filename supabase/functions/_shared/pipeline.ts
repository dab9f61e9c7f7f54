// Server-side steps of the pipeline, done as the service (the callers verified who may ask).
// Every step writes its realtime_progress_updates rows in the same transaction, so a client
// following the feed never sees a state the table does not have.
import type { Tx } from './db.ts';
import type { DocumentRow, DocumentStatus } from './documents.ts';
import { addProgressRow } from './documents.ts';

export interface MoveOptions {
  stage?: string | null;
  processingProgress?: number;
  error?: { code: string; message: string };
  llamaParseJobId?: string;
  message?: string;
}

/** Change a document's status (the trigger refuses what the state machine does not allow). */
export async function moveTo(tx: Tx, doc: DocumentRow, to: DocumentStatus, at: Date, opts: MoveOptions = {}): Promise<DocumentRow> {
  const stage = opts.stage !== undefined ? opts.stage : PROCESSING_STAGE[to] ?? doc.processing_stage;
  const progress = opts.processingProgress ?? (to === 'completed' ? 100 : PROCESSING_STAGE[to] ? 0 : Number(doc.processing_progress));
  const [row] = await tx<DocumentRow[]>`
    update public.documents
       set status = ${to},
           processing_stage = ${stage},
           processing_progress = ${progress},
           error_code = ${opts.error?.code ?? (to === 'failed' ? doc.error_code : null)},
           error_message = ${opts.error?.message ?? (to === 'failed' ? doc.error_message : null)},
           llama_parse_job_id = ${opts.llamaParseJobId ?? doc.llama_parse_job_id},
           last_progress_at = ${at}
     where id = ${doc.id}
     returning *`;
  const moved = row!;
  await addProgressRow(tx, moved, {
    type: 'status_change',
    from: doc.status,
    to,
    status: to,
    stage,
    ...(opts.message ? { message: opts.message } : {}),
    ...(opts.llamaParseJobId ? { jobId: opts.llamaParseJobId } : {}),
  }, at);
  if (to === 'failed') {
    await addProgressRow(tx, moved, {
      type: 'error',
      status: 'failed',
      stage: doc.processing_stage ?? doc.status,
      code: moved.error_code,
      message: moved.error_message,
    }, at);
  }
  if (to === 'completed') {
    await addProgressRow(tx, moved, { type: 'complete', status: 'completed', progress: 100 }, at);
  }
  return moved;
}

const PROCESSING_STAGE: Partial<Record<DocumentStatus, string>> = {
  processing: 'processing',
  parsing: 'parsing',
  embedding: 'embedding',
  completed: 'completed',
};

/** Storage holds every byte: mark the document uploaded. */
export async function markUploaded(tx: Tx, doc: DocumentRow, at: Date): Promise<DocumentRow> {
  const [row] = await tx<DocumentRow[]>`
    update public.documents
       set bytes_uploaded = file_size, upload_progress = 100,
           chunks_uploaded = coalesce(chunks_total, chunks_uploaded)
     where id = ${doc.id}
     returning *`;
  return await moveTo(tx, row!, 'uploaded', at, { stage: null, processingProgress: 0 });
}

/**
 * The step after "uploaded", chosen by the user's flags: with llama_parse_integration, parsing
 * with a LlamaParse job id (the job record the parser's webhooks refer to); otherwise the
 * document needs no processing here: processing, then completed.
 */
export async function startProcessing(tx: Tx, doc: DocumentRow, at: Date, llamaParse: boolean): Promise<DocumentRow> {
  if (llamaParse) {
    return await moveTo(tx, doc, 'parsing', at, { llamaParseJobId: crypto.randomUUID() });
  }
  const processing = await moveTo(tx, doc, 'processing', at);
  return await moveTo(tx, processing, 'completed', at);
}

export async function userFlag(tx: Tx, flag: string, userId: string): Promise<boolean> {
  const [row] = await tx<{ on: boolean }[]>`select public.is_feature_enabled(${flag}, ${userId}::uuid) as on`;
  return row?.on === true;
}
