// upload-handler: POST starts an upload (or finds the duplicate), GET reads its status,
// PUT records the client's byte progress. Acts as the calling user: RLS decides.
import { z } from 'zod';
import { createHandler, type Deps, type RequestContext } from '../_shared/app.ts';
import { requireUser } from '../_shared/auth.ts';
import { addProgressRow, documentDto, type DocumentRow, getDocument, progressDto } from '../_shared/documents.ts';
import { HttpError } from '../_shared/errors.ts';
import { checkSize, checkType, normaliseFilename, normaliseHash, SINGLE_PUT_MAX, TUS_CHUNK_SIZE } from '../_shared/files.ts';
import { documentIdParam, json, readJson, uuidSchema } from '../_shared/http.ts';
import { signUpload, tusEndpoint } from '../_shared/storage.ts';

/** Progress rows for one document at most this often (plus always the last one). */
export const PROGRESS_ROW_INTERVAL_MS = 1000;

const InitBody = z.object({
  filename: z.string().max(4096),
  contentType: z.string().max(255),
  fileSize: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
  fileHash: z.string().max(128),
});

const ProgressBody = z.object({
  documentId: uuidSchema,
  bytesUploaded: z.number().int().min(0).refine(Number.isSafeInteger, 'must be a safe integer'),
  chunkIndex: z.number().int().min(0).max(1_000_000).optional(),
  totalChunks: z.number().int().min(1).max(1_000_000).optional(),
});

async function init(ctx: RequestContext): Promise<Response> {
  const caller = requireUser(await ctx.caller());
  // A NUL or lone surrogate in the name is a bad file name, like its other control characters.
  const body = await readJson(ctx.req, InitBody, { codes: { filename: 'filename_invalid' } });
  const filename = normaliseFilename(body.filename);
  const contentType = checkType(filename, body.contentType);
  checkSize(body.fileSize);
  const fileHash = normaliseHash(body.fileHash);
  const strategy = body.fileSize <= SINGLE_PUT_MAX ? 'put' : 'tus';
  const chunkSize = strategy === 'tus' ? TUS_CHUNK_SIZE : body.fileSize;
  const chunksTotal = Math.ceil(body.fileSize / chunkSize);

  const { document, duplicate, features } = await ctx.db.asUser(caller, async (tx) => {
    // Three statements sent as one pipeline (with the role set-up before them): one round trip.
    // The flag guards create_document in SQL (a constant WHERE is checked before the function
    // runs), so without it nothing is written; the row is read by what create_document keys on
    // (the user's live document with this hash: at most one, a unique index) in a statement of
    // its own, since a statement does not see rows a function inside it inserted.
    const flagsQuery = tx<{ upload: boolean; realtime: boolean; llama: boolean }[]>`
      select public.my_feature_enabled('supabase_v2_upload') as upload,
             public.my_feature_enabled('realtime_progress') as realtime,
             public.my_feature_enabled('llama_parse_integration') as llama`.execute();
    const createdQuery = tx<{ document_id: string; duplicate: boolean }[]>`
      select document_id, duplicate from public.create_document(${filename}, ${contentType}, ${body.fileSize}, ${fileHash}, ${chunksTotal})
       where public.my_feature_enabled('supabase_v2_upload')`.execute();
    const rowQuery = tx<DocumentRow[]>`
      select * from public.documents
       where user_id = ${caller.userId} and file_hash = ${fileHash} and status not in ('failed', 'cancelled')`.execute();
    const [[flags], [created], rows] = await Promise.all([flagsQuery, createdQuery, rowQuery]);
    if (!flags?.upload || !created) {
      throw new HttpError(403, 'feature_disabled', 'Uploads (supabase_v2_upload) are not enabled for your account yet.');
    }
    // Another request may have failed or cancelled the duplicate in between: read it by id then.
    const document = rows[0]?.id === created.document_id ? rows[0] : await getDocument(tx, created.document_id);
    return { document, duplicate: created.duplicate, features: { realtime: flags.realtime, llamaParse: flags.llama } };
  });

  // Storage is asked after the transaction, so no database connection waits on an HTTP call.
  const plan = async (doc: DocumentRow) => {
    const signed = await ctx.time('storage', signUpload(ctx, caller, doc.storage_bucket, doc.storage_path));
    const docStrategy = Number(doc.file_size) <= SINGLE_PUT_MAX ? 'put' : 'tus';
    return {
      strategy: docStrategy,
      bucket: doc.storage_bucket,
      path: doc.storage_path,
      signedUrl: signed.signedUrl,
      token: signed.token,
      tusEndpoint: tusEndpoint(ctx.config.supabaseUrl),
      chunkSize: docStrategy === 'tus' ? TUS_CHUNK_SIZE : Number(doc.file_size),
      expiresAt: signed.expiresAt,
    };
  };

  if (duplicate) {
    // Same content already here. Finished (or in the pipeline): nothing to send. Still being
    // uploaded (another tab, or this one before a reload): a fresh plan to resume it.
    const resumable = document.status === 'pending' || document.status === 'uploading';
    return json({
      duplicate: true,
      documentId: document.id,
      document: documentDto(document),
      ...(resumable ? { upload: await plan(document) } : {}),
      features,
    }, 200);
  }
  let upload;
  try {
    upload = await plan(document);
  } catch (error) {
    // Storage refused: take the new document back, as if it had never been made (the client
    // retries the POST). Only while nothing happened to it: still pending, no byte reported.
    await ctx.db.asService((tx) => tx`
      delete from public.documents
       where id = ${document.id} and user_id = ${caller.userId} and status = 'pending' and bytes_uploaded = 0`)
      .catch((cause) => ctx.log.log('error', 'could not take back a document Storage did not sign', { documentId: document.id, error: cause }));
    throw error;
  }
  return json({ documentId: document.id, duplicate: false, upload, features }, 201);
}

