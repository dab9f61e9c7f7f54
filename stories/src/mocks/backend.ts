// The reference backend, simulated in the browser with msw (its service worker answers the
// requests the real core makes): upload-handler and progress-tracker as documented in
// supabase/functions/README.md, Storage's signed PUT and its TUS endpoint, and a processing
// pipeline that moves each document through uploaded → parsing → embedding → completed
// (or processing → completed without LlamaParse) one step at a time.
//
// Server progress reaches the core by polling progress-tracker (the element's
// `realtime="false"`, and `features.realtime: false` in every answer), the fallback the core
// uses whenever Realtime is off or down; the realtime socket itself is not simulated.
import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw';

export const SUPABASE_URL = 'https://demo.supabase.co';
/**
 * An anon key shaped like Supabase's (a JWT with `role: anon`), signed with nothing: no
 * server checks it here, and it opens no real project.
 */
export const ANON_KEY = [
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImRlbW8iLCJyb2xlIjoiYW5vbiIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoyMDgyNzU4NDAwfQ',
  'c3Rvcnlib29rLW5vdC1hLXJlYWwtc2lnbmF0dXJl',
].join('.');

/** Where the simulated backend breaks, if anywhere. */
export type FailAt = 'none' | 'upload' | 'upload-flaky' | 'parsing' | 'embedding';

/** What the story's controls change; the handlers read it on every step, so changes apply at once. */
export interface Simulation {
  /** Milliseconds per step: one TUS chunk, a fifth of a PUT, one processing step (at least 500 ms). */
  stepMs: number;
  /**
   * `upload`: Storage refuses the bytes for good (413, the bucket's own size limit).
   * `upload-flaky`: Storage answers 503 twice mid-upload, then recovers (the row shows its retry countdown).
   * `parsing` / `embedding`: the server fails the document half way through that stage.
   */
  failAt: FailAt;
  /** Nothing moves while true: uploads hang mid-request, processing stands still (and turns "stuck"). */
  stall: boolean;
  /** The project's LlamaParse flag: parsing → embedding when on, one `processing` stage when off. */
  llamaParse: boolean;
  /** Every upload is a file the user already uploaded (upload-handler answers `duplicate`). */
  duplicate: boolean;
}

export const simulation: Simulation = { stepMs: 400, failAt: 'none', stall: false, llamaParse: true, duplicate: false };

/**
 * The largest file sent with one PUT (upload-handler's rule); bigger files go by TUS.
 */
const PUT_LIMIT = 5 * 1024 * 1024;
/**
 * TUS chunk size in the plans this server hands out. The real one says 6 MiB (what hosted
 * Storage requires); 1 MiB here makes a 12 MiB demo file move in visible steps.
 */
const TUS_CHUNK = 1024 * 1024;
/** Seconds a flaky Storage asks the client to wait (long enough to see the row's countdown). */
const FLAKY_RETRY_AFTER_S = 2;
/**
 * The pipeline moves at most once per this many ms, whatever `stepMs` says: the core polls
 * progress-tracker about once a second, and a stage that passed between two polls would never
 * be seen (a real parse takes seconds to minutes).
 */
const MIN_PROCESSING_STEP_MS = 500;
/**
 * How long a stall lasts before the server calls the document stuck: the real threshold is
 * 30 minutes; a simulation has no such patience.
 */
const STUCK_AFTER_STEPS = 4;

type Status = 'pending' | 'uploading' | 'uploaded' | 'processing' | 'parsing' | 'embedding' | 'completed' | 'failed' | 'cancelled';

interface Doc {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  hash: string;
  status: Status;
  bytesUploaded: number;
  /** Bytes Storage holds (TUS offset, or all after a PUT). */
  stored: number;
  processingProgress: number;
  etaSeconds: number | null;
  stuck: boolean;
  error: { code: string; message: string } | null;
  lastProgressAt: string;
  token: string;
  retryCount: number;
  /** 503s still to give for `upload-flaky`. */
  flakyLeft: number;
  /** The TUS upload now receiving this document's bytes (a new POST starts a new one). */
  uploadId: string | undefined;
  /** Started with a fingerprint (its hash is '' until delivered), and the start's idempotency key. */
  fingerprint?: string;
  idempotencyKey?: string;
}

const docs = new Map<string, Doc>();
/** TUS upload id → document. */
const uploads = new Map<string, Doc>();
let sequence = 0;

