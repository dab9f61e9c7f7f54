// upload-handler: POST starts an upload (or finds the duplicate) — with the full MD5, or with a
// cheap fingerprint before it (late hash, issue 19) — or, with a documentId, delivers that late
// hash; GET reads its status, PUT records the client's byte progress. Acts as the calling user:
// RLS decides (the late hash is written as the service, for the caller's own document only).
import { z } from 'zod';
import { createHandler, type Deps, type RequestContext } from '../_shared/app.ts';
import type { Tx } from '../_shared/db.ts';
import { requireUser } from '../_shared/auth.ts';
import { addProgressRow, documentDto, type DocumentRow, findDocument, getDocument, progressDto } from '../_shared/documents.ts';
import { HttpError, notFound } from '../_shared/errors.ts';
import { checkSize, checkType, normaliseFilename, normaliseFingerprint, normaliseHash, SINGLE_PUT_MAX, TUS_CHUNK_SIZE } from '../_shared/files.ts';
import { documentIdParam, json, readJson, uuidSchema, validate } from '../_shared/http.ts';
import { inspectionsOf, parseInspection, recordInspection, withInspections } from '../_shared/inspection.ts';
import { startProcessing, userFlag } from '../_shared/pipeline.ts';
import { removeObjects, signUpload, tusEndpoint } from '../_shared/storage.ts';

/** Progress rows for one document at most this often (plus always the last one). */
export const PROGRESS_ROW_INTERVAL_MS = 1000;

const InitBody = z.object({
  filename: z.string().max(4096),
  contentType: z.string().max(255),
  fileSize: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
  fileHash: z.string().max(128),
  /** Optional (issue 20): what the client's inspection learned; checked by parseInspection. */
  inspection: z.unknown().optional(),
});

/** Late hash (issue 19): the same start, with a fingerprint instead of the full MD5. */
const LateInitBody = z.object({
  filename: z.string().max(4096),
  contentType: z.string().max(255),
  fileSize: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
  fingerprint: z.string().max(128),
  /** Optional: the same UUID on every repeat of this POST, so a repeat answers the same document. */
  idempotencyKey: z.unknown().optional(),
  /** Optional (issue 20): as in the classic start. */
  inspection: z.unknown().optional(),
});

/** Late hash (issue 19): the full MD5 of a document created with a fingerprint. */
const HashBody = z.object({
  documentId: uuidSchema,
  fileHash: z.string().max(128),
});

const ProgressBody = z.object({
  documentId: uuidSchema,
  bytesUploaded: z.number().int().min(0).refine(Number.isSafeInteger, 'must be a safe integer'),
  chunkIndex: z.number().int().min(0).max(1_000_000).optional(),
  totalChunks: z.number().int().min(1).max(1_000_000).optional(),
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * POST: by the body. `documentId` (+ `fileHash`): the late hash of that document. `fingerprint`
 * without `fileHash`: start before the hash is known. Anything else: the classic start, exactly
 * as before (fileHash required).
 */
async function post(ctx: RequestContext): Promise<Response> {
  const caller = requireUser(await ctx.caller());
  // A NUL or lone surrogate in the name is a bad file name, like its other control characters.
  const raw = await readJson(ctx.req, z.unknown(), { codes: { filename: 'filename_invalid' } });
  if (isObject(raw) && 'documentId' in raw) return await deliverHash(ctx, caller, validate(HashBody, raw));
  if (isObject(raw) && 'fingerprint' in raw && !('fileHash' in raw)) return await lateInit(ctx, caller, validate(LateInitBody, raw));
  return await init(ctx, caller, validate(InitBody, raw));
}

type User = ReturnType<typeof requireUser>;

async function init(ctx: RequestContext, caller: User, body: z.infer<typeof InitBody>): Promise<Response> {
  const filename = normaliseFilename(body.filename);
  const contentType = checkType(filename, body.contentType);
  checkSize(body.fileSize);
  const fileHash = normaliseHash(body.fileHash);
  const inspection = parseInspection(body.inspection, contentType);
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
    let document = rows[0]?.id === created.document_id ? rows[0] : await getDocument(tx, created.document_id);
    // The facts (issue 20), in the same transaction: stored unless the document already has
    // facts (a duplicate started with facts before keeps them); the duplicate answer shows them.
    if (inspection) await recordInspection(tx, document.id, inspection);
    if (created.duplicate) document = (await withInspections(tx, [document]))[0]!;
    return { document, duplicate: created.duplicate, features: { realtime: flags.realtime, llamaParse: flags.llama } };
  });

  // Storage is asked after the transaction, so no database connection waits on an HTTP call.
  const plan = (doc: DocumentRow) => uploadPlan(ctx, caller, doc);

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
  const upload = await planOrTakeBack(ctx, caller, document);
  return json({ documentId: document.id, duplicate: false, upload, features }, 201);
}

