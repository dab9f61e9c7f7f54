// @ts-check
// Supabase Realtime for the local stack: Phoenix channels over a WebSocket at
// GET /realtime/v1/websocket?apikey=<key>&vsn=1.0.0|2.0.0, speaking the wire protocol of
// supabase/realtime as @supabase/realtime-js 2.119 uses it (docs/PROTOCOLS.md §3).
//
// What it serves
// - Both serializers: vsn 1.0.0 (JSON objects) and 2.0.0 (JSON arrays; binary frames for user
//   broadcasts). The apikey must be a JWT of the project (ES256 via the JWKS, or legacy HS256)
//   or one of its sb_ keys (403 otherwise).
// - phx_join on `realtime:<name>` with {config:{broadcast, presence, postgres_changes, private},
//   access_token}: the token (else the apikey) is verified; the reply echoes each
//   postgres_changes binding with an integer id, then `system` "Subscribed to PostgreSQL".
//   Join errors are `phx_reply` {status:"error", response:{reason:"<Code>: <message>"}} with
//   Realtime's codes (InvalidJWTToken, JwtSignatureError, MalformedJWT, Unauthorized,
//   RealtimeDisabledForConfiguration, TopicNameRequired), so clients see CHANNEL_ERROR.
// - heartbeat, phx_leave, access_token (re-verified; the new claims apply from then on; a bad
//   or expired one, or the token's expiry, closes the channel with a `system` error message
//   and phx_close, as Realtime does).
// - postgres_changes fed by Postgres (stack/realtime.sql + ./realtime-changes.mjs): filters are
//   evaluated by Postgres with the column's type; then, per subscriber, the row is re-read by
//   its primary key under the subscriber's claims (role + request.jwt.claims), so RLS decides —
//   as Realtime does, including its caveat: a row deleted or changed out of reach before the
//   change is processed is not delivered to RLS-checked subscribers.
// - Broadcast on public channels (relayed between sockets, `self` and `ack` honoured, JSON and
//   binary payloads; POST /realtime/v1/api/broadcast and …/api/broadcast/<topic>/events/<event>)
//   and Presence (track/untrack, presence_state, presence_diff), kept in memory.
//
// Known deviations from Supabase Realtime (local development only)
// - Changes come from row triggers + NOTIFY, not logical replication: they are sent at commit
//   in commit order, commit_timestamp is the time of the row change, and changes made while
//   the stack is down are not replayed. Truncates are not sent. A row whose JSON does not fit
//   in a NOTIFY (~8 KB) is re-read by key (its current values) and its old_record is the key.
// - A subscription that cannot work (table missing or not in publication supabase_realtime,
//   bad filter, unknown column) fails the join itself (as Realtime does with
//   postgres_changes_options.wait), instead of an ok join followed by a `system` error.
// - DELETE (and tables without a primary key): the row cannot be re-read, so the change goes to
//   subscribers whose role may select from the table and either bypass RLS (RLS off,
//   service_role/BYPASSRLS, table owner) or whose claims' `sub` equals the row's `user_id`
//   column (Realtime sends deletes to every subscriber, with only the primary key when RLS is
//   on). old_record carries what REPLICA IDENTITY allows (FULL: the whole row).
// - Private channels (config.private) are open to roles that bypass RLS only (there is no
//   realtime.messages table to hold policies); others get "Unauthorized".
// - No rate limits, no broadcast replay/persistence, no legacy (pre-`config`) joins.
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpError, bearer, readBody } from './http.mjs';
import { decodeBinaryPush, decodeText, encodeBinaryBroadcast, encodeText, ENCODING_BINARY, ENCODING_JSON, SUPPORTED_VSNS, VSN_1, VSN_2 } from './realtime-protocol.mjs';
import { conditionsSql, FilterError, parseFilter, quoteIdent } from './realtime-filters.mjs';
import { startChangeFeed } from './realtime-changes.mjs';

const PREFIX = '/realtime/v1';
const TOPIC_PREFIX = 'realtime:';
const MAX_FRAME_BYTES = 3 * 1024 * 1024;
/** Re-check tokens at least this often (setTimeout cannot wait for far-away expiries). */
const MAX_TOKEN_TIMER_MS = 60 * 60 * 1000;

