// @ts-check
// What the gateway does before (and after) a request reaches a service, so that no single
// request — a malformed target, an Upgrade or CONNECT nobody serves, a parse error, a client
// still sending when it is answered — can throw outside a handler, go unanswered, or keep the
// stack from stopping. Answers are JSON `{ code, message }` like the services' own.
import { STATUS_CODES } from 'node:http';
import { HttpError } from './http.mjs';

/** Bytes a client may still send after its answer, which we read and throw away before closing. */
export const LINGER_MAX_BYTES = 256 * 1024 * 1024;
/** How long we keep reading after an answer at most, and how long without a byte. */
export const LINGER_MAX_MS = 30_000;
export const LINGER_IDLE_MS = 2_000;
const LINGER_POLL_MS = 250;

const lingering = new WeakSet();

/**
 * Close a connection without resetting it. Closing a socket with unread bytes in its receive
 * buffer makes the kernel send RST, and a client that is still sending its body loses the answer
 * we just wrote (e.g. a 413) before it reads it. So: flush the answer and send FIN, then keep
 * reading (and discarding) until the client closes too, or a bound is reached.
 * @param {import('node:stream').Duplex} socket
 */
export function lingerThenClose(socket) {
  if (socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  socket.on('error', () => {});
  socket.end();
  // The client has sent everything and closed its side: nothing unread is left; close once our
  // answer is flushed (destroying earlier would cut it off).
  const closeClean = () => {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  if (socket.readableEnded) {
    closeClean();
    return;
  }
  // Past a bound the client is not a client we owe an answer to: close, even with a reset.
  const close = () => socket.destroy();
  const deadline = setTimeout(close, LINGER_MAX_MS);
  // Progress is watched on bytesRead, not with a 'data' listener: on an HTTP connection the parser
  // reads the socket itself (and the rest of the body goes to the request, which the gateway
  // discards); a 'data' listener would take the socket from the parser mid-body and can leave
  // it never reading again.
  const start = net(socket).bytesRead;
  let seen = start;
  let quietSince = Date.now();
  const watch = setInterval(() => {
    const read = net(socket).bytesRead;
    if (read !== seen) {
      seen = read;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= LINGER_IDLE_MS) {
      closeClean();
    }
    if (read - start > LINGER_MAX_BYTES) close();
  }, LINGER_POLL_MS);
  socket.once('close', () => {
    clearTimeout(deadline);
    clearInterval(watch);
  });
  socket.once('end', closeClean);
  // A raw socket (Upgrade, CONNECT, a refused request) has no parser: read into the void.
  socket.resume();
}

/** @param {import('node:stream').Duplex} socket */
const net = (socket) => /** @type {import('node:net').Socket} */ (socket);

/**
 * Once a request is answered, read and throw away whatever is left of its body, so that the
 * connection closes (or is reused) without resetting under a client that is still sending. A
 * reader the handler left behind (a web stream over the body, a pipe to an upstream that has
 * answered) would stop the flow as soon as its buffer is full: nobody needs those bytes any more.
 * (A handler still reading to drain, like Storage's, reads with 'readable' and is left alone.)
 * @param {import('node:http').IncomingMessage} req
 */
export function discardRestOfBody(req) {
  if (req.complete || req.destroyed || req.readableEnded) return;
  req.unpipe();
  req.removeAllListeners('data');
  let bytes = 0;
  req.on('data', (/** @type {Buffer} */ chunk) => {
    bytes += chunk.length;
    // Not a body we will read to its end: close (a reset, at worst, for such a client).
    if (bytes > LINGER_MAX_BYTES) req.destroy();
  });
  req.resume();
}

/**
 * Write a complete HTTP/1.1 answer on a raw socket (an Upgrade or CONNECT request, or one the
 * parser refused: there is no ServerResponse for those) and close the connection cleanly.
 * @param {import('node:stream').Duplex} socket
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, string>} [headers]
 */
export function answerRaw(socket, status, code, message, headers = {}) {
  if (socket.destroyed || lingering.has(socket)) return;
  socket.on('error', () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ code, message });
  const head = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
    Connection: 'close',
  };
  const lines = Object.entries(head).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines}\r\n${body}`);
  lingerThenClose(socket);
}

/**
 * The request's target as a URL on the stack's own origin, or a 400 for a target the gateway
 * cannot route. Origin-form (`/path?query`) is taken as written — `new URL('//a:99999/', base)`
 * would read it as a host and throw; absolute-form (`http://host/path`, what a proxy client
 * sends; HTTP/1.1 servers must accept it) is parsed and req.url rewritten to its origin-form, so
 * the services, which read req.url, see what they always see. Asterisk-form (`OPTIONS *`) and
 * anything else address no route here.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} origin  the stack's base URL
 * @returns {URL}
 */
export function requestTarget(req, origin) {
  const target = req.url ?? '';
  if (target.startsWith('/')) {
    try {
      return new URL(origin + target);
    } catch {
      throw badTarget(target);
    }
  }
  const absolute = /^https?:\/\/[^/?#]+([^#]*)/i.exec(target);
  if (absolute) {
    try {
      new URL(target);
    } catch {
      throw badTarget(target);
    }
    const rest = absolute[1] ?? '';
    req.url = rest.startsWith('/') ? rest : `/${rest}`;
    return requestTarget(req, origin);
  }
  throw badTarget(target);
}

/** @param {string} target */
function badTarget(target) {
  const shown = target.length > 64 ? `${target.slice(0, 64)}…` : target;
  return new HttpError(400, 'invalid_request_target', `The request target ${JSON.stringify(shown)} is not a path the gateway can route.`);
}

/**
 * Node answers a request its parser refuses (obs-fold, bad characters, headers too large…) with
 * an empty 400/431, or nothing at all; answer with a JSON body like every other refusal.
 * @param {Error & { code?: string }} error
 * @param {import('node:stream').Duplex} socket
 */
export function onClientError(error, socket) {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  // A response of this connection is already on its way: another one would corrupt it.
  if (/** @type {any} */ (socket)._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    answerRaw(socket, 431, 'request_header_fields_too_large', 'The request line or headers are larger than the gateway accepts.');
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answerRaw(socket, 408, 'request_timeout', 'The request was not received in time.');
  } else {
    answerRaw(socket, 400, 'bad_request', `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'}).`);
  }
}

/**
 * Every socket of a server, including those Node no longer counts as HTTP connections (upgraded,
 * CONNECT, lingering after an answer), so that stopping can end them all.
 * @param {import('node:http').Server} server
 */
export function trackSockets(server) {
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (/** @type {import('node:net').Socket} */ socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Node closes a connection after a `Connection: close` answer with destroySoon(): FIN after the
    // answer, then close — a reset if the client is still sending. Linger instead.
    socket.destroySoon = () => lingerThenClose(socket);
  });
  return {
    /**
     * Stop accepting, end every connection now, and resolve when the server is closed — or after
     * `ms` at the latest: stopping never waits on a client.
     * @param {number} ms
     */
    close(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        server.close(() => {
          clearTimeout(timer);
          resolve(undefined);
        });
        server.closeAllConnections?.();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
