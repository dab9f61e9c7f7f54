// Late hash (issue 19): POST with a fingerprint, the full MD5 delivered later (POST with a
// documentId), the Storage event for a document still waiting for its hash, and the duplicate
// that is only found when the hash arrives.
import assert from 'node:assert/strict';
import { processingWebhook } from '../processing-webhook/handler.ts';
import { send, SHARED_SECRET } from '../processing-webhook/test-support.ts';
import {
  admin, call, countDocuments, createUser, dbFingerprint, documentRow, JWT_SECRET, progressRows, randomHash, startStorageStandIn, test,
  testDeps, userToken,
} from '../_test/helpers.ts';
import { uploadHandler } from './handler.ts';

const SECRET_KEY = 'sb_secret_late-hash-tests';
const signer = startStorageStandIn();
// Storage for these tests: signing goes to the stand-in, removals are recorded here.
const removed: { path: string; apikey: string | null }[] = [];
const storage = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  if (req.method === 'DELETE' && url.pathname === '/storage/v1/object/documents') {
    const { prefixes } = await req.json() as { prefixes: string[] };
    for (const path of prefixes) removed.push({ path, apikey: req.headers.get('apikey') });
    return Response.json(prefixes.map((name) => ({ name })));
  }
  return await fetch(new Request(signer.url + url.pathname + url.search, req));
});
const deps = testDeps({
  supabaseUrl: `http://127.0.0.1:${storage.addr.port}`,
  config: { auth: { jwtSecret: JWT_SECRET, secretKeys: [SECRET_KEY] } },
});
const handler = uploadHandler(() => deps);
const webhook = processingWebhook(() => deps);
const MiB = 1024 * 1024;

const fp = () => `md5-ends-1m:${randomHash()}`;
const post = async (token: string, body: unknown) => await call(handler, 'POST', { token, body });
const start = (over: Record<string, unknown> = {}) => ({ filename: 'late.pdf', contentType: 'application/pdf', fileSize: 3 * MiB, fingerprint: fp(), ...over });
/** Storage holds the object (as the storage.objects row Storage writes), then its event arrives. */
const land = async (doc: { id: string; path: string; size: number }, etag = 'not-an-md5-1') => {
  await admin`insert into storage.objects (bucket_id, name, metadata)
              values ('documents', ${doc.path}, ${admin.json({ size: doc.size, eTag: `"${etag}"` })})`;
  return await send(webhook, deps, { source: 'storage', documentId: doc.id, status: 'completed', size: doc.size });
};

