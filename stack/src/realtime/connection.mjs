// @ts-check
// One client socket: its frames decoded with the socket's serializer (vsn 1.0.0 or 2.0.0) and
// handled one at a time, in order — heartbeat, phx_join (token, private channel check, bindings),
// phx_leave, access_token, broadcast and presence — and its joined channels.
import { WebSocket } from 'ws';
import { decodeBinaryPush, decodeText, encodeText, ENCODING_JSON, VSN_2 } from './protocol.mjs';
import { bypassesRls, checkToken } from './auth.mjs';
import { JoinError, prepareBindings } from './bindings.mjs';
import { Channel } from './channel.mjs';
import { isObject, TOPIC_PREFIX } from './common.mjs';

/** @typedef {import('./protocol.mjs').Message} Message */
/** @typedef {import('./changes.mjs').Binding} Binding */

export class Connection {
  /**
   * @param {import('../stack.mjs').StackContext} ctx @param {import('./hub.mjs').Hub} hub
   * @param {WebSocket} ws @param {string} vsn @param {string} apiToken  the socket's apikey
   */
  constructor(ctx, hub, ws, vsn, apiToken) {
    this.ctx = ctx;
    this.hub = hub;
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
        .catch((error) => this.ctx.log('realtime: message handling failed', { error: String(error?.stack ?? error) }));
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
    this.hub.connections.delete(this);
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
        this.hub.broadcast(channel.topic, channel.isPrivate, { event: payload.event, json: { ...payload, type: 'broadcast' } }, channel);
        if (channel.broadcastAck) this.reply(msg, 'ok');
        return;
      }
      case 'presence': {
        if (payload.event === 'track') {
          if (!isObject(payload.payload ?? {})) return this.reply(msg, 'error', { reason: 'Presence track payload must be a map' });
          this.hub.presence.track(channel, payload.payload ?? {});
        } else if (payload.event === 'untrack') this.hub.presence.untrack(channel);
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
      this.hub.broadcast(channel.topic, channel.isPrivate, { event: push.event, json }, channel);
    } else {
      this.hub.broadcast(channel.topic, channel.isPrivate, { event: push.event, binary: Buffer.from(push.payload), metadata: push.metadata }, channel);
    }
    if (channel.broadcastAck) this.reply(msg, 'ok');
  }

  /** @param {Message} msg */
  async join(msg) {
    try {
      await this.tryJoin(msg);
    } catch (error) {
      // Never leave a join unanswered: the client would wait for its timeout.
      this.ctx.log('realtime: join failed', { topic: msg.topic, error: String(/** @type {any} */ (error)?.stack ?? error) });
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
    const checked = await checkToken(this.ctx, token);
    if ('error' in checked) return fail(`${checked.code}: ${checked.error}`);
    const claims = checked.claims;
    if (config.private === true && !(await bypassesRls(this.ctx, claims))) {
      return fail(`Unauthorized: You do not have permissions to read from this Channel topic: ${name}`);
    }
    /** @type {Binding[]} */
    let bindings;
    try {
      bindings = await prepareBindings(this.ctx, config.postgres_changes);
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
    if (channel.presenceEnabled) channel.push('presence_state', this.hub.presence.state(channel));
    channel.scheduleTokenCheck();
  }
}
