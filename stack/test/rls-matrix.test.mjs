// @ts-check
// The RLS matrix: four actors — alice and bob (two signed-in users), anon (the anon key, nobody
// signed in) and service (the service role key) — against every table, view and RPC function in
// public, every function route, the storage paths of alice's folder and the realtime
// subscriptions. One table of expected outcomes per surface; each cell is one test, named
// `<surface> × <operation> × <actor> → <expected>`.
//
// Tables and views: the stack has no PostgREST, so each cell runs in the database exactly as
// PostgREST runs a request — one transaction with `role` and `request.jwt.claims` set from the
// actor's JWT (set_config(…, true)) — and is rolled back afterwards, so cells do not affect each
// other. Functions, storage and realtime go through the gateway with the actor's real token.
//
// Alice owns everything the matrix points at: a completed document D (uploaded through
// upload-handler and Storage, so it has feed rows, a webhook_events row and a stored object), a
// failed document F and a stuck one S. Bob has documents of his own but none of these.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tus from 'tus-js-client';
import { eventsIdle } from '../src/pg-net.mjs';
import { client, disconnectClients, eventually, pdfBytes, signedInClient, startTestStack } from './helpers.mjs';

/** @typedef {'alice' | 'bob' | 'anon' | 'service'} Actor */
/** @type {Actor[]} */
const ACTORS = ['alice', 'bob', 'anon', 'service'];

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
/** @type {Record<Actor, { token: string, claims: Record<string, unknown>, client: any, id?: string }>} */
const actors = /** @type {any} */ ({});
/** Alice's fixtures. */
const fx = { D: '', F: '', S: '', path: '', bytes: Buffer.alloc(0) };

const ROLLBACK = Symbol('rollback');

/**
 * Run `fn` as PostgREST would for this actor, then roll back. Resolves with fn's result, or with
 * `denied` when Postgres refuses the privilege or the row (42501).
 * @template T @param {Actor} actor @param {(tx: any) => Promise<T>} fn @returns {Promise<T | 'denied'>}
 */
