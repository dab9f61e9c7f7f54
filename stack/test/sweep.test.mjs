// @ts-check
// Abandoned uploads on the stack: the pg_cron job `sweep-abandoned-uploads` (migration
// pg_cron_schedules) fails them, and a user who comes back with the same file after the sweep
// uploads it again as a new document, through the real functions, Storage and tus-js-client.
// pg_cron runs the job every 15 minutes; the tests run the job's command now, as pg_cron would
// (as the role that scheduled it), rather than wait. hosted-database.test.mjs shows pg_cron
// itself running the migrations' jobs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import * as tus from 'tus-js-client';
import { eventsIdle } from '../src/pg-net.mjs';
import { disconnectClients, eventually, pdfBytes, planTusOptions, signedInClient, startTestStack, tusUpload } from './helpers.mjs';

const MiB = 1024 * 1024;

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: false });
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

/** The function's answer as JSON, whatever the status. @param {Response} res */
const body = async (res) => JSON.parse(await res.text());

/** Send the first TUS chunk of `bytes` and stop there, like a tab closed mid-upload. */
function firstChunkOnly(/** @type {any} */ plan, /** @type {Buffer} */ bytes) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      ...planTusOptions(plan),
      retryDelays: null,
      onChunkComplete: (_size, accepted) => {
        void upload.abort().then(() => resolve(accepted));
      },
      onSuccess: () => reject(new Error('the whole file went through')),
      onError: reject,
    });
    upload.start();
  });
}

test('an upload left half-way is failed by the sweep job once it is quiet past the expiry; the same file then uploads again as a new document', async () => {
  const { session } = await signedInClient(stack);
  const fn = (/** @type {string} */ method, /** @type {string} */ query = '', /** @type {unknown} */ payload = undefined) =>
    fetch(`${stack.url}/functions/v1/upload-handler${query}`, {
      method,
      headers: { authorization: `Bearer ${session.access_token}`, apikey: stack.anonKey, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
  const bytes = pdfBytes(7 * MiB, 11);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const init = { filename: 'minutes.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: md5 };

  // Start, send one chunk, report it (what the core does), then go away.
  const first = await fn('POST', '', init);
  assert.equal(first.status, 201);
  const started = await body(first);
  assert.equal(started.upload.strategy, 'tus');
  const sent = await firstChunkOnly(started.upload, bytes);
  assert.equal(sent, 6 * MiB);
  const reported = await fn('PUT', '', { documentId: started.documentId, bytesUploaded: sent, chunkIndex: 0, totalChunks: 2 });
  assert.equal(reported.status, 200);
  assert.equal((await body(reported)).status, 'uploading');

  // A day passes without a byte (the test moves the last sign of life back rather than wait).
  await stack.sql`update public.documents set last_progress_at = now() - interval '24 hours 1 minute' where id = ${started.documentId}`;
  const [{ sweep_abandoned_uploads: count }] = await stack.runCronJob('sweep-abandoned-uploads');
  assert.equal(count, 1);
  const [swept] = await stack.sql`select status, error_code from public.documents where id = ${started.documentId}`;
  assert.equal(swept?.status, 'failed');
  assert.equal(swept?.error_code, 'upload_abandoned');

  // What the user's client sees of the swept document.
  const status = await body(await fn('GET', `?documentId=${started.documentId}`));
  assert.equal(status.status, 'failed');
  assert.equal(status.error.code, 'upload_abandoned');
  assert.match(status.error.message, /upload it/);
  const late = await fn('PUT', '', { documentId: started.documentId, bytesUploaded: bytes.length });
  assert.equal(late.status, 409, 'a late progress report on the swept document is refused, not a 500');
  assert.equal((await body(late)).error.code, 'invalid_state');

  // The user comes back with the same file: a new document and a working plan, not "duplicate".
  const again = await fn('POST', '', init);
  assert.equal(again.status, 201);
  const restarted = await body(again);
  assert.equal(restarted.duplicate, false);
  assert.notEqual(restarted.documentId, started.documentId);
  assert.notEqual(restarted.upload.path, started.upload.path);
  await tusUpload(restarted.upload, bytes);
  await eventsIdle();
  const done = await eventually(async () => {
    const [row] = await stack.sql`select status, bytes_uploaded from public.documents where id = ${restarted.documentId}`;
    return row?.status === 'completed' ? row : null;
  }, 10_000);
  assert.equal(Number(done.bytes_uploaded), bytes.length);

  // The stored object is the file, byte for byte; the swept document stays failed beside it.
  const download = await fetch(`${stack.url}/storage/v1/object/authenticated/documents/${restarted.upload.path}`, {
    headers: { authorization: `Bearer ${session.access_token}`, apikey: stack.anonKey },
  });
  assert.equal(download.status, 200);
  assert.equal(createHash('md5').update(Buffer.from(await download.arrayBuffer())).digest('hex'), md5);
  const list = await body(await fn('GET'));
  assert.deepEqual(
    list.documents.map((/** @type {any} */ d) => [d.id, d.status]),
    [[restarted.documentId, 'completed'], [started.documentId, 'failed']],
  );
});

test('a document with progress inside the expiry is left alone by the sweep job', async () => {
  const { session } = await signedInClient(stack);
  const bytes = pdfBytes(1024, 12);
  const res = await fetch(`${stack.url}/functions/v1/upload-handler`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.access_token}`, apikey: stack.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'fresh.pdf', contentType: 'application/pdf', fileSize: bytes.length, fileHash: createHash('md5').update(bytes).digest('hex') }),
  });
  assert.equal(res.status, 201);
  const { documentId } = await body(res);
  await stack.sql`update public.documents set last_progress_at = now() - interval '23 hours 59 minutes' where id = ${documentId}`;
  await stack.runCronJob('sweep-abandoned-uploads');
  const [row] = await stack.sql`select status from public.documents where id = ${documentId}`;
  assert.equal(row?.status, 'pending');
});