/** @typedef {import('./realtime-protocol.mjs').Message} Message */
/** @typedef {import('./realtime-changes.mjs').Binding} Binding */
/** @typedef {{ claims: Record<string, any> } | { code: string, error: string }} TokenCheck */

class JoinError extends Error {}

/** @param {unknown} v @returns {v is Record<string, any>} */
const isObject = (v) => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Verify a token as Realtime does: signature, expiry, and the `role` and `exp` claims.
 * @param {import('./stack.mjs').StackContext} ctx @param {unknown} token @returns {Promise<TokenCheck>}
 */
async function checkToken(ctx, token) {
  if (typeof token !== 'string' || token === '') return { code: 'MalformedJWT', error: 'The token provided is not a valid JWT' };
  // An sb_ key (`?apikey=sb_publishable_…`, or supabase-js's join access_token before sign-in)
  // stands for a JWT of its role, as the gateway's query rewrite makes it on hosted.
  const role = ctx.keys?.apiKeyRole(token);
  if (role) token = await ctx.keys.roleJwt(role);
  /** @type {Record<string, any>} */
  let claims;
  try {
    claims = await ctx.verifyJwt(token);
  } catch (error) {
    const code = /** @type {any} */ (error)?.code;
    if (code === 'ERR_JWT_EXPIRED') {
      let ago = 0;
      try {
        const { exp } = decodeJwt(token);
        if (typeof exp === 'number') ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
      } catch {}
      return { code: 'InvalidJWTToken', error: `Token has expired ${ago} seconds ago` };
    }
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JOSE_ALG_NOT_ALLOWED') {
      return { code: 'JwtSignatureError', error: 'Failed to validate JWT signature' };
    }
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return { code: 'InvalidJWTToken', error: String(/** @type {any} */ (error).message) };
    return { code: 'MalformedJWT', error: 'The token provided is not a valid JWT' };
  }
  if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') {
    return { code: 'InvalidJWTToken', error: 'Fields `role` and `exp` are required in JWT' };
  }
  return { claims };
}

