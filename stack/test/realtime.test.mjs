// @ts-check
// /realtime/v1 through the real @supabase/supabase-js 2.119 client (both serializers), and by
// hand over raw WebSockets for what the client does not show: the frames themselves, refused
// connections, malformed input. Users are rows in auth.users and tokens are minted with the
// stack's secret, so these tests do not depend on the auth service.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startStack } from '../src/stack.mjs';
import { signJwt, verifyJwt } from '../src/jwt.mjs';
import { createRealtimeService } from '../src/realtime.mjs';

// realtime-js leaves long timers behind: 10 s timeouts of pushes Realtime never answers (such
// as access_token, or a broadcast without ack) and disconnect()'s 10 s fallback. Unref long
// timers so this file ends when its work does (every wait in these tests is far shorter).
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = /** @type {any} */ ((/** @type {any[]} */ ...args) => {
  const timer = realSetTimeout(...(/** @type {[any, any]} */ (args)));
  if (Number(args[1]) >= 5000) timer.unref?.();
  return timer;
});

/** @type {Awaited<ReturnType<typeof startStack>>} */
let stack;
/** @type {string} */ let alice;
/** @type {string} */ let bob;
/** @type {string} */ let aliceToken;
/** @type {string} */ let bobToken;
/** @type {unknown[]} */
const unhandled = [];
const onUnhandled = (/** @type {unknown} */ e) => unhandled.push(e);

/** @type {import('@supabase/supabase-js').SupabaseClient[]} */
const clients = [];

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  stack = await startStack({ port: 0, processor: false, log: () => {} });
  alice = await newUser();
  bob = await newUser();
  aliceToken = await tokenFor(alice);
  bobToken = await tokenFor(bob);

  // A table of our own in the publication, for UPDATE/DELETE and the filter operators.
  await stack.sql.unsafe(`
    create table public.rt_items (
      id bigint generated always as identity primary key,
      user_id uuid not null references auth.users (id),
      n integer, price numeric, label text, at timestamptz, tags jsonb, flag boolean
    );
    alter table public.rt_items enable row level security;
    create policy "own items" on public.rt_items for select to authenticated using (user_id = (select auth.uid()));
    -- No default grants on a project created today: subscribers need SELECT, as on hosted.
    grant select on public.rt_items to authenticated, service_role;
    alter table public.rt_items replica identity full;
    alter publication supabase_realtime add table public.rt_items;
  `);
});

after(async () => {
  for (const c of clients) await c.removeAllChannels().catch(() => {});
  await stack?.stop();
  process.off('unhandledRejection', onUnhandled);
});

// ---- helpers -----------------------------------------------------------------------------

async function newUser() {
  const id = crypto.randomUUID();
  await stack.sql`insert into auth.users (id, aud, role, email) values (${id}, 'authenticated', 'authenticated', ${`${id}@example.com`})`;
  return id;
}

/** @param {string} sub @param {number} [seconds] @param {string} [secret] */
function tokenFor(sub, seconds = 600, secret = stack.jwtSecret) {
  return signJwt({ sub, role: 'authenticated', aud: 'authenticated' }, secret, seconds);
}

/**
 * A supabase-js client whose Realtime connection uses `token` (the `accessToken` option is the
 * 2.119 way to give Realtime a token without a GoTrue session; `setToken` rotates it, and the
 * client pushes `access_token` to its joined channels).
 * @param {string | null} token @param {Record<string, any>} [realtime]
 */
async function rtClient(token, realtime = {}) {
  let current = token;
  const client = createClient(stack.url, stack.anonKey, {
    accessToken: async () => current,
    realtime: { transport: /** @type {any} */ (WebSocket), ...realtime },
  });
  clients.push(client);
  await client.realtime.setAuth(); // resolve the token before the first join carries it
  return {
    client,
    /** @param {string} t */
    async setToken(t) {
      current = t;
      await client.realtime.setAuth(t);
    },
  };
}

/** @param {import('@supabase/supabase-js').RealtimeChannel} channel @returns {Promise<{ status: string, err?: Error }>} */
function subscribed(channel) {
  return new Promise((resolve) => channel.subscribe((status, err) => resolve({ status, err })));
}

