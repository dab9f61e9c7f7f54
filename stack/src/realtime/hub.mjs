// @ts-check
// Every open socket of the service, and what crosses between them: broadcasts (relayed to each
// joined channel of the same topic and privacy) and presence (./presence.mjs). The change feed
// reads its subscribers from here too.
import { encodeBinaryBroadcast, ENCODING_BINARY, VSN_2 } from './protocol.mjs';
import { Presence } from './presence.mjs';

/** @typedef {import('./channel.mjs').Channel} Channel */
/** @typedef {import('./connection.mjs').Connection} Connection */
/**
 * @typedef {object} BroadcastMessage
 * @property {string} event
 * @property {Record<string, any>} [json]       the whole `broadcast` payload, for text frames
 * @property {Buffer} [binary]                  a binary payload (vsn 2.0.0 sockets only)
 * @property {Record<string, unknown> | null} [metadata]
 */

export class Hub {
  constructor() {
    /** @type {Set<Connection>} */
    this.connections = new Set();
    this.presence = new Presence(() => this.channels());
  }

  /** Every joined channel of every socket. @returns {Generator<Channel>} */
  *channels() {
    for (const conn of this.connections) yield* conn.channels.values();
  }

  /** The channels with postgres_changes bindings (the change feed's subscribers). */
  *subscribers() {
    for (const ch of this.channels()) if (ch.bindings.length) yield ch;
  }

  /**
   * Relay a broadcast to every joined channel of the same topic and privacy.
   * @param {string} topic @param {boolean} isPrivate @param {BroadcastMessage} message
   * @param {Channel | null} sender  null: from the HTTP API
   */
  broadcast(topic, isPrivate, message, sender) {
    for (const ch of this.channels()) {
      if (ch.topic !== topic || ch.isPrivate !== isPrivate || ch.closed) continue;
      if (ch === sender && !ch.broadcastSelf) continue;
      if (message.json) ch.push('broadcast', message.json);
      else if (message.binary && ch.conn.vsn === VSN_2) {
        ch.conn.sendRaw(encodeBinaryBroadcast(topic, message.event, message.metadata ?? null, ENCODING_BINARY, message.binary));
      }
      // 1.0.0 sockets cannot carry binary payloads (Realtime skips them too).
    }
  }
}
