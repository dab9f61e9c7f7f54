// @ts-check
// A fault-injecting HTTP proxy (node:http) for the reliability suite. It sits between Chromium
// and the local stack's gateway, either as the browser's proxy (`--proxy-server`, requests in
// absolute form, WebSockets over CONNECT) or as a reverse proxy in front of `target` (requests
// in origin form, WebSocket upgrades passed through). Loopback destinations only.
//
// For every request that `eligible` accepts it draws, from a seeded RNG, at most one fault:
//   resetRequest   forward N bytes of the request body (N < its length), then reset both sides
//   resetResponse  forward the whole request, then reset the client connection part-way through
//                  the response (before any byte when the response has no body: "lost answer")
//   error5xx       answer 500/502/503 without forwarding (the body is read and dropped)
//   tooMany        answer 429 with `Retry-After: <retryAfterSeconds>` without forwarding
//   stall          hold the request for `stallMs`, then forward it
//   duplicate      forward the same request twice, one after the other, answer with one of them
// and, independently, added latency (`latencyRate`, `latencyMs: [min, max]`). It counts each
// fault, and the request-body bytes it forwarded upstream per path (so a test can tell how many
// bytes of a file were sent more than once).
import { request as httpRequest, createServer, Agent } from 'node:http';
import net from 'node:net';
import { mulberry32 } from './rng.mjs';

/** @typedef {'resetRequest' | 'resetResponse' | 'error5xx' | 'tooMany' | 'stall' | 'duplicate'} FaultName */
export const FAULTS = /** @type {const} */ (['resetRequest', 'resetResponse', 'error5xx', 'tooMany', 'stall', 'duplicate']);

/**
 * @typedef {object} FaultRates  probability per eligible request (their sum must be ≤ 1)
 * @property {number} [resetRequest] @property {number} [resetResponse] @property {number} [error5xx]
 * @property {number} [tooMany] @property {number} [stall] @property {number} [duplicate]
 */

/**
 * @typedef {object} FaultProxyOptions
 * @property {string} target              the gateway's base URL (origin-form requests go there)
 * @property {number} [seed]              RNG seed (default 1)
 * @property {FaultRates} [rates]
 * @property {number} [latencyRate]       probability of added latency (independent of faults)
 * @property {[number, number]} [latencyMs]  its range, default [20, 200]
 * @property {number} [stallMs]           default 3000
 * @property {number} [retryAfterSeconds] default 1
 * @property {number} [bodyBytesPerSecond]  throttle eligible request bodies (0 = no throttle)
 * @property {(req: import('node:http').IncomingMessage, url: URL) => boolean} [eligible]
 *   which requests may get faults; default: every request to `target`'s origin
 * @property {(req: import('node:http').IncomingMessage, url: URL) => FaultName | null | undefined} [decide]
 *   overrides the random draw for a request: a fault name, null for none, undefined to draw
 */

