// @ts-check
// A bad-input corpus against every function route and the Storage routes the uploader uses:
// each case is one request that must be refused with its 4xx and its error code (never a 500),
// and the database must be exactly as before (documents, realtime_progress_updates,
// webhook_events, storage.objects). One stack for the whole file; users A and B; A owns one
// pending document that B tries to read, change, cancel and reset.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { signJwt } from '../src/jwt.mjs';
import { eventsIdle } from '../src/pg-net.mjs';
import { disconnectClients, signedInClient, startTestStack, rawRequest as rawRequestTo } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
/** @type {{ id: string, jwt: string }} */
let A;
/** @type {{ id: string, jwt: string }} */
let B;
/** A's pending document and its upload plan. @type {{ id: string, path: string, token: string, fileSize: number }} */
let docA;
/** A's document in processing. @type {string} */
let processingA;

const MiB = 1024 * 1024;
const OTHER_SECRET = 'another-secret-that-is-at-least-32-characters';
const hash = () => randomUUID().replaceAll('-', '');

before(async () => {
  stack = await startTestStack({ processor: false });
  const a = await signedInClient(stack);
  const b = await signedInClient(stack);
  A = { id: a.user.id, jwt: a.session.access_token };
  B = { id: b.user.id, jwt: b.session.access_token };
  const res = await fn('POST', 'upload-handler', A.jwt, { filename: 'notes.txt', contentType: 'text/plain', fileSize: 1000, fileHash: hash() });
  assert.equal(res.status, 201);
  const body = await res.json();
  docA = { id: body.documentId, path: body.upload.path, token: body.upload.token, fileSize: 1000 };
  // A's document in processing, where the owner may report progress (and a message).
  const p = await fn('POST', 'upload-handler', A.jwt, { filename: 'processing.txt', contentType: 'text/plain', fileSize: 1000, fileHash: hash() });
  assert.equal(p.status, 201);
  processingA = (await p.json()).documentId;
  await stack.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`update public.documents set status = 'processing', processing_stage = 'processing', bytes_uploaded = file_size, upload_progress = 100 where id = ${processingA}`;
  });
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

/** @param {string} method @param {string} name @param {string | null} jwt @param {unknown} [body] @param {Record<string, string>} [headers] */
function fn(method, name, jwt, body, headers = {}) {
  return fetch(`${stack.url}/functions/v1/${name}`, {
    method,
    headers: { ...(jwt ? { authorization: `Bearer ${jwt}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? /** @type {any} */ (body) : JSON.stringify(body),
  });
}

/** @param {string} method @param {string} rawPath @param {Record<string, string>} headers */
const rawRequest = (method, rawPath, headers) => rawRequestTo(stack.url, method, rawPath, headers);

/** Standard Webhooks headers for `body`. */
function signed(/** @type {string} */ body, { id = `msg_${randomUUID()}`, at = new Date(), secret = '', sendBody = body } = {}) {
  const sig = new Webhook(secret || stack.webhookSecret).sign(id, at, body);
  return { body: sendBody, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': sig } };
}

/** POST to processing-webhook. */
function hook(/** @type {{ body: string, headers: Record<string, string> }} */ s, query = '') {
  return fetch(`${stack.url}/functions/v1/processing-webhook${query}`, { method: 'POST', headers: s.headers, body: s.body });
}

/** POST raw bytes signed by hand (standardwebhooks signs strings only). */
function hookRaw(/** @type {Buffer} */ bytes) {
  const id = `msg_${randomUUID()}`;
  const ts = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(stack.webhookSecret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), bytes])).digest('base64');
  return fetch(`${stack.url}/functions/v1/processing-webhook`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${mac}` }, body: /** @type {any} */ (bytes),
  });
}

/**
 * POST a body in chunks (no Content-Length) on a connection of its own that is closed after:
 * the server answers 413 before it has read everything, and such a connection must not be
 * reused by the next case's fetch.
 * @param {string} path @param {Record<string, string>} headers @param {string} text
 * @returns {Promise<Response>}
 */
function chunkedPost(path, headers, text) {
  const { hostname, port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({ hostname, port, path, method: 'POST', headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      answered = true;
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })));
      res.on('error', reject);
    });
    req.on('error', (e) => { if (!answered) reject(e); });
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 16 * 1024) req.write(bytes.subarray(i, i + 16 * 1024));
    req.end();
  });
}

/** A user JWT signed like GoTrue's (the stack's secret unless told otherwise). */
const userJwt = (/** @type {string} */ sub, expiresIn = 3600, secret = stack.jwtSecret) =>
  signJwt({ sub, role: 'authenticated', aud: 'authenticated', email: 'x@example.com', session_id: randomUUID() }, secret, expiresIn);

/** An upload token as Storage signs it. */
const uploadToken = (/** @type {string} */ name, expiresIn = 600, secret = stack.jwtSecret) =>
  signJwt({ owner: A.id, url: `documents/${name}`, upsert: false, scope: 'upload' }, secret, expiresIn);

const sto = (/** @type {string} */ p, /** @type {RequestInit} */ init = {}) => fetch(`${stack.url}/storage/v1${p}`, init);

/**
 * Sign a key as A (Storage signs any name RLS lets through, as hosted does), then PUT a small
 * body with the token, the path exactly as Storage returned it: the upload is where a bad key is
 * refused. @param {string} rawSignPath
 */