/**
 * A story starting over: every document so far is cancelled (its pipeline stops, and the
 * cancel request of a file removed from the list still finds it).
 */
export function resetBackend(): void {
  for (const doc of docs.values()) if (doc.status !== 'completed' && doc.status !== 'failed') doc.status = 'cancelled';
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, HEAD, DELETE, OPTIONS',
  'access-control-expose-headers': 'Location, Upload-Offset, Upload-Length, Tus-Resumable, Retry-After, x-request-id',
};
const TUS = { ...CORS, 'tus-resumable': '1.0.0', 'cache-control': 'no-store' };

const json = (body: JsonBodyType, status = 200) => HttpResponse.json(body, { status, headers: { ...CORS, 'x-request-id': `req-${++sequence}` } });
const fail = (status: number, code: string, message: string) => json({ error: { code, message } }, status);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One step of work: `stepMs`, then as long as the simulation is stalled. Returns how many steps the stall lasted. */
async function step(ms = simulation.stepMs): Promise<number> {
  await sleep(ms);
  let stalledSteps = 0;
  const stalledSince = Date.now();
  while (simulation.stall) {
    await sleep(100);
    stalledSteps = Math.floor((Date.now() - stalledSince) / Math.max(1, simulation.stepMs));
  }
  return stalledSteps;
}

const touch = (doc: Doc) => {
  doc.lastProgressAt = new Date().toISOString();
};

function plan(doc: Doc) {
  const strategy = doc.size <= PUT_LIMIT ? 'put' : 'tus';
  const path = `anonymous/${doc.id}/${doc.filename}`;
  return {
    strategy,
    bucket: 'documents',
    path,
    signedUrl: `${SUPABASE_URL}/storage/v1/object/upload/sign/documents/${encodeURI(path)}?token=${doc.token}`,
    token: doc.token,
    tusEndpoint: `${SUPABASE_URL}/storage/v1/upload/resumable/sign`,
    chunkSize: strategy === 'tus' ? TUS_CHUNK : doc.size,
    expiresAt: new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString(),
  };
}

const features = () => ({ realtime: false, llamaParse: simulation.llamaParse });

/** The progress answer of progress-tracker's (and upload-handler's) GET. */
function progressOf(doc: Doc) {
  const uploading = doc.status === 'pending' || doc.status === 'uploading';
  const chunksTotal = doc.size <= PUT_LIMIT ? 1 : Math.ceil(doc.size / TUS_CHUNK);
  return {
    documentId: doc.id,
    status: doc.status,
    stage: uploading ? 'upload' : doc.status,
    upload: {
      bytesUploaded: doc.bytesUploaded,
      totalBytes: doc.size,
      progress: Math.round((doc.bytesUploaded / doc.size) * 1000) / 10,
      chunksUploaded: Math.floor(doc.bytesUploaded / (chunksTotal === 1 ? doc.size : TUS_CHUNK)),
      chunksTotal,
    },
    processing: { stage: uploading ? null : doc.status, progress: doc.processingProgress },
    velocity: null,
    etaSeconds: doc.etaSeconds,
    stuck: doc.stuck,
    lastProgressAt: doc.lastProgressAt,
    error: doc.error,
    retryCount: doc.retryCount,
  };
}

/** After the last byte: the pipeline, a step at a time, until completed or failed (or the doc is gone). */
async function runPipeline(doc: Doc): Promise<void> {
  const alive = () => docs.get(doc.id) === doc && doc.status !== 'cancelled';
  doc.status = 'uploaded';
  doc.bytesUploaded = doc.size;
  touch(doc);
  const stages = simulation.llamaParse ? (['parsing', 'embedding'] as const) : (['processing'] as const);
  for (const stage of stages) {
    if ((await waitStep(doc)) === false || !alive()) return;
    doc.status = stage;
    doc.processingProgress = 0;
    touch(doc);
    for (const progress of [25, 50, 75, 100]) {
      if ((await waitStep(doc)) === false || !alive()) return;
      if (progress === 50 && simulation.failAt === stage) {
        doc.status = 'failed';
        doc.error = stage === 'parsing'
          ? { code: 'parse_failed', message: 'LlamaParse could not read page 3: the PDF is password-protected. Upload an unlocked copy.' }
          : { code: 'embedding_failed', message: 'The embedding service timed out on chunk 12 of 20. Retry the document.' };
        doc.etaSeconds = null;
        touch(doc);
        return;
      }
      doc.processingProgress = progress;
      doc.etaSeconds = ((100 - progress) / 25) * (processingStepMs() / 1000);
      touch(doc);
    }
  }
  if ((await waitStep(doc)) === false || !alive()) return;
  doc.status = 'completed';
  doc.etaSeconds = null;
  touch(doc);
}

