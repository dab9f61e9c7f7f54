// @ts-check
// Raw-socket HTTP for the hostile-input tests: requests no HTTP client would send (malformed
// targets, obs-fold, CONNECT, Upgrade…), and large bodies written while the answer comes back.
// Each helper tells what the client saw: the answer, or silence, or a reset.
import net from 'node:net';

/**
 * @typedef {object} RawAnswer
 * @property {number} status          0 when no status line came
 * @property {Record<string, string>} headers  lower-case names
 * @property {string} body
 * @property {string} [error]         the socket's error code (ECONNRESET, EPIPE…), if any
 * @property {boolean} timedOut       nothing complete came within the time allowed
 */

/**
 * Parse what came back: one HTTP/1.1 answer with a Content-Length body (what the gateway sends).
 * @param {Buffer} data @returns {Omit<RawAnswer, 'error' | 'timedOut'> & { complete: boolean }}
 */
export function parseAnswer(data) {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', complete: false };
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return { status, headers, ...dechunk(rest) };
  const length = Number(headers['content-length'] ?? NaN);
  const complete = Number.isFinite(length) ? rest.length >= length : false;
  return { status, headers, body: rest.subarray(0, Number.isFinite(length) ? length : rest.length).toString('utf8'), complete };
}

/** A chunked body so far: its text, and whether the last chunk came. @param {Buffer} data */
function dechunk(data) {
  /** @type {Buffer[]} */
  const parts = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) break;
    if (size === 0) return { body: Buffer.concat(parts).toString('utf8'), complete: true };
    if (data.length < eol + 2 + size + 2) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return { body: Buffer.concat(parts).toString('utf8'), complete: false };
}

/**
 * Send `text` as is on a new connection; resolve with the first answer once it is complete (or
 * the connection closed, or `timeout` passed). The connection is closed after.
 * @param {string} baseUrl @param {string | Buffer} text @param {{ timeout?: number }} [options]
 * @returns {Promise<RawAnswer>}
 */
export function rawExchange(baseUrl, text, { timeout = 5000 } = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    /** @type {Buffer[]} */
    const chunks = [];
    /** @type {string | undefined} */
    let error;
    let done = false;
    /** @param {boolean} timedOut */
    const finish = (timedOut) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const { complete, ...answer } = parseAnswer(Buffer.concat(chunks));
      socket.destroy();
      resolve({ ...answer, ...(error ? { error } : {}), timedOut: timedOut && !complete });
    };
    const timer = setTimeout(() => finish(true), timeout);
    socket.on('data', (/** @type {Buffer} */ chunk) => {
      chunks.push(chunk);
      if (parseAnswer(Buffer.concat(chunks)).complete) finish(false);
    });
    socket.on('error', (e) => {
      error = /** @type {NodeJS.ErrnoException} */ (e).code ?? String(e);
    });
    socket.on('close', () => finish(false));
    socket.write(text);
  });
}

/**
 * Write a request with a `size`-byte body as fast as the connection takes it (backpressure
 * respected), and only then read what came back — a client that is busy sending does not look
 * at the answer until it is done, and must still find it there (a reset under it loses it).
 * Resolve once the answer is complete and the body all written, or the connection is closed.
 * @param {string} baseUrl
 * @param {{ method: string, path: string, headers: Record<string, string>, size: number, chunk?: number }} request
 * @param {{ timeout?: number }} [options]
 * @returns {Promise<RawAnswer & { sent: number }>}
 */
export function sendLargeBody(baseUrl, request, { timeout = 30_000 } = {}) {
  const { hostname, port } = new URL(baseUrl);
  const chunkSize = request.chunk ?? 64 * 1024;
  return new Promise((resolve) => {
    // Half-open allowed: like a client that does not look at what comes back until it has sent
    // everything, it keeps writing after the server's FIN.
    const socket = net.connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    socket.pause();
    /** @type {Buffer[]} */
    const received = [];
    /** @type {string | undefined} */
    let error;
    let sent = 0;
    let done = false;
    const finish = (/** @type {boolean} */ timedOut) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const { complete, ...answer } = parseAnswer(Buffer.concat(received));
      socket.destroy();
      resolve({ ...answer, ...(error ? { error } : {}), timedOut: timedOut && !complete, sent });
    };
    const timer = setTimeout(() => finish(true), timeout);
    socket.on('data', (/** @type {Buffer} */ c) => received.push(c));
    socket.on('end', () => {
      if (sent >= request.size) finish(false);
    });
    socket.on('error', (e) => {
      error = /** @type {NodeJS.ErrnoException} */ (e).code ?? String(e);
    });
    socket.on('close', () => finish(false));
    const head = Object.entries({ host: `${hostname}:${port}`, ...request.headers, 'content-length': String(request.size) })
      .map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`${request.method} ${request.path} HTTP/1.1\r\n${head}\r\n`);
    const chunk = Buffer.alloc(chunkSize, 0x41);
    const pump = () => {
      while (sent < request.size && !socket.destroyed) {
        const n = Math.min(chunkSize, request.size - sent);
        sent += n;
        if (!socket.write(n === chunkSize ? chunk : chunk.subarray(0, n))) {
          socket.once('drain', pump);
          return;
        }
      }
      // Everything is written: read now. A keep-alive answer does not close the connection; stop
      // once it is in.
      socket.resume();
      const check = () => {
        if (parseAnswer(Buffer.concat(received)).complete) finish(false);
        else setTimeout(check, 20);
      };
      check();
    };
    pump();
  });
}