async function signThenPut(rawSignPath) {
  const signed = await rawRequest('POST', rawSignPath, { authorization: `Bearer ${A.jwt}` });
  if (signed.status !== 200) return signed;
  const { url } = /** @type {{ url: string }} */ (await signed.json());
  const { hostname, port } = new URL(stack.url);
  return await new Promise((resolve, reject) => {
    // Storage returns the key as it is; a client percent-encodes what a request line cannot carry.
    const path = `/storage/v1${url}`.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
    const req = http.request({ hostname, port, path, method: 'PUT', headers: { 'content-type': 'application/pdf' } }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0 })));
    });
    req.on('error', reject);
    req.end('%PDF-1.4 x');
  });
}
const tusMeta = (/** @type {Record<string, string>} */ m) => Object.entries(m).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
const tusHeaders = (/** @type {string} */ name, length = '100') => ({
  'tus-resumable': '1.0.0', 'upload-length': length,
  'upload-metadata': tusMeta({ bucketName: 'documents', objectName: name, contentType: 'application/pdf' }),
});
const freshName = () => `${A.id}/${randomUUID()}/f.pdf`;
/** POST a raw JSON text to GoTrue's /auth/v1<path>, as auth-js does (apikey, JSON). */
const authPost = (/** @type {string} */ p, /** @type {string} */ body) =>
  fetch(`${stack.url}/auth/v1${p}`, { method: 'POST', headers: { apikey: stack.anonKey, 'content-type': 'application/json' }, body });
/** A signed-URL PUT of a small PDF with these extra headers (x-metadata…). */
const signedPut = async (/** @type {Record<string, string>} */ headers) => {
  const n = freshName();
  return sto(`/object/upload/sign/documents/${n}?token=${await uploadToken(n)}`, { method: 'PUT', headers: { 'content-type': 'application/pdf', ...headers }, body: '%PDF-1.7' });
};
const b64 = (/** @type {string} */ text) => Buffer.from(text).toString('base64');
const asA = () => ({ authorization: `Bearer ${A.jwt}`, 'content-type': 'application/json' });

/** What must not change when a request is refused. */
async function dbFingerprint() {
  await eventsIdle();
  const [row] = await stack.sql`
    select (select count(*) from public.documents)::int as documents,
           (select coalesce(max(updated_at), 'epoch') from public.documents)::text as documents_updated,
           (select coalesce(sum(bytes_uploaded), 0) from public.documents)::text as bytes,
           (select string_agg(id::text || status::text, ',' order by id) from public.documents) as statuses,
           (select count(*) from public.realtime_progress_updates)::int as progress_rows,
           (select count(*) from public.webhook_events)::int as webhook_events,
           (select count(*) from storage.objects)::int as objects,
           (select count(*) from auth.users)::int as users,
           (select count(*) from auth.sessions)::int as sessions,
           (select coalesce(max(updated_at), 'epoch') from storage.objects)::text as objects_updated`;
  return row;
}

/**
 * @typedef {object} Case
 * @property {string} name
 * @property {() => Promise<Response>} send
 * @property {number} status           HTTP status
 * @property {'fn' | 'storage' | 'tus' | 'auth'} kind  where the code is: the function's error.code (the functions
 *   run with verify_jwt = false and refuse bad tokens themselves); Storage REST's `<statusCode> <error>`
 *   (HTTP is 400 for every client error there); TUS's plain-text body (real HTTP status); GoTrue's `error_code`
 * @property {string | RegExp} code
 */

const json = (/** @type {Record<string, unknown>} */ over = {}) => ({ filename: 'report.pdf', contentType: 'application/pdf', fileSize: 1024, fileHash: hash(), ...over });
const post = (/** @type {unknown} */ body) => () => fn('POST', 'upload-handler', A.jwt, body);

