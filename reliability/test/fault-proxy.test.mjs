// @ts-check
// The fault proxy on its own, against a small upstream that records what reaches it: each fault
// does what it says (and only that), the byte counts are right, a seed replays the same faults,
// and WebSockets pass through (CONNECT tunnels and upgrades).
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { after, before, test } from 'node:test';
import { startFaultProxy } from '../lib/fault-proxy.mjs';

/** @type {{ method: string, path: string, bytes: number, complete: boolean }[]} */
let seen = [];
/** @type {import('node:http').Server} */
let upstream;
let upstreamUrl = '';

before(async () => {
  upstream = createServer((req, res) => {
    const entry = { method: req.method ?? '', path: req.url ?? '', bytes: 0, complete: false };
    seen.push(entry);
    req.on('data', (c) => { entry.bytes += c.length; });
    req.on('end', () => {
      entry.complete = true;
      if (req.url?.startsWith('/empty')) {
        res.writeHead(204);
        res.end();
        return;
      }
      const body = JSON.stringify({ got: entry.bytes, n: seen.length, pad: 'x'.repeat(2000) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  upstream.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (d) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', () => resolve(undefined)));
  upstreamUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (upstream.address()).port}`;
});

after(() => new Promise((resolve) => { upstream.closeAllConnections(); upstream.close(() => resolve(undefined)); }));

/**
 * One request through `proxyUrl` (origin form, or absolute form when `absolute`).
 * @returns {Promise<{ status?: number, headers?: import('node:http').IncomingHttpHeaders, body?: string, error?: string, ms: number }>}
 */
function send(proxyUrl, { method = 'POST', path = '/x', body = Buffer.alloc(0), absolute = false } = {}) {
  const started = Date.now();
  const proxy = new URL(proxyUrl);
  return new Promise((resolve) => {
    const req = request({
      host: proxy.hostname, port: proxy.port, method, agent: false,
      path: absolute ? `${upstreamUrl}${path}` : path,
      headers: { 'content-length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: Date.now() - started }));
      res.on('error', (e) => resolve({ error: String(e), ms: Date.now() - started }));
    });
    req.on('error', (e) => resolve({ error: /** @type {NodeJS.ErrnoException} */ (e).code ?? String(e), ms: Date.now() - started }));
    req.end(body);
  });
}

const MiB = Buffer.alloc(1024 * 1024, 7);
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

test('no faults: requests and answers pass unchanged, body bytes are counted per path', async () => {
  seen = [];
  const proxy = await startFaultProxy({ target: upstreamUrl });
  try {
    const r = await send(proxy.url, { path: '/a?q=1', body: MiB });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body ?? '').got, MiB.length);
    assert.deepEqual(seen.map((s) => [s.method, s.path, s.bytes, s.complete]), [['POST', '/a?q=1', MiB.length, true]]);
    assert.equal(proxy.stats.bodyBytes.get('/a'), MiB.length);
    assert.equal(proxy.stats.requests, 1);
    assert.deepEqual(Object.values(proxy.stats.faults), [0, 0, 0, 0, 0, 0, 0]);
  } finally {
    await proxy.close();
  }
});

test('resetRequest forwards only part of the body, then resets the client', async () => {
  seen = [];
  const proxy = await startFaultProxy({ target: upstreamUrl, rates: { resetRequest: 1 } });
  try {
    const r = await send(proxy.url, { body: MiB });
    assert.ok(r.error, `expected a connection error, got ${r.status}`);
    await settle();
    assert.equal(seen.length, 1);
    assert.ok(seen[0].bytes > 0 && seen[0].bytes < MiB.length, `upstream got ${seen[0].bytes}`);
    assert.equal(seen[0].complete, false);
    assert.equal(proxy.stats.bodyBytes.get('/x'), seen[0].bytes);
    assert.equal(proxy.stats.faults.resetRequest, 1);
    // A request without a body cannot be cut: it passes.
    const g = await send(proxy.url, { method: 'GET' });
    assert.equal(g.status, 200);
  } finally {
    await proxy.close();
  }
});

test('resetResponse lets the request through whole and cuts the answer', async () => {
  seen = [];
  const proxy = await startFaultProxy({ target: upstreamUrl, rates: { resetResponse: 1 } });
  try {
    const r = await send(proxy.url, { body: MiB });
    assert.ok(r.error, `expected a connection error, got ${r.status} ${r.body?.length}`);
    const e = await send(proxy.url, { path: '/empty', body: MiB });
    assert.ok(e.error, 'a lost answer without a body is an error too');
    await settle();
    assert.deepEqual(seen.map((s) => [s.bytes, s.complete]), [[MiB.length, true], [MiB.length, true]]);
    assert.equal(proxy.stats.faults.resetResponse, 2);
  } finally {
    await proxy.close();
  }
});

test('error5xx and tooMany answer without forwarding; 429 carries Retry-After', async () => {
  seen = [];
  const p5 = await startFaultProxy({ target: upstreamUrl, rates: { error5xx: 1 } });
  const p429 = await startFaultProxy({ target: upstreamUrl, rates: { tooMany: 1 }, retryAfterSeconds: 2 });
  try {
    const a = await send(p5.url, { body: MiB });
    assert.ok([500, 502, 503].includes(a.status ?? 0), String(a.status));
    const b = await send(p429.url, { body: MiB });
    assert.equal(b.status, 429);
    assert.equal(b.headers?.['retry-after'], '2');
    // Readable by a browser page on another origin, as the gateway's own errors are.
    assert.equal(b.headers?.['access-control-allow-origin'], '*');
    assert.match(String(b.headers?.['access-control-expose-headers']), /retry-after/);
    assert.equal(a.headers?.['access-control-allow-origin'], '*');
    assert.equal(seen.length, 0);
    assert.equal(p5.stats.faults.error5xx, 1);
    assert.equal(p429.stats.faults.tooMany, 1);
    assert.equal(p5.stats.bodyBytes.size, 0);
  } finally {
    await p5.close();
    await p429.close();
  }
});

test('stall holds a request for stallMs, latency adds a delay; both then forward it', async () => {
  seen = [];
  const stall = await startFaultProxy({ target: upstreamUrl, rates: { stall: 1 }, stallMs: 600 });
  const slow = await startFaultProxy({ target: upstreamUrl, latencyRate: 1, latencyMs: [300, 300] });
  try {
    const a = await send(stall.url, { body: MiB });
    assert.equal(a.status, 200);
    assert.ok(a.ms >= 600, `stalled ${a.ms} ms`);
    const b = await send(slow.url);
    assert.equal(b.status, 200);
    assert.ok(b.ms >= 300, `delayed ${b.ms} ms`);
    assert.equal(seen.length, 2);
    assert.equal(stall.stats.faults.stall, 1);
    assert.equal(slow.stats.faults.latency, 1);
  } finally {
    await stall.close();
    await slow.close();
  }
});

test('duplicate forwards the same request twice and answers once', async () => {
  seen = [];
  const proxy = await startFaultProxy({ target: upstreamUrl, rates: { duplicate: 1 } });
  try {
    const r = await send(proxy.url, { path: '/dup', body: MiB });
    assert.equal(r.status, 200);
    assert.ok([1, 2].includes(JSON.parse(r.body ?? '').n));
    assert.deepEqual(seen.map((s) => [s.path, s.bytes, s.complete]), [['/dup', MiB.length, true], ['/dup', MiB.length, true]]);
    assert.equal(proxy.stats.bodyBytes.get('/dup'), 2 * MiB.length);
    assert.equal(proxy.stats.faults.duplicate, 1);
  } finally {
    await proxy.close();
  }
});

test('the same seed replays the same faults; eligible() and decide() steer them', async () => {
  const rates = { error5xx: 0.3, tooMany: 0.3 };
  const runs = [];
  for (const seed of [42, 42, 43]) {
    const proxy = await startFaultProxy({ target: upstreamUrl, seed, rates });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await send(proxy.url, { method: 'GET' })).status);
    runs.push(statuses.join(','));
    await proxy.close();
  }
  assert.equal(runs[0], runs[1]);
  assert.notEqual(runs[0], runs[2]);
  assert.match(runs[0], /429/);
  assert.match(runs[0], /200/);

  const proxy = await startFaultProxy({ target: upstreamUrl, rates: { error5xx: 1 }, eligible: (_req, url) => url.pathname.startsWith('/faulty') });
  try {
    assert.equal((await send(proxy.url, { method: 'GET', path: '/fine' })).status, 200);
    assert.ok(((await send(proxy.url, { method: 'GET', path: '/faulty' })).status ?? 0) >= 500);
    proxy.setDecide((_req, url) => (url.search === '?lucky' ? null : undefined));
    assert.equal((await send(proxy.url, { method: 'GET', path: '/faulty?lucky' })).status, 200);
    assert.equal(proxy.stats.eligible, 2);
  } finally {
    await proxy.close();
  }
});

test('as a browser proxy: absolute-form requests, CONNECT tunnels and upgrades pass through; non-loopback is refused', async () => {
  const proxy = await startFaultProxy({ target: upstreamUrl });
  try {
    const r = await send(proxy.url, { absolute: true, path: '/abs', body: MiB });
    assert.equal(r.status, 200);
    assert.equal(proxy.stats.bodyBytes.get('/abs'), MiB.length);
    const remote = await new Promise((resolve) => {
      const p = new URL(proxy.url);
      request({ host: p.hostname, port: p.port, path: 'http://example.com/', agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).end();
    });
    assert.equal(remote, 403);

    const up = new URL(upstreamUrl);
    const p = new URL(proxy.url);
    const tunnel = await new Promise((resolve, reject) => {
      request({ host: p.hostname, port: p.port, method: 'CONNECT', path: `${up.hostname}:${up.port}`, agent: false })
        .on('connect', (res, socket) => {
          assert.equal(res.statusCode, 200);
          socket.write(`GET /via-tunnel HTTP/1.1\r\nHost: ${up.host}\r\nConnection: close\r\n\r\n`);
          let text = '';
          socket.on('data', (d) => { text += d; });
          socket.on('end', () => resolve(text));
        })
        .on('error', reject)
        .end();
    });
    assert.match(String(tunnel), /^HTTP\/1.1 200/);
    assert.equal(proxy.stats.tunnels, 1);

    const echoed = await new Promise((resolve, reject) => {
      request({ host: p.hostname, port: p.port, path: '/ws', agent: false, headers: { connection: 'Upgrade', upgrade: 'echo' } })
        .on('upgrade', (res, socket) => {
          assert.equal(res.statusCode, 101);
          socket.once('data', (d) => { resolve(String(d)); socket.destroy(); });
          socket.write('ping');
        })
        .on('error', reject)
        .end();
    });
    assert.equal(echoed, 'echo:ping');
    assert.equal(proxy.stats.upgrades, 1);
  } finally {
    await proxy.close();
  }
});