async function uploadPlan(ctx: RequestContext, caller: User, doc: DocumentRow) {
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
}

async function planOrTakeBack(ctx: RequestContext, caller: User, document: DocumentRow) {
  try {
    return await uploadPlan(ctx, caller, document);
  } catch (error) {
    // Storage refused: take the new document back, as if it had never been made (the client
    // retries the POST). Only while nothing happened to it: still pending, no byte reported.
    await ctx.db.asService((tx) => tx`
      delete from public.documents
       where id = ${document.id} and user_id = ${caller.userId} and status = 'pending' and bytes_uploaded = 0`)
      .catch((cause) => ctx.log.log('error', 'could not take back a document Storage did not sign', { documentId: document.id, error: cause }));
    throw error;
  }
}

/**
 * Late hash (issue 19), step 1: start with a fingerprint. When one of the caller's live documents
 * could be the same file (same size and fingerprint, or same size and no fingerprint), answer
 * `candidate: true` and nothing else: the client hashes the whole file and uses the classic POST,
 * so a true duplicate still sends zero bytes. Otherwise the document is created with its hash
 * pending and the plan returned at once. With an `idempotencyKey`, a repeat of the same request
 * (its answer was lost) answers the key's document again instead of `candidate`; the same key for
 * another file is 422 idempotency_key_reused (migration late_hash_idempotency).
 */
async function lateInit(ctx: RequestContext, caller: User, body: z.infer<typeof LateInitBody>): Promise<Response> {
  const filename = normaliseFilename(body.filename);
  const contentType = checkType(filename, body.contentType);
  checkSize(body.fileSize);
  const fingerprint = normaliseFingerprint(body.fingerprint);
  const idempotencyKey = normaliseIdempotencyKey(body.idempotencyKey);
  const inspection = parseInspection(body.inspection, contentType);
  const chunksTotal = Math.ceil(body.fileSize / (body.fileSize <= SINGLE_PUT_MAX ? body.fileSize : TUS_CHUNK_SIZE));

  const { document, features } = await ctx.db.asUser(caller, async (tx) => {
    const flagsQuery = tx<{ upload: boolean; realtime: boolean; llama: boolean }[]>`
      select public.my_feature_enabled('supabase_v2_upload') as upload,
             public.my_feature_enabled('realtime_progress') as realtime,
             public.my_feature_enabled('llama_parse_integration') as llama`.execute();
    const createdQuery = tx<{ document_id: string | null; candidate: boolean }[]>`
      select document_id, candidate
        from public.create_document_late_hash(${filename}, ${contentType}, ${body.fileSize}, ${fingerprint}, ${chunksTotal}, ${idempotencyKey}::uuid)
       where public.my_feature_enabled('supabase_v2_upload')`.execute();
    const [[flags], [created]] = await Promise.all([flagsQuery, createdQuery]);
    if (!flags?.upload || !created) {
      throw new HttpError(403, 'feature_disabled', 'Uploads (supabase_v2_upload) are not enabled for your account yet.');
    }
    const features = { realtime: flags.realtime, llamaParse: flags.llama };
    if (created.candidate || !created.document_id) return { document: null, features };
    // The facts (issue 20): stored with the new document; a repeat with the same key keeps the first.
    if (inspection) await recordInspection(tx, created.document_id, inspection);
    const document = await getDocument(tx, created.document_id);
    // Only the answer for a document whose bytes already landed shows the document (and its facts).
    const answered = document.status === 'pending' || document.status === 'uploading';
    return { document: answered ? document : (await withInspections(tx, [document]))[0]!, features };
  }).catch((error) => {
    if (isKeyReused(error)) {
      throw new HttpError(422, 'idempotency_key_reused',
        'This idempotencyKey was already used to start a different file (another fingerprint, size, name or type). Send a new idempotencyKey for each file you start, and repeat a key only with the same request.',
        { cause: error });
    }
    throw error;
  });

  if (!document) return json({ candidate: true, duplicate: false, features }, 200);
  const hashPending = document.file_hash === null;
  if (document.status !== 'pending' && document.status !== 'uploading') {
    // Only with a key: the key's document already has its bytes (the repeat came after the
    // transfer, e.g. from a reload). Nothing to send; no plan, so nothing can overwrite them.
    return json({ documentId: document.id, duplicate: false, candidate: false, hashPending, status: document.status, document: documentDto(document), features }, 200);
  }
  // A new document, or (the same idempotencyKey again) the key's document with a fresh plan.
  const upload = await planOrTakeBack(ctx, caller, document);
  return json({ documentId: document.id, duplicate: false, candidate: false, hashPending, upload, features }, 201);
}

