// Inspection facts (issue 20): the optional `inspection` of both start POSTs, validated, stored
// once with the document (private.document_inspections) and answered as `document.inspection`.
import assert from 'node:assert/strict';
import { admin, call, countDocuments, createUser, randomHash, startStorageStandIn, test, testDeps, userToken } from '../_test/helpers.ts';
import { uploadHandler } from './handler.ts';

const storage = startStorageStandIn();
const deps = testDeps({ supabaseUrl: storage.url });
const handler = uploadHandler(() => deps);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const post = async (token: string, body: unknown) => await call(handler, 'POST', { token, body });
const facts = (over: Record<string, unknown> = {}) => ({ kind: 'pdf', pageCount: 12, wordCount: null, textLayer: 'text', encrypted: false, ...over });
const classic = (over: Record<string, unknown> = {}) =>
  ({ filename: 'report.pdf', contentType: 'application/pdf', fileSize: 1000, fileHash: randomHash(), inspection: facts(), ...over });
const late = (over: Record<string, unknown> = {}) =>
  ({ filename: 'report.pdf', contentType: 'application/pdf', fileSize: 3000, fingerprint: `md5-ends-1m:${randomHash()}`, inspection: facts(), ...over });
const stored = async (documentId: string) =>
  (await admin`select kind, page_count, word_count, text_layer, encrypted from private.document_inspections where document_id = ${documentId}`)
    .map((row) => ({ ...row }))[0];
const get = async (token: string, documentId: string) => await call(handler, 'GET', { token, query: { documentId } });

async function user() {
  const id = await createUser();
  return { id, token: await userToken(id) };
}

test('inspection: a classic start stores the facts; GET and the list answer them', async () => {
  const { id, token } = await user();
  const res = await post(token, classic());
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(await stored(res.body.documentId), { kind: 'pdf', page_count: 12, word_count: null, text_layer: 'text', encrypted: false });
  const status = await get(token, res.body.documentId);
  assert.deepEqual(status.body.document.inspection, facts());
  const list = await call(handler, 'GET', { token });
  assert.deepEqual(list.body.documents.map((d: { inspection: unknown }) => d.inspection), [facts()]);
  assert.equal(await countDocuments(id), 1);
});

test('inspection: without it everything is as before, and document.inspection is null', async () => {
  const { token } = await user();
  const { inspection: _, ...body } = classic();
  const res = await post(token, body);
  assert.equal(res.status, 201);
  assert.equal(await stored(res.body.documentId), undefined);
  assert.equal((await get(token, res.body.documentId)).body.document.inspection, null);
  const withNull = await post(token, classic({ inspection: null }));
  assert.equal(withNull.status, 201, 'inspection: null is the same as no inspection');
  assert.equal(await stored(withNull.body.documentId), undefined);
});

test('inspection: DOCX and TXT facts, unknown extra keys ignored', async () => {
  const { token } = await user();
  const docx = await post(token, classic({
    filename: 'letter.docx', contentType: DOCX,
    inspection: { ...facts({ kind: 'docx', pageCount: 3, wordCount: 1200 }), macros: false, damage: null },
  }));
  assert.equal(docx.status, 201, JSON.stringify(docx.body));
  assert.deepEqual((await get(token, docx.body.documentId)).body.document.inspection, facts({ kind: 'docx', pageCount: 3, wordCount: 1200 }));
  const txt = await post(token, classic({
    filename: 'notes.txt', contentType: 'text/plain; charset=utf-8', inspection: facts({ kind: 'txt', pageCount: null, wordCount: 0, textLayer: 'none' }),
  }));
  assert.equal(txt.status, 201, JSON.stringify(txt.body));
  assert.deepEqual(await stored(txt.body.documentId), { kind: 'txt', page_count: null, word_count: 0, text_layer: 'none', encrypted: false });
});

