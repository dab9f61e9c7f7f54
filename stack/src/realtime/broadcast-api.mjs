// @ts-check
// Realtime's HTTP routes: the broadcast API (POST /realtime/v1/api/broadcast with
// {messages: [{topic, event, payload, private}]}, and …/api/broadcast/<topic>/events/<event>
// with a JSON or application/octet-stream body), relayed to the joined channels of each topic;
// and a 426 for a plain GET of the WebSocket path.
import { HttpError, bearer, readBody } from '../http.mjs';
import { bypassesRls, checkToken } from './auth.mjs';
import { isObject, MAX_FRAME_BYTES, PREFIX, TOPIC_PREFIX } from './common.mjs';

/** @param {Buffer} body @returns {any} */
function parseJson(body) {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/**
 * @param {import('../stack.mjs').StackContext} ctx @param {import('./hub.mjs').Hub} hub
 * @returns {import('../stack.mjs').Service['handle']}
 */
export function createHttpHandler(ctx, hub) {
  /** The caller's claims: its apikey's, or its bearer token's when it sends another one. @param {import('node:http').IncomingMessage} req @param {URL} url */
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

  return async function handle(req, res, url) {
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
        const json = isBinary ? undefined : parseJson(body);
        messages.push({
          topic: decodeURIComponent(one[1]),
          event: decodeURIComponent(one[2]),
          ...(isBinary ? { binary: body } : { json }),
          private: url.searchParams.get('private') === 'true',
        });
      } else {
        const parsed = parseJson(body);
        if (!Array.isArray(parsed?.messages)) throw new HttpError(400, 'invalid_request', 'The body must be {"messages": [...]}.');
        for (const m of parsed.messages) {
          if (!isObject(m) || typeof m.topic !== 'string' || typeof m.event !== 'string') {
            throw new HttpError(400, 'invalid_request', 'Each message needs a topic and an event.');
          }
          messages.push({ topic: m.topic, event: m.event, json: m.payload ?? {}, private: m.private === true });
        }
      }
      if (messages.some((m) => m.private) && !(await bypassesRls(ctx, claims))) {
        throw new HttpError(403, 'unauthorized', 'Private channels accept broadcasts from roles that bypass RLS only (local stack).');
      }
      for (const m of messages) {
        const topic = m.topic.startsWith(TOPIC_PREFIX) ? m.topic : TOPIC_PREFIX + m.topic;
        if (m.binary) hub.broadcast(topic, m.private, { event: m.event, binary: m.binary }, null);
        else hub.broadcast(topic, m.private, { event: m.event, json: { type: 'broadcast', event: m.event, payload: m.json } }, null);
      }
      res.writeHead(202);
      res.end();
      return;
    }
    throw new HttpError(404, 'not_found', `no realtime route for ${req.method} ${url.pathname}`);
  };
}
