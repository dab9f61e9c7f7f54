// Documents as the functions read and answer them, and the realtime progress feed they write.
import type { Tx } from './db.ts';
import { notFound } from './errors.ts';
import type { Inspection } from './inspection.ts';

export type DocumentStatus =
  | 'pending' | 'uploading' | 'uploaded' | 'processing' | 'parsing' | 'embedding'
  | 'completed' | 'failed' | 'cancelled';

export const ACTIVE_STATUSES: readonly DocumentStatus[] = ['pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding'];
export const PROCESSING_STATUSES: readonly DocumentStatus[] = ['processing', 'parsing', 'embedding'];

/** No progress for longer than this while active = stuck (public.document_stuck_threshold()). */
export const STUCK_AFTER_MS = 30 * 60 * 1000;

export interface DocumentRow {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  file_size: string | number;
  /** null while the content hash is not known yet (late hash, issue 19). */
  file_hash: string | null;
  storage_bucket: string;
  storage_path: string;
  status: DocumentStatus;
  upload_progress: string | number;
  bytes_uploaded: string | number;
  processing_progress: string | number;
  processing_stage: string | null;
  chunks_total: number | null;
  chunks_uploaded: number;
  llama_parse_job_id: string | null;
  error_code: string | null;
  error_message: string | null;
  retry_count: number;
  last_progress_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** Not a column: the inspection facts (issue 20), when attached by withInspections (inspection.ts). */
  inspection?: Inspection | null;
}

export type ProgressType = 'progress_update' | 'status_change' | 'error' | 'complete';

export async function findDocument(tx: Tx, id: string, lock = false): Promise<DocumentRow | undefined> {
  const rows = lock
    ? await tx<DocumentRow[]>`select * from public.documents where id = ${id} for update`
    : await tx<DocumentRow[]>`select * from public.documents where id = ${id}`;
  return rows[0];
}

/** The document if the caller can see it (RLS), else 404 — the same for unknown and foreign ids. */
export async function getDocument(tx: Tx, id: string, lock = false): Promise<DocumentRow> {
  const doc = await findDocument(tx, id, lock);
  if (!doc) throw notFound();
  return doc;
}

export async function addProgressRow(
  tx: Tx,
  doc: Pick<DocumentRow, 'id' | 'user_id'>,
  payload: { type: ProgressType } & Record<string, unknown>,
  at: Date,
): Promise<void> {
  await tx`insert into public.realtime_progress_updates (user_id, document_id, payload, created_at)
           values (${doc.user_id}, ${doc.id}, ${tx.json({ documentId: doc.id, ...payload } as never)}, ${at})`;
}

export function isStuck(doc: DocumentRow, now: Date): boolean {
  if (!ACTIVE_STATUSES.includes(doc.status)) return false;
  const last = doc.last_progress_at ?? doc.updated_at;
  return now.getTime() - new Date(last).getTime() > STUCK_AFTER_MS;
}

/**
 * ETA in seconds for the current stage, from measured velocity:
 *   velocity = (p_last − p_first) / (t_last − t_first)   over this stage's progress rows
 *   eta      = (100 − p_now) / velocity
 * i.e. the average rate since the stage started, which is steadier than the last interval.
 * Null with fewer than two samples, no forward movement, or when the document is not active.
 */
export async function stageVelocity(tx: Tx, doc: DocumentRow, latest?: { progress: number; at: Date }): Promise<number | null> {
  const stage = stageOf(doc);
  // Only samples since the stage last began (a retry starts the measurement again).
  const rows = await tx<{ progress: string; at: Date }[]>`
    with samples as (
      select (payload ->> 'progress') as progress, created_at as at
        from public.realtime_progress_updates
       where document_id = ${doc.id} and payload ->> 'type' = 'progress_update' and payload ->> 'stage' = ${stage}
         and payload ->> 'progress' is not null
         and created_at >= coalesce((select max(created_at) from public.realtime_progress_updates
                                      where document_id = ${doc.id} and payload ->> 'type' = 'status_change'), '-infinity')
    )
    (select progress, at from samples order by at asc limit 1)
    union all
    (select progress, at from samples order by at desc limit 1)`;
  const first = rows[0];
  const last = latest ?? (rows[1] ? { progress: Number(rows[1].progress), at: rows[1].at } : undefined);
  if (!first || !last) return null;
  const seconds = (new Date(last.at).getTime() - new Date(first.at).getTime()) / 1000;
  const gained = Number(last.progress) - Number(first.progress);
  if (seconds <= 0 || gained <= 0) return null;
  return gained / seconds;
}

export function stageOf(doc: DocumentRow): string {
  return doc.status === 'uploading' || doc.status === 'pending' ? 'upload' : doc.processing_stage ?? doc.status;
}

export function stagePercent(doc: DocumentRow): number {
  return stageOf(doc) === 'upload' ? Number(doc.upload_progress) : Number(doc.processing_progress);
}

export function etaSeconds(doc: DocumentRow, velocity: number | null): number | null {
  if (velocity === null || !ACTIVE_STATUSES.includes(doc.status)) return null;
  return Math.max(0, Math.round((100 - stagePercent(doc)) / velocity));
}

export function documentDto(doc: DocumentRow) {
  return {
    id: doc.id,
    filename: doc.filename,
    contentType: doc.content_type,
    fileSize: Number(doc.file_size),
    fileHash: doc.file_hash,
    hashPending: doc.file_hash === null,
    status: doc.status,
    storage: { bucket: doc.storage_bucket, path: doc.storage_path },
    upload: {
      bytesUploaded: Number(doc.bytes_uploaded),
      progress: Number(doc.upload_progress),
      chunksUploaded: doc.chunks_uploaded,
      chunksTotal: doc.chunks_total,
    },
    processing: { stage: doc.processing_stage, progress: Number(doc.processing_progress) },
    llamaParseJobId: doc.llama_parse_job_id,
    error: doc.error_code ? { code: doc.error_code, message: doc.error_message } : null,
    retryCount: doc.retry_count,
    lastProgressAt: doc.last_progress_at ? new Date(doc.last_progress_at).toISOString() : null,
    createdAt: new Date(doc.created_at).toISOString(),
    updatedAt: new Date(doc.updated_at).toISOString(),
    /** What the client's inspection learned before upload (issue 20); null when none was sent. */
    inspection: doc.inspection ?? null,
  };
}

/** Status, progress, ETA and stuck, as upload-handler GET and progress-tracker GET answer. */
export async function progressDto(tx: Tx, doc: DocumentRow, now: Date) {
  const velocity = ACTIVE_STATUSES.includes(doc.status) ? await stageVelocity(tx, doc) : null;
  return {
    documentId: doc.id,
    status: doc.status,
    stage: stageOf(doc),
    upload: {
      bytesUploaded: Number(doc.bytes_uploaded),
      totalBytes: Number(doc.file_size),
      progress: Number(doc.upload_progress),
      chunksUploaded: doc.chunks_uploaded,
      chunksTotal: doc.chunks_total,
    },
    processing: { stage: doc.processing_stage, progress: Number(doc.processing_progress) },
    velocity,
    etaSeconds: etaSeconds(doc, velocity),
    stuck: isStuck(doc, now),
    lastProgressAt: new Date(doc.last_progress_at ?? doc.updated_at).toISOString(),
    error: doc.error_code ? { code: doc.error_code, message: doc.error_message } : null,
    retryCount: doc.retry_count,
  };
}
