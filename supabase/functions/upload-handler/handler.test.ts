import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import {
  admin, anonToken, call, countDocuments, createUser, dbFingerprint, documentRow, JWT_SECRET, progressRows, randomHash,
  serviceToken, setFlag, signJwt, startStorageStandIn, test, testDeps, userToken,
} from '../_test/helpers.ts';
import { uploadHandler } from './handler.ts';

const storage = startStorageStandIn();
const deps = testDeps({ supabaseUrl: storage.url });
const handler = uploadHandler(() => deps);
const PDF = 'application/pdf';
const MiB = 1024 * 1024;

const init = async (token: string, body: Record<string, unknown>) => await call(handler, 'POST', { token, body });
const pdf = (over: Record<string, unknown> = {}) => ({ filename: 'report.pdf', contentType: PDF, fileSize: 1000, fileHash: randomHash(), ...over });

test('POST creates a pending document and a PUT plan for small files', async () => {
  const user = await createUser();
  const res = await init(await userToken(user), pdf({ fileSize: 5 * MiB }));
  assert.equal(res.status, 201);
  assert.equal(res.body.duplicate, false);
  assert.deepEqual(res.body.features, { realtime: true, llamaParse: false });
  const { upload } = res.body;
  assert.equal(upload.strategy, 'put');
  assert.equal(upload.bucket, 'documents');
  assert.equal(upload.path, `${user}/${res.body.documentId}/report.pdf`);
  assert.equal(upload.chunkSize, 5 * MiB);
  assert.equal(upload.tusEndpoint, `${storage.url}/storage/v1/upload/resumable/sign`);
  assert.ok(upload.signedUrl.startsWith(`${storage.url}/storage/v1/object/upload/sign/documents/${user}/`));
  const claims = decodeJwt(upload.token);
  assert.equal(claims.owner, user, 'Storage was asked with the user\'s own JWT');
  assert.equal(claims.url, `documents/${upload.path}`);
  assert.equal(upload.expiresAt, new Date((claims.exp as number) * 1000).toISOString());
  const call0 = storage.calls.at(-1)!;
  assert.equal(call0.upsert, 'true');
  const row = await documentRow(res.body.documentId);
  assert.equal(row.status, 'pending');
  assert.equal(row.user_id, user);
  assert.equal(Number(row.file_size), 5 * MiB);
  assert.equal(row.chunks_total, 1);
});

test('POST plans TUS with 6 MiB chunks above 5 MiB', async () => {
  const user = await createUser();
  const res = await init(await userToken(user), pdf({ fileSize: 5 * MiB + 1 }));
  assert.equal(res.status, 201);
  assert.equal(res.body.upload.strategy, 'tus');
  assert.equal(res.body.upload.chunkSize, 6 * MiB);
  assert.equal((await documentRow(res.body.documentId)).chunks_total, 1);
  const big = await init(await userToken(user), pdf({ fileSize: 50 * MiB }));
  assert.equal((await documentRow(big.body.documentId)).chunks_total, 9);
});

test('POST normalises the name and type, and keeps Storage keys ASCII', async () => {
  const user = await createUser();
  const res = await init(await userToken(user), pdf({ filename: '  Re\u0301sume\u0301 2024.PDF ', contentType: 'Application/PDF; charset=binary' }));
  assert.equal(res.status, 201);
  const row = await documentRow(res.body.documentId);
  assert.equal(row.filename, 'Résumé 2024.PDF');
  assert.equal(row.content_type, PDF);
  assert.equal(res.body.upload.path, `${user}/${row.id}/Resume_2024.PDF`);
});

test('the same user and hash is a duplicate: 200, no new row, nothing to upload once stored', async () => {
  const user = await createUser();
  const token = await userToken(user);
  const hash = randomHash();
  const first = await init(token, pdf({ fileHash: hash }));
  await admin`update public.documents set status = 'uploaded' where id = ${first.body.documentId}`;
  const again = await init(token, pdf({ fileHash: hash.toUpperCase(), filename: 'copy.pdf' }));
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.document.id, first.body.documentId);
  assert.equal(again.body.document.status, 'uploaded');
  assert.equal(again.body.upload, undefined, 'a stored duplicate needs no bytes');
  assert.equal(await countDocuments(user), 1);
});

