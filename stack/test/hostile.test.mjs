// @ts-check
// Hostile input at the gateway, over raw sockets: requests no HTTP client sends (malformed
// targets, CONNECT, Upgrade where nothing upgrades, parse errors). Each one must get its 4xx with
// a JSON body — never silence, never a reset — and the stack must keep answering after all of
// them (auth, a function, the database). Then: a client still sending a large body gets the
// 413 every time (functions, Storage PUT, TUS PATCH), and a TUS Location never comes from the
// request's Host. One stack for the whole file.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { signJwt } from '../src/jwt.mjs';
import { disconnectClients, signedInClient, startTestStack } from './helpers.mjs';
import { rawExchange, sendLargeBody } from './raw-http.mjs';

/** @type {Awaited<ReturnType<typeof startTestStack>>} */
let stack;
/** @type {{ id: string, jwt: string }} */
let A;

const MiB = 1024 * 1024;
/** Over every limit the routes have (functions 1 MiB, the documents bucket 50 MiB). */
const BODY = 60 * MiB;
/** How many times each large-body case is tried: losing the answer was a race (2–4 in 10). */
const TRIES = Number(process.env.HOSTILE_TRIES ?? 50);

before(async () => {
  stack = await startTestStack({ processor: false });
  const a = await signedInClient(stack);
  A = { id: a.user.id, jwt: a.session.access_token };
});
after(async () => {
  await disconnectClients();
  await stack?.stop();
});

const upgrade = (/** @type {string} */ target, /** @type {string} */ protocol = 'websocket') =>
  `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
const get = (/** @type {string} */ target, extra = '') => `GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

/**
 * One request each; `status` is the answer it must get, `code` the error code in its JSON body.
 * @type {{ name: string, send: () => string, status: number, code?: string }[]}
 */
