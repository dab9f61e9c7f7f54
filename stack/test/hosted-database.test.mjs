// @ts-check
// The database as hosted Supabase builds it, end to end through the stack: no default grants (the
// migrations' explicit grants are what let the functions work), the storage event delivered by a
// Database Webhook through pg_net, a lost delivery reconciled by the pg_cron job, and the real
// pg_cron running the migrations' schedules as postgres.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { disconnectClients, eventually, followProgress, LEGACY, pdfBytes, signedInClient, startTestStack, tusUpload } from './helpers.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
before(async () => {
  stack = await startTestStack({ processor: false });
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

/** Start an upload through upload-handler as a fresh user; returns the answer and the session. */
async function startUpload(/** @type {Buffer} */ bytes, name = 'report.pdf') {
  const { client: c, session } = await signedInClient(stack);
  const res = await c.functions.invoke('upload-handler', {
    body: { filename: name, contentType: 'application/pdf', fileSize: bytes.length, fileHash: createHash('md5').update(bytes).digest('hex') },
  });
  assert.equal(res.error, null, String(res.error));
  return { plan: res.data.upload, documentId: res.data.documentId, session, client: c };
}

const statusOf = async (/** @type {string} */ id) => (await stack.sql`select status from public.documents where id = ${id}`)[0]?.status;
/** Resolves once the document has left pending/uploading (the storage event was applied). */
const movedOn = (/** @type {string} */ id) =>
  eventually(async () => {
    const status = await statusOf(id);
    return status && !['pending', 'uploading'].includes(status) ? status : null;
  });

test('the API roles have exactly the migration\'s grants (no default grants on a project created today): without them upload-handler cannot work', async () => {
  const [{ privs }] = await stack.sql`
    select coalesce(string_agg(privilege_type, ',' order by privilege_type), '') as privs
      from information_schema.role_table_grants
     where table_schema = 'public' and table_name = 'documents' and grantee = 'authenticated'`;
  assert.equal(privs, 'INSERT,SELECT', 'authenticated has exactly what migration api_role_grants gives it (…which the migration takes back on an older project)');
  const [{ defaults }] = await stack.sql`
    select count(*)::int as defaults from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace
     where n.nspname = 'public' and d.defaclrole = 'postgres'::regrole
       and exists (select 1 from aclexplode(d.defaclacl) a where a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole))`;
  if (LEGACY) assert.ok(defaults > 0, 'an older project grants the API roles everything by default…');
  else assert.equal(defaults, 0, 'no default privileges for the API roles on objects postgres creates in public');

  // Take the migration's grant away, as on a project whose migrations lack it: the function fails.
  await stack.sql`revoke select, insert on public.documents from authenticated`;
  try {
    const { client: c } = await signedInClient(stack);
    const res = await c.functions.invoke('upload-handler', {
      body: { filename: 'a.pdf', contentType: 'application/pdf', fileSize: 10, fileHash: 'a'.repeat(32) },
    });
    assert.notEqual(res.error, null, 'upload-handler cannot create a document without the grants');
  } finally {
    await stack.sql`grant select, insert on public.documents to authenticated`;
  }
  const again = await startUpload(pdfBytes(2048, 1), 'granted.pdf');
  assert.ok(again.documentId, 'with the grants back it works');
});

test('an uploaded object reaches processing-webhook through the storage.objects Database Webhook (pg_net)', async () => {
  const bytes = pdfBytes(64 * 1024, 2);
  const { plan, documentId } = await startUpload(bytes);
  await tusUpload(plan, bytes);
  await stack.eventsIdle();
  assert.equal(await movedOn(documentId), 'completed', 'no processing configured: the upload completes the document');
  const [response] = await stack.sql`
    select r.status_code, r.timed_out, r.content from net._http_response r order by r.created desc limit 1`;
  assert.equal(response.status_code, 200, `processing-webhook answered pg_net: ${response.content}`);
  const events = await stack.sql`
    select source, outcome, payload ->> 'type' as type, payload #>> '{record,name}' as name
      from public.webhook_events where document_id = ${documentId}`;
  assert.deepEqual(events.map((e) => ({ ...e })), [{ source: 'storage', outcome: 'applied', type: 'INSERT', name: plan.path }],
    'one event, the Database Webhook\'s (Storage sends none of its own)');
});

test('a lost storage event (pg_net never retries) is sent again by the reconciliation job', async () => {
  // The function is unreachable when the object lands: pg_net records the failure and gives up.
  const [{ url }] = await stack.sql`select decrypted_secret as url from vault.decrypted_secrets where name = 'processing_webhook_url'`;
  const [{ id: secretId }] = await stack.sql`select id from vault.secrets where name = 'processing_webhook_url'`;
  await stack.sql`select vault.update_secret(${secretId}, 'http://127.0.0.1:9/functions/v1/processing-webhook?source=storage')`;
  const bytes = pdfBytes(32 * 1024, 3);
  let documentId;
  try {
    const started = await startUpload(bytes, 'lost.pdf');
    documentId = started.documentId;
    await tusUpload(started.plan, bytes);
    await stack.eventsIdle();
  } finally {
    await stack.sql`select vault.update_secret(${secretId}, ${url})`;
  }
  const [failed] = await stack.sql`select status_code, error_msg from net._http_response order by created desc limit 1`;
  assert.equal(failed.status_code, null);
  assert.ok(failed.error_msg, 'pg_net recorded why the request failed');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await statusOf(documentId), 'pending', 'nothing retried the event: the document still waits');

  // The job leaves objects that landed within the grace period alone...
  assert.deepEqual((await stack.runCronJob('reconcile-landed-uploads')).map((r) => r.reconcile_landed_uploads), [0]);
  // ...and sends the event again once it is older (time moved back rather than waited for).
  await stack.sql`update storage.objects set created_at = now() - interval '5 minutes', updated_at = now() - interval '5 minutes'
                   where bucket_id = 'documents' and name = (select storage_path from public.documents where id = ${documentId})`;
  assert.deepEqual((await stack.runCronJob('reconcile-landed-uploads')).map((r) => r.reconcile_landed_uploads), [1]);
  await stack.eventsIdle();
  assert.equal(await movedOn(documentId), 'completed');
});

test('Realtime delivers a row only with the SELECT grant and when RLS lets the subscriber see it', async () => {
  const a = await startUpload(pdfBytes(1024, 4), 'a.pdf');
  const b = await startUpload(pdfBytes(1024, 5), 'b.pdf');
  const [{ uid: aUser }] = await stack.sql`select user_id::text as uid from public.documents where id = ${a.documentId}`;
  const aRows = await followProgress(a.client, aUser);
  const bRows = await followProgress(b.client); // no filter: RLS alone decides what Bob gets
  const add = (/** @type {number} */ n) => stack.sql`
    insert into public.realtime_progress_updates (user_id, document_id, payload)
    values (${aUser}, ${a.documentId}, ${stack.sql.json({ type: 'progress_update', n })})`;

  await stack.sql`revoke select on public.realtime_progress_updates from authenticated`;
  try {
    await add(1);
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await stack.sql`grant select on public.realtime_progress_updates to authenticated`;
  }
  await add(2);
  await eventually(async () => aRows.some((p) => p.n === 2));
  assert.deepEqual(aRows.filter((p) => typeof p.n === 'number').map((p) => p.n), [2], 'nothing while the grant was missing');
  assert.deepEqual(bRows.filter((p) => typeof p.n === 'number'), [], 'another user never sees the row (RLS)');
});

test('the real pg_cron runs the migrations\' jobs, as postgres', { timeout: 90_000 }, async () => {
  const jobs = await stack.sql`select jobname, username from cron.job order by jobname`;
  assert.deepEqual(jobs.map((j) => `${j.jobname}:${j.username}`),
    ['cleanup-realtime-progress-updates:postgres', 'reconcile-landed-uploads:postgres', 'sweep-abandoned-uploads:postgres']);
  // reconcile-landed-uploads runs every minute: wait for pg_cron's own record of a run.
  const run = await eventually(async () => {
    const [r] = await stack.sql`
      select d.status, d.return_message from cron.job_run_details d join cron.job j on j.jobid = d.jobid
       where j.jobname = 'reconcile-landed-uploads' and d.status in ('succeeded', 'failed') limit 1`;
    return r ?? null;
  }, 75_000, 500);
  assert.equal(run.status, 'succeeded', run.return_message);
});

test('the functions reach the database through the transaction-mode pooler; with it down they answer 503 database_unavailable', async () => {
  assert.ok(stack.pooler, 'the stack runs a pooler by default');
  const { client: c } = await signedInClient(stack);
  const ok = await c.functions.invoke('upload-handler', { body: { filename: 'p.pdf', contentType: 'application/pdf', fileSize: 10, fileHash: 'b'.repeat(32) } });
  assert.equal(ok.error, null);
  stack.pooler.stop();
  const down = await c.functions.invoke('upload-handler', { body: { filename: 'q.pdf', contentType: 'application/pdf', fileSize: 10, fileHash: 'c'.repeat(32) } });
  assert.equal(down.error?.context.status, 503, 'the database itself is up: only the pooler is gone');
  const bodyText = await down.error.context.text();
  assert.equal(JSON.parse(bodyText).error.code, 'database_unavailable', bodyText);
  assert.ok(down.error.context.headers.get('retry-after'));
});