async function lateDocument(user?: string) {
  const owner = user ?? await createUser();
  const token = await userToken(owner);
  const body = start();
  const res = await post(token, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { owner, token, id: res.body.documentId as string, path: res.body.upload.path as string, size: body.fileSize, fingerprint: body.fingerprint, res };
}

test('fingerprint, no candidate: a document with its hash pending and the plan at once', async () => {
  const { id, owner, fingerprint, res } = await lateDocument();
  assert.equal(res.body.duplicate, false);
  assert.equal(res.body.candidate, false);
  assert.equal(res.body.hashPending, true);
  assert.equal(res.body.upload.strategy, 'put');
  assert.equal(res.body.upload.path, `${owner}/${id}/late.pdf`);
  const row = await documentRow(id);
  assert.equal(row.file_hash, null);
  assert.equal(row.status, 'pending');
  const [saved] = await admin`select fingerprint, user_id from private.document_fingerprints where document_id = ${id}`;
  assert.deepEqual({ ...saved }, { fingerprint, user_id: owner });
  const status = await call(handler, 'GET', { token: await userToken(owner), query: { documentId: id } });
  assert.equal(status.body.document.fileHash, null);
  assert.equal(status.body.document.hashPending, true);
});

test('fingerprint, candidate: the same size and fingerprint, or a same-size document without one, answer candidate and create nothing', async () => {
  const { owner, token, fingerprint, size } = await lateDocument();
  const again = await post(token, start({ filename: 'copy.pdf', fingerprint, fileSize: size }));
  assert.equal(again.status, 200);
  assert.deepEqual(Object.keys(again.body).sort(), ['candidate', 'duplicate', 'features']);
  assert.equal(again.body.candidate, true);
  assert.equal(await countDocuments(owner), 1);
  // A document created with its full hash has no fingerprint: any file of its size could be it.
  const classic = await post(token, { filename: 'c.pdf', contentType: 'application/pdf', fileSize: 777, fileHash: randomHash() });
  assert.equal(classic.status, 201);
  assert.equal((await post(token, start({ fileSize: 777 }))).body.candidate, true);
  // Another size or another fingerprint: no candidate.
  assert.equal((await post(token, start({ fileSize: size + 1, fingerprint }))).status, 201);
  assert.equal((await post(token, start({ fileSize: size }))).status, 201);
  // Another user's documents are never candidates.
  assert.equal((await post(await userToken(await createUser()), start({ fingerprint, fileSize: size }))).status, 201);
});

test('fingerprint input: malformed is 422 fingerprint_invalid; with fileHash the classic start applies', async () => {
  const token = await userToken(await createUser());
  const before = await dbFingerprint();
  for (const fingerprint of ['md5-ends-1m:xyz', randomHash(), `sha1:${randomHash()}`, '']) {
    const res = await post(token, start({ fingerprint }));
    assert.equal(res.status, 422, fingerprint);
    assert.equal(res.body.error.code, 'fingerprint_invalid');
  }
  assert.equal((await post(token, start({ fingerprint: 5 }))).body.error.code, 'validation_failed');
  assert.deepEqual(await dbFingerprint(), before, 'nothing was written');
  const upper = await post(token, start({ fingerprint: `md5-ends-1m:${randomHash().toUpperCase()}` }));
  assert.equal(upper.status, 201, 'hex digits are case-insensitive');
  const hash = randomHash();
  const both = await post(token, start({ fileHash: hash }));
  assert.equal(both.status, 201);
  assert.equal((await documentRow(both.body.documentId)).file_hash, hash, 'fileHash given: the classic start, hash known');
});

test('late hash, new content, after the object landed: the document waits uploaded, then processing runs to completed', async () => {
  const doc = await lateDocument();
  const landed = await land(doc);
  assert.equal(landed.status, 200);
  assert.equal(landed.body.outcome, 'applied');
  assert.equal(landed.body.reason, 'awaiting_hash');
  assert.equal((await documentRow(doc.id)).status, 'uploaded', 'uploaded, awaiting hash: no processing yet');
  const hash = randomHash();
  const res = await post(doc.token, { documentId: doc.id, fileHash: hash.toUpperCase() });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual({ id: res.body.documentId, dup: res.body.duplicate, rec: res.body.hashRecorded, status: res.body.status },
    { id: doc.id, dup: false, rec: true, status: 'completed' });
  const row = await documentRow(doc.id);
  assert.equal(row.file_hash, hash);
  assert.equal(row.status, 'completed');
  const moves = (await progressRows(doc.id)).filter((r) => r.payload.type === 'status_change').map((r) => String(r.payload.to));
  assert.deepEqual(moves.sort(), ['completed', 'processing', 'uploaded'], 'one move each (rows of the frozen clock share a timestamp)');
  // A repeat (the answer was lost) answers the same and changes nothing.
  const before = await dbFingerprint();
  const repeat = await post(doc.token, { documentId: doc.id, fileHash: hash });
  assert.equal(repeat.status, 200);
  assert.equal(repeat.body.duplicate, false);
  assert.equal(repeat.body.status, 'completed');
  assert.deepEqual(await dbFingerprint(), before);
});

test('late hash before the object lands: recorded; Storage\'s event then starts processing as usual', async () => {
  const doc = await lateDocument();
  const hash = randomHash();
  const res = await post(doc.token, { documentId: doc.id, fileHash: hash });
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'pending');
  const landed = await land(doc);
  assert.equal(landed.body.status, 'completed');
  assert.equal((await documentRow(doc.id)).file_hash, hash);
});

