// @ts-check
// One joined channel (`realtime:<name>`) of one socket: its config (broadcast self/ack, presence
// key, private), its postgres_changes bindings, and its token, re-checked when it expires or
// when the client sends a new one (access_token); a bad token closes the channel as Realtime
// does (a `system` error, then phx_close).
import { randomUUID } from 'node:crypto';
import { bypassesRls, checkToken } from './auth.mjs';
import { TOPIC_PREFIX } from './common.mjs';

/** Re-check tokens at least this often (setTimeout cannot wait for far-away expiries). */
const MAX_TOKEN_TIMER_MS = 60 * 60 * 1000;

/** @typedef {import('./changes.mjs').Binding} Binding */

export class Channel {
  /**
   * @param {import('./connection.mjs').Connection} conn  the socket it was joined on
   * @param {string} topic @param {string | null} joinRef
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
      this.confirmToken().catch((error) => this.conn.ctx.log('realtime: token check failed', { error: String(error) }));
    }, ms);
    this.tokenTimer.unref?.();
  }

  async confirmToken() {
    if (this.closed) return;
    const checked = await checkToken(this.conn.ctx, this.accessToken);
    if (this.closed) return;
    if ('error' in checked) return this.shutdown(checked.error);
    this.claims = checked.claims;
    this.scheduleTokenCheck();
  }

  /** @param {unknown} token */
  async refreshToken(token) {
    if (typeof token !== 'string' || token === '' || token.startsWith('sb_') || token === this.accessToken) return;
    const checked = await checkToken(this.conn.ctx, token);
    if (this.closed) return;
    if ('error' in checked) return this.shutdown(checked.error);
    if (this.isPrivate && !(await bypassesRls(this.conn.ctx, checked.claims))) {
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
    this.conn.hub.presence.untrack(this);
  }
}