test('a duplicate still being uploaded comes back with a fresh plan to resume it', async () => {
  const user = await createUser();
  const token = await userToken(user);
  const hash = randomHash();
  const first = await init(token, pdf({ fileHash: hash, fileSize: 20 * MiB }));
  const again = await init(token, pdf({ fileHash: hash, fileSize: 20 * MiB }));
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.upload.strategy, 'tus');
  assert.equal(again.body.upload.path, first.body.upload.path);
});

test('two concurrent POSTs of the same file make one document', async () => {
  const user = await createUser();
  const token = await userToken(user);
  const body = pdf({ fileHash: randomHash() });
  const results = await Promise.all([init(token, body), init(token, body), init(token, body)]);
  const ids = new Set(results.map((r) => r.body.documentId));
  assert.equal(ids.size, 1, 'every answer names the same document');
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 201]);
  assert.equal(await countDocuments(user), 1);
});

test('another user uploading the same bytes gets their own document', async () => {
  const hash = randomHash();
  const a = await init(await userToken(await createUser()), pdf({ fileHash: hash }));
  const b = await init(await userToken(await createUser()), pdf({ fileHash: hash }));
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.body.documentId, b.body.documentId);
});

test('validation failures: status, code, and nothing written', async () => {
  const token = await userToken(await createUser());
  const cases: [Record<string, unknown>, number, string][] = [
    [pdf({ fileSize: 0 }), 422, 'file_empty'],
    [pdf({ fileSize: -1 }), 422, 'validation_failed'],
    [pdf({ fileSize: 52428801 }), 422, 'file_too_large'],
    [pdf({ fileSize: 1.5 }), 422, 'validation_failed'],
    [pdf({ fileSize: 2 ** 60 }), 422, 'validation_failed'],
    [pdf({ fileSize: '1000' }), 422, 'validation_failed'],
    [pdf({ contentType: 'application/x-msdownload', filename: 'x.exe' }), 422, 'file_type_not_allowed'],
    [pdf({ filename: 'report.exe' }), 422, 'file_type_not_allowed'],
    [pdf({ filename: 'report' }), 422, 'file_type_not_allowed'],
    [pdf({ filename: 'report.txt' }), 422, 'file_type_mismatch'],
    [pdf({ filename: 'notes.pdf', contentType: 'text/plain' }), 422, 'file_type_mismatch'],
    [pdf({ filename: '../../etc/passwd.pdf' }), 422, 'filename_invalid'],
    [pdf({ filename: 'C:\\Users\\x.pdf' }), 422, 'filename_invalid'],
    [pdf({ filename: 'a\u0000b.pdf' }), 422, 'filename_invalid'],
    // An unpaired surrogate would be stored as U+FFFD: not the name that was sent.
    [pdf({ filename: 'a\ud800b.pdf' }), 422, 'filename_invalid'],
    [pdf({ fileHash: 'a\u0000' }), 422, 'validation_failed'],
    [pdf({ filename: 'bad\nname.pdf' }), 422, 'filename_invalid'],
    [pdf({ filename: 'invoice\u202Efdp.exe.pdf' }), 422, 'filename_invalid'],
    [pdf({ filename: '   ' }), 422, 'filename_invalid'],
    [pdf({ filename: 'é'.repeat(128) + '.pdf' }), 422, 'filename_invalid'],
    [pdf({ fileHash: 'xyz' }), 422, 'hash_invalid'],
    [pdf({ fileHash: 'g'.repeat(32) }), 422, 'hash_invalid'],
    [{ filename: 'a.pdf' }, 422, 'validation_failed'],
    [[1, 2, 3] as unknown as Record<string, unknown>, 422, 'validation_failed'],
  ];
  for (const [body, status, code] of cases) {
    const before = await dbFingerprint();
    const res = await init(token, body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, code, JSON.stringify(body));
    assert.ok(res.body.error.message.length > 10);
    assert.deepEqual(await dbFingerprint(), before);
  }
});

