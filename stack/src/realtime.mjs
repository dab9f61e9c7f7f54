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
// - postgres_changes fed by Postgres (stack/realtime.sql + ./realtime/changes.mjs): filters are
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
//
// Where it is (a newcomer's map)
//   realtime.mjs               this entry: the WebSocket endpoint (upgrade), the service's lifetime
//   realtime/connection.mjs    one socket: frames in order, heartbeat, join, leave, access_token
//   realtime/channel.mjs       one joined channel: config, bindings, token re-checks, shutdown
//   realtime/bindings.mjs      a join's postgres_changes config checked against the catalog
//   realtime/hub.mjs           every socket; broadcasts relayed between channels
//   realtime/presence.mjs      presence state and diffs
//   realtime/auth.mjs          token checks as Realtime makes them; who bypasses RLS
//   realtime/broadcast-api.mjs the HTTP broadcast API
//   realtime/common.mjs        shared names and limits
//   realtime/protocol.mjs      Phoenix frames (vsn 1.0.0 and 2.0.0) encoded and decoded
//   realtime/filters.mjs       postgres_changes filters parsed and turned into SQL
//   realtime/changes.mjs       the change feed: NOTIFY from stack/realtime.sql → subscribers, RLS per subscriber
import { STATUS_CODES } from 'node:http';
import { WebSocketServer } from 'ws';
import { startChangeFeed } from './realtime/changes.mjs';
import { SUPPORTED_VSNS, VSN_1 } from './realtime/protocol.mjs';
import { checkToken } from './realtime/auth.mjs';
import { createHttpHandler } from './realtime/broadcast-api.mjs';
import { MAX_FRAME_BYTES, PREFIX } from './realtime/common.mjs';
import { Connection } from './realtime/connection.mjs';
import { Hub } from './realtime/hub.mjs';

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
  const hub = new Hub();
  let closed = false;
  const feed = await startChangeFeed(ctx, () => hub.subscribers());

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
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (closed) return ws.terminate();
          hub.connections.add(new Connection(ctx, hub, ws, vsn, apikey));
        });
      })
      .catch((error) => {
        ctx.log('realtime: upgrade failed', { error: String(error) });
        socket.destroy();
      });
  }

  return {
    prefix: PREFIX,
    handle: createHttpHandler(ctx, hub),
    upgrade,
    async close() {
      closed = true;
      for (const conn of [...hub.connections]) {
        conn.dispose();
        conn.ws.terminate();
      }
      await new Promise((resolve) => wss.close(() => resolve(undefined)));
      await feed.close();
    },
  };
}