/** @type {Case[]} */
const cases = [
  // --- upload-handler POST: auth
  { name: 'upload-handler POST without a token', send: () => fn('POST', 'upload-handler', null, json()), status: 401, kind: 'fn', code: 'auth_missing' },
  { name: 'upload-handler POST with a forged JWT', send: async () => fn('POST', 'upload-handler', await userJwt(A.id, 3600, OTHER_SECRET), json()), status: 401, kind: 'fn', code: 'auth_invalid' },
  { name: 'upload-handler POST with an expired JWT', send: async () => fn('POST', 'upload-handler', await userJwt(A.id, -60), json()), status: 401, kind: 'fn', code: 'auth_expired' },
  { name: 'upload-handler POST with a malformed JWT', send: () => fn('POST', 'upload-handler', 'not-a-jwt', json()), status: 401, kind: 'fn', code: 'auth_malformed' },
  { name: 'upload-handler POST with only the anon key', send: () => fn('POST', 'upload-handler', stack.anonKey, json()), status: 401, kind: 'fn', code: 'auth_missing' },
  { name: 'upload-handler POST with an alg=none JWT', send: () => fn('POST', 'upload-handler', `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'authenticated', exp: 9999999999 })).toString('base64url')}.`, json()), status: 401, kind: 'fn', code: 'auth_invalid' },
  { name: 'upload-handler POST as a user that no longer exists', send: async () => fn('POST', 'upload-handler', await userJwt(randomUUID()), json()), status: 401, kind: 'fn', code: 'auth_invalid' },
  { name: 'upload-handler POST with a non-UUID sub (valid signature)', send: async () => fn('POST', 'upload-handler', await userJwt("1' or '1'='1"), json()), status: 401, kind: 'fn', code: 'auth_invalid' },
  { name: 'upload-handler POST with a JWT without exp (valid signature)', send: async () => fn('POST', 'upload-handler', await new SignJWT({ sub: A.id, role: 'authenticated', aud: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(stack.jwtSecret)), json()), status: 401, kind: 'fn', code: 'auth_invalid' },
  { name: 'upload-handler POST huge JSON, chunked (no Content-Length)', send: () => chunkedPost('/functions/v1/upload-handler', { authorization: `Bearer ${A.jwt}`, 'content-type': 'application/json' }, JSON.stringify(json({ filler: 'x'.repeat(200 * 1024) }))), status: 413, kind: 'fn', code: 'payload_too_large' },
  { name: 'upload-handler POST UTF-16 body', send: () => fetch(`${stack.url}/functions/v1/upload-handler`, { method: 'POST', headers: { authorization: `Bearer ${A.jwt}`, 'content-type': 'application/json; charset=utf-16le' }, body: Buffer.from(JSON.stringify(json()), 'utf16le') }), status: 400, kind: 'fn', code: 'invalid_json' },
  { name: 'upload-handler POST Arabic-Indic digits as hash', send: post(json({ fileHash: '\u0660'.repeat(32) })), status: 422, kind: 'fn', code: 'hash_invalid' },
  { name: 'upload-handler POST with the service role key', send: () => fn('POST', 'upload-handler', stack.serviceRoleKey, json()), status: 403, kind: 'fn', code: 'forbidden' },
  { name: 'upload-handler POST with a JWT for role postgres (valid signature)', send: async () => fn('POST', 'upload-handler', await signJwt({ sub: A.id, role: 'postgres' }, stack.jwtSecret, 600), json()), status: 401, kind: 'fn', code: 'auth_invalid' },
  { name: 'upload-handler PUT as a user that does not exist (valid signature)', send: async () => fn('PUT', 'upload-handler', await userJwt(randomUUID()), { documentId: docA.id, bytesUploaded: 1, chunkIndex: 0, totalChunks: 1 }), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'upload-handler DELETE as a user that does not exist (valid signature)', send: async () => fn('DELETE', `upload-handler?documentId=${docA.id}`, await userJwt(randomUUID())), status: 404, kind: 'fn', code: 'document_not_found' },
  // --- upload-handler POST: bodies
  { name: 'upload-handler POST malformed JSON', send: post('{"filename": "a.pdf",'), status: 400, kind: 'fn', code: 'invalid_json' },
  { name: 'upload-handler POST huge JSON (64 KiB)', send: post(json({ filler: 'x'.repeat(64 * 1024) })), status: 413, kind: 'fn', code: 'payload_too_large' },
  { name: 'upload-handler POST not JSON (text/plain)', send: () => fetch(`${stack.url}/functions/v1/upload-handler`, { method: 'POST', headers: { authorization: `Bearer ${A.jwt}`, 'content-type': 'text/plain' }, body: JSON.stringify(json()) }), status: 415, kind: 'fn', code: 'unsupported_media_type' },
  { name: 'upload-handler POST a JSON array', send: post([json()]), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST JSON null', send: post('null'), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST missing fields', send: post({}), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST zero bytes', send: post(json({ fileSize: 0 })), status: 422, kind: 'fn', code: 'file_empty' },
  { name: 'upload-handler POST oversize (50 MiB + 1)', send: post(json({ fileSize: 50 * MiB + 1 })), status: 422, kind: 'fn', code: 'file_too_large' },
  { name: 'upload-handler POST negative size', send: post(json({ fileSize: -1 })), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST overflowing size (1e400 = Infinity)', send: post(JSON.stringify(json()).replace('"fileSize":1024', '"fileSize":1e400')), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST size beyond 2^64', send: post(json({ fileSize: 2 ** 64 })), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST fractional size', send: post(json({ fileSize: 10.5 })), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST size as a string', send: post(json({ fileSize: '1024' })), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST disallowed type (image/png)', send: post(json({ filename: 'a.png', contentType: 'image/png' })), status: 422, kind: 'fn', code: 'file_type_not_allowed' },
  { name: 'upload-handler POST mismatched type (.txt as PDF)', send: post(json({ filename: 'report.txt' })), status: 422, kind: 'fn', code: 'file_type_mismatch' },
  { name: 'upload-handler POST spoofed extension (.pdf.exe as PDF)', send: post(json({ filename: 'report.pdf.exe' })), status: 422, kind: 'fn', code: 'file_type_not_allowed' },
  { name: 'upload-handler POST path traversal in name', send: post(json({ filename: '../../etc/passwd.pdf' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST backslash in name', send: post(json({ filename: '..\\..\\boot.pdf' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST control character in name', send: post(json({ filename: 'bell\u0007.pdf' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST NUL in name', send: post(json({ filename: 'a\u0000.pdf' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST RTL override in name', send: post(json({ filename: 'invoice\u202Efdp.exe.pdf' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST name over 255 bytes (unicode)', send: post(json({ filename: `${'é'.repeat(130)}.pdf` })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST blank name', send: post(json({ filename: '   ' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'upload-handler POST bad hash', send: post(json({ fileHash: 'zz'.repeat(16) })), status: 422, kind: 'fn', code: 'hash_invalid' },
  { name: 'upload-handler POST invalid UTF-8 bytes', send: post(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), status: 400, kind: 'fn', code: 'invalid_json' },
  // --- upload-handler GET / PUT / DELETE
  { name: 'upload-handler GET fractional limit', send: () => fn('GET', 'upload-handler?limit=1.5', A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'upload-handler GET two documentIds', send: () => fn('GET', `upload-handler?documentId=${docA.id}&documentId=${randomUUID()}`, B.jwt), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'progress-tracker GET SQL in documentId', send: () => fn('GET', `progress-tracker?documentId=${encodeURIComponent("' or 1=1 --")}`, A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'upload-handler GET malformed documentId', send: () => fn('GET', 'upload-handler?documentId=../../etc', A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'upload-handler GET unknown documentId', send: () => fn('GET', `upload-handler?documentId=${randomUUID()}`, A.jwt), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: "upload-handler GET another user's document", send: () => fn('GET', `upload-handler?documentId=${docA.id}`, B.jwt), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'upload-handler GET negative limit', send: () => fn('GET', 'upload-handler?limit=-1', A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'upload-handler GET overflowing limit', send: () => fn('GET', 'upload-handler?limit=99999999999999999999999', A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: "upload-handler PUT progress on another user's document", send: () => fn('PUT', 'upload-handler', B.jwt, { documentId: docA.id, bytesUploaded: 10, chunkIndex: 0, totalChunks: 1 }), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'upload-handler PUT negative bytes', send: () => fn('PUT', 'upload-handler', A.jwt, { documentId: docA.id, bytesUploaded: -5, chunkIndex: 0, totalChunks: 1 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler PUT bytes past the file size', send: () => fn('PUT', 'upload-handler', A.jwt, { documentId: docA.id, bytesUploaded: docA.fileSize + 1, chunkIndex: 0, totalChunks: 1 }), status: 422, kind: 'fn', code: 'progress_out_of_range' },
  { name: 'upload-handler PUT overflowing bytes (2^64)', send: () => fn('PUT', 'upload-handler', A.jwt, { documentId: docA.id, bytesUploaded: 2 ** 64, chunkIndex: 0, totalChunks: 1 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler PUT malformed documentId', send: () => fn('PUT', 'upload-handler', A.jwt, { documentId: "1' or '1'='1", bytesUploaded: 1, chunkIndex: 0, totalChunks: 1 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler PUT negative chunk index, zero chunks', send: () => fn('PUT', 'upload-handler', A.jwt, { documentId: docA.id, bytesUploaded: 1, chunkIndex: -1, totalChunks: 0 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler PUT bytes as Infinity (1e400)', send: () => fn('PUT', 'upload-handler', A.jwt, `{"documentId":"${docA.id}","bytesUploaded":1e400,"chunkIndex":0,"totalChunks":1}`), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: "upload-handler DELETE another user's document", send: () => fn('DELETE', `upload-handler?documentId=${docA.id}`, B.jwt), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'upload-handler DELETE without documentId', send: () => fn('DELETE', 'upload-handler', A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'upload-handler PATCH (method not allowed)', send: () => fn('PATCH', 'upload-handler', A.jwt, {}), status: 405, kind: 'fn', code: 'method_not_allowed' },
  // --- progress-tracker
  { name: 'progress-tracker GET without a token', send: () => fn('GET', `progress-tracker?documentId=${docA.id}`, null), status: 401, kind: 'fn', code: 'auth_missing' },
  { name: "progress-tracker GET another user's document", send: () => fn('GET', `progress-tracker?documentId=${docA.id}`, B.jwt), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'progress-tracker GET without documentId', send: () => fn('GET', 'progress-tracker', A.jwt), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: "progress-tracker POST on another user's document", send: () => fn('POST', 'progress-tracker', B.jwt, { documentId: docA.id, stage: 'processing', progress: 10 }), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'progress-tracker POST progress 101', send: () => fn('POST', 'progress-tracker', A.jwt, { documentId: docA.id, stage: 'processing', progress: 101 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'progress-tracker POST negative progress', send: () => fn('POST', 'progress-tracker', A.jwt, { documentId: docA.id, stage: 'processing', progress: -1 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'progress-tracker POST unknown stage', send: () => fn('POST', 'progress-tracker', A.jwt, { documentId: docA.id, stage: 'hacking', progress: 1 }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'progress-tracker POST a transition as the user', send: () => fn('POST', 'progress-tracker', A.jwt, { documentId: docA.id, stage: 'completed', progress: 100 }), status: 403, kind: 'fn', code: 'forbidden' },
  { name: 'progress-tracker POST malformed JSON', send: () => fn('POST', 'progress-tracker', A.jwt, '{"documentId":'), status: 400, kind: 'fn', code: 'invalid_json' },
  { name: 'progress-tracker POST control characters and RTL in message, progress NaN-like string', send: () => fn('POST', 'progress-tracker', A.jwt, { documentId: docA.id, stage: 'processing', progress: 'NaN', message: '\u202E\u0000\u0007' }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: "progress-tracker DELETE another user's document", send: () => fn('DELETE', `progress-tracker?documentId=${docA.id}`, B.jwt), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'progress-tracker DELETE (reset) a pending document', send: () => fn('DELETE', `progress-tracker?documentId=${docA.id}`, A.jwt), status: 409, kind: 'fn', code: 'invalid_state' },
  { name: 'progress-tracker POST as the service role on an unknown document', send: () => fn('POST', 'progress-tracker', stack.serviceRoleKey, { documentId: randomUUID(), stage: 'processing', progress: 1 }), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'progress-tracker DELETE with an expired JWT', send: async () => fn('DELETE', `progress-tracker?documentId=${docA.id}`, await userJwt(A.id, -60)), status: 401, kind: 'fn', code: 'auth_expired' },
  { name: 'progress-tracker PUT (method not allowed)', send: () => fn('PUT', 'progress-tracker', A.jwt, {}), status: 405, kind: 'fn', code: 'method_not_allowed' },
  // --- processing-webhook
  { name: 'webhook without any signature', send: () => hook({ body: JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), headers: { 'content-type': 'application/json' } }), status: 401, kind: 'fn', code: 'signature_missing' },
  { name: 'webhook with a bad signature value', send: () => { const s = signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' })); s.headers['webhook-signature'] = 'v1,AAAA'; return hook(s); }, status: 401, kind: 'fn', code: 'signature_invalid' },
  { name: 'webhook forged with another secret', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), { secret: `whsec_${Buffer.from(OTHER_SECRET).toString('base64')}` })), status: 401, kind: 'fn', code: 'signature_invalid' },
  { name: 'webhook with a tampered body', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), { sendBody: JSON.stringify({ source: 'internal', documentId: docA.id, status: 'failed' }) })), status: 401, kind: 'fn', code: 'signature_invalid' },
  { name: 'webhook stale (10 minutes old)', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), { at: new Date(Date.now() - 10 * 60_000) })), status: 401, kind: 'fn', code: 'signature_expired' },
  { name: 'webhook from the future (10 minutes ahead)', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), { at: new Date(Date.now() + 10 * 60_000) })), status: 401, kind: 'fn', code: 'signature_expired' },
  { name: 'webhook with a timestamp in milliseconds', send: () => { const s = signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' })); s.headers['webhook-timestamp'] = String(Date.now()); return hook(s); }, status: 401, kind: 'fn', code: 'signature_expired' },
  { name: 'webhook with a wrong shared secret', send: () => hook({ body: JSON.stringify({ source: 'storage', documentId: docA.id, status: 'completed' }), headers: { 'content-type': 'application/json', 'x-webhook-secret': 'guess' } }, '?source=storage'), status: 401, kind: 'fn', code: 'signature_invalid' },
  { name: 'webhook oversized body (300 KiB), signed', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing', message: 'x'.repeat(300 * 1024) }))), status: 413, kind: 'fn', code: 'payload_too_large' },
  { name: 'webhook malformed JSON, signed', send: () => hook(signed('{"source":"internal",')), status: 400, kind: 'fn', code: 'invalid_json' },
  { name: 'webhook unknown source, signed', send: () => hook(signed(JSON.stringify({ source: 'mallory', documentId: docA.id, status: 'completed' }))), status: 400, kind: 'fn', code: 'source_unknown' },
  { name: 'webhook ?source disagrees with the body', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' })), '?source=embedding'), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'webhook id longer than 255', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), { id: 'm'.repeat(300) })), status: 400, kind: 'fn', code: 'invalid_request' },
  { name: 'webhook not JSON (text/plain)', send: () => { const s = signed('source=internal'); s.headers['content-type'] = 'text/plain'; return hook(s); }, status: 415, kind: 'fn', code: 'unsupported_media_type' },
  { name: 'webhook for an unknown document', send: () => hook(signed(JSON.stringify({ source: 'storage', documentId: randomUUID(), status: 'completed' }))), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'webhook an impossible move (pending → completed)', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'completed' }))), status: 409, kind: 'fn', code: 'invalid_state' },
  { name: 'webhook progress out of range (500)', send: () => hook(signed(JSON.stringify({ source: 'embedding', documentId: docA.id, status: 'progress', progress: 500 }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook with a NUL character', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'failed', error: { code: 'x', message: 'a\u0000b' } }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook nested deeper than 32', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing', extra: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook signature without webhook-id', send: () => { const s = signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' })); delete (/** @type {Record<string, string | undefined>} */ (s.headers))['webhook-id']; return hook(s); }, status: 401, kind: 'fn', code: 'signature_missing' },
  { name: 'webhook oversized body (1 MiB), unsigned', send: () => hook({ body: JSON.stringify({ source: 'internal', pad: 'x'.repeat(MiB) }), headers: { 'content-type': 'application/json' } }), status: 413, kind: 'fn', code: 'payload_too_large' },
  { name: 'webhook invalid UTF-8, signed', send: () => hookRaw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), status: 400, kind: 'fn', code: 'invalid_json' },
  { name: 'webhook a JSON array, signed', send: () => hook(signed('[1,2,3]')), status: 400, kind: 'fn', code: 'source_unknown' },
  { name: 'webhook shared secret for the embedding source', send: () => hook({ body: JSON.stringify({ source: 'embedding', documentId: docA.id, status: 'progress', progress: 1 }), headers: { 'content-type': 'application/json', 'x-webhook-secret': 'guess' } }), status: 401, kind: 'fn', code: 'signature_invalid' },
  { name: 'webhook llamaparse without jobId', send: () => hook(signed(JSON.stringify({ source: 'llamaparse', event: 'parse.success' }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook llamaparse unknown jobId', send: () => hook(signed(JSON.stringify({ event: 'parse.success', jobId: randomUUID() })), '?source=llamaparse'), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'webhook storage event for a traversal object name', send: () => hook(signed(JSON.stringify({ type: 'INSERT', table: 'objects', schema: 'storage', record: { bucket_id: 'documents', name: `${A.id}/../../${docA.path}`, metadata: { size: 1000 } } })), '?source=storage'), status: 404, kind: 'fn', code: 'document_not_found' },
  { name: 'webhook failure with an invalid error code', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'failed', error: { code: '<script> x'.repeat(10), message: '\u202Eoops' } }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook negative size for storage completed', send: () => hook(signed(JSON.stringify({ source: 'storage', documentId: docA.id, status: 'completed', size: -1 }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook oversized body (1 MiB), chunked, signed', send: () => { const s = signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing', pad: 'x'.repeat(MiB) })); return chunkedPost('/functions/v1/processing-webhook', s.headers, s.body); }, status: 413, kind: 'fn', code: 'payload_too_large' },
  { name: 'webhook with 2000 signature entries', send: () => { const s = signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' })); s.headers['webhook-signature'] = Array.from({ length: 2000 }, () => 'v1,AAAA').join(' '); return hook(s); }, status: 401, kind: 'fn', code: 'signature_invalid' },
  { name: 'webhook with a negative timestamp', send: () => { const s = signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' })); s.headers['webhook-timestamp'] = '-1'; return hook(s); }, status: 401, kind: 'fn', code: 'signature_expired' },
  { name: 'webhook internal with a non-UUID documentId', send: () => hook(signed(JSON.stringify({ source: 'internal', documentId: "x'; drop table documents; --", status: 'processing' }))), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook storage DB event with a non-object record', send: () => hook(signed(JSON.stringify({ type: 'INSERT', table: 'objects', schema: 'storage', record: 'x' })), '?source=storage'), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook storage DB event with a huge size', send: () => hook(signed(JSON.stringify({ type: 'INSERT', table: 'objects', schema: 'storage', record: { bucket_id: 'documents', name: docA.path, metadata: { size: 1e400 } } }).replace('null', '1e400')), '?source=storage'), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'webhook GET (method not allowed)', send: () => fetch(`${stack.url}/functions/v1/processing-webhook`), status: 405, kind: 'fn', code: 'method_not_allowed' },
  // --- Storage: signed upload URLs
  { name: "storage sign into another user's folder", send: () => sto(`/object/upload/sign/documents/${B.id}/${randomUUID()}/x.pdf`, { method: 'POST', headers: { authorization: `Bearer ${A.jwt}` } }), status: 400, kind: 'storage', code: '403 Unauthorized' },
  { name: 'storage upload (signed as hosted signs it) with ../ traversal', send: () => signThenPut(`/storage/v1/object/upload/sign/documents/${A.id}/../${B.id}/x.pdf`), status: 400, kind: 'storage', code: '400 InvalidKey' },
  { name: 'storage sign an absolute path (outside the user\'s folder: RLS refuses)', send: () => signThenPut(`/storage/v1/object/upload/sign/documents/%2F${A.id}/x.pdf`), status: 400, kind: 'storage', code: '403 Unauthorized' },
  { name: 'storage sign with control characters', send: () => rawRequest('POST', `/storage/v1/object/upload/sign/documents/${A.id}/a%07%00b.pdf`, { authorization: `Bearer ${A.jwt}` }), status: 400, kind: 'storage', code: '400 InvalidKey' },
  { name: 'storage upload (signed as hosted signs it) with an RTL override in the key', send: () => signThenPut(`/storage/v1/object/upload/sign/documents/${A.id}/%E2%80%AEfdp.exe`), status: 400, kind: 'storage', code: '400 InvalidKey' },
  { name: 'storage sign with an expired JWT', send: async () => sto(`/object/upload/sign/documents/${A.id}/x.pdf`, { method: 'POST', headers: { authorization: `Bearer ${await userJwt(A.id, -60)}` } }), status: 400, kind: 'storage', code: '403 Unauthorized' },
  { name: 'storage upload (signed as hosted signs it) a non-ASCII (unicode) key', send: () => signThenPut(`/storage/v1/object/upload/sign/documents/${A.id}/caf%C3%A9.pdf`), status: 400, kind: 'storage', code: '400 InvalidKey' },
  { name: 'storage sign in an unknown bucket (RLS refuses, as hosted)', send: () => sto(`/object/upload/sign/nope/${A.id}/x.pdf`, { method: 'POST', headers: { authorization: `Bearer ${A.jwt}` } }), status: 400, kind: 'storage', code: '403 Unauthorized' },
  { name: 'storage sign without a token', send: () => sto(`/object/upload/sign/documents/${A.id}/x.pdf`, { method: 'POST' }), status: 400, kind: 'storage', code: '403 Unauthorized' },
  // --- Storage: uploads to signed URLs
  { name: 'storage PUT with a forged token', send: async () => { const n = freshName(); return sto(`/object/upload/sign/documents/${n}?token=${await uploadToken(n, 600, OTHER_SECRET)}`, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.7' }); }, status: 400, kind: 'storage', code: '400 InvalidJWT' },
  { name: 'storage PUT with an expired token', send: async () => { const n = freshName(); return sto(`/object/upload/sign/documents/${n}?token=${await uploadToken(n, -10)}`, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.7' }); }, status: 400, kind: 'storage', code: '400 InvalidJWT' },
  { name: "storage PUT with another object's token", send: () => sto(`/object/upload/sign/documents/${freshName()}?token=${docA.token}`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' }), status: 400, kind: 'storage', code: '400 InvalidSignature' },
  { name: 'storage PUT without a token', send: () => sto(`/object/upload/sign/documents/${docA.path}`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' }), status: 400, kind: 'storage', code: '400 InvalidRequest' },
  { name: 'storage PUT over the 50 MiB limit', send: async () => { const n = freshName(); return sto(`/object/upload/sign/documents/${n}?token=${await uploadToken(n)}`, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.alloc(50 * MiB + 1) }); }, status: 400, kind: 'storage', code: '413 Payload too large' },
  { name: 'storage PUT a disallowed mime type', send: async () => { const n = freshName(); return sto(`/object/upload/sign/documents/${n}?token=${await uploadToken(n)}`, { method: 'PUT', headers: { 'content-type': 'application/x-msdownload' }, body: 'MZ' }); }, status: 400, kind: 'storage', code: '415 invalid_mime_type' },
  // --- Storage: TUS
  { name: 'TUS create without x-signature', send: () => sto('/upload/resumable/sign', { method: 'POST', headers: tusHeaders(freshName()) }), status: 400, kind: 'tus', code: 'Missing x-signature header' },
  { name: 'TUS create with a forged x-signature', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n), 'x-signature': await uploadToken(n, 600, OTHER_SECRET) } }); }, status: 400, kind: 'tus', code: 'signature verification failed' },
  { name: 'TUS create with an over-size Upload-Length', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n, String(50 * MiB + 1)), 'x-signature': await uploadToken(n) } }); }, status: 413, kind: 'tus', code: 'Maximum size exceeded' },
  { name: 'TUS create with a negative Upload-Length', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n, '-1'), 'x-signature': await uploadToken(n) } }); }, status: 400, kind: 'tus', code: 'Invalid upload-length' },
  { name: 'TUS create with bad Upload-Metadata base64', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n), 'upload-metadata': 'bucketName %%%,objectName ***', 'x-signature': await uploadToken(n) } }); }, status: 400, kind: 'tus', code: 'Invalid upload-metadata' },
  { name: 'TUS create with a non-numeric Upload-Length', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n, '1e9999'), 'x-signature': await uploadToken(n) } }); }, status: 400, kind: 'tus', code: 'Invalid upload-length' },
  { name: 'TUS create with a disallowed content type', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n), 'upload-metadata': tusMeta({ bucketName: 'documents', objectName: n, contentType: 'text/html' }), 'x-signature': await uploadToken(n) } }); }, status: 415, kind: 'tus', code: 'mime type text/html is not supported' },
  { name: 'TUS create with a traversal objectName', send: async () => { const n = `${A.id}/../${B.id}/x.pdf`; return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n), 'x-signature': await uploadToken(n) } }); }, status: 400, kind: 'tus', code: /^Invalid key: / },
  { name: 'TUS PATCH an unknown upload (signed route)', send: async () => { const n = freshName(); const id = Buffer.from(`documents/${n}/${randomUUID()}`).toString('base64url'); return sto(`/upload/resumable/sign/${id}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'x-signature': await uploadToken(n) }, body: 'abc' }); }, status: 404, kind: 'tus', code: 'The file for this url was not found' },
  // --- text Postgres cannot store (NUL, unpaired surrogates): one rule, refused before any write
  { name: 'progress-tracker POST NUL in message (owner)', send: () => fn('POST', 'progress-tracker', A.jwt, { documentId: processingA, stage: 'processing', progress: 1, message: 'page\u00002' }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'progress-tracker POST NUL in message (service role)', send: () => fn('POST', 'progress-tracker', stack.serviceRoleKey, { documentId: processingA, stage: 'processing', progress: 1, message: 'page\u00002' }), status: 422, kind: 'fn', code: 'validation_failed' },
  { name: 'upload-handler POST lone surrogate in name', send: post(json({ filename: 'a\ud800.pdf' })), status: 422, kind: 'fn', code: 'filename_invalid' },
  { name: 'auth signup body []', send: () => authPost('/signup', '[]'), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth signup body "x"', send: () => authPost('/signup', '"x"'), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth signup password as an object', send: () => authPost('/signup', JSON.stringify({ email: `${randomUUID()}@example.com`, password: { $ne: '' } })), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth signup data as a string', send: () => authPost('/signup', JSON.stringify({ email: `${randomUUID()}@example.com`, password: 'secret-123', data: 'x' })), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth signup NUL in email', send: () => authPost('/signup', JSON.stringify({ email: `a\u0000${randomUUID()}@example.com`, password: 'secret-123' })), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth signup NUL in password', send: () => authPost('/signup', JSON.stringify({ email: `${randomUUID()}@example.com`, password: 'secret\u0000123' })), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth signup NUL in user metadata', send: () => authPost('/signup', JSON.stringify({ email: `${randomUUID()}@example.com`, password: 'secret-123', data: { name: 'a\u0000' } })), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth anonymous signup NUL in user metadata', send: () => authPost('/signup', JSON.stringify({ data: { name: 'a\u0000' } })), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth anonymous signup lone surrogate in user metadata', send: () => authPost('/signup', '{"data":{"name":"\\ud800"}}'), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth password grant body null', send: () => authPost('/token?grant_type=password', 'null'), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth password grant body []', send: () => authPost('/token?grant_type=password', '[]'), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth password grant body "x"', send: () => authPost('/token?grant_type=password', '"x"'), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth password grant NUL in email', send: () => authPost('/token?grant_type=password', JSON.stringify({ email: 'a\u0000@example.com', password: 'secret-123' })), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth password grant password as an object', send: () => authPost('/token?grant_type=password', JSON.stringify({ email: 'a@example.com', password: { $gt: '' } })), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth refresh grant body null', send: () => authPost('/token?grant_type=refresh_token', 'null'), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth refresh grant body []', send: () => authPost('/token?grant_type=refresh_token', '[]'), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'auth refresh grant NUL in the token', send: () => authPost('/token?grant_type=refresh_token', JSON.stringify({ refresh_token: 'abcdefghijkl\u0000mnop' })), status: 400, kind: 'auth', code: 'validation_failed' },
  { name: 'auth refresh grant token as an object', send: () => authPost('/token?grant_type=refresh_token', JSON.stringify({ refresh_token: { a: 1 } })), status: 400, kind: 'auth', code: 'bad_json' },
  { name: 'storage PUT NUL in x-metadata', send: () => signedPut({ 'x-metadata': b64('{"note":"a\\u0000b"}') }), status: 400, kind: 'storage', code: '400 InvalidParameter' },
  { name: 'storage list NUL in prefix', send: () => sto('/object/list/documents', { method: 'POST', headers: asA(), body: JSON.stringify({ prefix: `${A.id}/\u0000` }) }), status: 400, kind: 'storage', code: '400 InvalidParameter' },
  { name: 'storage list lone surrogate in prefix', send: () => sto('/object/list/documents', { method: 'POST', headers: asA(), body: `{"prefix":"${A.id}/\\ud800"}` }), status: 400, kind: 'storage', code: '400 InvalidParameter' },
  { name: 'storage remove NUL in a name', send: () => sto('/object/documents', { method: 'DELETE', headers: asA(), body: JSON.stringify({ prefixes: [`${docA.path}\u0000`] }) }), status: 400, kind: 'storage', code: '400 InvalidParameter' },
  { name: 'storage remove lone surrogate in a name', send: () => sto('/object/documents', { method: 'DELETE', headers: asA(), body: `{"prefixes":["${A.id}/\\ud800.pdf"]}` }), status: 400, kind: 'storage', code: '400 InvalidParameter' },
  { name: 'TUS create (signed) NUL in user metadata', send: async () => { const n = freshName(); return sto('/upload/resumable/sign', { method: 'POST', headers: { ...tusHeaders(n), 'upload-metadata': tusMeta({ bucketName: 'documents', objectName: n, contentType: 'application/pdf', metadata: '{"note":"a\\u0000"}' }), 'x-signature': await uploadToken(n) } }); }, status: 400, kind: 'tus', code: /^Invalid Parameter metadata\.note: / },
  { name: 'TUS create (bearer) NUL in user metadata', send: () => { const n = freshName(); return sto('/upload/resumable', { method: 'POST', headers: { ...tusHeaders(n), 'upload-metadata': tusMeta({ bucketName: 'documents', objectName: n, contentType: 'application/pdf', metadata: '{"note":"a\\u0000"}' }), authorization: `Bearer ${A.jwt}` } }); }, status: 400, kind: 'tus', code: /^Invalid Parameter metadata\.note: / },
  { name: 'TUS create (bearer) NUL in contentType', send: () => { const n = freshName(); return sto('/upload/resumable', { method: 'POST', headers: { ...tusHeaders(n), 'upload-metadata': tusMeta({ bucketName: 'documents', objectName: n, contentType: 'application/pdf\u0000' }), authorization: `Bearer ${A.jwt}` } }); }, status: 400, kind: 'tus', code: /^Invalid Parameter contentType: / },
  { name: 'TUS PATCH an unknown upload (bearer route)', send: () => { const id = Buffer.from(`documents/${freshName()}/${randomUUID()}`).toString('base64url'); return sto(`/upload/resumable/${id}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', authorization: `Bearer ${A.jwt}` }, body: 'abc' }); }, status: 404, kind: 'tus', code: 'The file for this url was not found' },
];

for (const c of cases) {
  test(`refused: ${c.name}`, async () => {
    const before = await dbFingerprint();
    const res = await c.send();
    const text = await res.text();
    const what = `${res.status} ${text.slice(0, 300)}`;
    assert.ok(res.status >= 400 && res.status < 500, `a 4xx, got ${what}`);
    assert.equal(res.status, c.status, what);
    /** @type {any} */
    let body;
    if (c.kind !== 'tus') body = JSON.parse(text);
    const code = c.kind === 'fn' ? body.error?.code : c.kind === 'storage' ? `${body.statusCode} ${body.error}` : c.kind === 'auth' ? body.error_code : text.trim();
    if (c.code instanceof RegExp) assert.match(String(code), c.code, what);
    else assert.equal(code, c.code, what);
    assert.deepEqual(await dbFingerprint(), before, 'the database is unchanged');
  });
}

test('a replayed webhook answers 200 duplicate with no second effect', async () => {
  const created = await fn('POST', 'upload-handler', A.jwt, { filename: 'replay.txt', contentType: 'text/plain', fileSize: 10, fileHash: hash() });
  assert.equal(created.status, 201);
  const { documentId } = await created.json();
  const s = signed(JSON.stringify({ source: 'storage', documentId, status: 'failed', error: { code: 'upload_failed', message: 'gone' } }));
  const first = await hook(s);
  assert.equal(first.status, 200);
  assert.equal((await first.json()).duplicate, false);
  const before = await dbFingerprint();
  const again = await hook(s);
  assert.equal(again.status, 200);
  const body = await again.json();
  assert.equal(body.duplicate, true);
  assert.equal(body.documentId, documentId);
  assert.equal(body.status, 'failed');
  // the same id again with another (validly signed) body: still the first delivery's id, no effect
  const reused = await hook(signed(JSON.stringify({ source: 'internal', documentId: docA.id, status: 'processing' }), { id: s.headers['webhook-id'] }));
  assert.equal(reused.status, 200);
  assert.equal((await reused.json()).duplicate, true);
  assert.deepEqual(await dbFingerprint(), before, 'the replays changed nothing');
});

test('auth signup with a JSON null body is an empty one, as GoTrue reads it (json.Unmarshal leaves the struct as is): an anonymous sign-in; a non-object body never is', async () => {
  const count = async () => (await stack.sql`select count(*)::int as n from auth.users where is_anonymous`)[0]?.n;
  const before = await count();
  for (const body of ['[]', '"x"', '1', 'true', '[{}]']) {
    const res = await authPost('/signup', body);
    assert.equal(res.status, 400, body);
    assert.equal((await res.json()).error_code, 'bad_json', body);
  }
  assert.equal(await count(), before, 'no anonymous user from a non-object body');
  const res = await authPost('/signup', 'null');
  assert.equal(res.status, 200);
  const session = await res.json();
  assert.equal(session.user.is_anonymous, true);
  assert.equal(await count(), before + 1);
});

test('the corpus is big enough', () => {
  assert.ok(cases.length >= 50, `${cases.length} cases`);
});