/**
 * @typedef {object} ProxyEvent
 * @property {string} method @property {string} path @property {number | undefined} status
 * @property {FaultName | null} fault @property {number} at  ms since epoch
 */

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade']);
const isLoopback = (host) => host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {FaultProxyOptions} options */
export async function startFaultProxy(options) {
  const target = new URL(options.target);
  const random = mulberry32(options.seed ?? 1);
  /** @type {Required<FaultRates>} */
  let rates = { resetRequest: 0, resetResponse: 0, error5xx: 0, tooMany: 0, stall: 0, duplicate: 0, ...options.rates };
  let latencyRate = options.latencyRate ?? 0;
  let bodyBytesPerSecond = options.bodyBytesPerSecond ?? 0;
  const latencyMs = options.latencyMs ?? [20, 200];
  const stallMs = options.stallMs ?? 3000;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  let eligible = options.eligible ?? ((_req, url) => url.host === target.host);
  let decide = options.decide;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  const stats = {
    requests: 0,
    eligible: 0,
    /** @type {Record<FaultName | 'latency', number>} */
    faults: { resetRequest: 0, resetResponse: 0, error5xx: 0, tooMany: 0, stall: 0, duplicate: 0, latency: 0 },
    /** request-body bytes forwarded upstream, per path (no query) */
    bodyBytes: /** @type {Map<string, number>} */ (new Map()),
    /** @type {ProxyEvent[]} */
    events: [],
    tunnels: 0,
    upgrades: 0,
  };
  /** @type {Set<import('node:stream').Duplex>} */
  const sockets = new Set();

  /** @returns {FaultName | null} */
  function draw(hasBody) {
    let r = random();
    for (const name of FAULTS) {
      const p = rates[name] ?? 0;
      if (r < p) return name === 'resetRequest' && !hasBody ? null : name;
      r -= p;
    }
    return null;
  }

  const countBytes = (path, n) => stats.bodyBytes.set(path, (stats.bodyBytes.get(path) ?? 0) + n);

  /** Upstream request options for `url`, with the client's headers minus hop-by-hop ones. */
  function upstreamOptions(req, url) {
    /** @type {Record<string, string | string[]>} */
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    return { host: url.hostname, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers, agent };
  }

  /** Response headers to pass on: the upstream's raw headers minus hop-by-hop ones. */
  function responseHeaders(res) {
    /** @type {string[]} */
    const out = [];
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      const k = /** @type {string} */ (res.rawHeaders[i]);
      if (!HOP_BY_HOP.has(k.toLowerCase()) && k.toLowerCase() !== 'transfer-encoding') out.push(k, /** @type {string} */ (res.rawHeaders[i + 1]));
    }
    return out;
  }

  /** Reads the whole request body. */
  async function readBody(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks);
  }

  /** One upstream exchange with a buffered body; resolves with the buffered response. */
  function exchange(req, url, body) {
    return new Promise((resolve, reject) => {
      const up = httpRequest(upstreamOptions(req, url), (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: responseHeaders(res), body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      countBytes(url.pathname, body.length);
      up.end(body);
    });
  }

  /**
   * Streams the request upstream (throttled when asked) and the answer back, with an optional
   * reset of the request after `cutRequestAt` body bytes or of the response after a fraction.
   * @param {{ cutRequestAt?: number, cutResponse?: number, throttle: boolean }} plan
   * @returns {Promise<number | undefined>} the upstream status, if one came
   */
  function stream(req, res, url, plan) {
    return new Promise((resolve) => {
      let done = false;
      const finish = (status) => {
        if (!done) {
          done = true;
          resolve(status);
        }
      };
      const up = httpRequest(upstreamOptions(req, url), (upRes) => {
        const status = upRes.statusCode ?? 502;
        if (plan.cutResponse !== undefined) {
          const length = Number(upRes.headers['content-length'] ?? NaN);
          if (!(length > 0)) {
            // No body (or unknown length): the answer is lost whole; the server did the work.
            upRes.resume();
            upRes.on('end', () => {
              req.socket.destroy();
              finish(status);
            });
            return;
          }
          const keep = Math.floor(length * plan.cutResponse);
          res.writeHead(status, responseHeaders(upRes));
          let sent = 0;
          upRes.on('data', (c) => {
            if (sent >= keep) return;
            const part = c.subarray(0, Math.max(0, keep - sent));
            sent += part.length;
            res.write(part);
            if (sent >= keep) {
              res.socket?.destroy();
              upRes.destroy();
              finish(status);
            }
          });
          upRes.on('end', () => finish(status));
          upRes.on('error', () => finish(status));
          return;
        }
        res.writeHead(status, responseHeaders(upRes));
        upRes.pipe(res);
        upRes.on('end', () => finish(status));
        upRes.on('error', () => {
          res.destroy();
          finish(status);
        });
      });
      up.on('error', () => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' });
          res.end('fault proxy: upstream failed');
        } else {
          res.destroy();
        }
        finish(undefined);
      });
      req.on('aborted', () => up.destroy());
      req.on('error', () => up.destroy());

      let forwarded = 0;
      // Reading resumes only when neither the upstream (backpressure) nor the throttle holds it.
      let drainWait = false;
      let throttleWait = false;
      const maybeResume = () => {
        if (!drainWait && !throttleWait && !done) req.resume();
      };
      req.on('data', (chunk) => {
        if (done) return;
        let part = chunk;
        const cut = plan.cutRequestAt;
        if (cut !== undefined && forwarded + part.length >= cut) part = part.subarray(0, cut - forwarded);
        if (part.length) {
          forwarded += part.length;
          countBytes(url.pathname, part.length);
          if (!up.write(part)) {
            drainWait = true;
            req.pause();
            up.once('drain', () => {
              drainWait = false;
              maybeResume();
            });
          }
        }
        if (cut !== undefined && forwarded >= cut) {
          // Let the forwarded bytes reach the upstream, then reset both connections.
          req.pause();
          setTimeout(() => {
            up.destroy();
            req.socket.destroy();
            finish(undefined);
          }, 50);
          return;
        }
        if (plan.throttle && bodyBytesPerSecond > 0) {
          throttleWait = true;
          req.pause();
          setTimeout(() => {
            throttleWait = false;
            maybeResume();
          }, (part.length / bodyBytesPerSecond) * 1000);
        }
      });
      req.on('end', () => {
        if (!done) up.end();
      });
    });
  }

  /**
   * Answers without forwarding, after reading the request body. With CORS headers as the
   * gateway's own answers carry them (Retry-After exposed): without them a browser sees a
   * cross-origin 429 or 503 as a bare network error, and the client could never honour it.
   */
  async function answer(req, res, status, headers, body) {
    await readBody(req).catch(() => {});
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'retry-after, x-request-id',
      ...headers,
    });
    res.end(body);
  }

  const server = createServer({ requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    const absolute = /^https?:\/\//i.test(req.url ?? '');
    const url = absolute ? new URL(req.url ?? '') : new URL(req.url ?? '/', target);
    if (!isLoopback(url.hostname)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('fault proxy: loopback destinations only');
      return;
    }
    stats.requests += 1;
    const isEligible = eligible(req, url);
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    /** @type {FaultName | null} */
    let fault = null;
    let latency = 0;
    if (isEligible) {
      stats.eligible += 1;
      const decided = decide?.(req, url);
      fault = decided === undefined ? draw(hasBody) : decided;
      if (latencyRate > 0 && random() < latencyRate) latency = latencyMs[0] + random() * (latencyMs[1] - latencyMs[0]);
      if (fault) stats.faults[fault] += 1;
      if (latency) stats.faults.latency += 1;
    }
    /** @type {ProxyEvent} */
    const event = { method: req.method ?? 'GET', path: url.pathname, status: undefined, fault, at: Date.now() };
    stats.events.push(event);
    const r = random(); // drawn now so the sequence does not depend on timing
    const handle = async () => {
      if (latency) await sleep(latency);
      switch (fault) {
        case 'error5xx': {
          const status = [500, 502, 503][Math.floor(r * 3)] ?? 503;
          event.status = status;
          await answer(req, res, status, { connection: 'close' }, JSON.stringify({ message: 'fault proxy: injected server error' }));
          return;
        }
        case 'tooMany':
          event.status = 429;
          await answer(req, res, 429, { 'retry-after': String(retryAfterSeconds) }, JSON.stringify({ message: 'fault proxy: slow down' }));
          return;
        case 'duplicate': {
          const body = await readBody(req);
          const first = await exchange(req, url, body);
          const second = await exchange(req, url, body);
          const chosen = r < 0.5 ? first : second;
          event.status = chosen.status;
          const headers = [];
          for (let i = 0; i < chosen.headers.length; i += 2) {
            if (chosen.headers[i].toLowerCase() !== 'content-length') headers.push(chosen.headers[i], chosen.headers[i + 1]);
          }
          res.writeHead(chosen.status, [...headers, 'content-length', String(chosen.body.length)]);
          res.end(chosen.body);
          return;
        }
        case 'stall':
          await sleep(stallMs);
          event.status = await stream(req, res, url, { throttle: isEligible });
          return;
        case 'resetRequest': {
          const length = Number(req.headers['content-length'] ?? 0);
          const cutRequestAt = length > 1 ? 1 + Math.floor(r * (length - 1)) : 1;
          event.status = await stream(req, res, url, { cutRequestAt, throttle: isEligible });
          return;
        }
        case 'resetResponse':
          event.status = await stream(req, res, url, { cutResponse: r, throttle: isEligible });
          return;
        default:
          event.status = await stream(req, res, url, { throttle: isEligible });
      }
    };
    handle().catch(() => {
      if (!res.headersSent) {
        res.writeHead(502, { connection: 'close' });
        res.end();
      } else res.destroy();
    });
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  /** Raw bytes both ways once the upstream is connected (after any bytes the client sent early). */
  const splice = (/** @type {net.Socket} */ upstream, /** @type {import('node:stream').Duplex} */ client, /** @type {Buffer} */ head) => {
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  };
  /** Either side ending or failing ends the other; the upstream is closed by close(). */
  const track = (/** @type {net.Socket} */ upstream, /** @type {import('node:stream').Duplex} */ client) => {
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  };

  // The browser's WebSockets (Realtime) through a proxy: CONNECT tunnels, passed through untouched.
  server.on('connect', (req, clientSocket, head) => {
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    if (!host || !port || !isLoopback(host)) {
      clientSocket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    stats.tunnels += 1;
    const upstream = net.connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      splice(upstream, clientSocket, head);
    });
    track(upstream, clientSocket);
  });

  // WebSocket upgrades in origin or absolute form: the same request head, then raw bytes.
  server.on('upgrade', (req, clientSocket, head) => {
    const absolute = /^https?:\/\//i.test(req.url ?? '');
    const url = absolute ? new URL(req.url ?? '') : new URL(req.url ?? '/', target);
    if (!isLoopback(url.hostname)) {
      clientSocket.destroy();
      return;
    }
    stats.upgrades += 1;
    const upstream = net.connect(Number(url.port || 80), url.hostname, () => {
      const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if ((req.rawHeaders[i] ?? '').toLowerCase() !== 'proxy-connection') lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      splice(upstream, clientSocket, head);
    });
    track(upstream, clientSocket);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${address.port}`;
  // Never outlive the process that started it.
  server.unref();

  return {
    /** `http://127.0.0.1:<port>`: the reverse proxy's base URL, and the browser's `--proxy-server`. */
    url,
    port: address.port,
    stats,
    /** Changes the fault rates for requests from now on. */
    setRates(/** @type {FaultRates} */ next, /** @type {{ latencyRate?: number, bodyBytesPerSecond?: number }} */ extra = {}) {
      rates = { resetRequest: 0, resetResponse: 0, error5xx: 0, tooMany: 0, stall: 0, duplicate: 0, ...next };
      if (extra.latencyRate !== undefined) latencyRate = extra.latencyRate;
      if (extra.bodyBytesPerSecond !== undefined) bodyBytesPerSecond = extra.bodyBytesPerSecond;
    },
    setEligible(/** @type {NonNullable<FaultProxyOptions['eligible']>} */ fn) {
      eligible = fn;
    },
    setDecide(/** @type {FaultProxyOptions['decide']} */ fn) {
      decide = fn;
    },
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