/**
 * The optional idempotencyKey of the fingerprint POST: absent (no key), or a UUID in the
 * 8-4-4-4-12 form, hex digits in either case (lower-cased here); anything else (null, "", braces,
 * no hyphens, another type) is 422 validation_failed.
 */
function normaliseIdempotencyKey(raw: unknown): string | null {
  if (raw === undefined) return null;
  const parsed = uuidSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HttpError(422, 'validation_failed',
      'idempotencyKey must be a UUID (8-4-4-4-12 hexadecimal digits, e.g. from crypto.randomUUID()), chosen once per file you start and sent again unchanged with every repeat of the request; or leave it out.',
      { details: { issues: [{ path: 'idempotencyKey', message: 'must be a UUID' }] } });
  }
  return parsed.data;
}

/** create_document_late_hash refused a key already used for another file. */
const isKeyReused = (error: unknown) => {
  const { code, constraint_name: constraint } = (error ?? {}) as { code?: unknown; constraint_name?: unknown };
  return code === '22023' && constraint === 'idempotency_key_reused';
};

const plainMd5 = (etag: string | null | undefined) => {
  const bare = (etag ?? '').replace(/^W\//, '').replaceAll('"', '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
};

type HashOutcome =
  | { duplicate: false; doc: DocumentRow }
  | { duplicate: true; into: DocumentRow; from: string; object?: { bucket: string; path: string } };

/**
 * Late hash (issue 19), step 2: the full MD5 of a document created with a fingerprint. Only the
 * owner's document (the row is looked up by id and the caller's user id; another user's is 404).
 * Written as the service: users have no UPDATE on file_hash.
 *   - new content: recorded; if the object already landed (uploaded, awaiting hash), processing
 *     starts now;
 *   - the caller already has a live document with this hash: this one resolves to it — its row
 *     is deleted (remembered in document_merges) and its object removed after the commit;
 *   - a repeat: the same answer again (also after a merge); a different hash for a document whose
 *     hash is known: 409 hash_conflict; a hash that differs from the MD5 Storage recorded for the
 *     object (single-part uploads): 422 hash_mismatch, nothing changes.
 */
async function deliverHash(ctx: RequestContext, caller: User, body: z.infer<typeof HashBody>): Promise<Response> {
  const fileHash = normaliseHash(body.fileHash);
  const now = ctx.clock.now();
  const outcome = await ctx.db.asService(async (tx) => await withFacts(tx, await hashOutcome(tx, caller.userId, body.documentId, fileHash, now)));

  if (!outcome.duplicate) {
    return json({ documentId: outcome.doc.id, duplicate: false, hashRecorded: true, status: outcome.doc.status, document: documentDto(outcome.doc) });
  }
  if (outcome.object) await ctx.time('storage', removeObjects(ctx, outcome.object.bucket, [outcome.object.path]));
  return json({
    documentId: outcome.into.id,
    duplicate: true,
    resolvedFrom: outcome.from,
    status: outcome.into.status,
    document: documentDto(outcome.into),
  });
}

/** deliverHash's transaction (as the service): what the hash does to the caller's document. */
async function hashOutcome(tx: Tx, userId: string, documentId: string, fileHash: string, now: Date): Promise<HashOutcome> {
  const [doc] = await tx<DocumentRow[]>`
    select * from public.documents where id = ${documentId} and user_id = ${userId} for update`;
  if (!doc) {
    const [merge] = await tx<{ merged_into: string; file_hash: string }[]>`
      select merged_into, file_hash from private.document_merges where document_id = ${documentId} and user_id = ${userId}`;
    if (!merge) throw notFound();
    if (merge.file_hash !== fileHash) throw conflict(documentId);
    const into = await findDocument(tx, merge.merged_into);
    if (!into) throw notFound();
    return { duplicate: true, into, from: documentId };
  }
  if (doc.file_hash !== null) {
    if (doc.file_hash === fileHash) return { duplicate: false, doc };
    throw conflict(doc.id);
  }
  if (doc.status === 'failed' || doc.status === 'cancelled') {
    throw new HttpError(409, 'invalid_state', `The upload is ${doc.status}; add the file again to upload it.`);
  }
  const [object] = await tx<{ etag: string | null }[]>`
    select metadata ->> 'eTag' as etag from storage.objects where bucket_id = ${doc.storage_bucket} and name = ${doc.storage_path}`;
  const stored = plainMd5(object?.etag);
  if (stored && stored !== fileHash) {
    throw new HttpError(422, 'hash_mismatch', 'This MD5 is not the MD5 of the file Storage holds for the document: hash the file that was uploaded, or upload it again.');
  }
  const resolve = async (into: DocumentRow): Promise<HashOutcome> => {
    await tx`insert into private.document_merges (document_id, user_id, merged_into, file_hash)
             values (${doc.id}, ${doc.user_id}, ${into.id}, ${fileHash})`;
    await tx`delete from public.documents where id = ${doc.id}`;
    return { duplicate: true, into, from: doc.id, object: { bucket: doc.storage_bucket, path: doc.storage_path } };
  };
  const findOther = async () => (await tx<DocumentRow[]>`
    select * from public.documents
     where user_id = ${doc.user_id} and file_hash = ${fileHash} and status not in ('failed', 'cancelled') and id <> ${doc.id}`)[0];
  const other = await findOther();
  if (other) return await resolve(other);
  let updated: DocumentRow;
  try {
    // A savepoint: a concurrent start of the same content (classic POST) may take the hash first.
    const rows = await tx.savepoint((sp) => sp<DocumentRow[]>`
      update public.documents set file_hash = ${fileHash} where id = ${doc.id} returning *`) as unknown as DocumentRow[];
    updated = rows[0]!;
  } catch (error) {
    const raced = (error as { code?: string }).code === '23505' ? await findOther() : undefined;
    if (raced) return await resolve(raced);
    throw error;
  }
  if (updated.status !== 'uploaded') return { duplicate: false, doc: updated };
  // The object landed while the hash was on its way: processing starts now.
  return { duplicate: false, doc: await startProcessing(tx, updated, now, await userFlag(tx, 'llama_parse_integration', doc.user_id)) };
}

/** The answered document with its inspection facts (issue 20). */
async function withFacts(tx: Tx, outcome: HashOutcome): Promise<HashOutcome> {
  if (outcome.duplicate) return { ...outcome, into: (await withInspections(tx, [outcome.into]))[0]! };
  return { ...outcome, doc: (await withInspections(tx, [outcome.doc]))[0]! };
}

const conflict = (id: string) =>
  new HttpError(409, 'hash_conflict', `Document ${id} already has a different content hash; a hash is recorded once.`);

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
    return json({ documents: (await withInspections(tx, rows)).map((doc) => documentDto(doc)) });
  });
}

async function status(ctx: RequestContext): Promise<Response> {
  if (!new URL(ctx.req.url).searchParams.has('documentId')) return await list(ctx);
  const caller = await ctx.caller();
  const id = documentIdParam(ctx.req);
  return await ctx.db.asUser(caller, async (tx) => {
    // Sent together (one round trip): the facts are only those of a document the caller owns.
    const [doc, facts] = await Promise.all([getDocument(tx, id), inspectionsOf(tx, [id])]);
    return json({ ...(await progressDto(tx, doc, ctx.clock.now())), document: documentDto({ ...doc, inspection: facts.get(id) ?? null }) });
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
  return createHandler('upload-handler', { POST: post, GET: status, PUT: progress, DELETE: cancel }, getDeps);
}
