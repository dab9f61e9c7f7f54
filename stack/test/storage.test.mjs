// @ts-check
// /storage/v1 through the real clients an app uses: @supabase/supabase-js (signed upload URLs,
// download, list) and tus-js-client (resumable uploads), against a real stack (Postgres with our
// migrations and their RLS policies, files on disk) and a real webhook receiver.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as tus from 'tus-js-client';
import { signJwt } from '../src/jwt.mjs';
import { eventsIdle } from '../src/pg-net.mjs';
import { client, eventually, startTestStack, rawRequest as rawRequestTo } from './helpers.mjs';

const MiB = 1024 * 1024;
const BUCKET = 'documents';
const PDF = 'application/pdf';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
/** @type {string} */
let dataDir;
/** @type {http.Server} */
let receiver;
/** @type {string} */
let receiverUrl;
/** @type {{ url: string, headers: http.IncomingHttpHeaders, body: string, status: number }[]} */
const deliveries = [];
/** How many of the next deliveries the receiver answers with 503 (pg_net does not retry them). */
let failNextDeliveries = 0;
/** @type {string[]} */
const logs = [];
/** @type {string} */
let serviceJwt;

before(async () => {
  receiver = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = failNextDeliveries > 0 ? 503 : 204;
      if (status === 503) failNextDeliveries--;
      deliveries.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
  receiverUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (receiver.address()).port}/hooks/storage`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'v2-storage-test-'));
  chmodSync(dataDir, 0o755); // Postgres runs as its own user when we are root and must reach <dataDir>/db
  stack = await startTestStack({
    processor: false,
    webhookUrl: `${receiverUrl}?source=storage`,
    dataDir,
    log: (line) => {
      logs.push(line);
      if (process.env.STORAGE_TEST_LOG) console.error(line);
    },
  });
  // A bucket with a tiny limit and no policies (only the service role writes there).
  await stack.sql`insert into storage.buckets (id, name, public, file_size_limit) values ('tiny', 'tiny', false, 1000)`;
  serviceJwt = stack.serviceRoleKey;
});

after(async () => {
  await eventsIdle();
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(() => resolve(undefined)));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// helpers

/** Deterministic bytes: xorshift32 from a seed. @param {number} size @param {number} seed */
function bytes(size, seed) {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** @param {Buffer | Uint8Array} b */
const md5 = (b) => createHash('md5').update(b).digest('hex');

/** A user in auth.users, a JWT for them, and a supabase-js client acting as them. */
async function makeUser() {
  const id = randomUUID();
  await stack.sql`insert into auth.users (id, aud, role, email) values (${id}, 'authenticated', 'authenticated', ${`${id}@example.com`})`;
  const jwt = await signJwt({ sub: id, role: 'authenticated', aud: 'authenticated' }, stack.jwtSecret, 3600);
  const supabase = client(stack, { global: { headers: { Authorization: `Bearer ${jwt}` } } });
  return { id, jwt, supabase, storage: supabase.storage.from(BUCKET) };
}

/** Where the stack keeps an object (startStack({ dataDir }) → <dataDir>/storage). @param {string} name */
const objectFile = (name, bucket = BUCKET) => path.join(dataDir, 'storage', 'objects', bucket, ...name.split('/'));

/** @param {string} name @returns {Promise<any>} */
async function objectRow(name, bucket = BUCKET) {
  const [row] = await stack.sql`select * from storage.objects where bucket_id = ${bucket} and name = ${name}`;
  return row;
}

/**
 * The Database Webhook deliveries (pg_net) for one object, each checked for the shared secret
 * from Vault. @param {string} name
 */
function eventsFor(name) {
  return deliveries
    .map((d) => {
      assert.equal(d.headers['x-webhook-secret'], stack.webhookSharedSecret, 'the static secret header from Vault');
      assert.equal(d.headers['content-type'], 'application/json');
      return { ...d, payload: /** @type {any} */ (JSON.parse(d.body)) };
    })
    .filter((d) => d.payload.record?.name === name);
}

/** @param {string} p @param {RequestInit} [init] */
const storageFetch = (p, init = {}) => fetch(`${stack.url}/storage/v1${p}`, init);

/** @param {string} method @param {string} rawPath @param {Record<string, string>} headers */
const rawRequest = (method, rawPath, headers) => rawRequestTo(stack.url, method, rawPath, headers);

/** Storage's REST error shape: HTTP 400 (or 5xx) and the real code in the body. @param {Response} res @param {string} statusCode */
async function assertStorageError(res, statusCode, /** @type {Record<string, unknown>} */ fields = {}) {
  const body = await res.json();
  assert.equal(body.statusCode, statusCode, JSON.stringify(body));
  assert.equal(res.status, Number(statusCode) >= 500 ? 500 : 400, JSON.stringify(body));
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.message, 'string');
  for (const [k, v] of Object.entries(fields)) assert.equal(body[k], v, `${k} in ${JSON.stringify(body)}`);
  return body;
}

/** Nothing half-written may remain in the stack's temp folder. */
function assertNoTempFiles() {
  const tmp = path.join(dataDir, 'storage', 'tmp');
  assert.deepEqual(existsSync(tmp) ? readdirSync(tmp) : [], []);
}

/**
 * Run a tus-js-client upload to the end.
 * @param {Buffer} data @param {Partial<import('tus-js-client').UploadOptions>} options
 * @returns {Promise<tus.Upload>}
 */
function tusUpload(data, options) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(data, {
      endpoint: `${stack.url}/storage/v1/upload/resumable/sign`,
      chunkSize: 6 * MiB,
      retryDelays: null,
      ...options,
      onError: reject,
      onSuccess: () => resolve(upload),
    });
    upload.start();
  });
}

/** tus Upload-Metadata for an object. @param {string} objectName @param {Record<string, string>} [extra] */
const tusMetadata = (objectName, extra = {}) => ({ bucketName: BUCKET, objectName, contentType: PDF, cacheControl: '3600', ...extra });

/** @param {Record<string, string>} meta */
const encodeMetadata = (meta) => Object.entries(meta).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

// ---------------------------------------------------------------------------------------------
// signed upload URLs

describe('signed upload URLs', () => {
  test('the sign endpoint answers { url, token } with the claims Storage puts in the token', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/report.pdf`;
    const res = await storageFetch(`/object/upload/sign/${BUCKET}/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.jwt}`, apikey: stack.anonKey, 'content-type': 'application/json', 'x-upsert': 'true' },
      body: '{}',
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.url, `/object/upload/sign/${BUCKET}/${name}?token=${body.token}`);
    const claims = decodeJwt(body.token);
    assert.equal(claims.owner, alice.id);
    assert.equal(claims.url, `${BUCKET}/${name}`);
    assert.equal(claims.upsert, true);
    assert.equal(claims.scope, 'upload');
    assert.equal(/** @type {number} */ (claims.exp) - /** @type {number} */ (claims.iat), 7200);

    const viaClient = await alice.storage.createSignedUploadUrl(name);
    assert.equal(viaClient.error, null);
    assert.equal(decodeJwt(viaClient.data?.token ?? '').upsert, false);
    assert.ok(viaClient.data?.signedUrl.startsWith(`${stack.url}/storage/v1/object/upload/sign/${BUCKET}/${name}?token=`));
  });

  test('uploadToSignedUrl with a raw body stores the exact bytes, the row as the user, and its Database Webhook fires', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/raw.pdf`;
    const data = bytes(300 * 1024 + 7, 1);
    const signed = await alice.storage.createSignedUploadUrl(name);
    assert.equal(signed.error, null);
    const up = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', data, {
      contentType: PDF, metadata: { documentId: 'd-1' },
    });
    assert.equal(up.error, null, String(up.error));
    assert.equal(up.data?.fullPath, `${BUCKET}/${name}`);

    assert.ok(readFileSync(objectFile(name)).equals(data), 'bytes on disk are the bytes sent');
    const row = await objectRow(name);
    assert.equal(row.owner_id, alice.id);
    assert.equal(row.owner, alice.id);
    assert.equal(row.metadata.eTag, `"${md5(data)}"`);
    assert.equal(row.metadata.size, data.length);
    assert.equal(row.metadata.contentLength, data.length);
    assert.equal(row.metadata.mimetype, PDF);
    assert.equal(row.metadata.cacheControl, 'max-age=3600');
    assert.equal(row.metadata.httpStatusCode, 200);
    assert.deepEqual(row.user_metadata, { documentId: 'd-1' });
    assertNoTempFiles();

    await eventsIdle();
    const [event, more] = eventsFor(name);
    assert.ok(event, 'the storage.objects Database Webhook was delivered');
    assert.equal(more, undefined);
    assert.equal(new URL(event.url, 'http://x').searchParams.get('source'), 'storage');
    assert.equal(event.payload.type, 'INSERT');
    assert.equal(event.payload.table, 'objects');
    assert.equal(event.payload.schema, 'storage');
    assert.equal(event.payload.old_record, null);
    assert.equal(event.payload.record.id, row.id);
    assert.equal(event.payload.record.bucket_id, BUCKET);
    assert.equal(event.payload.record.owner_id, alice.id);
    assert.equal(event.payload.record.metadata.eTag, `"${md5(data)}"`);
    assert.equal(event.payload.record.metadata.size, data.length);
    assert.equal(event.payload.record.metadata.mimetype, PDF);
    assert.ok(event.payload.record.created_at && event.payload.record.updated_at);
  });

  test('uploadToSignedUrl with a Blob sends a multipart form; the file part and its fields are used', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/form.pdf`;
    const data = bytes(2 * MiB + 3, 2);
    const signed = await alice.storage.createSignedUploadUrl(name);
    const up = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', new Blob([data], { type: PDF }), {
      cacheControl: '60', metadata: { via: 'form' },
    });
    assert.equal(up.error, null, String(up.error));
    assert.ok(readFileSync(objectFile(name)).equals(data));
    const row = await objectRow(name);
    assert.equal(row.owner_id, alice.id);
    assert.equal(row.metadata.eTag, `"${md5(data)}"`);
    assert.equal(row.metadata.mimetype, PDF, 'the type of the Blob');
    assert.equal(row.metadata.cacheControl, 'max-age=60');
    assert.deepEqual(row.user_metadata, { via: 'form' });
    assertNoTempFiles();
  });

  test('download: the owner gets the bytes; another user, or anon, gets 404 Object not found', async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const name = `${alice.id}/${randomUUID()}/secret.pdf`;
    const data = bytes(128 * 1024, 3);
    const signed = await alice.storage.createSignedUploadUrl(name);
    assert.equal((await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', data, { contentType: PDF })).error, null);

    const mine = await alice.storage.download(name);
    assert.equal(mine.error, null);
    assert.ok(Buffer.from(await /** @type {Blob} */ (mine.data).arrayBuffer()).equals(data));
    assert.equal(mine.data?.type, PDF);

    const res = await storageFetch(`/object/authenticated/${BUCKET}/${name}`, { headers: { authorization: `Bearer ${alice.jwt}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), PDF);
    assert.equal(res.headers.get('etag'), `"${md5(data)}"`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));
    const part = await storageFetch(`/object/${BUCKET}/${name}`, { headers: { authorization: `Bearer ${alice.jwt}`, range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(data.subarray(10, 20)));

    const theirs = await bob.storage.download(name);
    assert.equal(/** @type {any} */ (theirs.error)?.statusCode, '404');
    assert.equal(theirs.error?.message, 'Object not found');
    const anon = await storageFetch(`/object/authenticated/${BUCKET}/${name}`, { headers: { authorization: `Bearer ${stack.anonKey}` } });
    await assertStorageError(anon, '404', { error: 'not_found', message: 'Object not found' });
    const missing = await alice.storage.download(`${alice.id}/nothing-here.pdf`);
    assert.equal(/** @type {any} */ (missing.error)?.statusCode, '404');

    const listed = await alice.storage.list(name.split('/').slice(0, 2).join('/'));
    assert.deepEqual(listed.data?.map((e) => e.name), ['secret.pdf']);
    assert.deepEqual((await bob.storage.list(alice.id)).data, [], 'RLS hides other users\' objects from lists');
  });

  test('a user cannot sign (or upload) into another user\'s folder: 403 row-level security', async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const name = `${alice.id}/${randomUUID()}/intrusion.pdf`;
    const { error } = await bob.storage.createSignedUploadUrl(name);
    assert.equal(/** @type {any} */ (error)?.statusCode, '403');
    assert.equal(error?.message, 'new row violates row-level security policy');
    const res = await storageFetch(`/object/upload/sign/${BUCKET}/${name}`, { method: 'POST', headers: { authorization: `Bearer ${bob.jwt}` } });
    await assertStorageError(res, '403', { error: 'Unauthorized', message: 'new row violates row-level security policy' });
    const anon = await storageFetch(`/object/upload/sign/${BUCKET}/${name}`, { method: 'POST', headers: { authorization: `Bearer ${stack.anonKey}` } });
    await assertStorageError(anon, '403');
    const direct = await bob.storage.upload(name, bytes(10, 4), { contentType: PDF });
    assert.equal(/** @type {any} */ (direct.error)?.statusCode, '403');
    assert.equal(await objectRow(name), undefined);
    assert.equal(existsSync(objectFile(name)), false);
  });

  test('over the bucket\'s 50 MiB limit: 413 Payload too large, for raw bodies and forms, nothing stored', async () => {
    const alice = await makeUser();
    const big = bytes(50 * MiB + 1, 5);
    for (const [kind, body] of /** @type {const} */ ([['raw', big], ['form', new Blob([big], { type: PDF })]])) {
      const name = `${alice.id}/${randomUUID()}/too-big-${kind}.pdf`;
      const signed = await alice.storage.createSignedUploadUrl(name);
      const { error } = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', body, { contentType: PDF });
      assert.equal(/** @type {any} */ (error)?.statusCode, '413', `${kind}: ${error}`);
      assert.equal(error?.message, 'The object exceeded the maximum allowed size');
      assert.equal(await objectRow(name), undefined);
      assert.equal(existsSync(objectFile(name)), false);
    }
    // exactly at the limit is fine
    const name = `${alice.id}/${randomUUID()}/at-limit.pdf`;
    const signed = await alice.storage.createSignedUploadUrl(name);
    const ok = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', big.subarray(0, 50 * MiB), { contentType: PDF });
    assert.equal(ok.error, null);
    assert.equal((await objectRow(name)).metadata.size, 50 * MiB);
    rmSync(objectFile(name));
    assertNoTempFiles();
  });

  test('types outside allowed_mime_types are refused: 415 invalid_mime_type (as Storage, parameters included)', async () => {
    const alice = await makeUser();
    const cases = /** @type {const} */ ([['image/png', 'raw'], ['image/png', 'form'], ['text/plain;charset=UTF-8', 'raw']]);
    for (const [type, kind] of cases) {
      const name = `${alice.id}/${randomUUID()}/file.bin`;
      const signed = await alice.storage.createSignedUploadUrl(name);
      const body = kind === 'raw' ? bytes(100, 6) : new Blob([bytes(100, 6)], { type });
      const { error } = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', body, { contentType: type });
      assert.equal(/** @type {any} */ (error)?.statusCode, '415', `${type} ${kind}`);
      assert.equal(error?.message, `mime type ${type} is not supported`);
      assert.equal(await objectRow(name), undefined);
    }
    const name = `${alice.id}/${randomUUID()}/notes.txt`;
    const signed = await alice.storage.createSignedUploadUrl(name);
    const ok = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', Buffer.from('hi'), { contentType: 'text/plain' });
    assert.equal(ok.error, null);
  });

  test('an existing object: 409 KeyAlreadyExists without upsert (at sign and at upload time), replaced with upsert', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/twice.pdf`;
    const first = bytes(1000, 7);
    const second = bytes(2000, 8);
    const early = await alice.storage.createSignedUploadUrl(name); // signed before the object exists
    const signed = await alice.storage.createSignedUploadUrl(name);
    assert.equal((await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', first, { contentType: PDF })).error, null);
    const { id } = await objectRow(name);

    const again = await alice.storage.createSignedUploadUrl(name);
    assert.equal(/** @type {any} */ (again.error)?.statusCode, '409');
    assert.equal(again.error?.message, 'The resource already exists');
    const late = await alice.storage.uploadToSignedUrl(name, early.data?.token ?? '', second, { contentType: PDF });
    assert.equal(/** @type {any} */ (late.error)?.statusCode, '409');
    const raw = await storageFetch(`/object/upload/sign/${BUCKET}/${name}?token=${early.data?.token}`, {
      method: 'PUT', headers: { 'content-type': PDF }, body: second,
    });
    await assertStorageError(raw, '409', { code: 'KeyAlreadyExists', error: 'Duplicate' });
    assert.ok(readFileSync(objectFile(name)).equals(first), 'the object is untouched');

    const upsert = await alice.storage.createSignedUploadUrl(name, { upsert: true });
    assert.equal(upsert.error, null);
    const replaced = await alice.storage.uploadToSignedUrl(name, upsert.data?.token ?? '', second, { contentType: PDF });
    assert.equal(replaced.error, null);
    assert.ok(readFileSync(objectFile(name)).equals(second));
    const row = await objectRow(name);
    assert.equal(row.id, id, 'same object, new content');
    assert.equal(row.metadata.eTag, `"${md5(second)}"`);
    await eventsIdle();
    const events = eventsFor(name);
    assert.deepEqual(events.map((e) => e.payload.type), ['INSERT', 'UPDATE']);
    assert.equal(events[1]?.payload.old_record.metadata.eTag, `"${md5(first)}"`);
    assert.equal(events[1]?.payload.record.metadata.eTag, `"${md5(second)}"`);
    assertNoTempFiles();
  });

  test('expired, forged and misdirected tokens are refused (400), nothing stored', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/t.pdf`;
    const claims = { owner: alice.id, url: `${BUCKET}/${name}`, upsert: false, scope: 'upload' };
    const put = (/** @type {string} */ token, target = name) =>
      storageFetch(`/object/upload/sign/${BUCKET}/${target}?token=${encodeURIComponent(token)}`, {
        method: 'PUT', headers: { 'content-type': PDF }, body: bytes(64, 9),
      });

    const expired = await signJwt(claims, stack.jwtSecret, -10);
    await assertStorageError(await put(expired), '400', { error: 'InvalidJWT', message: '"exp" claim timestamp check failed' });
    const viaClient = await alice.storage.uploadToSignedUrl(name, expired, bytes(64, 9), { contentType: PDF });
    assert.equal(/** @type {any} */ (viaClient.error)?.statusCode, '400');

    const forged = await signJwt(claims, 'another-secret-that-is-at-least-32-characters', 600);
    await assertStorageError(await put(forged), '400', { error: 'InvalidJWT', message: 'signature verification failed' });
    await assertStorageError(await put('not.a.jwt'), '400', { error: 'InvalidJWT' });

    const other = `${alice.id}/${randomUUID()}/other.pdf`;
    const good = await alice.storage.createSignedUploadUrl(other);
    await assertStorageError(await put(good.data?.token ?? '', name), '400', { error: 'InvalidSignature', message: 'Invalid signature' });
    const download = await signJwt({ url: `${BUCKET}/${name}` }, stack.jwtSecret, 600);
    await assertStorageError(await put(download), '400', { message: 'Token is not scoped for upload' });
    await assertStorageError(await storageFetch(`/object/upload/sign/${BUCKET}/${name}`, { method: 'PUT', body: 'x' }), '400');

    assert.equal(await objectRow(name), undefined);
    assertNoTempFiles();
  });

  test('bad input gets Storage\'s error shape, never a 500', async () => {
    const alice = await makeUser();
    const auth = { authorization: `Bearer ${alice.jwt}` };
    const sign = (/** @type {string} */ p, /** @type {Record<string, string>} */ headers = auth) => storageFetch(`/object/upload/sign/${p}`, { method: 'POST', headers });
    // fetch normalises "." and ".." segments (also %2e%2e) away; a raw request sends the path as written
    const rawSign = (/** @type {string} */ p) => rawRequest('POST', `/storage/v1/object/upload/sign/${p}`, auth);
    // As Storage, signing judges only RLS (the policy reads the first folder); a key that is not
    // a valid key is refused when the upload comes, before a byte is stored.
    for (const bad of [`${alice.id}/../${alice.id}/x.pdf`, `../${alice.id}/x.pdf`, `${alice.id}/./x.pdf`, `${alice.id}/%2e%2e/x.pdf`,
      `${alice.id}//x.pdf`, `${alice.id}/x.pdf/`, `%2F${alice.id}/x.pdf`, `${alice.id}/caf%C3%A9.pdf`, `${alice.id}/a%5Cb.pdf`]) {
      const signedBad = await rawSign(`${BUCKET}/${bad}`);
      if (signedBad.status !== 200) {
        await assertStorageError(signedBad, '403', { message: 'new row violates row-level security policy' });
        continue;
      }
      const { token } = await signedBad.json();
      const body = await assertStorageError(await rawRequest('PUT', `/storage/v1/object/upload/sign/${BUCKET}/${bad}?token=${token}`, { 'content-type': PDF }), '400', { error: 'InvalidKey' });
      assert.match(body.message, /^Invalid key: /);
    }
    await assertStorageError(await rawSign(`${BUCKET}/${alice.id}/%00.pdf`), '400', { error: 'InvalidKey' });
    await assertStorageError(await rawSign(`${BUCKET}/${alice.id}/%E0%A4%A.pdf`), '400');
    await assertStorageError(await rawSign(`..%2F..%2Fetc/${alice.id}/x.pdf`), '400', { error: 'Invalid Input' });
    await assertStorageError(await sign(`no-such-bucket/${alice.id}/x.pdf`), '403', { error: 'Unauthorized', message: 'new row violates row-level security policy' });
    await assertStorageError(await sign(`${BUCKET}/${alice.id}/x.pdf`, { authorization: 'Bearer nope' }), '403', { error: 'Unauthorized', message: 'Invalid Compact JWS' });
    await assertStorageError(await sign(`${BUCKET}/${alice.id}/x.pdf`, {}), '403', { error: 'Unauthorized' });
    const tampered = `${alice.jwt.slice(0, -4)}AAAA`;
    await assertStorageError(await sign(`${BUCKET}/${alice.id}/x.pdf`, { authorization: `Bearer ${tampered}` }), '403');
    await assertStorageError(await rawRequest('GET', `/storage/v1/object/authenticated/${BUCKET}/${alice.id}/../../../etc/passwd`, auth), '400', { error: 'InvalidKey' });
    const unknown = await storageFetch('/bucket/nope', { headers: auth });
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).statusCode, '404');

    // malformed x-metadata is ignored (Storage's parseUserMetadata), the upload succeeds
    const name = `${alice.id}/${randomUUID()}/meta.pdf`;
    const signed = await alice.storage.createSignedUploadUrl(name);
    const res = await storageFetch(`/object/upload/sign/${BUCKET}/${name}?token=${signed.data?.token}`, {
      method: 'PUT', headers: { 'content-type': PDF, 'x-metadata': '%%%not base64{' }, body: bytes(10, 10),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(await res.json()).sort(), ['Id', 'Key']);
    assert.equal((await objectRow(name)).user_metadata, null);

    // a broken multipart body
    const name2 = `${alice.id}/${randomUUID()}/broken.pdf`;
    const signed2 = await alice.storage.createSignedUploadUrl(name2);
    const broken = await storageFetch(`/object/upload/sign/${BUCKET}/${name2}?token=${signed2.data?.token}`, {
      method: 'PUT',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name=""; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\nno closing boundary',
    });
    await assertStorageError(broken, '400');
    const noFile = await storageFetch(`/object/upload/sign/${BUCKET}/${name2}?token=${signed2.data?.token}`, {
      method: 'PUT',
      headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="cacheControl"\r\n\r\n3600\r\n--XYZ--\r\n',
    });
    await assertStorageError(noFile, '400', { message: 'No content provided' });
    assert.equal(await objectRow(name2), undefined);
    assertNoTempFiles();
  });
  test('a delivery answered 5xx is not retried (pg_net): one attempt, its answer recorded; the upload never waits', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/not-retried.pdf`;
    failNextDeliveries = 1;
    const signed = await alice.storage.createSignedUploadUrl(name);
    const up = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', bytes(100, 20), { contentType: PDF });
    assert.equal(up.error, null);
    await eventsIdle();
    const events = eventsFor(name);
    assert.deepEqual(events.map((e) => e.status), [503], 'one attempt only');
    assert.equal(events[0]?.payload.record.metadata.eTag, `"${md5(bytes(100, 20))}"`);
    const [recorded] = await stack.sql`select status_code, timed_out from net._http_response order by created desc, id desc limit 1`;
    assert.deepEqual({ ...recorded }, { status_code: 503, timed_out: false });
  });

  test('limits hold for bodies of unknown length too (chunked), and the connection stays usable', async () => {
    const auth = { authorization: `Bearer ${serviceJwt}` };
    const chunked = (/** @type {number} */ size) =>
      new ReadableStream({
        start(controller) {
          for (let sent = 0; sent < size; sent += 100) controller.enqueue(bytes(Math.min(100, size - sent), sent + 1));
          controller.close();
        },
      });
    const over = await storageFetch('/object/tiny/chunked/over.bin', /** @type {RequestInit} */ ({
      method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: chunked(5000), duplex: 'half',
    }));
    await assertStorageError(over, '413', { error: 'Payload too large' });
    const ok = await storageFetch('/object/tiny/chunked/ok.bin', /** @type {RequestInit} */ ({
      method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: chunked(1000), duplex: 'half',
    }));
    assert.equal(ok.status, 200);
    assert.equal((await objectRow('chunked/ok.bin', 'tiny')).metadata.size, 1000);
    assert.equal(await objectRow('chunked/over.bin', 'tiny'), undefined);
    assert.equal((await objectRow('chunked/ok.bin', 'tiny')).owner_id, null, 'the service role has no user id');
    assertNoTempFiles();
  });

  test('empty files are objects too', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/empty.txt`;
    const signed = await alice.storage.createSignedUploadUrl(name);
    const up = await alice.storage.uploadToSignedUrl(name, signed.data?.token ?? '', Buffer.alloc(0), { contentType: 'text/plain' });
    assert.equal(up.error, null);
    assert.equal(readFileSync(objectFile(name)).length, 0);
    assert.equal((await objectRow(name)).metadata.eTag, `"${md5(Buffer.alloc(0))}"`);
    const got = await alice.storage.download(name);
    assert.equal(got.error, null);
    assert.equal(got.data?.size, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// resumable uploads (TUS)

describe('resumable uploads', () => {
  test('20 MiB with tus-js-client in 6 MiB chunks via /upload/resumable/sign and x-signature', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/big.pdf`;
    const data = bytes(20 * MiB, 11);
    const signed = await alice.storage.createSignedUploadUrl(name);
    /** @type {string[]} */
    const requests = [];
    const upload = await tusUpload(data, {
      headers: { 'x-signature': signed.data?.token ?? '', apikey: stack.anonKey },
      metadata: tusMetadata(name, { metadata: JSON.stringify({ documentId: 'd-20' }) }),
      onBeforeRequest: (req) => {
        requests.push(`${req.getMethod()} ${req.getHeader('Upload-Offset') ?? ''}`);
      },
    });
    assert.deepEqual(requests, ['POST ', `PATCH 0`, `PATCH ${6 * MiB}`, `PATCH ${12 * MiB}`, `PATCH ${18 * MiB}`]);
    const location = new URL(upload.url ?? '');
    assert.equal(location.origin, stack.url);
    const segment = location.pathname.replace('/storage/v1/upload/resumable/sign/', '');
    assert.match(Buffer.from(segment, 'base64url').toString(), new RegExp(`^${BUCKET}/${name}/[0-9a-f-]{36}$`));

    assert.ok(readFileSync(objectFile(name)).equals(data), 'byte-identical');
    const row = await objectRow(name);
    assert.equal(row.owner_id, alice.id);
    assert.equal(row.metadata.eTag, `"${md5(data)}"`);
    assert.equal(row.metadata.size, 20 * MiB);
    assert.equal(row.metadata.mimetype, PDF);
    assert.equal(row.metadata.cacheControl, 'max-age=3600');
    assert.deepEqual(row.user_metadata, { documentId: 'd-20' });
    assert.equal(Buffer.from(segment, 'base64url').toString().split('/').pop(), row.version);

    await eventsIdle();
    const [event] = eventsFor(name);
    assert.equal(event?.payload.type, 'INSERT');
    assert.equal(event?.payload.record.metadata.eTag, `"${md5(data)}"`);
    assert.equal(event?.payload.record.metadata.size, 20 * MiB);
    // the finished upload stays known until it expires: HEAD says complete (as Storage)
    const head = await fetch(upload.url ?? '', { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', 'x-signature': signed.data?.token ?? '' } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(20 * MiB));
  });

  test('a connection killed mid-chunk resumes from the HEAD offset and ends byte-identical', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/resumed.pdf`;
    const data = bytes(20 * MiB, 12);
    const signed = await alice.storage.createSignedUploadUrl(name);
    const headers = { 'x-signature': signed.data?.token ?? '' };

    // An HTTP stack that, on the second PATCH, sends half of the chunk and then destroys the socket.
    const inner = new tus.DefaultHttpStack({});
    let patches = 0;
    const killing = {
      getName: () => 'killing',
      createRequest(/** @type {string} */ method, /** @type {string} */ url) {
        const req = inner.createRequest(method, url);
        if (method === 'PATCH' && ++patches === 2) {
          const send = req.send.bind(req);
          req.send = (/** @type {any} */ body) => {
            const half = new Readable({ read() {} });
            half.push(Buffer.from(body).subarray(0, 3 * MiB));
            const sent = send(half);
            setTimeout(() => /** @type {http.ClientRequest} */ (req.getUnderlyingObject()).destroy(), 400);
            return sent;
          };
        }
        return req;
      },
    };
    /** @type {tus.Upload | undefined} */
    let first;
    await assert.rejects(new Promise((resolve, reject) => {
      first = new tus.Upload(data, {
        endpoint: `${stack.url}/storage/v1/upload/resumable/sign`, chunkSize: 6 * MiB, retryDelays: null, headers,
        metadata: tusMetadata(name), httpStack: /** @type {any} */ (killing), onError: reject, onSuccess: () => resolve(undefined),
      });
      first.start();
    }));
    const url = first?.url ?? '';
    assert.ok(url, 'the upload was created');
    assert.equal(await objectRow(name), undefined, 'not an object yet');

    const head = await eventually(async () => {
      const r = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...headers } });
      return r.status === 200 ? r : undefined;
    });
    const offset = Number(head.headers.get('upload-offset'));
    assert.ok(offset > 6 * MiB && offset < 12 * MiB, `the bytes received before the kill are kept (offset ${offset})`);
    assert.equal(head.headers.get('upload-length'), String(20 * MiB));

    /** @type {string[]} */
    const offsets = [];
    await tusUpload(data, {
      uploadUrl: url, headers, metadata: tusMetadata(name),
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') offsets.push(String(req.getHeader('Upload-Offset')));
      },
    });
    assert.equal(offsets[0], String(offset), 'the second run starts where the server says');
    assert.ok(readFileSync(objectFile(name)).equals(data), 'byte-identical after resuming');
    assert.equal((await objectRow(name)).metadata.eTag, `"${md5(data)}"`);
  });

  test('x-signature is required on every request and must match the object', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/sig.pdf`;
    const signed = await alice.storage.createSignedUploadUrl(name);
    const token = signed.data?.token ?? '';
    const create = (/** @type {Record<string, string>} */ headers, objectName = name) =>
      storageFetch('/upload/resumable/sign', {
        method: 'POST',
        headers: { 'tus-resumable': '1.0.0', 'upload-length': '100', 'upload-metadata': encodeMetadata(tusMetadata(objectName)), ...headers },
      });

    const missing = await create({});
    assert.equal(missing.status, 400);
    assert.equal(await missing.text(), 'Missing x-signature header');
    const forgedToken = await signJwt({ owner: alice.id, url: `${BUCKET}/${name}`, upsert: false, scope: 'upload' }, 'another-secret-that-is-at-least-32-characters', 600);
    const forged = await create({ 'x-signature': forgedToken });
    assert.equal(forged.status, 400);
    assert.equal(await forged.text(), 'signature verification failed');
    const elsewhere = await create({ 'x-signature': token }, `${alice.id}/other.pdf`);
    assert.equal(elsewhere.status, 400);
    assert.equal(await elsewhere.text(), 'Invalid signature');

    const ok = await create({ 'x-signature': token });
    assert.equal(ok.status, 201);
    const location = ok.headers.get('location') ?? '';
    assert.match(location, /\/storage\/v1\/upload\/resumable\/sign\/[A-Za-z0-9_-]+$/);
    const patch = (/** @type {Record<string, string>} */ h) => fetch(location, {
      method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', ...h }, body: bytes(100, 13),
    });
    assert.equal((await patch({})).status, 400);
    assert.equal((await patch({ 'x-signature': forgedToken })).status, 400);
    assert.equal((await fetch(location, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } })).status, 400);
    const done = await patch({ 'x-signature': token });
    assert.equal(done.status, 204);
    assert.equal(done.headers.get('tus-complete'), '1');
    assert.equal((await objectRow(name)).owner_id, alice.id, 'the owner comes from the token');
    // the object exists now: Storage checks nothing more on the signed route, a new upload with
    // the same token may replace it (storage-hosted.test.mjs)
    const again = await create({ 'x-signature': token });
    assert.equal(again.status, 201);
  });

  test('bearer JWT at /upload/resumable: the owner uploads, another user\'s folder is refused', async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const name = `${alice.id}/${randomUUID()}/bearer.pdf`;
    const data = bytes(7 * MiB, 14);
    const upload = await tusUpload(data, {
      endpoint: `${stack.url}/storage/v1/upload/resumable`,
      headers: { authorization: `Bearer ${alice.jwt}`, apikey: stack.anonKey },
      metadata: tusMetadata(name),
    });
    assert.match(new URL(upload.url ?? '').pathname, /^\/storage\/v1\/upload\/resumable\/[A-Za-z0-9_-]+$/);
    assert.ok(readFileSync(objectFile(name)).equals(data));
    assert.equal((await objectRow(name)).owner_id, alice.id);

    const intrusion = `${alice.id}/${randomUUID()}/bob.pdf`;
    await assert.rejects(
      tusUpload(data, {
        endpoint: `${stack.url}/storage/v1/upload/resumable`,
        headers: { authorization: `Bearer ${bob.jwt}` },
        metadata: tusMetadata(intrusion),
      }),
      (/** @type {any} */ e) => e.originalResponse?.getStatus() === 403 && /row-level security/.test(e.originalResponse?.getBody()),
    );
    assert.equal(await objectRow(intrusion), undefined);

    // Bob cannot continue Alice's upload either: every PATCH is checked as the caller.
    const post = await storageFetch('/upload/resumable', {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', authorization: `Bearer ${alice.jwt}`, 'upload-metadata': encodeMetadata(tusMetadata(`${alice.id}/${randomUUID()}/x.pdf`)) },
    });
    assert.equal(post.status, 201);
    const patch = await fetch(post.headers.get('location') ?? '', {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', authorization: `Bearer ${bob.jwt}` },
      body: bytes(10, 15),
    });
    assert.equal(patch.status, 403);
    const noJwt = await storageFetch('/upload/resumable', { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } });
    await assertStorageError(noJwt, '403', { error: 'Unauthorized' });
  });

  test('limits and conflicts: 413, 415, 409, 404, 410, offset conflicts, bad metadata', async () => {
    const alice = await makeUser();
    const auth = { 'tus-resumable': '1.0.0', authorization: `Bearer ${alice.jwt}` };
    const create = (/** @type {string} */ objectName, length = '10', extra = {}, /** @type {Record<string, string>} */ headers = {}) =>
      storageFetch('/upload/resumable', {
        method: 'POST',
        headers: { ...auth, 'upload-length': length, 'upload-metadata': encodeMetadata(tusMetadata(objectName, extra)), ...headers },
      });
    const fresh = () => `${alice.id}/${randomUUID()}/f.pdf`;

    const tooBig = await create(fresh(), String(50 * MiB + 1));
    assert.equal(tooBig.status, 413);
    const png = await create(fresh(), '10', { contentType: 'image/png' });
    assert.equal(png.status, 415);
    assert.equal(await png.text(), 'mime type image/png is not supported');
    const badKey = await create(`${alice.id}/../x.pdf`);
    assert.equal(badKey.status, 400);
    const noBucket = await storageFetch('/upload/resumable', {
      method: 'POST', headers: { ...auth, 'upload-length': '10', 'upload-metadata': encodeMetadata({ bucketName: 'nope', objectName: fresh() }) },
    });
    assert.equal(noBucket.status, 404);
    assert.equal(await noBucket.text(), 'Bucket not found');
    const badMeta = await storageFetch('/upload/resumable', { method: 'POST', headers: { ...auth, 'upload-length': '10', 'upload-metadata': 'bucketName %%%' } });
    assert.equal(badMeta.status, 400);
    const noMeta = await storageFetch('/upload/resumable', { method: 'POST', headers: { ...auth, 'upload-length': '10' } });
    assert.equal(noMeta.status, 400);

    // an existing object: 409 without upsert, fine with x-upsert
    const existing = fresh();
    await tusUpload(bytes(10, 16), { endpoint: `${stack.url}/storage/v1/upload/resumable`, headers: { authorization: `Bearer ${alice.jwt}` }, metadata: tusMetadata(existing) });
    const dup = await create(existing);
    assert.equal(dup.status, 409);
    assert.equal(await dup.text(), 'The resource already exists');
    const replacement = bytes(10, 17);
    await tusUpload(replacement, { endpoint: `${stack.url}/storage/v1/upload/resumable`, headers: { authorization: `Bearer ${alice.jwt}`, 'x-upsert': 'true' }, metadata: tusMetadata(existing) });
    assert.ok(readFileSync(objectFile(existing)).equals(replacement));

    // unknown and expired uploads; a wrong offset
    const unknown = Buffer.from(`${BUCKET}/${alice.id}/u.pdf/${randomUUID()}`).toString('base64url');
    const unknownHead = await storageFetch(`/upload/resumable/${unknown}`, { method: 'HEAD', headers: auth });
    assert.equal(unknownHead.status, 404);
    assert.equal((await storageFetch(`/upload/resumable/${unknown}`, { headers: auth })).status, 404, 'no GET on uploads');
    assert.equal((await storageFetch('/upload/resumable/not-base64-at-all!', { method: 'HEAD', headers: auth })).status, 404);

    const pending = await create(fresh(), '20');
    assert.equal(pending.status, 201);
    const location = pending.headers.get('location') ?? '';
    assert.ok(pending.headers.get('upload-expires'), 'unfinished uploads announce their expiry');
    const wrongOffset = await fetch(location, {
      method: 'PATCH', headers: { ...auth, 'upload-offset': '5', 'content-type': 'application/offset+octet-stream' }, body: bytes(5, 18),
    });
    assert.equal(wrongOffset.status, 409);
    const overLength = await fetch(location, {
      method: 'PATCH', headers: { ...auth, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: bytes(30, 18),
    });
    assert.equal(overLength.status, 413);

    const id = Buffer.from(location.slice(location.lastIndexOf('/') + 1), 'base64url').toString();
    const infoFile = path.join(dataDir, 'storage', 'tus', `${id}.json`);
    const info = JSON.parse(readFileSync(infoFile, 'utf8'));
    writeFileSync(infoFile, JSON.stringify({ ...info, creation_date: new Date(Date.now() - 2 * 3600_000).toISOString() }));
    const expired = await fetch(location, { method: 'HEAD', headers: auth });
    assert.equal(expired.status, 410);
  });

  test('OPTIONS answers CORS for browsers without any credentials', async () => {
    for (const p of ['/upload/resumable', '/upload/resumable/sign', '/upload/resumable/sign/abc']) {
      const res = await storageFetch(p, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'x-signature, upload-offset' },
      });
      assert.equal(res.status, 204, p);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const h of ['x-signature', 'authorization', 'x-upsert', 'apikey', 'upload-offset', 'upload-metadata', 'tus-resumable']) {
        assert.ok(allowed.includes(h), `${p} allows ${h}: ${allowed}`);
      }
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /PATCH/);
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      for (const h of ['location', 'upload-offset', 'upload-length', 'tus-resumable', 'upload-expires']) assert.ok(exposed.includes(h), `${p} exposes ${h}: ${exposed}`);
    }
  });
  test('a second writer on the same upload gets 409: the lock passes to it, the offset no longer matches', async () => {
    const alice = await makeUser();
    const headers = { 'tus-resumable': '1.0.0', authorization: `Bearer ${alice.jwt}` };
    const post = await storageFetch('/upload/resumable', {
      method: 'POST',
      headers: { ...headers, 'upload-length': String(2 * MiB), 'upload-metadata': encodeMetadata(tusMetadata(`${alice.id}/${randomUUID()}/race.pdf`)) },
    });
    assert.equal(post.status, 201);
    const location = post.headers.get('location') ?? '';
    // writer A announces 2 MiB, sends 1 MiB and stalls
    const a = http.request(location, {
      method: 'PATCH',
      headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(2 * MiB) },
    });
    const aDone = new Promise((resolve) => {
      a.on('response', (r) => {
        r.resume();
        resolve(r.statusCode);
      });
      a.on('error', () => resolve('error'));
    });
    a.write(bytes(MiB, 21));
    await new Promise((r) => setTimeout(r, 300));
    // writer B starts over at 0
    const b = await fetch(location, {
      method: 'PATCH', headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: bytes(10, 22),
    });
    assert.equal(b.status, 409);
    a.destroy();
    await aDone;
    const head = await fetch(location, { method: 'HEAD', headers });
    assert.equal(head.headers.get('upload-offset'), String(MiB), 'what A sent before it lost the lock is kept');
  });

  test('empty files via TUS are stored at creation', async () => {
    const alice = await makeUser();
    const name = `${alice.id}/${randomUUID()}/empty.pdf`;
    const res = await storageFetch('/upload/resumable', {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${alice.jwt}`, 'upload-length': '0', 'upload-metadata': encodeMetadata(tusMetadata(name)) },
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('tus-complete'), '1');
    assert.equal((await objectRow(name)).metadata.size, 0);
  });
});

test('nothing in this file made the stack fail with a 500', async () => {
  await eventsIdle();
  // pg_net logs the one delivery the receiver refused on purpose (above); nothing else may fail.
  assert.deepEqual(logs.filter((l) => /failed|crashed/.test(l) && !/^pg_net: request failed .*"status":503/.test(l)), []);
});