const processingStepMs = () => Math.max(simulation.stepMs, MIN_PROCESSING_STEP_MS);

/** A processing step; a long stall marks the document stuck until it moves again. */
async function waitStep(doc: Doc): Promise<boolean> {
  const stuckTimer = setInterval(() => {
    if (simulation.stall && Date.now() - Date.parse(doc.lastProgressAt) > STUCK_AFTER_STEPS * processingStepMs()) doc.stuck = true;
  }, 100);
  try {
    await step(processingStepMs());
  } finally {
    clearInterval(stuckTimer);
  }
  doc.stuck = false;
  return docs.has(doc.id);
}

/** Storage receiving bytes: refusals and flakiness as configured, then the stored offset moves. */
async function receive(doc: Doc, bytes: number, steps: number): Promise<Response | undefined> {
  if (simulation.failAt === 'upload' && doc.stored + bytes > doc.size / 2) {
    await sleep(simulation.stepMs);
    return new HttpResponse('Payload too large: the bucket "documents" accepts files up to 10 MB.', { status: 413, headers: TUS });
  }
  if (simulation.failAt === 'upload-flaky' && doc.stored + bytes > doc.size / 3 && doc.flakyLeft > 0) {
    doc.flakyLeft -= 1;
    await sleep(simulation.stepMs);
    // With Retry-After, as gateways send it: the core waits that long, and the row counts down.
    return new HttpResponse('Service Unavailable', { status: 503, headers: { ...TUS, 'retry-after': String(FLAKY_RETRY_AFTER_S) } });
  }
  for (let i = 0; i < steps; i += 1) await step();
  if (docs.get(doc.id) !== doc || doc.status === 'cancelled') return new HttpResponse('Upload cancelled', { status: 404, headers: TUS });
  doc.stored += bytes;
  return undefined;
}

function finishUpload(doc: Doc) {
  if (doc.stored < doc.size || (doc.status !== 'pending' && doc.status !== 'uploading')) return;
  // Late hash: the bytes landed first; the document waits, uploaded, for its hash.
  if (doc.hash === '') doc.status = 'uploaded';
  else void runPipeline(doc);
}

const isLive = (d: Doc) => d.status !== 'failed' && d.status !== 'cancelled';