const CASES = [
  // Targets `new URL(target, base)` threw on, outside any handler (the stack went down).
  { name: 'origin-form that looks like an authority with a bad port', send: () => get('//a:99999/'), status: 404, code: 'not_found' },
  { name: 'absolute-form with a bad IPv6 literal', send: () => get('http://[::1/'), status: 400, code: 'invalid_request_target' },
  { name: 'absolute-form with a port out of range', send: () => get('http://a:99999/auth/v1/health'), status: 400, code: 'invalid_request_target' },
  { name: 'absolute-form with a non-numeric port', send: () => get('http://a:8x/auth/v1/health'), status: 400, code: 'invalid_request_target' },
  { name: 'absolute-form with an IPv6 zone id', send: () => get('http://[fe80::1%25eth0]/auth/v1/health'), status: 400 },
  { name: 'absolute-form with an empty host', send: () => get('http:///auth/v1/health'), status: 400, code: 'invalid_request_target' },
  { name: 'asterisk-form on GET', send: () => get('*'), status: 400, code: 'invalid_request_target' },
  { name: 'OPTIONS *', send: () => 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, code: 'invalid_request_target' },
  { name: 'a target that is no form at all', send: () => get('auth/v1/health'), status: 400, code: 'bad_request' },
  { name: 'empty target', send: () => 'GET  HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, code: 'bad_request' },
  { name: 'very long target (20 KB)', send: () => get(`/storage/v1/object/documents/${'a'.repeat(20_000)}`), status: 431, code: 'request_header_fields_too_large' },
  { name: 'long target under the header limit (12 KB)', send: () => get(`/auth/v1/${'a'.repeat(12_000)}`), status: 404 },
  { name: 'invalid percent-encoding in a Storage key', send: () => get('/storage/v1/object/documents/%zz%'), status: 400 },
  { name: 'invalid percent-encoding in a function name', send: () => get('/functions/v1/%zz'), status: 404 },
  { name: 'a lone % under auth', send: () => get('/auth/v1/%'), status: 404 },
  { name: 'a path with no route', send: () => get('/nowhere'), status: 404, code: 'not_found' },
  // CONNECT: without a listener Node destroys the socket unanswered.
  { name: 'CONNECT to an authority', send: () => 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', status: 405, code: 'method_not_allowed' },
  { name: 'CONNECT to a bad IPv6 literal', send: () => 'CONNECT [::1 HTTP/1.1\r\nHost: x\r\n\r\n', status: 405, code: 'method_not_allowed' },
  { name: 'CONNECT with a body already sent', send: () => 'CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n\x16\x03\x01\x00\x05hello', status: 405, code: 'method_not_allowed' },
  // Upgrade: only Realtime's WebSocket switches protocols; the rest used to be dropped.
  { name: 'Upgrade: h2c on an auth route', send: () => upgrade('/auth/v1/health', 'h2c'), status: 400, code: 'upgrade_not_supported' },
  { name: 'Upgrade: websocket on a Storage route', send: () => upgrade('/storage/v1/object/documents/x'), status: 400, code: 'upgrade_not_supported' },
  { name: 'Upgrade: websocket on a function', send: () => upgrade('/functions/v1/upload-handler'), status: 400, code: 'upgrade_not_supported' },
  { name: 'Upgrade: websocket on no route', send: () => upgrade('/nowhere'), status: 404, code: 'not_found' },
  { name: 'Upgrade: h2c on the Realtime socket', send: () => upgrade('/realtime/v1/websocket', 'h2c'), status: 400, code: 'upgrade_not_supported' },
  { name: 'Upgrade with a target like an authority (stack wedged)', send: () => upgrade('//a:99999/'), status: 404, code: 'not_found' },
  { name: 'Upgrade with a bad IPv6 literal', send: () => upgrade('http://[::1/'), status: 400, code: 'invalid_request_target' },
  { name: 'Upgrade with an asterisk target', send: () => upgrade('*'), status: 400, code: 'invalid_request_target' },
  { name: 'Upgrade to Realtime without an apikey', send: () => upgrade('/realtime/v1/websocket?vsn=2.0.0'), status: 403 },
  // What Node's parser refuses: it used to answer with an empty body.
  { name: 'header with obs-fold', send: () => get('/auth/v1/health', 'X-Folded: a\r\n b\r\n'), status: 400, code: 'bad_request' },
  { name: 'header with a control character', send: () => get('/auth/v1/health', 'X-Bad: a\x01b\r\n'), status: 400, code: 'bad_request' },
  { name: 'header name with a space', send: () => get('/auth/v1/health', 'X Bad: a\r\n'), status: 400, code: 'bad_request' },
  { name: 'Content-Length and Transfer-Encoding both', send: () => 'POST /auth/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', status: 400, code: 'bad_request' },
  { name: 'two different Content-Lengths', send: () => get('/auth/v1/health', 'Content-Length: 1\r\nContent-Length: 2\r\n'), status: 400, code: 'bad_request' },
  { name: 'invalid method', send: () => 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, code: 'bad_request' },
  { name: 'unknown HTTP version', send: () => 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', status: 400, code: 'bad_request' },
  { name: 'HTTP/2 prior-knowledge preface', send: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 400, code: 'bad_request' },
  { name: 'Expect other than 100-continue', send: () => get('/auth/v1/health', 'Expect: 200-ok\r\n'), status: 417, code: 'expectation_failed' },
];

for (const c of CASES) {
  test(`hostile: ${c.name} → ${c.status}`, { timeout: 20_000 }, async () => {
    const answer = await rawExchange(stack.url, c.send());
    assert.equal(answer.timedOut, false, 'the gateway must answer, not stay silent');
    assert.equal(answer.status, c.status, `answer: ${answer.status} ${answer.body} (${answer.error ?? 'no socket error'})`);
    assert.equal(answer.error, undefined, 'the connection must not be reset');
    assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
    const body = JSON.parse(answer.body);
    // The gateway's own refusals are { code, message }; a service's (auth, a function) is its own.
    if (c.code) {
      assert.equal(body.code, c.code);
      assert.equal(typeof body.message, 'string');
    }
  });
}

test('a valid absolute-form target is served as its path (the host in it is not ours to follow)', async () => {
  const answer = await rawExchange(stack.url, get('http://evil.example/auth/v1/health'));
  assert.equal(answer.status, 200);
  assert.equal(JSON.parse(answer.body).name, 'GoTrue');
});

/** @param {string} name */
const uploadToken = (name) => signJwt({ owner: A.id, url: `documents/${name}`, upsert: false, scope: 'upload' }, stack.jwtSecret, 600);

/**
 * Send the 60 MB body TRIES times, half of them with `Connection: close`; every try must get
 * the answer. @param {() => Promise<{ path: string, method: string, headers: Record<string, string> }>} request
 * @param {(answer: import('./raw-http.mjs').RawAnswer) => void} check
 */
async function everyTryAnswered(request, check) {
  /** @type {Record<string, number>} */
  const outcomes = {};
  for (let i = 0; i < TRIES; i++) {
    const r = await request();
    const headers = i % 2 ? { ...r.headers, connection: 'close' } : r.headers;
    const answer = await sendLargeBody(stack.url, { ...r, headers, size: BODY });
    const key = answer.status ? String(answer.status) : `no answer${answer.error ? ` (${answer.error})` : ''}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (answer.status) check(answer);
  }
  assert.deepEqual(Object.keys(outcomes), Object.keys(outcomes).filter((k) => /^\d+$/.test(k)), `outcomes over ${TRIES} tries: ${JSON.stringify(outcomes)}`);
  return outcomes;
}

test(`a client still sending 60 MB to a function gets the 413, ${TRIES} of ${TRIES}`, { timeout: 300_000 }, async () => {
  const outcomes = await everyTryAnswered(
    async () => ({ method: 'POST', path: '/functions/v1/processing-webhook', headers: { 'content-type': 'application/json' } }),
    (answer) => {
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error.code, 'payload_too_large');
    },
  );
  assert.deepEqual(outcomes, { 413: TRIES });
});

test(`a client still sending 60 MB to a Storage upload URL gets the 413, ${TRIES} of ${TRIES}`, { timeout: 300_000 }, async () => {
  const outcomes = await everyTryAnswered(async () => {
    const name = `${A.id}/${randomUUID()}/big.pdf`;
    return { method: 'PUT', path: `/storage/v1/object/upload/sign/documents/${name}?token=${await uploadToken(name)}`, headers: { 'content-type': 'application/pdf' } };
  }, (answer) => {
    // Storage answers an over-size object with HTTP 400 and statusCode "413" in its body.
    assert.equal(answer.status, 400);
    assert.equal(JSON.parse(answer.body).statusCode, '413');
  });
  assert.deepEqual(outcomes, { 400: TRIES });
});

test(`a client still sending 60 MB in a TUS PATCH gets the 413, ${TRIES} of ${TRIES}`, { timeout: 300_000 }, async () => {
  const name = `${A.id}/${randomUUID()}/big.pdf`;
  const token = await uploadToken(name);
  const meta = Object.entries({ bucketName: 'documents', objectName: name, contentType: 'application/pdf' })
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
  const created = await fetch(`${stack.url}/storage/v1/upload/resumable/sign`, {
    method: 'POST',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': String(50 * MiB), 'upload-metadata': meta, 'x-signature': token },
  });
  assert.equal(created.status, 201, await created.text());
  const location = new URL(/** @type {string} */ (created.headers.get('location')));
  const outcomes = await everyTryAnswered(async () => ({
    method: 'PATCH',
    path: location.pathname,
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'x-signature': token },
  }), (answer) => assert.equal(answer.status, 413, answer.body));
  assert.deepEqual(outcomes, { 413: TRIES });
});

test('a TUS Location is on the stack\'s own URL, whatever Host (or X-Forwarded-Host) the request says', async () => {
  const name = `${A.id}/${randomUUID()}/f.pdf`;
  const meta = Object.entries({ bucketName: 'documents', objectName: name, contentType: 'application/pdf' })
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
  const answer = await rawExchange(stack.url,
    'POST /storage/v1/upload/resumable/sign HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n' +
    `X-Forwarded-Proto: https\r\nForwarded: host=evil.example;proto=https\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 10\r\n` +
    `Upload-Metadata: ${meta}\r\nX-Signature: ${await uploadToken(name)}\r\nContent-Length: 0\r\n\r\n`);
  assert.equal(answer.status, 201, answer.body);
  const location = answer.headers.location ?? '';
  assert.ok(location.startsWith(`${stack.url}/storage/v1/upload/resumable/sign/`), location);
  assert.doesNotMatch(location, /evil/);
  // …and the upload it names works there.
  const head = await fetch(location, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', 'x-signature': await uploadToken(name) } });
  assert.equal(head.status, 200);
});

// Last: after everything above, the stack still answers — auth, a function, the database.
test('after all of it the stack is alive: auth health, a function call, a database query', async () => {
  const health = await fetch(`${stack.url}/auth/v1/health`);
  assert.equal(health.status, 200);
  const fn = await fetch(`${stack.url}/functions/v1/upload-handler`, {
    method: 'POST',
    headers: { authorization: `Bearer ${A.jwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'alive.txt', contentType: 'text/plain', fileSize: 10, fileHash: randomUUID().replaceAll('-', '') }),
  });
  assert.equal(fn.status, 201, await fn.clone().text());
  const [row] = await stack.sql`select count(*)::int as n from public.documents where user_id = ${A.id}`;
  assert.ok(row && row.n >= 1);
});