test('inspection: the limits are accepted at the edge', async () => {
  const { token } = await user();
  const res = await post(token, classic({ inspection: facts({ pageCount: 100_000, wordCount: 50_000_000, textLayer: 'image-only' }) }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const zero = await post(token, classic({ inspection: facts({ pageCount: 0, wordCount: 0, textLayer: 'mixed' }) }));
  assert.equal(zero.status, 201, JSON.stringify(zero.body));
});

const bad: [string, unknown, string][] = [
  ['not an object', 'pdf', 'inspection'],
  ['an array', [facts()], 'inspection'],
  ['no kind', facts({ kind: undefined }), 'inspection.kind'],
  ['an unknown kind', facts({ kind: 'rtf' }), 'inspection.kind'],
  ['kind in upper case', facts({ kind: 'PDF' }), 'inspection.kind'],
  ['a negative pageCount', facts({ pageCount: -1 }), 'inspection.pageCount'],
  ['a fractional pageCount', facts({ pageCount: 1.5 }), 'inspection.pageCount'],
  ['pageCount as a string', facts({ pageCount: '12' }), 'inspection.pageCount'],
  ['pageCount above 100000', facts({ pageCount: 100_001 }), 'inspection.pageCount'],
  ['pageCount 1e300', facts({ pageCount: 1e300 }), 'inspection.pageCount'],
  ['no pageCount', facts({ pageCount: undefined }), 'inspection.pageCount'],
  ['a negative wordCount', facts({ wordCount: -3 }), 'inspection.wordCount'],
  ['wordCount above 50000000', facts({ wordCount: 50_000_001 }), 'inspection.wordCount'],
  ['wordCount as a boolean', facts({ wordCount: true }), 'inspection.wordCount'],
  ['no wordCount', facts({ wordCount: undefined }), 'inspection.wordCount'],
  ['an unknown textLayer', facts({ textLayer: 'ocr' }), 'inspection.textLayer'],
  ['textLayer null', facts({ textLayer: null }), 'inspection.textLayer'],
  ['encrypted as a string', facts({ encrypted: 'false' }), 'inspection.encrypted'],
  ['encrypted missing', facts({ encrypted: undefined }), 'inspection.encrypted'],
];

test('inspection: every bad value is 422 validation_failed naming the field, and nothing is written', async () => {
  const { id, token } = await user();
  for (const [what, inspection, path] of bad) {
    // JSON drops undefined values: "missing" cases are sent without the key.
    for (const body of [classic({ inspection }), late({ inspection })]) {
      const res = await post(token, JSON.parse(JSON.stringify(body)));
      assert.equal(res.status, 422, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'validation_failed', what);
      assert.equal(res.body.error.details.issues[0].path, path, what);
    }
  }
  assert.equal(await countDocuments(id), 0);
});

test('inspection: a kind that does not match the file type is 422 validation_failed with a message saying what to send', async () => {
  const { id, token } = await user();
  const res = await post(token, classic({ inspection: facts({ kind: 'docx' }) }));
  assert.equal(res.status, 422);
  assert.equal(res.body.error.code, 'validation_failed');
  assert.match(res.body.error.message, /inspection\.kind is "docx" but the file is application\/pdf/);
  assert.match(res.body.error.message, /kind "pdf"/);
  assert.equal(res.body.error.details.issues[0].path, 'inspection.kind');
  const txt = await post(token, late({ filename: 'a.txt', contentType: 'text/plain', inspection: facts({ kind: 'pdf' }) }));
  assert.equal(txt.status, 422);
  assert.equal(txt.body.error.code, 'validation_failed');
  assert.match(txt.body.error.message, /kind "txt"/);
  assert.equal(await countDocuments(id), 0);
});

test('inspection: encrypted: true is 422 document_encrypted with an actionable message, for both starts, and creates nothing', async () => {
  const { id, token } = await user();
  const res = await post(token, classic({ inspection: facts({ encrypted: true }) }));
  assert.equal(res.status, 422);
  assert.equal(res.body.error.code, 'document_encrypted');
  assert.equal(res.body.error.message, 'This PDF is password-protected: remove the password and upload it again.');
  const fp = await post(token, late({ inspection: facts({ encrypted: true }) }));
  assert.equal(fp.status, 422);
  assert.equal(fp.body.error.code, 'document_encrypted');
  const docx = await post(token, classic({ filename: 'x.docx', contentType: DOCX, inspection: facts({ kind: 'docx', encrypted: true }) }));
  assert.equal(docx.body.error.code, 'document_encrypted');
  assert.match(docx.body.error.message, /Word document is password-protected/);
  assert.equal(await countDocuments(id), 0);
});

test('inspection: a duplicate start keeps the facts first stored, answers them, and fills them in when there were none', async () => {
  const { token } = await user();
  const first = await post(token, classic());
  const fileHash = (await admin`select file_hash from public.documents where id = ${first.body.documentId}`)[0]!.file_hash;
  const again = await post(token, classic({ fileHash, inspection: facts({ pageCount: 99, textLayer: 'image-only' }) }));
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  assert.deepEqual(again.body.document.inspection, facts(), 'the first facts, not the repeat\'s');
  assert.deepEqual(await stored(first.body.documentId), { kind: 'pdf', page_count: 12, word_count: null, text_layer: 'text', encrypted: false });

  const { inspection: _, ...bare } = classic();
  const none = await post(token, bare);
  const filled = await post(token, { ...bare, inspection: facts({ pageCount: 7 }) });
  assert.equal(filled.status, 200);
  assert.equal(filled.body.documentId, none.body.documentId);
  assert.deepEqual(filled.body.document.inspection, facts({ pageCount: 7 }), 'a document without facts takes the first that come');
  const noFacts = await post(token, bare);
  assert.deepEqual(noFacts.body.document.inspection, facts({ pageCount: 7 }), 'a duplicate start without facts answers the stored ones');
});

test('inspection: a fingerprint start stores the facts; an idempotent repeat keeps them; the late hash answer shows them', async () => {
  const { id, token } = await user();
  const key = crypto.randomUUID();
  const body = late({ idempotencyKey: key, inspection: facts({ pageCount: 40, textLayer: 'mixed' }) });
  const res = await post(token, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.hashPending, true);
  assert.deepEqual(await stored(res.body.documentId), { kind: 'pdf', page_count: 40, word_count: null, text_layer: 'mixed', encrypted: false });
  const repeat = await post(token, { ...body, inspection: facts({ pageCount: 1 }) });
  assert.equal(repeat.status, 201);
  assert.equal(repeat.body.documentId, res.body.documentId);
  assert.equal((await stored(res.body.documentId))!.page_count, 40, 'the repeat does not overwrite');
  // Another fingerprint start of a file that could be the same: candidate, no facts stored anywhere.
  const candidate = await post(token, late({ fingerprint: body.fingerprint, fileSize: body.fileSize }));
  assert.equal(candidate.body.candidate, true);
  assert.equal(await countDocuments(id), 1);
  const hashed = await post(token, { documentId: res.body.documentId, fileHash: randomHash() });
  assert.equal(hashed.status, 200, JSON.stringify(hashed.body));
  assert.deepEqual(hashed.body.document.inspection, facts({ pageCount: 40, textLayer: 'mixed' }));
  assert.deepEqual((await get(token, res.body.documentId)).body.document.inspection, facts({ pageCount: 40, textLayer: 'mixed' }));
});

test('inspection: another user never sees the facts, and deleting the document removes them', async () => {
  const owner = await user();
  const res = await post(owner.token, classic());
  const stranger = await user();
  assert.equal((await get(stranger.token, res.body.documentId)).status, 404);
  await admin`delete from public.documents where id = ${res.body.documentId}`;
  assert.equal(await stored(res.body.documentId), undefined);
});
