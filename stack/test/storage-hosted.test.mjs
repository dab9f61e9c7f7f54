// @ts-check
// Where the stack's Storage once answered differently from hosted Supabase Storage
// (supabase/storage): each test drives the real clients (supabase-js's storage-js,
// tus-js-client) into one of those corners and checks the answer hosted gives, as read in
// Storage's source (routes/object/*, routes/tus/lifecycle.ts, storage/uploader.ts,
// internal/errors/codes.ts, http/plugins/jwt.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tus from 'tus-js-client';
import { signJwt } from '../src/jwt.mjs';
import { eventsIdle } from '../src/pg-net.mjs';
import { client, disconnectClients, startTestStack } from './helpers.mjs';

const BUCKET = 'documents';
const PUBLIC_BUCKET = 'open-hosted-test';
const PDF = 'application/pdf';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
/** @type {string} */
let dataDir;
/** @type {string[]} */
const logs = [];

before(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'v2-storage-hosted-test-'));
  chmodSync(dataDir, 0o755); // Postgres runs as its own user when we are root and must reach <dataDir>/db
  stack = await startTestStack({ processor: false, dataDir, log: (line) => void logs.push(line) });
  await stack.sql`insert into storage.buckets (id, name, public) values (${PUBLIC_BUCKET}, ${PUBLIC_BUCKET}, true)`;
});