/** Sorted-key JSON, so equal params hash equally. @param {unknown} v @returns {string} */
function stableJson(v) {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A 27-bit integer id for a binding (Realtime uses :erlang.phash2(params), same range). @param {unknown} params */
function bindingHash(params) {
  let h = 0x811c9dc5;
  const s = stableJson(params);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7ffffff;
}

/**
 * @param {import('node:stream').Duplex} socket @param {number} status @param {string} message
 */
function refuseUpgrade(socket, status, message) {
  if (socket.destroyed) return;
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** @param {import('./stack.mjs').StackContext} ctx @returns {Promise<import('./stack.mjs').Service>} */
export async function createRealtimeService(ctx) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  /** @type {Set<Connection>} */
  const connections = new Set();
  let closed = false;

  function* subscribers() {
    for (const conn of connections) for (const ch of conn.channels.values()) if (ch.bindings.length) yield ch;
  }
  const feed = await startChangeFeed(ctx, subscribers);

  /** @param {unknown} claims */
  async function bypassesRls(claims) {
    const role = isObject(claims) ? claims.role : undefined;
    if (role === 'service_role') return true;
    if (typeof role !== 'string') return false;
    const [row] = await ctx.sql`select rolsuper or rolbypassrls as bypass from pg_roles where rolname = ${role}`;
    return row?.bypass === true;
  }

  // ---- postgres_changes bindings ------------------------------------------------------------

  /** @param {Record<string, any>} p @param {string} why */
  function disabled(p, why) {
    const desc = `[event: ${p.event}, schema: ${p.schema}, table: ${p.table ?? '*'}, filters: [${p.filter ?? ''}]]`;
    return new JoinError(
      `RealtimeDisabledForConfiguration: Unable to subscribe to changes with given parameters. ${why} ${desc}`,
    );
  }

  /**
   * Validate config.postgres_changes and resolve it against the catalog.
   * @param {unknown} list @returns {Promise<Binding[]>}
   */
  async function prepareBindings(list) {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw new JoinError('InvalidJoinPayload: config.postgres_changes must be a list');
    /** @type {Binding[]} */
    const out = [];
    const used = new Set();
    for (const params of list) {
      if (params === null || params === undefined) continue;
      if (!isObject(params)) throw new JoinError('InvalidJoinPayload: each postgres_changes entry must be an object');
      const event = String(params.event ?? '*').toUpperCase();
      if (!['*', 'INSERT', 'UPDATE', 'DELETE'].includes(event)) {
        throw disabled(params, `Unknown event \`${params.event}\` (use INSERT, UPDATE, DELETE or *).`);
      }
      if (typeof params.schema !== 'string' || params.schema === '') throw disabled(params, 'A schema is required.');
      const schema = params.schema;
      const table = params.table === undefined || params.table === null || params.table === '*' ? null : String(params.table);
      const filter = params.filter === undefined || params.filter === null ? '' : params.filter;
      /** @type {import('./realtime-filters.mjs').Condition[]} */
      let conditions;
      try {
        conditions = parseFilter(/** @type {string} */ (filter));
      } catch (error) {
        if (error instanceof FilterError) throw disabled(params, `Error parsing \`filter\` params: ${error.message}.`);
        throw error;
      }
      /** @type {string[] | null} */
      let select = null;
      if (params.select !== undefined && params.select !== null) {
        if (!Array.isArray(params.select) || !params.select.every((c) => typeof c === 'string')) {
          throw disabled(params, '`select` must be a list of column names.');
        }
        select = params.select;
      }
      if (table === null || schema === '*') {
        if (conditions.length || select) throw disabled(params, 'Filters and `select` need one table.');
        const [{ n }] = await ctx.sql`
          select count(*)::int as n from pg_publication_tables
           where pubname = 'supabase_realtime' and (${schema} = '*' or schemaname = ${schema})`;
        if (n === 0) throw disabled(params, 'No table of publication supabase_realtime matches.');
      } else {
        const [info] = await ctx.sql`
          select exists(select 1 from pg_publication_tables pt
                         where pt.pubname = 'supabase_realtime' and pt.schemaname = n.nspname and pt.tablename = c.relname) as published,
                 coalesce((select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, null)) order by a.attnum)
                             from pg_attribute a
                            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]'::json) as columns
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = ${schema} and c.relname = ${table} and c.relkind in ('r', 'p')`;
        if (!info) throw disabled(params, `Table ${schema}.${table} does not exist.`);
        if (!info.published) {
          throw disabled(params, `Table ${schema}.${table} is not in publication supabase_realtime (alter publication supabase_realtime add table …).`);
        }
        /** @type {Map<string, string>} */
        const types = new Map(info.columns.map((/** @type {{name: string, type: string}} */ c) => [c.name, c.type]));
        for (const c of conditions) {
          const type = types.get(c.column);
          if (!type) throw disabled(params, `invalid column for filter ${c.column}.`);
          c.type = type;
        }
        for (const name of select ?? []) if (!types.has(name)) throw disabled(params, `invalid column for select ${name}.`);
        await validateConditions(params, `${quoteIdent(schema)}.${quoteIdent(table)}`, conditions);
      }
      let id = bindingHash(params);
      while (used.has(id)) id = (id + 1) & 0x7ffffff;
      used.add(id);
      out.push({ id, params, event: /** @type {Binding['event']} */ (event), schema, table, conditions, select });
    }
    return out;
  }

  /**
   * Every value must cast to its column's type, patterns must compile, and the whole condition
   * must type-check — checked now so the join fails instead of the subscription going silent.
   * @param {Record<string, any>} params @param {string} table
   * @param {import('./realtime-filters.mjs').Condition[]} conditions
   */
  async function validateConditions(params, table, conditions) {
    if (conditions.length === 0) return;
    try {
      for (const c of conditions) {
        for (const v of c.values ?? (c.op === 'is' ? [] : [c.value])) {
          if (['like', 'ilike'].includes(c.op)) continue;
          if (['match', 'imatch'].includes(c.op)) await ctx.sql`select '' ~ ${String(v)}::text`;
          else await ctx.sql.unsafe(`select cast($1::text as ${c.type})`, [v]);
        }
      }
      /** @type {unknown[]} */
      const values = [];
      const expr = conditionsSql(conditions, values);
      await ctx.sql.unsafe(`select ${expr} as ok from jsonb_populate_record(null::${table}, '{}'::jsonb) as r`, values);
    } catch (error) {
      throw disabled(params, `Invalid filter \`${params.filter}\`: ${/** @type {any} */ (error)?.message ?? error}.`);
    }
  }

  // ---- broadcast and presence ----------------------------------------------------------------

  /**
   * Relay a broadcast to every joined channel of the same topic and privacy.
   * @param {string} topic @param {boolean} isPrivate
   * @param {{ event: string, json?: Record<string, any>, binary?: Buffer, metadata?: Record<string, unknown> | null }} message
   * @param {Channel | null} sender
   */
  function broadcast(topic, isPrivate, message, sender) {
    for (const conn of connections) {
      for (const ch of conn.channels.values()) {
        if (ch.topic !== topic || ch.isPrivate !== isPrivate || ch.closed) continue;
        if (ch === sender && !ch.broadcastSelf) continue;
        if (message.json) ch.push('broadcast', message.json);
        else if (message.binary && conn.vsn === VSN_2) {
          conn.sendRaw(encodeBinaryBroadcast(topic, message.event, message.metadata ?? null, ENCODING_BINARY, message.binary));
        }
        // 1.0.0 sockets cannot carry binary payloads (Realtime skips them too).
      }
    }
  }

  /** presence entries per `<private?>:<topic>`: key → metas of the channels tracking it */
  /** @type {Map<string, Map<string, { channel: Channel, meta: Record<string, any> }[]>>} */
  const presence = new Map();
  /** @param {Channel} ch */
  const presenceTopic = (ch) => `${ch.isPrivate ? 'private' : 'public'}:${ch.topic}`;

  /** @param {Channel} ch @returns {Record<string, { metas: Record<string, any>[] }>} */
  function presenceState(ch) {
    /** @type {Record<string, { metas: Record<string, any>[] }>} */
    const state = {};
    for (const [key, entries] of presence.get(presenceTopic(ch)) ?? []) state[key] = { metas: entries.map((e) => e.meta) };
    return state;
  }

  /** @param {Channel} ch @param {Record<string, any>} joins @param {Record<string, any>} leaves */
  function presenceDiff(ch, joins, leaves) {
    const t = presenceTopic(ch);
    for (const conn of connections) {
      for (const other of conn.channels.values()) {
        if (other.closed || !other.presenceEnabled || presenceTopic(other) !== t) continue;
        other.push('presence_diff', { joins, leaves });
      }
    }
  }

  /** @param {Channel} ch @param {Record<string, any>} payload */
  function track(ch, payload) {
    const t = presenceTopic(ch);
    /** @type {Map<string, { channel: Channel, meta: Record<string, any> }[]>} */
    const byKey = presence.get(t) ?? new Map();
    presence.set(t, byKey);
    const entries = byKey.get(ch.presenceKey) ?? [];
    const previous = entries.find((e) => e.channel === ch);
    /** @type {Record<string, any>} */
    const meta = { ...payload, phx_ref: randomUUID().replace(/-/g, '').slice(0, 20) };
    if (previous) meta.phx_ref_prev = previous.meta.phx_ref;
    byKey.set(ch.presenceKey, [...entries.filter((e) => e !== previous), { channel: ch, meta }]);
    presenceDiff(ch, { [ch.presenceKey]: { metas: [meta] } }, previous ? { [ch.presenceKey]: { metas: [previous.meta] } } : {});
  }

  /** @param {Channel} ch */
  function untrack(ch) {
    const byKey = presence.get(presenceTopic(ch));
    const entries = byKey?.get(ch.presenceKey);
    const mine = entries?.filter((e) => e.channel === ch) ?? [];
    if (!byKey || !entries || mine.length === 0) return;
    const rest = entries.filter((e) => e.channel !== ch);
    if (rest.length) byKey.set(ch.presenceKey, rest);
    else byKey.delete(ch.presenceKey);
    if (byKey.size === 0) presence.delete(presenceTopic(ch));
    presenceDiff(ch, {}, { [ch.presenceKey]: { metas: mine.map((e) => e.meta) } });
  }

  // ---- channels ------------------------------------------------------------------------------

  class Channel {
    /**
     * @param {Connection} conn @param {string} topic @param {string | null} joinRef
     * @param {string} token @param {Record<string, any>} claims @param {Record<string, any>} config
     * @param {Binding[]} bindings
     */
    constructor(conn, topic, joinRef, token, claims, config, bindings) {
      this.conn = conn;
      this.topic = topic;
      this.name = topic.slice(TOPIC_PREFIX.length);
      this.joinRef = joinRef;
      this.accessToken = token;
      this.claims = claims;
      this.bindings = bindings;
      this.isPrivate = config.private === true;
      this.broadcastSelf = config.broadcast?.self === true;
      this.broadcastAck = config.broadcast?.ack === true;
      this.presenceEnabled = config.presence?.enabled !== false;
      const key = config.presence?.key;
      this.presenceKey = typeof key === 'string' && key !== '' ? key : randomUUID();
      this.closed = false;
      /** @type {NodeJS.Timeout | undefined} */
      this.tokenTimer = undefined;
    }

    /** @param {string} event @param {unknown} payload */
    push(event, payload) {
      if (!this.closed) this.conn.send({ join_ref: this.joinRef, ref: null, topic: this.topic, event, payload });
    }

    /** @param {{ ids: number[], data: Record<string, unknown> }} payload */
    pushChange(payload) {
      this.push('postgres_changes', payload);
    }

    /** @param {string} extension @param {'ok' | 'error'} status @param {string} message */
    system(extension, status, message) {
      this.push('system', { extension, status, message, channel: this.name });
    }

    /** Re-check the token when it expires (Realtime's confirm_token). */
    scheduleTokenCheck() {
      clearTimeout(this.tokenTimer);
      const ms = Math.min(MAX_TOKEN_TIMER_MS, Math.max(0, this.claims.exp * 1000 - Date.now() + 5));
      this.tokenTimer = setTimeout(() => {
        this.confirmToken().catch((error) => ctx.log('realtime: token check failed', { error: String(error) }));
      }, ms);
      this.tokenTimer.unref?.();
    }

    async confirmToken() {
      if (this.closed) return;
      const checked = await checkToken(ctx, this.accessToken);
      if (this.closed) return;
      if ('error' in checked) return this.shutdown(checked.error);
      this.claims = checked.claims;
      this.scheduleTokenCheck();
    }

    /** @param {unknown} token */
    async refreshToken(token) {
      if (typeof token !== 'string' || token === '' || token.startsWith('sb_') || token === this.accessToken) return;
      const checked = await checkToken(ctx, token);
      if (this.closed) return;
      if ('error' in checked) return this.shutdown(checked.error);
      if (this.isPrivate && !(await bypassesRls(checked.claims))) {
        return this.shutdown(`You no longer have permission to read from this Channel topic: ${this.name}`);
      }
      if (this.closed) return;
      this.accessToken = token;
      this.claims = checked.claims;
      this.scheduleTokenCheck();
      if (this.bindings.length) this.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
    }

    /** Close from the server side: a `system` error, then phx_close (Phoenix's graceful exit). @param {string} message */
    shutdown(message) {
      if (this.closed) return;
      this.system('system', 'error', message);
      this.conn.send({ join_ref: this.joinRef, ref: this.joinRef, topic: this.topic, event: 'phx_close', payload: {} });
      this.dispose();
    }

    dispose() {
      if (this.closed) return;
      this.closed = true;
      clearTimeout(this.tokenTimer);
      if (this.conn.channels.get(this.topic) === this) this.conn.channels.delete(this.topic);
      untrack(this);
    }
  }

  // ---- connections ---------------------------------------------------------------------------

  class Connection {
    /**
     * @param {WebSocket} ws @param {string} vsn @param {string} apiToken
     */
    constructor(ws, vsn, apiToken) {
      this.ws = ws;
      this.vsn = vsn;
      this.apiToken = apiToken;
      /** @type {Map<string, Channel>} */
      this.channels = new Map();
      this.closed = false;
      /** @type {Promise<void>} messages of one socket are handled one at a time, in order */
      this.queue = Promise.resolve();
      ws.on('message', (/** @type {Buffer} */ data, /** @type {boolean} */ isBinary) => {
        this.queue = this.queue
          .then(() => this.onFrame(/** @type {Buffer} */ (data), isBinary))
          .catch((error) => ctx.log('realtime: message handling failed', { error: String(error?.stack ?? error) }));
      });
      ws.on('close', () => this.dispose());
      ws.on('error', () => this.dispose());
    }

    /** @param {Message} msg */
    send(msg) {
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeText(this.vsn, msg));
    }

    /** @param {Buffer} data */
    sendRaw(data) {
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: true });
    }

    /** @param {{ join_ref: string | null, ref: string | null, topic: string }} msg @param {'ok' | 'error'} status @param {unknown} [response] */
    reply(msg, status, response = {}) {
      this.send({ join_ref: msg.join_ref, ref: msg.ref, topic: msg.topic, event: 'phx_reply', payload: { status, response } });
    }

    dispose() {
      if (this.closed) return;
      this.closed = true;
      for (const ch of [...this.channels.values()]) ch.dispose();
      connections.delete(this);
    }

    /** @param {Buffer} data @param {boolean} isBinary */
    async onFrame(data, isBinary) {
      if (this.closed) return;
      if (isBinary) return this.onBinary(data);
      /** @type {Message} */
      let msg;
      try {
        msg = decodeText(this.vsn, data.toString('utf8'));
      } catch {
        return; // not a frame of this protocol version: ignored
      }
      const { topic, event, payload } = msg;
      if (topic === 'phoenix') {
        if (event === 'heartbeat') this.reply(msg, 'ok');
        return;
      }
      if (event === 'phx_join') return this.join(msg);
      const channel = this.channels.get(topic);
      if (event === 'phx_leave') {
        channel?.dispose();
        return this.reply(msg, 'ok');
      }
      if (!channel) return this.reply(msg, 'error', { reason: 'unmatched topic' });
      switch (event) {
        case 'access_token':
          return channel.refreshToken(payload.access_token);
        case 'broadcast': {
          if (typeof payload.event !== 'string') return;
          broadcast(channel.topic, channel.isPrivate, { event: payload.event, json: { ...payload, type: 'broadcast' } }, channel);
          if (channel.broadcastAck) this.reply(msg, 'ok');
          return;
        }
        case 'presence': {
          if (payload.event === 'track') {
            if (!isObject(payload.payload ?? {})) return this.reply(msg, 'error', { reason: 'Presence track payload must be a map' });
            track(channel, payload.payload ?? {});
          } else if (payload.event === 'untrack') untrack(channel);
          return this.reply(msg, 'ok');
        }
        default:
          return; // Realtime ignores unexpected client events
      }
    }

    /** 2.0.0 binary frames: user broadcasts only. @param {Buffer} data */
    onBinary(data) {
      if (this.vsn !== VSN_2) return;
      /** @type {ReturnType<typeof decodeBinaryPush>} */
      let push;
      try {
        push = decodeBinaryPush(data);
      } catch {
        return;
      }
      const msg = { join_ref: push.join_ref, ref: push.ref, topic: push.topic };
      const channel = this.channels.get(push.topic);
      if (!channel) return this.reply(msg, 'error', { reason: 'unmatched topic' });
      if (push.encoding === ENCODING_JSON) {
        /** @type {unknown} */
        let value;
        try {
          value = JSON.parse(push.payload.toString('utf8'));
        } catch {
          return this.reply(msg, 'error', { reason: 'invalid JSON payload' });
        }
        const json = { type: 'broadcast', event: push.event, payload: value, ...(push.metadata ? { meta: push.metadata } : {}) };
        broadcast(channel.topic, channel.isPrivate, { event: push.event, json }, channel);
      } else {
        broadcast(channel.topic, channel.isPrivate, { event: push.event, binary: Buffer.from(push.payload), metadata: push.metadata }, channel);
      }
      if (channel.broadcastAck) this.reply(msg, 'ok');
    }

    /** @param {Message} msg */
    async join(msg) {
      try {
        await this.tryJoin(msg);
      } catch (error) {
        // Never leave a join unanswered: the client would wait for its timeout.
        ctx.log('realtime: join failed', { topic: msg.topic, error: String(/** @type {any} */ (error)?.stack ?? error) });
        this.reply(msg, 'error', { reason: `UnknownErrorOnChannel: ${/** @type {any} */ (error)?.message ?? error}` });
      }
    }

    /** @param {Message} msg */
    async tryJoin(msg) {
      const { topic, payload } = msg;
      /** @param {string} reason */
      const fail = (reason) => this.reply(msg, 'error', { reason });
      if (!topic.startsWith(TOPIC_PREFIX)) return fail('unmatched topic');
      const name = topic.slice(TOPIC_PREFIX.length);
      if (name === '') return fail('TopicNameRequired: You must provide a topic name');
      const config = isObject(payload.config) ? payload.config : {};
      // A second join of the same topic replaces the first (Phoenix closes the old one).
      this.channels.get(topic)?.dispose();

      let token = typeof payload.access_token === 'string' ? payload.access_token : typeof payload.user_token === 'string' ? payload.user_token : this.apiToken;
      if (token.startsWith('sb_')) token = this.apiToken;
      const checked = await checkToken(ctx, token);
      if ('error' in checked) return fail(`${checked.code}: ${checked.error}`);
      const claims = checked.claims;
      if (config.private === true && !(await bypassesRls(claims))) {
        return fail(`Unauthorized: You do not have permissions to read from this Channel topic: ${name}`);
      }
      /** @type {Binding[]} */
      let bindings;
      try {
        bindings = await prepareBindings(config.postgres_changes);
      } catch (error) {
        if (error instanceof JoinError) return fail(error.message);
        throw error;
      }
      if (this.closed) return;
      this.channels.get(topic)?.dispose();
      const channel = new Channel(this, topic, msg.join_ref, token, claims, config, bindings);
      this.channels.set(topic, channel);
      this.reply(msg, 'ok', { postgres_changes: bindings.map((b) => ({ ...b.params, id: b.id })) });
      if (bindings.length) channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
      if (config.broadcast?.replication_ready === true) channel.system('system', 'ok', 'Replication connection established');
      if (channel.presenceEnabled) channel.push('presence_state', presenceState(channel));
      channel.scheduleTokenCheck();
    }
  }

  // ---- HTTP: the broadcast API ---------------------------------------------------------------

  /** @param {import('node:http').IncomingMessage} req @param {URL} url */
  async function httpClaims(req, url) {
    const apikey = req.headers.apikey ?? url.searchParams.get('apikey');
    const key = Array.isArray(apikey) ? apikey[0] : apikey;
    const keyCheck = await checkToken(ctx, key);
    if ('error' in keyCheck) throw new HttpError(401, 'unauthorized', `${keyCheck.code}: ${keyCheck.error}`);
    const token = bearer(req);
    if (!token || token === key) return keyCheck.claims;
    const check = await checkToken(ctx, token);
    if ('error' in check) throw new HttpError(401, 'unauthorized', `${check.code}: ${check.error}`);
    return check.claims;
  }

  /** @type {import('./stack.mjs').Service['handle']} */
  async function handle(req, res, url) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const path = url.pathname.slice(PREFIX.length);
    if (path === '/websocket' || path === '/websocket/') {
      throw new HttpError(426, 'upgrade_required', 'Connect with a WebSocket: /realtime/v1/websocket?apikey=<key>&vsn=2.0.0');
    }
    const one = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path);
    if (req.method === 'POST' && (path === '/api/broadcast' || one)) {
      const claims = await httpClaims(req, url);
      const body = await readBody(req, MAX_FRAME_BYTES);
      /** @type {{ topic: string, event: string, json?: unknown, binary?: Buffer, private: boolean }[]} */
      const messages = [];
      if (one) {
        const isBinary = /^application\/octet-stream/i.test(String(req.headers['content-type'] ?? ''));
        /** @type {unknown} */
        let json;
        if (!isBinary) {
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
          }
        }
        messages.push({
          topic: decodeURIComponent(one[1]),
          event: decodeURIComponent(one[2]),
          ...(isBinary ? { binary: body } : { json }),
          private: url.searchParams.get('private') === 'true',
        });
      } else {
        /** @type {any} */
        let parsed;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
        }
        if (!Array.isArray(parsed?.messages)) throw new HttpError(400, 'invalid_request', 'The body must be {"messages": [...]}.');
        for (const m of parsed.messages) {
          if (!isObject(m) || typeof m.topic !== 'string' || typeof m.event !== 'string') {
            throw new HttpError(400, 'invalid_request', 'Each message needs a topic and an event.');
          }
          messages.push({ topic: m.topic, event: m.event, json: m.payload ?? {}, private: m.private === true });
        }
      }
      if (messages.some((m) => m.private) && !(await bypassesRls(claims))) {
        throw new HttpError(403, 'unauthorized', 'Private channels accept broadcasts from roles that bypass RLS only (local stack).');
      }
      for (const m of messages) {
        const topic = m.topic.startsWith(TOPIC_PREFIX) ? m.topic : TOPIC_PREFIX + m.topic;
        if (m.binary) broadcast(topic, m.private, { event: m.event, binary: m.binary }, null);
        else broadcast(topic, m.private, { event: m.event, json: { type: 'broadcast', event: m.event, payload: m.json } }, null);
      }
      res.writeHead(202);
      res.end();
      return;
    }
    throw new HttpError(404, 'not_found', `no realtime route for ${req.method} ${url.pathname}`);
  }

  // ---- the WebSocket endpoint ----------------------------------------------------------------

  /** @type {NonNullable<import('./stack.mjs').Service['upgrade']>} */
  function upgrade(req, socket, head) {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== `${PREFIX}/websocket` && url.pathname !== `${PREFIX}/websocket/`) {
      return refuseUpgrade(socket, 404, 'no route: connect to /realtime/v1/websocket');
    }
    if (closed) return refuseUpgrade(socket, 503, 'Realtime is shutting down');
    const vsn = url.searchParams.get('vsn') ?? VSN_1;
    if (!SUPPORTED_VSNS.includes(vsn)) return refuseUpgrade(socket, 400, `Unsupported vsn ${vsn} (1.0.0 or 2.0.0)`);
    const header = req.headers.apikey;
    const apikey = url.searchParams.get('apikey') ?? (Array.isArray(header) ? header[0] : header);
    if (!apikey) return refuseUpgrade(socket, 403, 'MissingAPIKey: connect with ?apikey=<anon key>');
    checkToken(ctx, apikey)
      .then((checked) => {
        if ('error' in checked) return refuseUpgrade(socket, 403, `${checked.code}: ${checked.error}`);
        if (closed || socket.destroyed) return socket.destroy();
        wss.handleUpgrade(req, socket, head, (/** @type {WebSocket} */ ws) => {
          if (closed) return ws.terminate();
          connections.add(new Connection(ws, vsn, apikey));
        });
      })
      .catch((error) => {
        ctx.log('realtime: upgrade failed', { error: String(error) });
        socket.destroy();
      });
  }

  return {
    prefix: PREFIX,
    handle,
    upgrade,
    async close() {
      closed = true;
      for (const conn of [...connections]) {
        conn.dispose();
        conn.ws.terminate();
      }
      await new Promise((resolve) => wss.close(() => resolve(undefined)));
      await feed.close();
    },
  };
}