test('malformed and oversized bodies', async () => {
  const token = await userToken(await createUser());
  const bad = await call(handler, 'POST', { token, rawBody: '{"filename":', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_json');
  const notJson = await call(handler, 'POST', { token, rawBody: 'filename=a.pdf', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(notJson.status, 415);
  assert.equal(notJson.body.error.code, 'unsupported_media_type');
  const huge = await call(handler, 'POST', { token, body: pdf({ padding: 'x'.repeat(100_000) }) });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error.code, 'payload_too_large');
  const badUtf8 = await call(handler, 'POST', { token, rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: { 'content-type': 'application/json' } });
  assert.equal(badUtf8.status, 400);
});

test('auth failures are 401 with a code', async () => {
  const user = await createUser();
  const cases: [Record<string, string>, string][] = [
    [{}, 'auth_missing'],
    [{ authorization: 'Basic abc' }, 'auth_malformed'],
    [{ authorization: 'Bearer not-a-jwt' }, 'auth_malformed'],
    [{ authorization: 'Bearer aaa.bbb.ccc' }, 'auth_malformed'],
    [{ authorization: `Bearer ${await userToken(user, { expiresIn: -10 })}` }, 'auth_expired'],
    [{ authorization: `Bearer ${await userToken(user, { secret: 'another-secret-another-secret-another!' })}` }, 'auth_invalid'],
    [{ authorization: `Bearer ${await anonToken()}` }, 'auth_missing'],
    [{ authorization: `Bearer ${await signJwt({ role: 'authenticated', sub: 'not-a-uuid' })}` }, 'auth_invalid'],
  ];
  for (const [headers, code] of cases) {
    const res = await call(handler, 'POST', { headers, body: pdf() });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.equal(res.body.error.code, code, JSON.stringify(headers));
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  }
  const alg = await call(handler, 'POST', { headers: { authorization: `Bearer ${unsignedToken(user)}` }, body: pdf() });
  assert.equal(alg.status, 401);
  assert.equal(alg.body.error.code, 'auth_invalid');
  const service = await call(handler, 'POST', { token: await serviceToken(), body: pdf() });
  assert.equal(service.status, 403);
});

function unsignedToken(sub: string) {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub, role: 'authenticated', exp: 9999999999 })}.`;
}

test('uploads off for the user (supabase_v2_upload) → 403 feature_disabled, nothing written', async () => {
  const user = await createUser();
  await setFlag('supabase_v2_upload', { rollout_percentage: 0 });
  try {
    const before = await dbFingerprint();
    const res = await init(await userToken(user), pdf());
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'feature_disabled');
    assert.deepEqual(await dbFingerprint(), before);
    await setFlag('supabase_v2_upload', { target_user_ids: [user] });
    assert.equal((await init(await userToken(user), pdf())).status, 201, 'a targeted user is let in');
  } finally {
    await setFlag('supabase_v2_upload', { rollout_percentage: 100, target_user_ids: [] });
  }
});

test('Storage refusing to sign rolls the document back (502, retryable)', async () => {
  const user = await createUser();
  storage.failNext(500);
  const before = await dbFingerprint();
  const res = await init(await userToken(user), pdf());
  assert.equal(res.status, 502);
  assert.equal(res.body.error.code, 'storage_unavailable');
  assert.equal(res.headers.get('retry-after'), '2');
  assert.deepEqual(await dbFingerprint(), before);
});

test('Storage refusing to sign a resume plan leaves the existing document alone (502)', async () => {
  const user = await createUser();
  const token = await userToken(user);
  const hash = randomHash();
  const first = await init(token, pdf({ fileHash: hash }));
  assert.equal(first.status, 201);
  storage.failNext(503);
  const before = await dbFingerprint();
  const again = await init(token, pdf({ fileHash: hash }));
  assert.equal(again.status, 502);
  assert.equal(again.body.error.code, 'storage_unavailable');
  assert.deepEqual(await dbFingerprint(), before, 'the duplicate the plan was for is kept');
  assert.equal((await documentRow(first.body.documentId)).status, 'pending');
  const retry = await init(token, pdf({ fileHash: hash }));
  assert.equal(retry.status, 200, 'a retry gets the plan');
  assert.equal(retry.body.upload.path, first.body.upload.path);
});

test('a document that got progress while Storage was refusing is not taken back', async () => {
  const user = await createUser();
  const token = await userToken(user);
  storage.failNext(500);
  storage.delayNext(300);
  const pending = init(token, pdf({ fileSize: 1000 }));
  let id: string | undefined;
  for (let i = 0; i < 100 && !id; i++) {
    [{ id } = { id: undefined }] = await admin<{ id: string }[]>`select id from public.documents where user_id = ${user}`;
    if (!id) await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(id, 'the document is committed before Storage is asked');
  const put = await call(handler, 'PUT', { token, body: { documentId: id, bytesUploaded: 10 } });
  assert.equal(put.status, 200);
  const res = await pending;
  assert.equal(res.status, 502);
  assert.equal((await documentRow(id)).status, 'uploading', 'kept: someone is uploading it');
});

test('a POST answers from one transaction and then asks Storage: the log line says where the time went', async () => {
  const user = await createUser();
  storage.delayNext(60);
  const res = await init(await userToken(user), pdf());
  assert.equal(res.status, 201);
  const entry = deps.log.entries.findLast((e) => e.requestId === res.headers.get('x-request-id'))!;
  const t = entry.timings as Record<string, number>;
  for (const step of ['auth', 'db', 'dbWait', 'storage']) {
    assert.equal(typeof t[step], 'number', `timings.${step}`);
    assert.ok(t[step]! >= 0);
  }
  assert.ok(t.dbWait! <= t.db!, 'the wait is part of the transaction');
  assert.ok(t.storage! >= 60);
  assert.ok(t.db! + t.storage! <= (entry.ms as number) + 1, 'the transaction and the Storage call do not overlap');
});

test('GET returns status and progress; other users and unknown ids get 404', async () => {
  const owner = await createUser();
  const created = await init(await userToken(owner), pdf());
  const id = created.body.documentId;
  const mine = await call(handler, 'GET', { token: await userToken(owner), query: { documentId: id } });
  assert.equal(mine.status, 200);
  assert.equal(mine.body.status, 'pending');
  assert.equal(mine.body.stuck, false);
  assert.equal(mine.body.etaSeconds, null);
  assert.equal(mine.body.document.filename, 'report.pdf');
  const other = await call(handler, 'GET', { token: await userToken(await createUser()), query: { documentId: id } });
  assert.equal(other.status, 404);
  assert.equal(other.body.error.code, 'document_not_found');
  const unknown = await call(handler, 'GET', { token: await userToken(owner), query: { documentId: crypto.randomUUID() } });
  assert.equal(unknown.status, 404);
  const malformed = await call(handler, 'GET', { token: await userToken(owner), query: { documentId: "1' or '1'='1" } });
  assert.equal(malformed.status, 400);
  const empty = await call(handler, 'GET', { token: await userToken(owner), query: { documentId: '' } });
  assert.equal(empty.status, 400);
  const service = await call(handler, 'GET', { token: await serviceToken(), query: { documentId: id } });
  assert.equal(service.status, 200, 'the service role reads any document');
});

test('PUT moves progress forward, throttles realtime rows to 1/s per document, always sends the last', async () => {
  const owner = await createUser();
  const token = await userToken(owner);
  const size = 20 * MiB;
  const { body } = await init(token, pdf({ fileSize: size }));
  const id = body.documentId;
  const put = (bytesUploaded: number, chunkIndex?: number) =>
    call(handler, 'PUT', { token, body: { documentId: id, bytesUploaded, chunkIndex, totalChunks: 4 } });

  const first = await put(6 * MiB, 0);
  assert.equal(first.status, 200);
  assert.equal(first.body.accepted, true);
  assert.equal(first.body.status, 'uploading');
  assert.equal(first.body.upload.progress, 30);
  deps.clock.advance(200);
  assert.equal((await put(7 * MiB)).body.accepted, true);
  deps.clock.advance(200);
  const back = await put(1 * MiB);
  assert.equal(back.body.accepted, false, 'a regression is ignored');
  assert.equal(Number((await documentRow(id)).bytes_uploaded), 7 * MiB);
  deps.clock.advance(1000);
  assert.equal((await put(12 * MiB, 1)).body.accepted, true);
  deps.clock.advance(100);
  const last = await put(size, 3);
  assert.equal(last.body.upload.progress, 100);
  assert.equal(last.body.upload.chunksUploaded, 4);

  const rows = await progressRows(id);
  // Rows written in one transaction share a timestamp, so compare them as a multiset.
  const types = rows.map((r) => String(r.payload.type)).sort();
  assert.deepEqual(types, ['progress_update', 'progress_update', 'progress_update', 'status_change']);
  assert.deepEqual(rows.filter((r) => r.payload.type === 'progress_update').map((r) => r.payload.bytesUploaded), [6 * MiB, 12 * MiB, size]);
  assert.equal(rows.find((r) => r.payload.type === 'status_change')!.payload.to, 'uploading');

  const past = await put(size + 1);
  assert.equal(past.status, 422);
  assert.equal(past.body.error.code, 'progress_out_of_range');
});

test('PUT on someone else\'s document is 404; on a finished one it is ignored; on a failed one 409', async () => {
  const owner = await createUser();
  const { body } = await init(await userToken(owner), pdf());
  const id = body.documentId;
  const intruder = await call(handler, 'PUT', { token: await userToken(await createUser()), body: { documentId: id, bytesUploaded: 10 } });
  assert.equal(intruder.status, 404);
  assert.equal(Number((await documentRow(id)).bytes_uploaded), 0);
  await admin`update public.documents set status = 'uploaded' where id = ${id}`;
  const late = await call(handler, 'PUT', { token: await userToken(owner), body: { documentId: id, bytesUploaded: 10 } });
  assert.equal(late.status, 200);
  assert.equal(late.body.accepted, false);
  assert.equal((await documentRow(id)).status, 'uploaded');
  await admin`update public.documents set status = 'failed' where id = ${id}`;
  const failed = await call(handler, 'PUT', { token: await userToken(owner), body: { documentId: id, bytesUploaded: 10 } });
  assert.equal(failed.status, 409);
  assert.equal(failed.body.error.code, 'invalid_state');
});

test('OPTIONS preflight and unknown methods', async () => {
  const pre = await call(handler, 'OPTIONS', { headers: { origin: 'https://app.example' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  const patch = await call(handler, "PATCH", { token: await userToken(await createUser()) });
  assert.equal(patch.status, 405);
  assert.equal(patch.body.error.code, 'method_not_allowed');
  assert.match(patch.headers.get('allow') ?? '', /POST/);
});

test('every response carries CORS headers and a request id; logs are structured', async () => {
  const res = await call(handler, 'GET', { token: await userToken(await createUser()), query: { documentId: crypto.randomUUID() } });
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.ok(res.headers.get('x-request-id'));
  const entry = deps.log.entries.at(-1)!;
  assert.equal(entry.fn, 'upload-handler');
  assert.equal(entry.status, 404);
  assert.equal(entry.requestId, res.headers.get('x-request-id'));
  assert.equal(JSON.stringify(deps.log.entries).includes(JWT_SECRET), false);
});

test('DELETE cancels an unfinished upload (idempotent); finished ones and other users are refused', async () => {
  const owner = await createUser();
  const token = await userToken(owner);
  const { body } = await init(token, pdf());
  const id = body.documentId;
  const other = await call(handler, 'DELETE', { token: await userToken(await createUser()), query: { documentId: id } });
  assert.equal(other.status, 404);
  const res = await call(handler, 'DELETE', { token, query: { documentId: id } });
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'cancelled');
  assert.equal((await documentRow(id)).status, 'cancelled');
  assert.ok((await progressRows(id)).some((r) => r.payload.to === 'cancelled'));
  assert.equal((await call(handler, 'DELETE', { token, query: { documentId: id } })).status, 200, 'cancelling twice is fine');
  const done = await init(token, pdf());
  await admin`update public.documents set status = 'uploaded' where id = ${done.body.documentId}`;
  const late = await call(handler, 'DELETE', { token, query: { documentId: done.body.documentId } });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, 'invalid_state');
});

test('GET without documentId lists the caller\'s own recent documents, newest first', async () => {
  const owner = await createUser();
  const token = await userToken(owner);
  const a = await init(token, pdf({ filename: 'a.pdf' }));
  deps.clock.advance(1000);
  const b = await init(token, pdf({ filename: 'b.pdf' }));
  await init(await userToken(await createUser()), pdf({ filename: 'theirs.pdf' }));
  const res = await call(handler, 'GET', { token });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.documents.map((d: { id: string }) => d.id).sort(), [a.body.documentId, b.body.documentId].sort());
  assert.equal((await call(handler, 'GET', { token, query: { limit: '1' } })).body.documents.length, 1);
  assert.equal((await call(handler, 'GET', { token, query: { limit: '0' } })).status, 400);
  assert.equal((await call(handler, 'GET', { token, query: { limit: 'x' } })).status, 400);
  assert.equal((await call(handler, 'GET', {})).status, 401);
});

test('a valid token of a user that no longer exists is 401 auth_invalid, nothing written', async () => {
  const before = await dbFingerprint();
  const res = await init(await userToken(crypto.randomUUID()), pdf());
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, 'auth_invalid');
  assert.deepEqual(await dbFingerprint(), before);
});