async function asActor(actor, fn) {
  /** @type {T | 'denied'} */
  let result = 'denied';
  try {
    await stack.sql.begin(async (tx) => {
      const claims = actors[actor].claims;
      await tx`select set_config('role', ${String(claims.role)}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
      try {
        result = await fn(tx);
      } catch (error) {
        if (/** @type {any} */ (error)?.code !== '42501') throw error;
        result = 'denied';
      }
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return result;
}

/** A request to the gateway with the actor's token (and the anon key as apikey, as supabase-js sends). */
function call(/** @type {Actor} */ actor, /** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body = undefined, headers = {}) {
  return fetch(`${stack.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${actors[actor].token}`,
      apikey: stack.anonKey,
      ...(body === undefined || Buffer.isBuffer(body) ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
  });
}

/** A fresh pending document of alice's (for cells that change state). */
async function alicePending() {
  const res = await call('alice', 'POST', '/functions/v1/upload-handler', {
    filename: 'fresh.txt', contentType: 'text/plain', fileSize: 5, fileHash: crypto.randomUUID().replaceAll('-', ''),
  });
  assert.equal(res.status, 201);
  return /** @type {{ documentId: string, upload: any }} */ (await res.json());
}

/** Move one of alice's documents along as the service would (the trigger still checks each step). */
async function moveAs(/** @type {string} */ id, /** @type {string[]} */ statuses) {
  for (const status of statuses) await stack.sql`update public.documents set status = ${status} where id = ${id}`;
}

before(async () => {
  stack = await startTestStack({ processor: false });
  for (const name of /** @type {const} */ (['alice', 'bob'])) {
    const { client: c, user, session } = await signedInClient(stack);
    actors[name] = { token: session.access_token, claims: { sub: user.id, role: 'authenticated', aud: 'authenticated' }, client: c, id: user.id };
  }
  actors.anon = { token: stack.anonKey, claims: { role: 'anon' }, client: client(stack) };
  actors.service = {
    token: stack.serviceRoleKey,
    claims: { role: 'service_role' },
    client: client({ url: stack.url, anonKey: stack.serviceRoleKey }),
  };

  // D: a real upload of alice's, through upload-handler and the signed URL, completed by Storage's webhook.
  fx.bytes = pdfBytes(2048, 5);
  const md5 = (await import('node:crypto')).createHash('md5').update(fx.bytes).digest('hex');
  const init = await call('alice', 'POST', '/functions/v1/upload-handler', { filename: 'd.pdf', contentType: 'application/pdf', fileSize: fx.bytes.length, fileHash: md5 });
  assert.equal(init.status, 201);
  const { documentId, upload } = await init.json();
  fx.D = documentId;
  fx.path = upload.path;
  const put = await fetch(upload.signedUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: fx.bytes });
  assert.equal(put.status, 200);
  await eventsIdle();
  await eventually(async () => (await stack.sql`select status from public.documents where id = ${fx.D}`)[0]?.status === 'completed', 10_000);
  // F: failed (as Storage's webhook would mark a bad upload); S: quiet for an hour (stuck).
  fx.F = (await alicePending()).documentId;
  await moveAs(fx.F, ['failed']);
  fx.S = (await alicePending()).documentId;
  await stack.sql`update public.documents set last_progress_at = now() - interval '1 hour' where id = ${fx.S}`;
  // Bob has a document of his own, so "none of alice's" is not just "nothing at all".
  const bobs = await call('bob', 'POST', '/functions/v1/upload-handler', { filename: 'b.txt', contentType: 'text/plain', fileSize: 3, fileHash: crypto.randomUUID().replaceAll('-', '') });
  assert.equal(bobs.status, 201);
});

after(async () => {
  await disconnectClients();
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------
// Tables, views and RPC functions in public, as PostgREST would run them.
//   sees    the query works and returns alice's row(s)        none    it works, without them
//   ok      the write happened (a row was written or changed)  denied  42501 (privilege or RLS)

const count = async (/** @type {any} */ q) => ((await q)[0]?.n > 0 ? 'sees' : 'none');
const wrote = async (/** @type {any} */ q) => ((await q).count > 0 ? 'ok' : 'none');
const alice = () => /** @type {string} */ (actors.alice.id);

/** @type {[string, string, (tx: any) => Promise<string>, Record<Actor, string>][]} */
const DB = [
  ['documents', 'select', (tx) => count(tx`select count(*)::int as n from public.documents where id = ${fx.D}`),
    { alice: 'sees', bob: 'none', anon: 'denied', service: 'sees' }],
  ['documents', 'insert', (tx) => wrote(tx`insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
      values (${alice()}, 'x.pdf', 'application/pdf', 1, md5(random()::text), ${alice()} || '/' || gen_random_uuid() || '/x.pdf')`),
    { alice: 'ok', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['documents', 'update', (tx) => wrote(tx`update public.documents set upload_progress = upload_progress where id = ${fx.D}`),
    { alice: 'ok', bob: 'none', anon: 'denied', service: 'ok' }],
  ['documents', 'update owner', (tx) => wrote(tx`update public.documents set filename = 'renamed.pdf' where id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['documents', 'delete', (tx) => wrote(tx`delete from public.documents where id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['document_status_transitions', 'select', (tx) => count(tx`select count(*)::int as n from public.document_status_transitions`),
    { alice: 'sees', bob: 'sees', anon: 'denied', service: 'sees' }],
  ['document_status_transitions', 'insert', (tx) => wrote(tx`insert into public.document_status_transitions values ('completed', 'pending', true)`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['document_status_transitions', 'update', (tx) => wrote(tx`update public.document_status_transitions set user_allowed = true where to_status = 'uploaded'`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['document_status_transitions', 'delete', (tx) => wrote(tx`delete from public.document_status_transitions where to_status = 'failed'`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['feature_flags', 'select', (tx) => count(tx`select count(*)::int as n from public.feature_flags`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'sees' }],
  ['feature_flags', 'insert', (tx) => wrote(tx`insert into public.feature_flags (flag_name, is_enabled) values ('rls_matrix', true)`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['feature_flags', 'update', (tx) => wrote(tx`update public.feature_flags set is_enabled = true`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['feature_flags', 'delete', (tx) => wrote(tx`delete from public.feature_flags`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['realtime_progress_updates', 'select', (tx) => count(tx`select count(*)::int as n from public.realtime_progress_updates where document_id = ${fx.D}`),
    { alice: 'sees', bob: 'none', anon: 'denied', service: 'sees' }],
  ['realtime_progress_updates', 'insert', (tx) => wrote(tx`insert into public.realtime_progress_updates (user_id, document_id, payload)
      values (${alice()}, ${fx.D}, '{"type":"progress_update"}')`),
    { alice: 'ok', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['realtime_progress_updates', 'update', (tx) => wrote(tx`update public.realtime_progress_updates set payload = payload where document_id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['realtime_progress_updates', 'delete', (tx) => wrote(tx`delete from public.realtime_progress_updates where document_id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['webhook_events', 'select', (tx) => count(tx`select count(*)::int as n from public.webhook_events where document_id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'sees' }],
  ['webhook_events', 'insert', (tx) => wrote(tx`insert into public.webhook_events (webhook_id, source, document_id, payload)
      values (gen_random_uuid()::text, 'storage', ${fx.D}, '{}')`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['webhook_events', 'update', (tx) => wrote(tx`update public.webhook_events set outcome = 'ignored' where document_id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['webhook_events', 'delete', (tx) => wrote(tx`delete from public.webhook_events where document_id = ${fx.D}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  // Views (security_invoker: the caller's RLS applies to the rows behind them).
  ['document_processing_stats', 'select', (tx) => count(tx`select count(*)::int as n from public.document_processing_stats where status = 'completed'`),
    { alice: 'sees', bob: 'none', anon: 'denied', service: 'sees' }],
  ['failed_documents', 'select', (tx) => count(tx`select count(*)::int as n from public.failed_documents where id = ${fx.F}`),
    { alice: 'sees', bob: 'none', anon: 'denied', service: 'sees' }],
  ['failed_documents', 'delete', (tx) => wrote(tx`delete from public.failed_documents where id = ${fx.F}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['stuck_documents', 'select', (tx) => count(tx`select count(*)::int as n from public.stuck_documents where id = ${fx.S}`),
    { alice: 'sees', bob: 'none', anon: 'denied', service: 'sees' }],
  ['stuck_documents', 'delete', (tx) => wrote(tx`delete from public.stuck_documents where id = ${fx.S}`),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'denied' }],
  ['user_upload_stats', 'select', (tx) => count(tx`select count(*)::int as n from public.user_upload_stats where user_id = ${alice()}`),
    { alice: 'sees', bob: 'none', anon: 'denied', service: 'sees' }],
  // RPC functions (PostgREST's /rpc/<name>).
  ['create_document()', 'execute', (tx) => wrote(tx`select * from public.create_document('rpc.txt', 'text/plain', 3, md5(random()::text))`),
    { alice: 'ok', bob: 'ok', anon: 'denied', service: 'denied' }],
  ['my_feature_enabled()', 'execute', async (tx) => ((await tx`select public.my_feature_enabled('supabase_v2_upload') as on`)[0].on ? 'ok' : 'none'),
    { alice: 'ok', bob: 'ok', anon: 'denied', service: 'none' }],
  ['is_feature_enabled()', 'execute', async (tx) => ((await tx`select public.is_feature_enabled('supabase_v2_upload', ${alice()}) as on`)[0].on ? 'ok' : 'none'),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['cleanup_realtime_progress_updates()', 'execute', (tx) => tx`select public.cleanup_realtime_progress_updates(interval '0') as n`.then(() => 'ok'),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
  ['sweep_abandoned_uploads()', 'execute', (tx) => tx`select public.sweep_abandoned_uploads(interval '0') as n`.then(() => 'ok'),
    { alice: 'denied', bob: 'denied', anon: 'denied', service: 'ok' }],
];

describe('database: tables, views and RPC as PostgREST runs them', () => {
  test('the matrix covers every table and view in public', async () => {
    const relations = await stack.sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                       where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p') order by 1`;
    assert.deepEqual(relations.map((r) => r.name), [...new Set(DB.filter(([n]) => !n.endsWith('()')).map(([n]) => n))].sort());
  });
  for (const [relation, op, run, expected] of DB) {
    for (const actor of ACTORS) {
      test(`${relation} × ${op} × ${actor} → ${expected[actor]}`, async () => {
        assert.equal(await asActor(actor, run), expected[actor]);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Function routes, with the actor's token. Each expectation is the HTTP status (and, for the
// list, whether alice's document D is in it). Cells that change a document get a fresh one.

/** @type {[string, (actor: Actor) => Promise<string>, Record<Actor, string>][]} */
const ROUTES = [
  ['upload-handler POST (start an upload)', async (actor) => {
    const res = await call(actor, 'POST', '/functions/v1/upload-handler', { filename: 'n.txt', contentType: 'text/plain', fileSize: 4, fileHash: crypto.randomUUID().replaceAll('-', '') });
    return String(res.status);
  }, { alice: '201', bob: '201', anon: '401', service: '403' }],
  ['upload-handler GET ?documentId=D', async (actor) => String((await call(actor, 'GET', `/functions/v1/upload-handler?documentId=${fx.D}`)).status),
    { alice: '200', bob: '404', anon: '401', service: '200' }],
  ['upload-handler GET (list)', async (actor) => {
    const res = await call(actor, 'GET', '/functions/v1/upload-handler?limit=200');
    if (res.status !== 200) return String(res.status);
    const { documents } = await res.json();
    return documents.some((/** @type {any} */ d) => d.id === fx.D) ? '200 with D' : '200 without D';
  }, { alice: '200 with D', bob: '200 without D', anon: '401', service: '200 with D' }],
  ['upload-handler PUT (byte progress) on a pending document', async (actor) => {
    const { documentId } = await alicePending();
    return String((await call(actor, 'PUT', '/functions/v1/upload-handler', { documentId, bytesUploaded: 2 })).status);
  }, { alice: '200', bob: '404', anon: '401', service: '403' }],
  ['upload-handler DELETE (cancel) a pending document', async (actor) => {
    const { documentId } = await alicePending();
    return String((await call(actor, 'DELETE', `/functions/v1/upload-handler?documentId=${documentId}`)).status);
  }, { alice: '200', bob: '404', anon: '401', service: '403' }],
  ['progress-tracker POST (progress within the stage) on a processing document', async (actor) => {
    const { documentId } = await alicePending();
    await moveAs(documentId, ['uploaded', 'processing']);
    return String((await call(actor, 'POST', '/functions/v1/progress-tracker', { documentId, stage: 'processing', progress: 40 })).status);
  }, { alice: '200', bob: '404', anon: '401', service: '200' }],
  ['progress-tracker POST (move to another stage) on a processing document', async (actor) => {
    const { documentId } = await alicePending();
    await moveAs(documentId, ['uploaded', 'processing']);
    return String((await call(actor, 'POST', '/functions/v1/progress-tracker', { documentId, stage: 'embedding', progress: 0 })).status);
  }, { alice: '403', bob: '404', anon: '401', service: '200' }],
  ['progress-tracker GET ?documentId=D', async (actor) => String((await call(actor, 'GET', `/functions/v1/progress-tracker?documentId=${fx.D}`)).status),
    { alice: '200', bob: '404', anon: '401', service: '200' }],
  ['progress-tracker DELETE (reset) a failed document', async (actor) => {
    const { documentId } = await alicePending();
    await moveAs(documentId, ['failed']);
    return String((await call(actor, 'DELETE', `/functions/v1/progress-tracker?documentId=${documentId}`)).status);
  }, { alice: '200', bob: '404', anon: '401', service: '200' }],
  ['processing-webhook POST (a storage event, the actor\'s token instead of a signature)', async (actor) =>
    String((await call(actor, 'POST', '/functions/v1/processing-webhook?source=storage', { source: 'storage', documentId: fx.S, status: 'completed' })).status),
  { alice: '401', bob: '401', anon: '401', service: '401' }],
];

describe('function routes', () => {
  for (const [route, run, expected] of ROUTES) {
    for (const actor of ACTORS) {
      test(`${route} × ${actor} → ${expected[actor]}`, async () => {
        assert.equal(await run(actor), expected[actor]);
      });
    }
  }
  test('the refused webhook changed nothing', async () => {
    const [row] = await stack.sql`select status from public.documents where id = ${fx.S}`;
    assert.equal(row?.status, 'pending');
  });
});

// ---------------------------------------------------------------------------------------------
// Storage, in alice's folder of the documents bucket. `ok` is a 2xx that did it; `refused` a
// 4xx (never a 5xx); list shows whether alice's file is listed; delete whether the object is gone.

const newName = () => `${alice()}/${crypto.randomUUID()}/matrix.pdf`;
const objectExists = async (/** @type {string} */ name) =>
  (await stack.sql`select 1 from storage.objects where bucket_id = 'documents' and name = ${name}`).length > 0;
const outcome = (/** @type {Response} */ res) => {
  assert.ok(res.status < 500, `no 5xx (got ${res.status})`);
  return res.ok ? 'ok' : 'refused';
};

/** @type {[string, (actor: Actor) => Promise<string>, Record<Actor, string>][]} */
const STORAGE = [
  ['sign an upload URL in alice\'s folder', async (actor) =>
    outcome(await call(actor, 'POST', `/storage/v1/object/upload/sign/documents/${newName()}`, {})),
  { alice: 'ok', bob: 'refused', anon: 'refused', service: 'ok' }],
  ['upload into alice\'s folder', async (actor) => {
    const name = newName();
    const result = outcome(await call(actor, 'POST', `/storage/v1/object/documents/${name}`, fx.bytes, { 'content-type': 'application/pdf' }));
    assert.equal(await objectExists(name), result === 'ok');
    return result;
  }, { alice: 'ok', bob: 'refused', anon: 'refused', service: 'ok' }],
  ['download alice\'s file', async (actor) => {
    const res = await call(actor, 'GET', `/storage/v1/object/authenticated/documents/${fx.path}`);
    const result = outcome(res);
    if (result === 'ok') assert.deepEqual(Buffer.from(await res.arrayBuffer()), fx.bytes);
    return result;
  }, { alice: 'ok', bob: 'refused', anon: 'refused', service: 'ok' }],
  ['list alice\'s document folder', async (actor) => {
    const folder = fx.path.split('/').slice(0, 2).join('/');
    const res = await call(actor, 'POST', '/storage/v1/object/list/documents', { prefix: folder });
    if (outcome(res) !== 'ok') return 'refused';
    const items = await res.json();
    return items.some((/** @type {any} */ i) => `${folder}/${i.name}` === fx.path) ? 'listed' : 'not listed';
  }, { alice: 'listed', bob: 'not listed', anon: 'not listed', service: 'listed' }],
  ['delete a file in alice\'s folder', async (actor) => {
    const name = newName();
    assert.equal((await call('service', 'POST', `/storage/v1/object/documents/${name}`, fx.bytes, { 'content-type': 'application/pdf' })).status, 200);
    const res = await call(actor, 'DELETE', '/storage/v1/object/documents', { prefixes: [name] });
    outcome(res);
    return (await objectExists(name)) ? 'kept' : 'deleted';
  }, { alice: 'kept', bob: 'kept', anon: 'kept', service: 'deleted' }],
  ['TUS create in alice\'s folder (bearer route)', async (actor) => {
    const name = newName();
    const res = await call(actor, 'POST', '/storage/v1/upload/resumable', undefined, {
      'tus-resumable': '1.0.0',
      'upload-length': String(fx.bytes.length),
      'upload-metadata': Object.entries({ bucketName: 'documents', objectName: name, contentType: 'application/pdf' })
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(','),
    });
    return outcome(res);
  }, { alice: 'ok', bob: 'refused', anon: 'refused', service: 'ok' }],
];

describe('storage: alice\'s folder in the documents bucket', () => {
  for (const [what, run, expected] of STORAGE) {
    for (const actor of ACTORS) {
      test(`${what} × ${actor} → ${expected[actor]}`, async () => {
        assert.equal(await run(actor), expected[actor]);
      });
    }
  }
  test('alice\'s file is still there and whole', async () => {
    const { data, error } = await actors.alice.client.storage.from('documents').download(fx.path);
    assert.equal(error, null);
    assert.deepEqual(Buffer.from(await data.arrayBuffer()), fx.bytes);
  });
  test('a whole TUS upload in alice\'s folder works for alice and is refused for bob', async () => {
    for (const [actor, expected] of /** @type {const} */ ([['alice', true], ['bob', false]])) {
      const name = newName();
      const done = await new Promise((resolve) => {
        new tus.Upload(fx.bytes, {
          endpoint: `${stack.url}/storage/v1/upload/resumable`,
          headers: { authorization: `Bearer ${actors[actor].token}` },
          metadata: { bucketName: 'documents', objectName: name, contentType: 'application/pdf' },
          retryDelays: null,
          onSuccess: () => resolve(true),
          onError: () => resolve(false),
        }).start();
      });
      assert.equal(done, expected, actor);
      assert.equal(await objectExists(name), expected, actor);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Realtime postgres_changes: everyone subscribes (no filter), then alice's upload makes rows.
//   sees  the actor got changes of alice's rows     none  it got none of them

describe('realtime subscriptions', () => {
  /** @type {Record<string, Record<Actor, any[] | 'refused'>>} */
  const got = { realtime_progress_updates: /** @type {any} */ ({}), documents: /** @type {any} */ ({}) };
  /** @type {Record<string, Record<Actor, string>>} */
  const expected = {
    realtime_progress_updates: { alice: 'sees', bob: 'none', anon: 'none', service: 'sees' },
    // documents is not in the supabase_realtime publication: Realtime refuses the subscription
    // (RealtimeDisabledForConfiguration), for everyone; clients follow the feed table instead.
    documents: { alice: 'refused', bob: 'refused', anon: 'refused', service: 'refused' },
  };
  /** @type {string} */
  let doc = '';

  before(async () => {
    for (const actor of ACTORS) {
      const c = actors[actor].client;
      if (actor === 'alice' || actor === 'bob') await c.realtime.setAuth(actors[actor].token);
      for (const table of Object.keys(got)) {
        /** @type {any[]} */
        const rows = [];
        const status = await new Promise((resolve) => {
          c.channel(`matrix-${actor}-${table}`)
            .on('postgres_changes', { event: '*', schema: 'public', table }, (/** @type {any} */ change) => rows.push(change.new ?? change.old))
            .subscribe((/** @type {string} */ s, /** @type {Error | undefined} */ err) => {
              if (s === 'SUBSCRIBED') resolve('subscribed');
              if (s === 'CHANNEL_ERROR' || s === 'TIMED_OUT') resolve(`refused: ${err?.message ?? s}`);
            });
        });
        if (status !== 'subscribed') assert.match(String(status), /not in publication supabase_realtime/, `${actor} ${table}`);
        /** @type {any} */ (got[table])[actor] = status === 'subscribed' ? rows : 'refused';
      }
    }
    // Alice starts an upload and reports progress: a document row and status_change/progress rows.
    const { documentId } = await alicePending();
    doc = documentId;
    assert.equal((await call('alice', 'PUT', '/functions/v1/upload-handler', { documentId, bytesUploaded: 5 })).status, 200);
    // The positive controls first (alice and the service get the feed rows), then a grace period
    // long enough for any other delivery to have arrived.
    const feed = /** @type {Record<Actor, any[]>} */ (got.realtime_progress_updates);
    await eventually(async () => feed.alice.some((r) => r.document_id === doc) && feed.service.some((r) => r.document_id === doc), 5000);
    await new Promise((r) => setTimeout(r, 500));
  });

  for (const table of Object.keys(expected)) {
    for (const actor of ACTORS) {
      const want = /** @type {any} */ (expected[table])[actor];
      test(`${table} postgres_changes × ${actor} → ${want}`, () => {
        const received = /** @type {any} */ (got[table])[actor];
        if (received === 'refused') {
          assert.equal('refused', want);
          return;
        }
        const rows = received.filter((/** @type {any} */ r) => r.document_id === doc || r.id === doc);
        assert.equal(rows.length > 0 ? 'sees' : 'none', want);
        if (want === 'sees') assert.ok(rows.every((/** @type {any} */ r) => r.user_id === alice()));
      });
    }
  }
});