/**
 * Wait until `check()` is truthy, and return it.
 * @template T @param {() => T} check @param {number} [ms] @param {string} [what] @returns {Promise<NonNullable<T>>}
 */
async function until(check, ms = 1000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return /** @type {NonNullable<T>} */ (v);
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let hashes = 0;
/** @param {string} uid */
async function newDocument(uid) {
  const hash = (++hashes).toString(16).padStart(32, '0');
  const [doc] = await stack.sql`
    insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path, status)
    values (${uid}, 'report.pdf', 'application/pdf', 1024, ${hash}, ${`${uid}/${crypto.randomUUID()}.pdf`}, 'pending')
    returning id`;
  return /** @type {string} */ (doc.id);
}

/** @param {string} uid @param {Record<string, unknown>} payload */
async function progress(uid, payload = { type: 'progress_update', progress: 10 }) {
  const documentId = await newDocument(uid);
  const [row] = await stack.sql`
    insert into public.realtime_progress_updates (user_id, document_id, payload)
    values (${uid}, ${documentId}, ${stack.sql.json(/** @type {any} */ (payload))})
    returning id`;
  return /** @type {string} */ (row.id);
}

/** @param {string} uid @param {Record<string, unknown>} values */
async function item(uid, values) {
  const [row] = await stack.sql`insert into public.rt_items ${stack.sql({ user_id: uid, ...values })} returning id`;
  return Number(row.id);
}

/**
 * A raw Phoenix client over `ws`, for frames supabase-js does not expose.
 * @param {string} vsn @param {string | null} [apikey]
 */
async function rawSocket(vsn, apikey = stack.anonKey) {
  const q = new URLSearchParams({ vsn });
  if (apikey) q.set('apikey', apikey);
  const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?${q}`);
  /** @type {{ join_ref: any, ref: any, topic: string, event: string, payload: any }[]} */
  const inbox = [];
  ws.on('message', (/** @type {Buffer} */ data, /** @type {boolean} */ isBinary) => {
    if (isBinary) return;
    const v = JSON.parse(String(data));
    inbox.push(Array.isArray(v) ? { join_ref: v[0], ref: v[1], topic: v[2], event: v[3], payload: v[4] } : v);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let ref = 0;
  return {
    ws,
    inbox,
    /** @param {string} topic @param {string} event @param {unknown} payload @param {string | null} [joinRef] */
    send(topic, event, payload, joinRef = null) {
      const r = String(++ref);
      ws.send(JSON.stringify(vsn === '2.0.0' ? [joinRef, r, topic, event, payload] : { topic, event, payload, ref: r, join_ref: joinRef }));
      return r;
    },
    /** @param {(m: (typeof inbox)[number]) => boolean} pred */
    next: (pred, ms = 1000) => until(() => inbox.find(pred), ms, 'message'),
  };
}

/** Connect and report the HTTP status of a refused upgrade. @param {string} query */
function refusedStatus(query) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
    ws.on('unexpected-response', (/** @type {unknown} */ _req, /** @type {import('node:http').IncomingMessage} */ res) => {
      resolve(res.statusCode);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('connection was accepted')));
    ws.on('error', () => {});
  });
}

const PROGRESS = { schema: 'public', table: 'realtime_progress_updates' };
const ITEMS = { schema: 'public', table: 'rt_items' };

// ---- postgres_changes through supabase-js ------------------------------------------------

for (const vsn of ['2.0.0', '1.0.0']) {
  describe(`supabase-js, vsn ${vsn}`, () => {
    test('a filtered INSERT subscription gets the user\'s row within 1 s, jsonb as an object', async () => {
      const { client } = await rtClient(aliceToken, { vsn });
      assert.equal(client.realtime.vsn, vsn);
      /** @type {any[]} */
      const got = [];
      /** @type {number[]} */
      const arrivals = [];
      const channel = client
        .channel(`progress-${vsn}`)
        .on('postgres_changes', { event: 'INSERT', ...PROGRESS, filter: `user_id=eq.${alice}` }, (p) => {
          arrivals.push(Date.now());
          got.push(p);
        });
      const { status, err } = await subscribed(channel);
      assert.equal(status, 'SUBSCRIBED', String(err?.message));

      const sent = Date.now();
      const id = await progress(alice, { type: 'progress_update', progress: 42, stage: 'upload' });
      await until(() => got.length === 1, 1000, 'the change');
      assert.ok(arrivals[0] - sent < 1000, `arrived after ${arrivals[0] - sent} ms`);
      const p = got[0];
      assert.equal(p.eventType, 'INSERT');
      assert.equal(p.schema, 'public');
      assert.equal(p.table, 'realtime_progress_updates');
      assert.match(p.commit_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(p.errors, null);
      assert.equal(p.new.id, id);
      assert.equal(p.new.user_id, alice);
      assert.deepEqual(p.new.payload, { type: 'progress_update', progress: 42, stage: 'upload' });
      assert.equal(typeof p.new.created_at, 'string');
      assert.deepEqual(p.old, {});
      await client.removeChannel(channel);
    });

    test('RLS: an unfiltered subscriber gets its own rows and never another user\'s', async () => {
      const { client } = await rtClient(bobToken, { vsn });
      /** @type {any[]} */
      const got = [];
      const channel = client.channel(`rls-${vsn}`).on('postgres_changes', { event: 'INSERT', ...PROGRESS }, (p) => got.push(p));
      assert.equal((await subscribed(channel)).status, 'SUBSCRIBED');
      await progress(alice);
      const bobs = await progress(bob);
      // Changes are delivered in commit order: once Bob's row is in, Alice's was decided.
      await until(() => got.length >= 1, 1000, "Bob's row");
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(got.map((p) => p.new.id), [bobs]);
      assert.ok(got.every((p) => p.new.user_id === bob));
      await client.removeChannel(channel);
    });
  });
}

test('both users on one table: each sees exactly their own rows', async () => {
  const a = await rtClient(aliceToken);
  const b = await rtClient(bobToken, { vsn: '1.0.0' });
  /** @type {string[]} */ const aGot = [];
  /** @type {string[]} */ const bGot = [];
  const ca = a.client.channel('both').on('postgres_changes', { event: '*', ...PROGRESS }, (p) => aGot.push(/** @type {any} */ (p.new).user_id));
  const cb = b.client.channel('both').on('postgres_changes', { event: '*', ...PROGRESS }, (p) => bGot.push(/** @type {any} */ (p.new).user_id));
  assert.equal((await subscribed(ca)).status, 'SUBSCRIBED');
  assert.equal((await subscribed(cb)).status, 'SUBSCRIBED');
  for (const uid of [alice, bob, alice, bob]) await progress(uid);
  await until(() => aGot.length === 2 && bGot.length === 2, 1000, 'two rows each');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(aGot, [alice, alice]);
  assert.deepEqual(bGot, [bob, bob]);
});

test('a row too large for NOTIFY is re-read and delivered whole', async () => {
  const { client } = await rtClient(aliceToken);
  /** @type {any[]} */
  const got = [];
  const channel = client.channel('large').on('postgres_changes', { event: 'INSERT', ...PROGRESS, filter: `user_id=eq.${alice}` }, (p) => got.push(p));
  assert.equal((await subscribed(channel)).status, 'SUBSCRIBED');
  const detail = 'x'.repeat(20000);
  await progress(alice, { type: 'error', detail });
  await until(() => got.length === 1, 1000, 'the large row');
  assert.equal(got[0].new.payload.detail, detail);
});

test('filters: eq neq lt lte gt gte in, not., several conditions, typed comparisons', async () => {
  const { client } = await rtClient(aliceToken);
  /** @type {[string, number][]} */
  const got = [];
  const filters = {
    eq: 'n=eq.5',
    neq: 'n=neq.5',
    lt: 'n=lt.10', // 9 < 10 numerically, not as text
    lte: 'n=lte.9',
    gt: 'n=gt.9',
    gte: 'n=gte.10',
    in: 'label=in.(a,"b,c")',
    numeric: 'price=gt.9.5',
    timestamp: 'at=gt.2025-01-01 00:30:00+00', // compared as instants, not strings
    not: 'label=not.eq.a',
    and: 'n=gte.1,n=lte.5',
    is: 'at=is.null',
  };
  let channel = client.channel('filters');
  for (const [name, filter] of Object.entries(filters)) {
    channel = channel.on('postgres_changes', { event: 'INSERT', ...ITEMS, filter }, (p) => got.push([name, /** @type {any} */ (p.new).n]));
  }
  /** @type {any[]} */
  const all = [];
  channel = channel.on('postgres_changes', { event: 'INSERT', ...ITEMS }, (p) => all.push(p.new));
  const { status, err } = await subscribed(channel);
  assert.equal(status, 'SUBSCRIBED', String(err?.message));

  await item(alice, { n: 5, price: 9, label: 'a', at: '2025-01-01T01:00:00+01:00', tags: stack.sql.json({ k: [1] }), flag: true });
  await item(alice, { n: 9, price: 9.75, label: 'b,c', at: '2025-01-01T00:45:00Z' });
  await item(bob, { n: 5, price: 100, label: 'a' }); // RLS: never Alice's, whatever the filter
  await item(alice, { n: 10, price: 10.25, label: 'd', at: null });
  await until(() => all.length === 3, 1000, 'three rows');
  await new Promise((r) => setTimeout(r, 50));

  /** @type {Record<string, number[]>} */
  const matched = {};
  for (const [name, n] of got) (matched[name] ??= []).push(n);
  assert.deepEqual(matched, {
    eq: [5],
    neq: [9, 10],
    lt: [5, 9],
    lte: [5, 9],
    gt: [10],
    gte: [10],
    in: [5, 9],
    numeric: [9, 10],
    timestamp: [9],
    not: [9, 10],
    and: [5],
    is: [10],
  });
  // Values arrive converted by column type.
  assert.equal(all[0].n, 5);
  assert.equal(all[0].price, 9);
  assert.equal(all[0].flag, true);
  assert.deepEqual(all[0].tags, { k: [1] });
  assert.equal(new Date(all[0].at).toISOString(), '2025-01-01T00:00:00.000Z');
  assert.equal(all[2].at, null);
});

test('UPDATE and DELETE on a table in the publication (replica identity full)', async () => {
  const installed = await stack.sql`select realtime_local.install_triggers() as n`;
  assert.ok(installed[0].n >= 2, 'realtime_progress_updates and rt_items');

  const a = await rtClient(aliceToken, { vsn: '1.0.0' });
  const b = await rtClient(bobToken);
  const s = await rtClient(stack.serviceRoleKey);
  /** @type {any[]} */ const aGot = [];
  /** @type {any[]} */ const bGot = [];
  /** @type {any[]} */ const sGot = [];
  const ca = a.client
    .channel('changes')
    .on('postgres_changes', { event: 'UPDATE', ...ITEMS, filter: `user_id=eq.${alice}` }, (p) => aGot.push(p))
    .on('postgres_changes', { event: 'DELETE', ...ITEMS }, (p) => aGot.push(p));
  const cb = b.client.channel('changes').on('postgres_changes', { event: '*', ...ITEMS }, (p) => bGot.push(p));
  const cs = s.client.channel('changes').on('postgres_changes', { event: '*', schema: '*' }, (p) => sGot.push(p));
  for (const c of [ca, cb, cs]) assert.equal((await subscribed(c)).status, 'SUBSCRIBED');

  const id = await item(alice, { n: 1, label: 'before' });
  await stack.sql`update public.rt_items set n = 2, label = 'after' where id = ${id}`;
  // As with Realtime, RLS is checked by re-reading the row: let the update be seen first.
  await until(() => aGot.length === 1, 1000, 'the update');
  await stack.sql`delete from public.rt_items where id = ${id}`;
  const bobs = await item(bob, { n: 7 });
  await until(() => aGot.length === 2 && bGot.length === 1 && sGot.length === 4, 1000, 'all changes');
  await new Promise((r) => setTimeout(r, 50));

  const [upd, del] = aGot;
  assert.equal(upd.eventType, 'UPDATE');
  assert.equal(upd.new.id, id);
  assert.equal(upd.new.n, 2);
  assert.equal(upd.old.n, 1);
  assert.equal(upd.old.label, 'before');
  assert.equal(del.eventType, 'DELETE');
  assert.deepEqual(del.new, {});
  assert.equal(del.old.id, id);
  assert.equal(del.old.label, 'after', 'the whole old row: replica identity full');

  assert.deepEqual(bGot.map((p) => [p.eventType, p.new.id]), [['INSERT', bobs]], 'Bob sees only his row, not even the delete');
  assert.deepEqual(sGot.map((p) => p.eventType), ['INSERT', 'UPDATE', 'DELETE', 'INSERT'], 'service_role sees everything');
});

// ---- tokens ------------------------------------------------------------------------------

test('a token refreshed mid-subscription keeps the channel receiving, with the new claims', async () => {
  const { client, setToken } = await rtClient(aliceToken);
  /** @type {string[]} */ const got = [];
  /** @type {any[]} */ const system = [];
  const statuses = /** @type {string[]} */ ([]);
  const channel = client
    .channel('refresh')
    .on('postgres_changes', { event: 'INSERT', ...PROGRESS }, (p) => got.push(/** @type {any} */ (p.new).user_id))
    .on('system', {}, (p) => system.push(p));
  await new Promise((resolve) => channel.subscribe((s) => (statuses.push(s), s === 'SUBSCRIBED' && resolve(undefined))));
  await until(() => system.length === 1, 1000, 'Subscribed to PostgreSQL');

  await setToken(await tokenFor(alice, 900)); // a fresh token for the same user
  await until(() => system.length === 2, 1000, 'the refresh to be applied');
  assert.deepEqual(system[1], { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'refresh' });
  await progress(alice);
  await until(() => got.length === 1, 1000, "Alice's row after the refresh");

  await setToken(bobToken); // the channel now acts as Bob
  await until(() => system.length === 3, 1000, 'the switch to Bob');
  await progress(alice);
  await progress(bob);
  await until(() => got.length === 2, 1000, "Bob's row");
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(got, [alice, bob]);
  assert.deepEqual(statuses, ['SUBSCRIBED']);
});

test('an expired token sent as access_token closes the channel with a system error', async () => {
  const { client, setToken } = await rtClient(aliceToken);
  /** @type {any[]} */ const system = [];
  /** @type {string[]} */ const statuses = [];
  const channel = client.channel('expired-refresh').on('system', {}, (p) => system.push(p));
  channel.subscribe((s) => statuses.push(s));
  await until(() => statuses.includes('SUBSCRIBED'), 1000, 'SUBSCRIBED');
  await setToken(await tokenFor(alice, -30));
  await until(() => statuses.includes('CLOSED'), 1000, 'CLOSED');
  const error = system.find((m) => m.status === 'error');
  assert.equal(error.extension, 'system');
  assert.match(error.message, /^Token has expired \d+ seconds ago$/);
  assert.equal(error.channel, 'expired-refresh');
});

test('the channel closes when its token expires', async () => {
  const { client } = await rtClient(await tokenFor(alice, 1));
  /** @type {any[]} */ const system = [];
  /** @type {string[]} */ const statuses = [];
  client.channel('short-lived').on('system', {}, (p) => system.push(p)).subscribe((s) => statuses.push(s));
  await until(() => statuses.includes('CLOSED'), 2500, 'CLOSED at expiry');
  assert.equal(statuses[0], 'SUBSCRIBED');
  assert.match(system.find((m) => m.status === 'error')?.message, /^Token has expired/);
});

test('a bad token on join is CHANNEL_ERROR with Realtime\'s reason, not a hang', async () => {
  const cases = [
    [await tokenFor(alice, 600, 'another-secret-another-secret-another-secret'), /^JwtSignatureError: Failed to validate JWT signature$/],
    [await tokenFor(alice, -60), /^InvalidJWTToken: Token has expired \d+ seconds ago$/],
    [await signJwt({ sub: alice }, stack.jwtSecret, 600), /^InvalidJWTToken: Fields `role` and `exp` are required in JWT$/],
    ['not-a-jwt', /^MalformedJWT: /],
  ];
  for (const [token, reason] of cases) {
    const { client } = await rtClient(/** @type {string} */ (token));
    const started = Date.now();
    const { status, err } = await subscribed(client.channel('bad-token').on('postgres_changes', { event: '*', ...PROGRESS }, () => {}));
    assert.equal(status, 'CHANNEL_ERROR');
    assert.match(String(err?.message), /** @type {RegExp} */ (reason));
    assert.ok(Date.now() - started < 1000);
  }
});

test('subscriptions that cannot work fail the join with RealtimeDisabledForConfiguration', async () => {
  const { client } = await rtClient(aliceToken);
  const cases = [
    { event: 'INSERT', schema: 'public', table: 'no_such_table' },
    { event: 'INSERT', schema: 'public', table: 'documents' }, // exists, not in the publication
    { event: 'INSERT', ...ITEMS, filter: 'nope=eq.1' },
    { event: 'INSERT', ...ITEMS, filter: 'n=eq.abc' },
    { event: 'INSERT', ...ITEMS, filter: 'n=between.1' },
    { event: 'INSERT', ...ITEMS, filter: 'n=in.(1,x)' },
    { event: 'INSERT', ...ITEMS, filter: 'label=match.(' },
  ];
  for (const [i, params] of cases.entries()) {
    const { status, err } = await subscribed(client.channel(`bad-config-${i}`).on('postgres_changes', /** @type {any} */ (params), () => {}));
    assert.equal(status, 'CHANNEL_ERROR', JSON.stringify(params));
    assert.match(String(err?.message), /^RealtimeDisabledForConfiguration: /, JSON.stringify(params));
  }
});

// ---- heartbeat, broadcast, presence ------------------------------------------------------

test('heartbeats are answered', async () => {
  const { client } = await rtClient(aliceToken, { heartbeatIntervalMs: 100 });
  /** @type {string[]} */ const beats = [];
  client.realtime.onHeartbeat((status) => beats.push(status));
  assert.equal((await subscribed(client.channel('beat'))).status, 'SUBSCRIBED');
  await until(() => beats.filter((b) => b === 'ok').length >= 2, 1000, 'two answered heartbeats');
  assert.ok(!beats.includes('timeout'));
});

test('broadcast between 2.0.0 and 1.0.0 clients, with ack, self and the HTTP API', async () => {
  const a = await rtClient(aliceToken);
  const b = await rtClient(bobToken, { vsn: '1.0.0' });
  /** @type {any[]} */ const aGot = [];
  /** @type {any[]} */ const bGot = [];
  const c = await rtClient(aliceToken);
  /** @type {any[]} */ const cGot = [];
  const ca = a.client.channel('room', { config: { broadcast: { ack: true } } }).on('broadcast', { event: '*' }, (m) => aGot.push(m));
  const cb = b.client.channel('room', { config: { broadcast: { self: true } } }).on('broadcast', { event: '*' }, (m) => bGot.push(m));
  const cc = c.client.channel('room').on('broadcast', { event: 'raw' }, (m) => cGot.push(m));
  assert.equal((await subscribed(ca)).status, 'SUBSCRIBED');
  assert.equal((await subscribed(cb)).status, 'SUBSCRIBED');
  assert.equal((await subscribed(cc)).status, 'SUBSCRIBED');

  assert.equal(await ca.send({ type: 'broadcast', event: 'hello', payload: { from: 'a' } }), 'ok', 'acknowledged');
  await cb.send({ type: 'broadcast', event: 'hi', payload: { from: 'b' } });
  await until(() => aGot.length === 1 && bGot.length === 2, 1000, 'the broadcasts');
  assert.deepEqual(aGot.map((m) => [m.event, m.payload]), [['hi', { from: 'b' }]], 'no self for A');
  assert.deepEqual(bGot.map((m) => [m.event, m.payload]), [['hello', { from: 'a' }], ['hi', { from: 'b' }]]);

  const binary = new Uint8Array([1, 2, 3]).buffer;
  await cb.send({ type: 'broadcast', event: 'bin', payload: { n: 1 } });
  await ca.send({ type: 'broadcast', event: 'raw', payload: binary });
  await until(() => aGot.length === 2, 1000, 'JSON from 1.0.0');
  await a.client.channel('room-http').httpSend('x', { y: 1 }); // nobody listens there: still 202
  const res = await b.client.channel('room').httpSend('rest', { via: 'http' });
  assert.deepEqual(res, { success: true });
  await until(() => aGot.length === 3 && bGot.some((m) => m.event === 'rest'), 1000, 'the HTTP broadcast');
  assert.deepEqual(aGot[2].payload, { via: 'http' });
  await until(() => cGot.length === 1, 1000, 'the binary broadcast');
  assert.deepEqual([...new Uint8Array(cGot[0].payload)], [1, 2, 3], 'binary payloads reach 2.0.0 sockets');
  assert.ok(!bGot.some((m) => m.event === 'raw'), '1.0.0 sockets do not get binary payloads');
});

test('presence: track, sync and untrack', async () => {
  const a = await rtClient(aliceToken);
  const b = await rtClient(bobToken, { vsn: '1.0.0' });
  const ca = a.client.channel('lobby', { config: { presence: { key: 'alice' } } }).on('presence', { event: 'sync' }, () => {});
  const cb = b.client.channel('lobby', { config: { presence: { key: 'bob' } } }).on('presence', { event: 'sync' }, () => {});
  assert.equal((await subscribed(ca)).status, 'SUBSCRIBED');
  assert.equal((await subscribed(cb)).status, 'SUBSCRIBED');
  assert.equal(await ca.track({ online: true }), 'ok');
  assert.equal(await cb.track({ online: 'yes' }), 'ok');
  await until(() => Object.keys(ca.presenceState()).length === 2 && Object.keys(cb.presenceState()).length === 2, 1000, 'both present');
  assert.equal(/** @type {any} */ (cb.presenceState().alice[0]).online, true);
  assert.equal(await cb.untrack(), 'ok');
  await until(() => Object.keys(ca.presenceState()).join() === 'alice', 1000, 'bob gone');
  await b.client.removeChannel(cb);
});

// ---- the wire, by hand -------------------------------------------------------------------

test('connections without a valid apikey (or with an unknown vsn) are refused', async () => {
  assert.equal(await refusedStatus('vsn=2.0.0'), 403);
  assert.equal(await refusedStatus(`vsn=2.0.0&apikey=${await tokenFor(alice, 600, 'x'.repeat(40))}`), 403);
  assert.equal(await refusedStatus(`vsn=2.0.0&apikey=garbage`), 403);
  assert.equal(await refusedStatus(`vsn=3.0.0&apikey=${stack.anonKey}`), 400);
  const res = await fetch(`${stack.url}/realtime/v1/websocket?apikey=${stack.anonKey}`);
  assert.equal(res.status, 426);
});

for (const vsn of ['1.0.0', '2.0.0']) {
  test(`raw ${vsn} frames: join reply, system message, heartbeat, leave, malformed input`, async () => {
    const s = await rawSocket(vsn);
    const params = { event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', filter: `user_id=eq.${alice}` };
    const joinRef = s.send('realtime:raw', 'phx_join', { config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [params], private: false }, access_token: aliceToken }, 'j1');
    const reply = await s.next((m) => m.event === 'phx_reply' && m.ref === joinRef);
    assert.equal(reply.join_ref, 'j1');
    assert.equal(reply.topic, 'realtime:raw');
    assert.equal(reply.payload.status, 'ok');
    const [binding] = reply.payload.response.postgres_changes;
    assert.ok(Number.isInteger(binding.id));
    assert.deepEqual({ ...binding, id: 0 }, { ...params, id: 0 });
    const system = await s.next((m) => m.event === 'system');
    assert.deepEqual(system.payload, { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'raw' });

    // Garbage of every kind is ignored and the socket stays usable.
    s.ws.send('{not json');
    s.ws.send('[1,2,3]');
    s.ws.send('{"topic": 1}');
    s.ws.send('null');
    s.ws.send(Buffer.from([3, 200, 0, 0, 0, 0, 1]));
    s.ws.send(Buffer.from([9, 9, 9]));
    s.send('realtime:raw', 'something_else', { x: 1 }, 'j1');
    const stray = s.send('realtime:other', 'broadcast', { type: 'broadcast', event: 'e', payload: {} });
    assert.deepEqual((await s.next((m) => m.ref === stray)).payload, { status: 'error', response: { reason: 'unmatched topic' } });
    const beat = s.send('phoenix', 'heartbeat', {});
    const hb = await s.next((m) => m.ref === beat);
    assert.deepEqual({ ...hb }, { join_ref: null, ref: beat, topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} } });

    const id = await progress(alice);
    const change = await s.next((m) => m.event === 'postgres_changes');
    assert.equal(change.topic, 'realtime:raw');
    assert.deepEqual(change.payload.ids, [binding.id]);
    assert.equal(change.payload.data.record.id, id);
    assert.equal(typeof change.payload.data.record.payload, 'object');
    assert.ok(change.payload.data.columns.some((/** @type {any} */ c) => c.name === 'payload' && c.type === 'jsonb'));
    assert.ok(!('old_record' in change.payload.data), 'INSERT has no old_record');

    const leave = s.send('realtime:raw', 'phx_leave', {}, 'j1');
    assert.equal((await s.next((m) => m.ref === leave)).payload.status, 'ok');
    await progress(alice);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(s.inbox.filter((m) => m.event === 'postgres_changes').length, 1, 'nothing after leaving');
    s.ws.close();
  });
}

test('joins without a topic name, or with a private channel as a user, are refused', async () => {
  const s = await rawSocket('2.0.0');
  const r1 = s.send('realtime:', 'phx_join', { config: {} }, 'a');
  assert.equal((await s.next((m) => m.ref === r1)).payload.response.reason, 'TopicNameRequired: You must provide a topic name');
  const r2 = s.send('realtime:secret', 'phx_join', { config: { private: true }, access_token: aliceToken }, 'b');
  assert.match((await s.next((m) => m.ref === r2)).payload.response.reason, /^Unauthorized: /);
  const r3 = s.send('realtime:secret', 'phx_join', { config: { private: true }, access_token: stack.serviceRoleKey }, 'c');
  assert.equal((await s.next((m) => m.ref === r3)).payload.status, 'ok');
  const r4 = s.send('nope', 'phx_join', {}, 'd');
  assert.equal((await s.next((m) => m.ref === r4)).payload.response.reason, 'unmatched topic');
  s.ws.close();
});

test('close() terminates the sockets and the LISTEN connection', async () => {
  const sql = stack.sql;
  /** @type {import('../src/stack.mjs').StackContext} */
  const ctx = {
    url: '',
    jwtSecret: stack.jwtSecret,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtExpiry: 3600,
    webhookSecret: stack.webhookSecret,
    dbUrl: stack.dbUrl,
    sql,
    dataDir: '',
    verifyJwt: (token) => verifyJwt(token, stack.jwtSecret),
    asRole: (claims, fn) =>
      /** @type {Promise<any>} */ (sql.begin(async (tx) => {
        await tx`select set_config('role', ${String(claims.role ?? 'anon')}, true),
                        set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        return await fn(tx);
      })),
    log: () => {},
    webhookUrl: '',
  };
  const listeners = async () =>
    (await sql`select count(*)::int as n from pg_stat_activity where application_name = 'v2-stack realtime listener'`)[0].n;
  const before = await listeners();
  const service = await createRealtimeService(ctx);
  assert.equal(await listeners(), before + 1);
  const server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => service.upgrade?.(req, socket, head));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const ws = new WebSocket(`ws://127.0.0.1:${port}/realtime/v1/websocket?vsn=2.0.0&apikey=${stack.anonKey}`);
  await new Promise((resolve) => ws.once('open', resolve));
  const closed = new Promise((resolve) => ws.once('close', resolve));
  await service.close?.();
  await closed;
  const end = Date.now() + 2000;
  while ((await listeners()) !== before && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await listeners(), before);
  await new Promise((resolve) => server.close(() => resolve(undefined)));
});

test('no unhandled rejections', () => {
  assert.deepEqual(unhandled, []);
});