test('late duplicate: the hash equals another live document: resolves to it, no second row, its object removed', async () => {
  const doc = await lateDocument();
  await land(doc);
  // Meanwhile the same file was started with its full hash (another tab), so the fingerprint did not see it.
  const hash = randomHash();
  const first = await post(doc.token, { filename: 'same.pdf', contentType: 'application/pdf', fileSize: doc.size, fileHash: hash });
  assert.equal(first.status, 201);
  removed.length = 0;
  const res = await post(doc.token, { documentId: doc.id, fileHash: hash });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.duplicate, true);
  assert.equal(res.body.documentId, first.body.documentId);
  assert.equal(res.body.resolvedFrom, doc.id);
  assert.equal(res.body.document.id, first.body.documentId);
  const rows = await admin`select id from public.documents where user_id = ${doc.owner} and file_hash = ${hash}`;
  assert.deepEqual(rows.map((r) => r.id), [first.body.documentId], 'one row per hash');
  assert.equal((await admin`select 1 from public.documents where id = ${doc.id}`).length, 0, 'the new row is gone');
  assert.deepEqual(removed, [{ path: doc.path, apikey: SECRET_KEY }], 'its object was removed with the secret key');
  // A repeat answers the same (from document_merges); nothing is removed twice.
  removed.length = 0;
  const repeat = await post(doc.token, { documentId: doc.id, fileHash: hash });
  assert.equal(repeat.status, 200);
  assert.deepEqual([repeat.body.duplicate, repeat.body.documentId, repeat.body.resolvedFrom], [true, first.body.documentId, doc.id]);
  assert.deepEqual(removed, []);
  const other = await post(doc.token, { documentId: doc.id, fileHash: randomHash() });
  assert.equal(other.status, 409);
  assert.equal(other.body.error.code, 'hash_conflict');
});

test('late duplicate whose bytes land after the merge: Storage\'s event removes the orphan object, 200 ignored/merged', async () => {
  const doc = await lateDocument();
  const hash = randomHash();
  const first = await post(doc.token, { filename: 'same.pdf', contentType: 'application/pdf', fileSize: doc.size, fileHash: hash });
  assert.equal(first.status, 201);
  // The hash is done before the transfer: the merge finds no object to remove yet.
  const merged = await post(doc.token, { documentId: doc.id, fileHash: hash });
  assert.deepEqual([merged.body.duplicate, merged.body.resolvedFrom], [true, doc.id]);
  removed.length = 0;

  // The bytes land now (a PUT already in flight, or TUS finishing): Storage's event by id…
  const landed = await land(doc);
  assert.equal(landed.status, 200, JSON.stringify(landed.body));
  assert.deepEqual(landed.body, {
    received: true, webhookId: landed.id, duplicate: false, documentId: doc.id, status: null,
    outcome: 'ignored', reason: 'merged', mergedInto: first.body.documentId,
  });
  assert.deepEqual(removed, [{ path: doc.path, apikey: SECRET_KEY }], 'the orphan is removed with the secret key');
  assert.equal((await admin`select 1 from public.documents where id = ${doc.id}`).length, 0, 'no row reappears');
  const [event] = await admin`select document_id, outcome from public.webhook_events where webhook_id = ${landed.id}`;
  assert.deepEqual({ ...event }, { document_id: null, outcome: 'ignored' });

  // …and as the Database Webhook on storage.objects sends it (by bucket and name).
  removed.length = 0;
  const record = { bucket_id: 'documents', name: doc.path, metadata: { size: doc.size, eTag: '"abc-2"' } };
  const object = await send(webhook, deps, { type: 'UPDATE', table: 'objects', schema: 'storage', record }, { source: 'storage', shared: SHARED_SECRET });
  assert.equal(object.status, 200, JSON.stringify(object.body));
  assert.deepEqual([object.body.outcome, object.body.reason, object.body.documentId, object.body.mergedInto], ['ignored', 'merged', doc.id, first.body.documentId]);
  assert.deepEqual(removed.map((r) => r.path), [doc.path]);
  const first2 = await documentRow(first.body.documentId);
  assert.equal(first2.status, 'pending', 'the document it merged into is not touched');

  // Never merged: the unknown id and the unknown object keep their 404; another bucket is not the document's.
  removed.length = 0;
  const stranger = await send(webhook, deps, { source: 'storage', documentId: crypto.randomUUID(), status: 'completed' });
  assert.deepEqual([stranger.status, stranger.body.error?.code], [404, 'document_not_found']);
  const elsewhere = { ...record, name: `${doc.owner}/${crypto.randomUUID()}/late.pdf` };
  const unknown = await send(webhook, deps, { type: 'INSERT', table: 'objects', schema: 'storage', record: elsewhere }, { source: 'storage', shared: SHARED_SECRET });
  assert.deepEqual([unknown.status, unknown.body.error?.code], [404, 'document_not_found']);
  const otherBucket = { ...record, bucket_id: 'avatars' };
  const bucket = await send(webhook, deps, { type: 'INSERT', table: 'objects', schema: 'storage', record: otherBucket }, { source: 'storage', shared: SHARED_SECRET });
  assert.deepEqual([bucket.status, bucket.body.error?.code], [404, 'document_not_found']);
  assert.deepEqual(removed, [], 'nothing else removed');
});

