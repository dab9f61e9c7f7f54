// @ts-check
// The stack's life around hostile clients: a request that arrives the moment the port is bound
// (while the services are still starting) gets an answer, never silence; and stop() finishes
// within a few seconds whatever sockets are stuck open (half-sent headers or bodies, a WebSocket
// nobody reads, a half-open Upgrade, a CONNECT, a client that keeps sending after its answer).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { startTestStack } from './helpers.mjs';
import { rawExchange } from './raw-http.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>> | undefined} */
let stack;
/** @type {net.Socket[]} */
const stuck = [];
after(async () => {
  for (const s of stuck) s.destroy();
  await stack?.stop();
});

/** A port that was free a moment ago. @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port`. @param {number} port */
async function bound(port) {
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a request sent the moment the port is bound gets an answer (the real one, or 503), never silence', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const starting = startTestStack({ port, processor: false });
  starting.catch(() => {});
  await bound(port);
  const base = `http://127.0.0.1:${port}`;
  // Asked while the services are still starting; answered at the latest a little after the start.
  const asked = rawExchange(base, 'GET /auth/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { timeout: 170_000 });
  const upgradeAsked = rawExchange(base, 'GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', { timeout: 170_000 });
  stack = await starting;
  const late = sleep(10_000).then(() => 'silence');
  const answer = await Promise.race([asked, late]);
  assert.notEqual(answer, 'silence', 'the request sent during start-up was never answered');
  const a = /** @type {import('./raw-http.mjs').RawAnswer} */ (answer);
  assert.ok(a.status === 200 || a.status === 503, `answer: ${a.status} ${a.body}`);
  if (a.status === 200) assert.equal(JSON.parse(a.body).name, 'GoTrue');
  const u = await Promise.race([upgradeAsked, late]);
  assert.notEqual(u, 'silence', 'the Upgrade sent during start-up was never answered');
  assert.ok([404, 503].includes(/** @type {any} */ (u).status));
});

/**
 * Open a connection, write `text`, keep it open and unread. @param {string} text
 * @returns {Promise<net.Socket>}
 */
function leaveOpen(text, { keepSending = false } = {}) {
  assert.ok(stack);
  const { port } = new URL(stack.url);
  return new Promise((resolve) => {
    const s = net.connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true });
    s.on('error', () => {});
    s.pause();
    stuck.push(s);
    s.once('connect', () => {
      s.write(text);
      if (keepSending) {
        // A client that goes on sending after its answer, slowly, for ever.
        const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write(Buffer.alloc(1024, 0x41))), 50);
        timer.unref();
      }
      resolve(s);
    });
  });
}

test('stop() finishes within a few seconds with sockets stuck open', { timeout: 60_000 }, async (t) => {
  assert.ok(stack);
  const key = stack.publishableKey ?? stack.anonKey;
  const ws = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
  const sockets = await Promise.all([
    leaveOpen('GET /auth/v1/health HTTP/1.1\r\nHost: x\r\n'), // headers never finished
    leaveOpen('POST /functions/v1/processing-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":'), // body never finished
    leaveOpen(`GET /realtime/v1/websocket?apikey=${key}&vsn=2.0.0 HTTP/1.1\r\nHost: x\r\n${ws}\r\n`), // a WebSocket nobody reads
    leaveOpen(`GET /realtime/v1/websocket?apikey=${key}&vsn=2.0.0 HTTP/1.1\r\nHost: x\r\n${ws}`), // an Upgrade never finished
    leaveOpen(`GET //a:99999/ HTTP/1.1\r\nHost: x\r\n${ws}\r\n`), // the Upgrade that wedged the stack
    leaveOpen('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
    // Answered 413 with Connection: close, and still sending: the gateway lingers on it.
    leaveOpen('POST /functions/v1/processing-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n', { keepSending: true }),
  ]);
  await sleep(500);
  const started = Date.now();
  await stack.stop();
  const took = Date.now() - started;
  stack = undefined;
  assert.ok(took < 8000, `stop() took ${took} ms`);
  t.diagnostic(`stop() took ${took} ms`);
  // Every stuck connection was ended by the stack, not left for the client to give up on.
  await sleep(500);
  for (const [i, s] of sockets.entries()) {
    s.resume();
    await Promise.race([new Promise((r) => (s.destroyed || s.readableEnded ? r(undefined) : s.once('end', r).once('close', r))), sleep(2000)]);
    assert.ok(s.destroyed || s.readableEnded, `socket ${i} is still open after stop()`);
  }
});