after(async () => {
  await eventsIdle();
  await disconnectClients();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Deterministic bytes. @param {number} size @param {number} seed */
function bytes(size, seed) {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** A user in auth.users with a valid and an expired JWT, and supabase-js clients for both. */
async function makeUser() {
  const id = randomUUID();
  await stack.sql`insert into auth.users (id, aud, role, email) values (${id}, 'authenticated', 'authenticated', ${`${id}@example.com`})`;
  const claims = { sub: id, role: 'authenticated', aud: 'authenticated' };
  const jwt = await signJwt(claims, stack.jwtSecret, 3600);
  const expiredJwt = await signJwt(claims, stack.jwtSecret, -60);
  const as = (/** @type {string} */ token) => client(stack, { global: { headers: { Authorization: `Bearer ${token}` } } });
  const supabase = as(jwt);
  return { id, jwt, expiredJwt, supabase, storage: supabase.storage.from(BUCKET), expired: as(expiredJwt).storage.from(BUCKET) };
}

/** Store an object as its owner through a signed upload URL. @param {Awaited<ReturnType<typeof makeUser>>} user @param {string} name @param {Buffer} data */
async function put(user, name, data) {
  const signed = await user.storage.createSignedUploadUrl(name);
  assert.equal(signed.error, null);
  const { error } = await user.storage.uploadToSignedUrl(name, signed.data?.token ?? '', data, { contentType: PDF });
  assert.equal(error, null);
}

/** @param {string} name @returns {Promise<any>} */
async function objectRow(name, bucket = BUCKET) {
  const [row] = await stack.sql`select * from storage.objects where bucket_id = ${bucket} and name = ${name}`;
  return row;
}

/** @param {string} p @param {RequestInit} [init] */
const storageFetch = (p, init = {}) => fetch(`${stack.url}/storage/v1${p}`, init);

/** A REST error exactly as Storage renders it: HTTP 400 (client errors) and this body. @param {Response} res @param {Record<string, string>} body */
async function assertErrorBody(res, body) {
  const text = await res.text();
  assert.equal(res.status, 400, text);
  assert.deepEqual(JSON.parse(text), body);
}

const KEY_ALREADY_EXISTS = { statusCode: '409', code: 'KeyAlreadyExists', error: 'Duplicate', message: 'The resource already exists' };
const RLS_DENIED = { statusCode: '403', code: 'AccessDenied', error: 'Unauthorized', message: 'new row violates row-level security policy' };
const NO_SUCH_BUCKET = { statusCode: '404', code: 'NoSuchBucket', error: 'Bucket not found', message: 'Bucket not found' };
const NO_SUCH_KEY = { statusCode: '404', code: 'NoSuchKey', error: 'not_found', message: 'Object not found' };

/**
 * tus-js-client's HTTP stack, except that the answer to the PATCH that completes the upload is
 * lost: the server got every byte, the client sees a network error.
 * @param {string[]} log  "METHOD offset" of every request, in order
 */
function losingLastAnswer(log) {
  const inner = new tus.DefaultHttpStack({});
  let lost = false;
  return {
    getName: () => 'losing-last-answer',
    createRequest(/** @type {string} */ method, /** @type {string} */ url) {
      const req = inner.createRequest(method, url);
      const send = req.send.bind(req);
      req.send = async (/** @type {any} */ body) => {
        log.push(`${method} ${req.getHeader('Upload-Offset') ?? ''}`.trim());
        const res = await send(body);
        if (method === 'PATCH' && !lost && res.getHeader('Tus-Complete') === '1') {
          lost = true;
          throw new Error('connection reset before the answer arrived');
        }
        return res;
      };
      return req;
    },
  };
}

describe('TUS: a finished upload stays complete until it expires', () => {
  test('a lost answer to the last PATCH: the retry HEADs, sees Upload-Offset = Upload-Length and succeeds without data', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/lost-answer.pdf`;
    const data = bytes(3 * 1024 * 1024 + 5, 1);
    const signed = await alice.storage.createSignedUploadUrl(name);
    const headers = { 'x-signature': signed.data?.token ?? '' };
    /** @type {string[]} */
    const log = [];
    /** @type {tus.Upload | undefined} */
    let upload;
    await new Promise((resolve, reject) => {
      upload = new tus.Upload(data, {
        endpoint: `${stack.url}/storage/v1/upload/resumable/sign`,
        chunkSize: 2 * 1024 * 1024,
        retryDelays: [0],
        headers,
        metadata: { bucketName: BUCKET, objectName: name, contentType: PDF },
        storeFingerprintForResuming: false,
        httpStack: /** @type {any} */ (losingLastAnswer(log)),
        onError: reject,
        onSuccess: () => resolve(undefined),
      });
      upload.start();
    });
    assert.deepEqual(log, ['POST', 'PATCH 0', `PATCH ${2 * 1024 * 1024}`, 'HEAD'], 'no second POST, no bytes sent again');
    assert.ok(readFileSync(path.join(dataDir, 'storage', 'objects', BUCKET, ...name.split('/'))).equals(data));
    const row = await objectRow(name);

    // The upload URL goes on answering "complete" (also to a HEAD with the bearer route's rules).
    const url = upload?.url ?? '';
    const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...headers } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(data.length));
    assert.equal(head.headers.get('upload-length'), String(data.length));

    // A PATCH at the end is answered like the one that completed it; nothing is stored again.
    const patch = (/** @type {number} */ offset, /** @type {Buffer} */ body) => fetch(url, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...headers },
      body,
    });
    const atEnd = await patch(data.length, Buffer.alloc(0));
    assert.equal(atEnd.status, 204);
    assert.equal(atEnd.headers.get('upload-offset'), String(data.length));
    assert.equal(atEnd.headers.get('tus-complete'), '1');
    assert.equal((await patch(0, data.subarray(0, 10))).status, 409, 'an offset that does not match: 409, as tus');
    assert.equal((await patch(data.length, Buffer.from('more'))).status, 413, 'no byte beyond Upload-Length');
    const after = await objectRow(name);
    assert.deepEqual([after.id, after.version, after.updated_at], [row.id, row.version, row.updated_at]);
    const remove = await fetch(url, { method: 'DELETE', headers: { 'tus-resumable': '1.0.0', ...headers } });
    assert.equal(remove.status, 400, 'a finished upload cannot be terminated');
    assert.ok(existsSync(path.join(dataDir, 'storage', 'objects', BUCKET, ...name.split('/'))));
  });

  test('bearer route: HEAD on a finished upload answers 200 with the full offset too', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/bearer-done.pdf`;
    const data = bytes(1000, 2);
    const url = await new Promise((resolve, reject) => {
      const upload = new tus.Upload(data, {
        endpoint: `${stack.url}/storage/v1/upload/resumable`,
        headers: { authorization: `Bearer ${alice.jwt}` },
        metadata: { bucketName: BUCKET, objectName: name, contentType: PDF },
        storeFingerprintForResuming: false,
        onError: reject,
        onSuccess: () => resolve(upload.url),
      });
      upload.start();
    });
    const head = await fetch(/** @type {string} */ (url), { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${alice.jwt}` } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), '1000');

    // tus-js-client resuming that URL completes at once, without a PATCH.
    /** @type {string[]} */
    const methods = [];
    await new Promise((resolve, reject) => {
      const upload = new tus.Upload(data, {
        uploadUrl: /** @type {string} */ (url),
        headers: { authorization: `Bearer ${alice.jwt}` },
        storeFingerprintForResuming: false,
        onBeforeRequest: (req) => void methods.push(req.getMethod()),
        onError: reject,
        onSuccess: () => resolve(undefined),
      });
      upload.start();
    });
    assert.deepEqual(methods, ['HEAD']);
  });
});

describe('signed uploads', () => {
  test('a signed TUS upload replaces an existing object (Storage completes every upload with an upsert)', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/replaced.pdf`;
    const early = await alice.storage.createSignedUploadUrl(name); // no upsert; signed while the name is free
    await put(alice, name, bytes(100, 3));
    const { id } = await objectRow(name);
    const second = bytes(2000, 4);
    await new Promise((resolve, reject) => {
      const upload = new tus.Upload(second, {
        endpoint: `${stack.url}/storage/v1/upload/resumable/sign`,
        headers: { 'x-signature': early.data?.token ?? '' },
        metadata: { bucketName: BUCKET, objectName: name, contentType: PDF },
        storeFingerprintForResuming: false,
        onError: reject,
        onSuccess: () => resolve(undefined),
      });
      upload.start();
    });
    const row = await objectRow(name);
    assert.equal(row.id, id, 'the same object');
    assert.equal(row.metadata.size, 2000);
    assert.equal(row.owner_id, alice.id, 'the owner comes from the token');
    const { data } = await alice.storage.download(name);
    assert.ok(Buffer.from(await /** @type {Blob} */ (data).arrayBuffer()).equals(second));
  });

  test('an existing object: KeyAlreadyExists, with the body Storage renders', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/twice.pdf`;
    const early = await alice.storage.createSignedUploadUrl(name);
    await put(alice, name, bytes(100, 5));

    const sign = await alice.storage.createSignedUploadUrl(name);
    assert.equal(/** @type {any} */ (sign.error)?.code, 'KeyAlreadyExists');
    assert.equal(/** @type {any} */ (sign.error)?.statusCode, '409');
    const late = await alice.storage.uploadToSignedUrl(name, early.data?.token ?? '', bytes(10, 6), { contentType: PDF });
    assert.equal(/** @type {any} */ (late.error)?.code, 'KeyAlreadyExists');
    const direct = await alice.storage.upload(name, bytes(10, 6), { contentType: PDF });
    assert.equal(/** @type {any} */ (direct.error)?.code, 'KeyAlreadyExists');

    const raw = await storageFetch(`/object/upload/sign/${BUCKET}/${name}`, { method: 'POST', headers: { authorization: `Bearer ${alice.jwt}` } });
    await assertErrorBody(raw, KEY_ALREADY_EXISTS);
    const tusPost = await storageFetch('/upload/resumable', {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0', authorization: `Bearer ${alice.jwt}`, 'upload-length': '10',
        'upload-metadata': `bucketName ${Buffer.from(BUCKET).toString('base64')},objectName ${Buffer.from(name).toString('base64')}`,
      },
    });
    assert.equal(tusPost.status, 409);
    assert.equal(await tusPost.text(), 'The resource already exists');
  });

  test('signing in a missing bucket: the RLS insert check fails (403), or its foreign key for the service role', async () => {
    const alice = await makeUser();
    const { error } = await alice.supabase.storage.from('no-such-bucket').createSignedUploadUrl(`${alice.id}/x.pdf`);
    assert.equal(/** @type {any} */ (error)?.statusCode, '403');
    assert.equal(error?.message, 'new row violates row-level security policy');
    await assertErrorBody(await storageFetch(`/object/upload/sign/no-such-bucket/${alice.id}/x.pdf`, {
      method: 'POST', headers: { authorization: `Bearer ${alice.jwt}` },
    }), RLS_DENIED);
    await assertErrorBody(await storageFetch(`/object/upload/sign/no-such-bucket/${alice.id}/x.pdf`, {
      method: 'POST', headers: { authorization: `Bearer ${stack.serviceRoleKey}` },
    }), { statusCode: '404', code: 'InvalidRequest', error: 'InvalidRequest', message: 'The related resource does not exist' });
  });

  test('a key with non-ASCII characters is signed, and refused at upload with 400 InvalidKey', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/café résumé.pdf`;
    const signed = await alice.storage.createSignedUploadUrl(name);
    assert.equal(signed.error, null);
    const { error } = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', bytes(10, 7), { contentType: PDF });
    assert.equal(/** @type {any} */ (error)?.statusCode, '400');
    assert.equal(/** @type {any} */ (error)?.code, 'InvalidKey');
    const raw = await storageFetch(`/object/upload/sign/${BUCKET}/${name.split('/').map(encodeURIComponent).join('/')}?token=${signed.data?.token}`, {
      method: 'PUT', headers: { 'content-type': PDF }, body: bytes(10, 7),
    });
    await assertErrorBody(raw, { statusCode: '400', code: 'InvalidKey', error: 'InvalidKey', message: `Invalid key: ${name}` });
    assert.equal(await objectRow(name), undefined);
    // a name no database could hold is still refused at signing
    const nul = await storageFetch(`/object/upload/sign/${BUCKET}/${alice.id}/a%00.pdf`, { method: 'POST', headers: { authorization: `Bearer ${alice.jwt}` } });
    assert.equal((await nul.json()).code, 'InvalidKey');
  });
});

describe('reading objects', () => {
  test('an expired user token on download/info/HEAD falls back to anon (allowInvalidJwt); other routes refuse it', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/private.pdf`;
    await put(alice, name, bytes(100, 8));

    // Private bucket as anon: Storage answers 404 Bucket not found (getObject.ts), not 403.
    const download = await alice.expired.download(name);
    assert.equal(/** @type {any} */ (download.error)?.statusCode, '404');
    assert.equal(/** @type {any} */ (download.error)?.code, 'NoSuchBucket');
    const expiredAuth = { authorization: `Bearer ${alice.expiredJwt}` };
    await assertErrorBody(await storageFetch(`/object/${BUCKET}/${name}`, { headers: expiredAuth }), NO_SUCH_BUCKET);
    await assertErrorBody(await storageFetch(`/object/info/${BUCKET}/${name}`, { headers: expiredAuth }), NO_SUCH_BUCKET);
    assert.equal((await storageFetch(`/object/${BUCKET}/${name}`, { method: 'HEAD', headers: expiredAuth })).status, 400);
    await assertErrorBody(await storageFetch(`/object/${BUCKET}/${name}`), NO_SUCH_BUCKET);

    // Routes without allowInvalidJwt keep refusing the token, with jose's message.
    const denied = { statusCode: '403', code: 'AccessDenied', error: 'Unauthorized', message: '"exp" claim timestamp check failed' };
    await assertErrorBody(await storageFetch(`/object/authenticated/${BUCKET}/${name}`, { headers: expiredAuth }), denied);
    await assertErrorBody(await storageFetch(`/object/info/authenticated/${BUCKET}/${name}`, { headers: expiredAuth }), denied);
    const list = await alice.expired.list(alice.id);
    assert.equal(/** @type {any} */ (list.error)?.statusCode, '403', 'list has no allowInvalidJwt in Storage');

    // A public bucket is readable by anyone, so an expired token still downloads from it.
    const service = client(stack, { global: { headers: { Authorization: `Bearer ${stack.serviceRoleKey}` } } }).storage.from(PUBLIC_BUCKET);
    const data = bytes(64, 9);
    assert.equal((await service.upload('shared/readme.pdf', data, { contentType: PDF })).error, null);
    const open = await client(stack, { global: { headers: { Authorization: `Bearer ${alice.expiredJwt}` } } }).storage.from(PUBLIC_BUCKET).download('shared/readme.pdf');
    assert.equal(open.error, null);
    assert.ok(Buffer.from(await /** @type {Blob} */ (open.data).arrayBuffer()).equals(data));
    const missing = await storageFetch(`/object/${PUBLIC_BUCKET}/shared/none.pdf`, { headers: expiredAuth });
    await assertErrorBody(missing, NO_SUCH_KEY);
  });

  test('info(), exists(), HEAD /object/<bucket>/<path> and /object/info[/authenticated|/public]/...', async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const name = `${alice.id}/${randomUUID()}/info.pdf`;
    const data = bytes(1234, 10);
    const signed = await alice.storage.createSignedUploadUrl(name);
    assert.equal((await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', data, { contentType: PDF, metadata: { documentId: 'd-1' } })).error, null);
    const row = await objectRow(name);

    const info = await alice.storage.info(name);
    assert.equal(info.error, null);
    assert.equal(info.data?.id, row.id);
    assert.equal(info.data?.name, name);
    assert.equal(info.data?.bucketId, BUCKET);
    assert.equal(info.data?.version, row.version);
    assert.equal(info.data?.size, 1234);
    assert.equal(info.data?.contentType, PDF);
    assert.equal(info.data?.etag, row.metadata.eTag);
    assert.deepEqual(info.data?.metadata, { documentId: 'd-1' });
    assert.ok(info.data?.lastModified && info.data?.createdAt);

    assert.deepEqual(await alice.storage.exists(name), { data: true, error: null });
    const gone = await alice.storage.exists(`${alice.id}/nothing.pdf`);
    assert.equal(gone.data, false);
    assert.equal(/** @type {any} */ (gone.error)?.code, 'NoSuchKey');
    assert.equal((await bob.storage.exists(name)).data, false, 'RLS hides it from another user');

    const auth = { authorization: `Bearer ${alice.jwt}` };
    const viaAuthenticated = await storageFetch(`/object/info/authenticated/${BUCKET}/${name}`, { headers: auth });
    assert.equal(viaAuthenticated.status, 200);
    assert.equal((await viaAuthenticated.json()).id, row.id);
    assert.equal(viaAuthenticated.headers.get('etag'), row.metadata.eTag);
    await assertErrorBody(await storageFetch(`/object/info/public/${BUCKET}/${name}`), NO_SUCH_BUCKET);

    for (const p of [`/object/${BUCKET}/${name}`, `/object/authenticated/${BUCKET}/${name}`]) {
      const head = await storageFetch(p, { method: 'HEAD', headers: auth });
      assert.equal(head.status, 200, p);
      assert.equal(head.headers.get('content-length'), '1234');
      assert.equal(head.headers.get('content-type'), PDF);
      assert.equal(head.headers.get('etag'), row.metadata.eTag);
    }
    assert.equal((await storageFetch(`/object/${BUCKET}/${alice.id}/nothing.pdf`, { method: 'HEAD', headers: auth })).status, 400);

    const service = client(stack, { global: { headers: { Authorization: `Bearer ${stack.serviceRoleKey}` } } }).storage.from(PUBLIC_BUCKET);
    assert.equal((await service.upload('info/public.pdf', data, { contentType: PDF })).error, null);
    const publicInfo = await storageFetch(`/object/info/public/${PUBLIC_BUCKET}/info/public.pdf`);
    assert.equal(publicInfo.status, 200);
    assert.equal((await publicInfo.json()).size, 1234);
  });

  test('listing a bucket that does not exist answers 200 []', async () => {
    const alice = await makeUser();
    const { data, error } = await alice.supabase.storage.from('no-such-bucket').list(alice.id);
    assert.equal(error, null);
    assert.deepEqual(data, []);
  });
});

test('nothing in this file made the stack fail with a 500', async () => {
  await eventsIdle();
  // Storage's own failures only: webhook deliveries go to the stack's own functions, which know
  // none of these documents.
  assert.deepEqual(logs.filter((l) => l.startsWith('storage:') && /failed|crashed/.test(l) && !/webhook/.test(l)), []);
});