test('late hash input and state: odd hash 422 hash_invalid, a different MD5 than Storage recorded 422 hash_mismatch, a second different hash 409 hash_conflict', async () => {
  const doc = await lateDocument();
  const before = await dbFingerprint();
  for (const fileHash of ['abc', 'z'.repeat(32), '']) {
    const res = await post(doc.token, { documentId: doc.id, fileHash });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'hash_invalid');
  }
  const bad = await post(doc.token, { documentId: 'not-a-uuid', fileHash: randomHash() });
  assert.equal(bad.body.error.code, 'validation_failed');
  assert.deepEqual(await dbFingerprint(), before);
  // A single PUT: Storage's ETag is the object's MD5, so a wrong hash is caught.
  const stored = randomHash();
  await land(doc, stored);
  const wrong = await post(doc.token, { documentId: doc.id, fileHash: randomHash() });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.body.error.code, 'hash_mismatch');
  assert.equal((await documentRow(doc.id)).file_hash, null, 'nothing recorded');
  assert.equal((await post(doc.token, { documentId: doc.id, fileHash: stored })).body.status, 'completed');
  const changed = await post(doc.token, { documentId: doc.id, fileHash: randomHash() });
  assert.equal(changed.status, 409);
  assert.equal(changed.body.error.code, 'hash_conflict');
});

test('late hash: another user\'s document is 404 and unchanged; closed documents are 409', async () => {
  const doc = await lateDocument();
  const stranger = await userToken(await createUser());
  const res = await post(stranger, { documentId: doc.id, fileHash: randomHash() });
  assert.equal(res.status, 404);
  assert.equal(res.body.error.code, 'document_not_found');
  assert.equal((await documentRow(doc.id)).file_hash, null);
  await call(handler, 'DELETE', { token: doc.token, query: { documentId: doc.id } });
  const cancelled = await post(doc.token, { documentId: doc.id, fileHash: randomHash() });
  assert.equal(cancelled.status, 409);
  assert.equal(cancelled.body.error.code, 'invalid_state');
});

test('a crash between transfer and hash: the sweep fails the document after an hour (hash_missing)', async () => {
  const doc = await lateDocument();
  await land(doc);
  await admin`update public.documents set last_progress_at = now() - interval '61 minutes' where id = ${doc.id}`;
  const [swept] = await admin<{ n: number }[]>`select public.sweep_abandoned_uploads() as n`;
  assert.ok(swept!.n >= 1);
  const row = await documentRow(doc.id);
  assert.deepEqual([row.status, row.error_code], ['failed', 'hash_missing']);
  const late = await post(doc.token, { documentId: doc.id, fileHash: randomHash() });
  assert.equal(late.status, 409, 'a hash after the sweep is too late');
});

// The fingerprint POST's idempotencyKey (migration late_hash_idempotency): a repeat of the POST
// whose 201 was lost answers the same document again instead of `candidate`.
const keyedStart = () => ({ ...start(), idempotencyKey: crypto.randomUUID() as string });

test('idempotencyKey input: anything but a UUID is 422 validation_failed naming the field; nothing written', async () => {
  const token = await userToken(await createUser());
  const before = await dbFingerprint();
  const uuid = crypto.randomUUID();
  for (const idempotencyKey of ['', 'not-a-uuid', uuid.replaceAll('-', ''), `{${uuid}}`, `${uuid}0`, ` ${uuid}`, 'g'.repeat(8) + uuid.slice(8), null, 5, true, [uuid], { uuid }]) {
    const res = await post(token, start({ idempotencyKey }));
    assert.equal(res.status, 422, JSON.stringify(idempotencyKey));
    assert.equal(res.body.error.code, 'validation_failed');
    assert.match(res.body.error.message, /idempotencyKey must be a UUID/);
    assert.deepEqual(res.body.error.details.issues.map((i: { path: string }) => i.path), ['idempotencyKey']);
  }
  assert.deepEqual(await dbFingerprint(), before, 'nothing was written');
  // Any version, hex digits in either case.
  for (const key of [uuid.toUpperCase(), '00000000-0000-0000-0000-000000000000', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '6ba7b810-9dad-11d1-80b4-00c04fd430c8']) {
    assert.equal((await post(token, start({ idempotencyKey: key }))).status, 201, key);
  }
});

