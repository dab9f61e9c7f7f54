// @ts-check
// Presence, kept in memory: per topic (and privacy), each key's metas from the channels that
// track it; track/untrack send presence_diff to every channel of the topic with presence on, and
// a join gets presence_state.
import { randomUUID } from 'node:crypto';

/** @typedef {import('./channel.mjs').Channel} Channel */
/** @typedef {{ channel: Channel, meta: Record<string, any> }} Entry */

/** @param {Channel} ch */
const presenceTopic = (ch) => `${ch.isPrivate ? 'private' : 'public'}:${ch.topic}`;

export class Presence {
  /** @param {() => Iterable<Channel>} channels  every joined channel of the service */
  constructor(channels) {
    this.channels = channels;
    /** entries per `<private?>:<topic>`: key → metas of the channels tracking it */
    /** @type {Map<string, Map<string, Entry[]>>} */
    this.byTopic = new Map();
  }

  /** @param {Channel} ch @returns {Record<string, { metas: Record<string, any>[] }>} */
  state(ch) {
    /** @type {Record<string, { metas: Record<string, any>[] }>} */
    const state = {};
    for (const [key, entries] of this.byTopic.get(presenceTopic(ch)) ?? []) state[key] = { metas: entries.map((e) => e.meta) };
    return state;
  }

  /** @param {Channel} ch @param {Record<string, any>} joins @param {Record<string, any>} leaves */
  diff(ch, joins, leaves) {
    const t = presenceTopic(ch);
    for (const other of this.channels()) {
      if (other.closed || !other.presenceEnabled || presenceTopic(other) !== t) continue;
      other.push('presence_diff', { joins, leaves });
    }
  }

  /** @param {Channel} ch @param {Record<string, any>} payload */
  track(ch, payload) {
    const t = presenceTopic(ch);
    /** @type {Map<string, Entry[]>} */
    const byKey = this.byTopic.get(t) ?? new Map();
    this.byTopic.set(t, byKey);
    const entries = byKey.get(ch.presenceKey) ?? [];
    const previous = entries.find((e) => e.channel === ch);
    /** @type {Record<string, any>} */
    const meta = { ...payload, phx_ref: randomUUID().replace(/-/g, '').slice(0, 20) };
    if (previous) meta.phx_ref_prev = previous.meta.phx_ref;
    byKey.set(ch.presenceKey, [...entries.filter((e) => e !== previous), { channel: ch, meta }]);
    this.diff(ch, { [ch.presenceKey]: { metas: [meta] } }, previous ? { [ch.presenceKey]: { metas: [previous.meta] } } : {});
  }

  /** @param {Channel} ch */
  untrack(ch) {
    const byKey = this.byTopic.get(presenceTopic(ch));
    const entries = byKey?.get(ch.presenceKey);
    const mine = entries?.filter((e) => e.channel === ch) ?? [];
    if (!byKey || !entries || mine.length === 0) return;
    const rest = entries.filter((e) => e.channel !== ch);
    if (rest.length) byKey.set(ch.presenceKey, rest);
    else byKey.delete(ch.presenceKey);
    if (byKey.size === 0) this.byTopic.delete(presenceTopic(ch));
    this.diff(ch, {}, { [ch.presenceKey]: { metas: mine.map((e) => e.meta) } });
  }
}