/** Without a documentId: the caller's most recent documents (a documents list page). */
async function list(ctx: RequestContext): Promise<Response> {
  const caller = await ctx.caller();
  const url = new URL(ctx.req.url);
  const raw = url.searchParams.get('limit') ?? '50';
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new HttpError(400, 'invalid_request', 'limit must be a whole number from 1 to 200.');
  }
  return await ctx.db.asUser(caller, async (tx) => {
    const rows = await tx<DocumentRow[]>`select * from public.documents order by created_at desc limit ${limit}`;
    return json({ documents: rows.map(documentDto) });
  });
}

async function status(ctx: RequestContext): Promise<Response> {
  if (!new URL(ctx.req.url).searchParams.has('documentId')) return await list(ctx);
  const caller = await ctx.caller();
  const id = documentIdParam(ctx.req);
  return await ctx.db.asUser(caller, async (tx) => {
    const doc = await getDocument(tx, id);
    return json({ ...(await progressDto(tx, doc, ctx.clock.now())), document: documentDto(doc) });
  });
}

async function progress(ctx: RequestContext): Promise<Response> {
  const caller = requireUser(await ctx.caller());
  const body = await readJson(ctx.req, ProgressBody);
  const now = ctx.clock.now();
  return await ctx.db.asUser(caller, async (tx) => {
    const doc = await getDocument(tx, body.documentId, true);
    const size = Number(doc.file_size);
    if (body.bytesUploaded > size) {
      throw new HttpError(422, 'progress_out_of_range', `bytesUploaded (${body.bytesUploaded}) is past the file size (${size}).`);
    }
    if (body.totalChunks !== undefined && body.chunkIndex !== undefined && body.chunkIndex >= body.totalChunks) {
      throw new HttpError(422, 'progress_out_of_range', 'chunkIndex must be below totalChunks.');
    }
    if (doc.status !== 'pending' && doc.status !== 'uploading') {
      if (doc.status === 'failed' || doc.status === 'cancelled') {
        throw new HttpError(409, 'invalid_state', `The upload is ${doc.status}; start it again before reporting progress.`);
      }
      // Storage already confirmed every byte (its webhook can beat the client's last report).
      return json({ accepted: false, reason: 'already_uploaded', ...(await progressDto(tx, doc, now)) });
    }
    const previous = Number(doc.bytes_uploaded);
    if (body.bytesUploaded < previous || (body.bytesUploaded === previous && doc.status === 'uploading')) {
      // Progress only moves forward: a late or repeated report changes nothing.
      return json({ accepted: false, reason: 'not_forward', ...(await progressDto(tx, doc, now)) });
    }
    const percent = Math.floor((body.bytesUploaded / size) * 10000) / 100;
    const chunksTotal = body.totalChunks ?? doc.chunks_total;
    const chunksUploaded = Math.min(
      chunksTotal ?? Number.MAX_SAFE_INTEGER,
      Math.max(doc.chunks_uploaded, body.chunkIndex !== undefined ? body.chunkIndex + 1 : doc.chunks_uploaded),
    );
    const [updated] = await tx<DocumentRow[]>`
      update public.documents
         set status = 'uploading', bytes_uploaded = ${body.bytesUploaded}, upload_progress = ${percent},
             chunks_total = ${chunksTotal}, chunks_uploaded = ${chunksUploaded}, last_progress_at = ${now}
       where id = ${doc.id}
       returning *`;
    const row = updated!;
    if (doc.status === 'pending') {
      await addProgressRow(tx, row, { type: 'status_change', from: 'pending', to: 'uploading', status: 'uploading', stage: 'upload' }, now);
    }
    const [last] = await tx<{ at: Date | null }[]>`
      select max(created_at) as at from public.realtime_progress_updates
       where document_id = ${doc.id} and payload ->> 'type' = 'progress_update'`;
    const quietFor = last?.at ? now.getTime() - new Date(last.at).getTime() : Infinity;
    const final = body.bytesUploaded === size;
    if (final || quietFor >= PROGRESS_ROW_INTERVAL_MS) {
      await addProgressRow(tx, row, {
        type: 'progress_update',
        status: 'uploading',
        stage: 'upload',
        progress: percent,
        bytesUploaded: body.bytesUploaded,
        totalBytes: size,
        chunksUploaded,
        chunksTotal,
      }, now);
    }
    return json({ accepted: true, ...(await progressDto(tx, row, now)) });
  });
}

/** Cancel an upload that has not finished: the client stopped sending (the user said so). */
async function cancel(ctx: RequestContext): Promise<Response> {
  const caller = requireUser(await ctx.caller());
  const id = documentIdParam(ctx.req);
  const now = ctx.clock.now();
  return await ctx.db.asUser(caller, async (tx) => {
    const doc = await getDocument(tx, id, true);
    if (doc.status === 'cancelled') return json({ cancelled: true, ...(await progressDto(tx, doc, now)) });
    if (doc.status !== 'pending' && doc.status !== 'uploading') {
      throw new HttpError(409, 'invalid_state', `The upload is ${doc.status}; only unfinished uploads can be cancelled.`);
    }
    const [row] = await tx<DocumentRow[]>`
      update public.documents set status = 'cancelled', last_progress_at = ${now} where id = ${doc.id} returning *`;
    await addProgressRow(tx, row!, { type: 'status_change', from: doc.status, to: 'cancelled', status: 'cancelled', stage: 'upload' }, now);
    return json({ cancelled: true, ...(await progressDto(tx, row!, now)) });
  });
}

export function uploadHandler(getDeps?: () => Deps) {
  return createHandler('upload-handler', { POST: init, GET: status, PUT: progress, DELETE: cancel }, getDeps);
}