function newDoc(body: { filename: string; contentType?: string; fileSize: number }, hash: string): Doc {
  // UUIDs, as the real table has: ids from an earlier page load (the core keeps TUS upload
  // URLs in IndexedDB to resume them) must not match a document of this one.
  // (randomUUID needs a secure context; Storybook opened over plain http from another host is not one.)
  const id = crypto.randomUUID?.() ?? `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;
  const doc: Doc = {
    id, filename: body.filename, contentType: body.contentType ?? '', size: body.fileSize, hash, status: 'pending',
    bytesUploaded: 0, stored: 0, processingProgress: 0, etaSeconds: null, stuck: false, error: null,
    lastProgressAt: new Date().toISOString(), token: `token-${id}`, retryCount: 0, flakyLeft: 2, uploadId: undefined,
  };
  docs.set(id, doc);
  return doc;
}

/**
 * The late hash's two requests, as upload-handler answers them (supabase/functions/README.md,
 * "Late hash"): a start with a fingerprint, and the whole-file MD5 delivered afterwards.
 */
async function lateHash(body: Record<string, unknown>): Promise<Response> {
  if (typeof body.documentId === 'string') {
    const doc = docs.get(body.documentId);
    const hash = String(body.fileHash ?? '').toLowerCase();
    if (!doc) return fail(404, 'document_not_found', 'No such document.');
    if (!/^[0-9a-f]{32}$/.test(hash)) return fail(422, 'hash_invalid', 'fileHash must be 32 hexadecimal digits.');
    if (doc.hash !== '' && doc.hash !== hash) return fail(409, 'hash_conflict', 'Another hash is recorded for this document.');
    const earlier = [...docs.values()].find((d) => d !== doc && d.hash === hash && isLive(d));
    if (earlier) {
      docs.delete(doc.id);
      return json({ documentId: earlier.id, duplicate: true, resolvedFrom: doc.id, status: earlier.status, document: { id: earlier.id, status: earlier.status } });
    }
    doc.hash = hash;
    if (doc.status === 'uploaded') void runPipeline(doc);
    return json({ documentId: doc.id, duplicate: false, hashRecorded: true, status: doc.status, document: { id: doc.id, status: doc.status } });
  }
  if (typeof body.filename !== 'string' || typeof body.fileSize !== 'number' || typeof body.fingerprint !== 'string') {
    return fail(422, 'validation_failed', 'filename, contentType, fileSize and fingerprint are required.');
  }
  if (body.fileSize > 52_428_800) return fail(422, 'file_too_large', 'Files can be at most 50 MiB.');
  await sleep(Math.min(300, simulation.stepMs));
  const key = typeof body.idempotencyKey === 'string' ? body.idempotencyKey : undefined;
  const again = key === undefined ? undefined : [...docs.values()].find((d) => d.idempotencyKey === key && isLive(d));
  if (again) return json({ documentId: again.id, duplicate: false, candidate: false, hashPending: true, upload: plan(again), features: features() }, 201);
  const candidate = simulation.duplicate || [...docs.values()].some((d) => isLive(d) && d.size === body.fileSize && (d.fingerprint === undefined || d.fingerprint === body.fingerprint));
  if (candidate) return json({ candidate: true, duplicate: false, features: features() });
  const doc = newDoc({ filename: body.filename, contentType: String(body.contentType ?? ''), fileSize: body.fileSize }, '');
  doc.fingerprint = body.fingerprint;
  if (key !== undefined) doc.idempotencyKey = key;
  return json({ documentId: doc.id, duplicate: false, candidate: false, hashPending: true, upload: plan(doc), features: features() }, 201);
}

const byToken = (token: string | null) => [...docs.values()].find((d) => d.token === token);
/** The document a TUS upload URL belongs to, while that upload is the document's current one. */
function byUploadUrl(id: string | readonly string[] | undefined): Doc | undefined {
  const doc = uploads.get(String(id));
  return doc && doc.uploadId === String(id) && doc.status !== 'cancelled' ? doc : undefined;
}

export const backendHandlers: HttpHandler[] = [
  // upload-handler: start (or resume, or recognise) an upload.
  http.post(`${SUPABASE_URL}/functions/v1/upload-handler`, async ({ request }) => {
    const body = (await request.json().catch(() => null)) as { filename?: string; contentType?: string; fileSize?: number; fileHash?: string } | null;
    if (body && typeof body === 'object' && ('documentId' in body || ('fingerprint' in body && !('fileHash' in body)))) {
      return lateHash(body as Record<string, unknown>);
    }
    if (!body || typeof body.filename !== 'string' || typeof body.fileSize !== 'number' || typeof body.fileHash !== 'string') {
      return fail(422, 'validation_failed', 'filename, contentType, fileSize and fileHash are required.');
    }
    if (body.fileSize > 52_428_800) return fail(422, 'file_too_large', 'Files can be at most 50 MiB.');
    await sleep(Math.min(300, simulation.stepMs));
    const live = [...docs.values()].find((d) => d.hash === body.fileHash && d.status !== 'failed' && d.status !== 'cancelled');
    if (simulation.duplicate || (live && live.status !== 'pending' && live.status !== 'uploading')) {
      const id = live?.id ?? 'doc-uploaded-last-week';
      return json({ duplicate: true, documentId: id, document: { id, filename: body.filename, status: 'completed' }, features: features() });
    }
    if (live) return json({ duplicate: true, documentId: live.id, document: { id: live.id, status: live.status }, upload: plan(live), features: features() });
    const doc = newDoc({ filename: body.filename, contentType: body.contentType ?? '', fileSize: body.fileSize }, body.fileHash);
    return json({ documentId: doc.id, duplicate: false, upload: plan(doc), features: features() }, 201);
  }),

  // upload-handler: byte progress (forward only).
  http.put(`${SUPABASE_URL}/functions/v1/upload-handler`, async ({ request }) => {
    const body = (await request.json().catch(() => null)) as { documentId?: string; bytesUploaded?: number } | null;
    const doc = docs.get(String(body?.documentId));
    if (!doc) return fail(404, 'document_not_found', 'No such document.');
    if (doc.status !== 'pending' && doc.status !== 'uploading') return json({ accepted: false, reason: 'already_uploaded' });
    if ((body?.bytesUploaded ?? 0) <= doc.bytesUploaded) return json({ accepted: false, reason: 'not_forward' });
    doc.bytesUploaded = Math.min(doc.size, body!.bytesUploaded!);
    doc.status = 'uploading';
    touch(doc);
    return json({ accepted: true });
  }),

  // upload-handler: cancel.
  http.delete(`${SUPABASE_URL}/functions/v1/upload-handler`, ({ request }) => {
    const doc = docs.get(new URL(request.url).searchParams.get('documentId') ?? '');
    if (!doc) return fail(404, 'document_not_found', 'No such document.');
    if (doc.status !== 'pending' && doc.status !== 'uploading' && doc.status !== 'cancelled') {
      return fail(409, 'invalid_state', `The document is ${doc.status}; it can no longer be cancelled.`);
    }
    doc.status = 'cancelled';
    return json({ documentId: doc.id, status: 'cancelled' });
  }),

  // upload-handler and progress-tracker: where a document is.
  ...['upload-handler', 'progress-tracker'].map((fn) =>
    http.get(`${SUPABASE_URL}/functions/v1/${fn}`, ({ request }) => {
      const doc = docs.get(new URL(request.url).searchParams.get('documentId') ?? '');
      if (!doc) return fail(404, 'document_not_found', 'No such document.');
      return json(progressOf(doc));
    })),

  // Storage: one PUT to the signed URL.
  http.put(`${SUPABASE_URL}/storage/v1/object/upload/sign/*`, async ({ request }) => {
    const doc = byToken(new URL(request.url).searchParams.get('token'));
    if (!doc) return json({ statusCode: '403', error: 'InvalidSignature', message: 'The signature is invalid.' }, 400);
    const bytes = (await request.arrayBuffer()).byteLength;
    if (bytes !== doc.size) return json({ statusCode: '400', error: 'InvalidRequest', message: 'Size mismatch.' }, 400);
    const refused = await receive(doc, bytes, 5);
    if (refused) {
      // The REST route hides client errors behind HTTP 400 with the real status in the body.
      const status = refused.status;
      return json({ statusCode: String(status), error: status === 413 ? 'Payload too large' : 'ServiceUnavailable', message: await refused.text() }, status >= 500 ? status : 400);
    }
    finishUpload(doc);
    return json({ Key: `documents/anonymous/${doc.id}/${doc.filename}` });
  }),

  // Storage: TUS creation on the signed endpoint.
  http.post(`${SUPABASE_URL}/storage/v1/upload/resumable/sign`, ({ request }) => {
    const doc = byToken(request.headers.get('x-signature'));
    if (!doc) return new HttpResponse('Missing or invalid x-signature header', { status: 403, headers: TUS });
    // A new upload of the object starts from nothing; the previous one's URL is gone.
    doc.uploadId = `${doc.id}.${++sequence}`;
    doc.stored = 0;
    uploads.set(doc.uploadId, doc);
    return new HttpResponse(null, {
      status: 201,
      headers: { ...TUS, location: `${SUPABASE_URL}/storage/v1/upload/resumable/sign/${doc.uploadId}` },
    });
  }),

  // Storage: TUS offset (a resume asks where to continue).
  http.head(`${SUPABASE_URL}/storage/v1/upload/resumable/sign/:id`, ({ params }) => {
    const doc = byUploadUrl(params.id);
    if (!doc) return new HttpResponse(null, { status: 404, headers: TUS });
    return new HttpResponse(null, { status: 200, headers: { ...TUS, 'upload-offset': String(doc.stored), 'upload-length': String(doc.size) } });
  }),

  // Storage: TUS chunk.
  http.patch(`${SUPABASE_URL}/storage/v1/upload/resumable/sign/:id`, async ({ request, params }) => {
    const doc = byUploadUrl(params.id);
    if (!doc) return new HttpResponse('Upload not found', { status: 404, headers: TUS });
    if (Number(request.headers.get('upload-offset')) !== doc.stored) {
      return new HttpResponse('Upload-Offset conflict', { status: 409, headers: TUS });
    }
    const bytes = (await request.arrayBuffer()).byteLength;
    const refused = await receive(doc, bytes, 1);
    if (refused) return refused;
    finishUpload(doc);
    return new HttpResponse(null, { status: 204, headers: { ...TUS, 'upload-offset': String(doc.stored) } });
  }),
];