test('idempotencyKey: the same POST again answers 201 with the same document and a fresh plan, never candidate; one row', async () => {
  const owner = await createUser();
  const token = await userToken(owner);
  const body = keyedStart();
  const first = await post(token, body);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const [saved] = await admin`select idempotency_key from private.document_fingerprints where document_id = ${first.body.documentId}`;
  assert.equal(saved!.idempotency_key, body.idempotencyKey);
  // The answer was lost: the client sends the same request again (the key in upper case is the same key).
  for (const again of [body, { ...body, idempotencyKey: body.idempotencyKey.toUpperCase() }]) {
    const res = await post(token, again);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), Object.keys(first.body).sort(), 'the same shape as the first answer');
    assert.deepEqual([res.body.documentId, res.body.duplicate, res.body.candidate, res.body.hashPending], [first.body.documentId, false, false, true]);
    assert.deepEqual(Object.keys(res.body.upload).sort(), Object.keys(first.body.upload).sort());
    assert.equal(res.body.upload.path, first.body.upload.path);
    assert.equal(res.body.upload.strategy, first.body.upload.strategy);
    assert.ok(res.body.upload.token, 'a signed token to send the bytes with');
  }
  assert.equal(await countDocuments(owner), 1, 'no second document');
  // Without the key, or with another one: exactly as before (candidate, nothing created).
  const { idempotencyKey: _, ...keyless } = body;
  assert.deepEqual([(await post(token, keyless)).body.candidate, (await post(token, { ...body, idempotencyKey: crypto.randomUUID() })).body.candidate], [true, true]);
  assert.equal(await countDocuments(owner), 1);
  // Another user's key never matches (keys are per user).
  const stranger = await createUser();
  const theirs = await post(await userToken(stranger), body);
  assert.equal(theirs.status, 201);
  assert.notEqual(theirs.body.documentId, first.body.documentId);
  assert.equal(await countDocuments(owner), 1);
  // The document moves on: the same key then follows it (cancelled: the key is free again).
  await call(handler, 'DELETE', { token, query: { documentId: first.body.documentId } });
  const after = await post(token, body);
  assert.equal(after.status, 201);
  assert.notEqual(after.body.documentId, first.body.documentId, 'a cancelled document is not answered again');
  assert.equal((await post(token, body)).body.documentId, after.body.documentId);
});

test('idempotencyKey reused for another file (fingerprint, size, name or type): 422 idempotency_key_reused, nothing written', async () => {
  const token = await userToken(await createUser());
  const body = keyedStart();
  assert.equal((await post(token, body)).status, 201);
  const before = await dbFingerprint();
  for (const other of [{ fingerprint: fp() }, { fileSize: body.fileSize + 1 }, { filename: 'other.pdf' }, { filename: 'late.txt', contentType: 'text/plain' }]) {
    const res = await post(token, { ...body, ...other });
    assert.equal(res.status, 422, JSON.stringify(other));
    assert.equal(res.body.error.code, 'idempotency_key_reused');
    assert.match(res.body.error.message, /new idempotencyKey for each file/);
  }
  assert.deepEqual(await dbFingerprint(), before, 'nothing was written');
});

test('idempotencyKey: concurrent repeats of the same POST make one document and all answer it', async () => {
  const owner = await createUser();
  const token = await userToken(owner);
  const body = keyedStart();
  const answers = await Promise.all([1, 2, 3, 4].map(() => post(token, body)));
  assert.deepEqual(answers.map((a) => a.status), [201, 201, 201, 201]);
  assert.equal(new Set(answers.map((a) => a.body.documentId)).size, 1);
  assert.equal(await countDocuments(owner), 1);
});

test('idempotencyKey: when the key\'s document already has its bytes, a repeat answers 200 with the document and no plan', async () => {
  const body = keyedStart();
  const owner = await createUser();
  const token = await userToken(owner);
  const first = await post(token, body);
  const doc = { id: first.body.documentId as string, path: first.body.upload.path as string, size: body.fileSize };
  await land(doc);
  const res = await post(token, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual([res.body.documentId, res.body.duplicate, res.body.candidate, res.body.hashPending, res.body.status],
    [doc.id, false, false, true, 'uploaded']);
  assert.equal(res.body.upload, undefined, 'no plan: the stored bytes cannot be overwritten through it');
  assert.equal(res.body.document.id, doc.id);
  assert.equal(await countDocuments(owner), 1);
});
