// @ts-check
// Phoenix channel frames as Supabase Realtime speaks them (see realtime-js
// src/lib/serializer.ts and @supabase/phoenix):
//   vsn 1.0.0: text frames, JSON object {topic, event, payload, ref, join_ref}
//   vsn 2.0.0: text frames, JSON array [join_ref, ref, topic, event, payload];
//              binary frames only for user broadcasts:
//                client → server kind 3 "user broadcast push":
//                  u8 kind, u8 join_ref len, u8 ref len, u8 topic len, u8 event len,
//                  u8 metadata len, u8 encoding (0 binary, 1 JSON), then those strings, payload
//                server → client kind 4 "user broadcast":
//                  u8 kind, u8 topic len, u8 event len, u8 metadata len, u8 encoding,
//                  then topic, event, metadata, payload

export const VSN_1 = '1.0.0';
export const VSN_2 = '2.0.0';
export const SUPPORTED_VSNS = [VSN_1, VSN_2];

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
export const ENCODING_BINARY = 0;
export const ENCODING_JSON = 1;

/**
 * @typedef {object} Message
 * @property {string | null} join_ref
 * @property {string | null} ref
 * @property {string} topic
 * @property {string} event
 * @property {any} payload
 */

/** @param {unknown} v @returns {string | null} */
function refOf(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new Error('ref and join_ref must be strings or null');
}

/**
 * Decode a text frame; throws on anything malformed.
 * @param {string} vsn @param {string} text @returns {Message}
 */
export function decodeText(vsn, text) {
  const value = JSON.parse(text);
  /** @type {any[]} */
  let parts;
  if (vsn === VSN_2) {
    if (!Array.isArray(value) || value.length !== 5) {
      throw new Error('a 2.0.0 frame is [join_ref, ref, topic, event, payload]');
    }
    parts = value;
  } else {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('a 1.0.0 frame is {topic, event, payload, ref, join_ref}');
    }
    parts = [value.join_ref, value.ref, value.topic, value.event, value.payload];
  }
  const [joinRef, ref, topic, event, payload] = parts;
  if (typeof topic !== 'string' || typeof event !== 'string') throw new Error('topic and event must be strings');
  return {
    join_ref: refOf(joinRef),
    ref: refOf(ref),
    topic,
    event,
    payload: payload && typeof payload === 'object' ? payload : {},
  };
}

/** @param {string} vsn @param {Message} msg @returns {string} */
export function encodeText(vsn, msg) {
  if (vsn === VSN_2) return JSON.stringify([msg.join_ref, msg.ref, msg.topic, msg.event, msg.payload]);
  return JSON.stringify({ topic: msg.topic, event: msg.event, payload: msg.payload, ref: msg.ref, join_ref: msg.join_ref });
}

/**
 * Decode a binary frame from a 2.0.0 client (only "user broadcast push" exists).
 * @param {Buffer} buf
 * @returns {{ join_ref: string | null, ref: string | null, topic: string, event: string,
 *   metadata: Record<string, unknown> | null, encoding: number, payload: Buffer }}
 */
export function decodeBinaryPush(buf) {
  if (buf.length < 7) throw new Error('binary frame too short');
  const kind = buf[0];
  if (kind !== KIND_USER_BROADCAST_PUSH) throw new Error(`unsupported binary frame kind ${kind}`);
  const lengths = [buf[1], buf[2], buf[3], buf[4], buf[5]];
  const encoding = buf[6];
  if (encoding !== ENCODING_BINARY && encoding !== ENCODING_JSON) throw new Error(`unknown payload encoding ${encoding}`);
  let offset = 7;
  /** @type {string[]} */
  const strings = [];
  for (const len of lengths) {
    if (offset + len > buf.length) throw new Error('binary frame truncated');
    strings.push(buf.subarray(offset, offset + len).toString('utf8'));
    offset += len;
  }
  const [joinRef, ref, topic, event, meta] = strings;
  return {
    join_ref: joinRef || null,
    ref: ref || null,
    topic,
    event,
    metadata: meta ? JSON.parse(meta) : null,
    encoding,
    payload: buf.subarray(offset),
  };
}

/**
 * Encode a server → client user broadcast (kind 4) for 2.0.0 clients.
 * @param {string} topic @param {string} event @param {Record<string, unknown> | null} metadata
 * @param {number} encoding @param {Buffer} payload
 */
export function encodeBinaryBroadcast(topic, event, metadata, encoding, payload) {
  const t = Buffer.from(topic, 'utf8');
  const e = Buffer.from(event, 'utf8');
  const m = Buffer.from(metadata && Object.keys(metadata).length ? JSON.stringify(metadata) : '', 'utf8');
  if (t.length > 255 || e.length > 255 || m.length > 255) throw new Error('topic, event or metadata longer than 255 bytes');
  const header = Buffer.from([KIND_USER_BROADCAST, t.length, e.length, m.length, encoding]);
  return Buffer.concat([header, t, e, m, payload]);
}
