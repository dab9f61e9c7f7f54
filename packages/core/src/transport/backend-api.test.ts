import { expect } from '@open-wc/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { signedInClient } from '../testing/stack.js';
import { UploadError } from '../upload-error.js';
import { createBackendApi } from './backend-api.js';
import { TransportError } from './transport-error.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records each request and answers from a script. */
function scriptedFetch(...answers: Array<Response | Error | ((call: Call) => Response)>) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const call: Call = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error(`unscripted request ${call.method} ${call.url}`);
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(call) : answer;
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/**
 * A client whose session hands out the tokens given, one per getSession call; refreshSession
 * hands out `refreshed` (a failure when null) and counts its calls.
 */
function fakeClient(...tokens: Array<string | null>): SupabaseClient & { refreshed: string | null; refreshes: number } {
  const client = {
    refreshed: null as string | null,
    refreshes: 0,
    auth: {
      async getSession() {
        const token = tokens.length > 1 ? tokens.shift()! : tokens[0]!;
        return { data: { session: token ? { access_token: token, user: { id: 'user-1' } } : null }, error: null };
      },
      async refreshSession() {
        client.refreshes += 1;
        const token = client.refreshed;
        return token
          ? { data: { session: { access_token: token, user: { id: 'user-1' } } }, error: null }
          : { data: { session: null }, error: new Error('Invalid Refresh Token: Already Used') };
      },
    },
  };
  return client as unknown as SupabaseClient & { refreshed: string | null; refreshes: number };
}

const options = { supabaseUrl: 'https://ref.supabase.test/', supabaseKey: 'anon-key' };
const body = { filename: 'a.pdf', contentType: 'application/pdf', fileSize: 10, fileHash: '0'.repeat(32) };
const plan = {
  strategy: 'put', bucket: 'documents', path: 'u/d/a.pdf', signedUrl: 'https://s/x', token: 't',
  tusEndpoint: 'https://s/tus', chunkSize: 10, expiresAt: null,
};

describe('createBackendApi (scripted fetch)', () => {
  it('calls the function URL with a bearer token read afresh for every request, apikey and JSON', async () => {
    const { calls, fetch } = scriptedFetch(
      json(201, { documentId: 'doc-1', duplicate: false, upload: plan, features: { realtime: true, llamaParse: false } }),
      json(200, { accepted: true }),
    );
    const api = createBackendApi(fakeClient('token-1', 'token-2'), { ...options, fetch });
    const init = await api.initUpload(body, new AbortController().signal);
    expect(init.documentId).to.equal('doc-1');
    await api.reportProgress({ documentId: 'doc-1', bytesUploaded: 5 });

    expect(calls.map((c) => [c.method, c.url])).to.deep.equal([
      ['POST', 'https://ref.supabase.test/functions/v1/upload-handler'],
      ['PUT', 'https://ref.supabase.test/functions/v1/upload-handler'],
    ]);
    expect(calls[0]!.headers).to.include({ authorization: 'Bearer token-1', apikey: 'anon-key', 'content-type': 'application/json' });
    expect(calls[1]!.headers.authorization).to.equal('Bearer token-2');
    expect(JSON.parse(calls[0]!.body!)).to.deep.equal(body);
  });

  it('late hash: a fingerprint start and a hash delivery, read into their documented shapes; hash_mismatch and hash_conflict become file-changed', async () => {
    const features = { realtime: true, llamaParse: false };
    const upload = { strategy: 'tus', bucket: 'documents', path: 'u/d/f.pdf', signedUrl: 's', token: 't', tusEndpoint: 'e', chunkSize: 6, expiresAt: null };
    const { calls, fetch } = scriptedFetch(
      json(200, { candidate: true, duplicate: false, features }),
      json(201, { documentId: 'd1', duplicate: false, candidate: false, hashPending: true, upload, features, document: {} }),
      json(200, { documentId: 'd1', duplicate: false, hashRecorded: true, status: 'uploaded', document: {} }),
      json(200, { documentId: 'd0', duplicate: true, resolvedFrom: 'd1', status: 'completed', document: {} }),
      json(422, { error: { code: 'hash_mismatch', message: 'The object in Storage has another MD5.' } }),
      json(409, { error: { code: 'hash_conflict', message: 'Another hash is recorded.' } }),
      json(409, { error: { code: 'invalid_state', message: 'The document failed.' } }),
      json(200, { candidate: 'maybe', features }),
    );
    const api = createBackendApi(fakeClient('token-1'), { ...options, fetch });
    const signal = new AbortController().signal;
    const start = { filename: 'f.pdf', contentType: 'application/pdf', fileSize: 9_000_000, fingerprint: `md5-ends-1m:${'b'.repeat(32)}`, idempotencyKey: '0b6f0d0e-8a57-4c43-9d7e-2d8b2b1b9f3a' };
    expect(await api.startWithFingerprint!(start, signal)).to.deep.equal({ candidate: true, features });
    expect(await api.startWithFingerprint!(start, signal)).to.deep.equal({ candidate: false, documentId: 'd1', upload, features });
    expect(JSON.parse(calls[0]!.body!)).to.deep.equal(start);
    const hash = { documentId: 'd1', fileHash: 'a'.repeat(32) };
    expect(await api.deliverHash!(hash, signal)).to.deep.equal({ duplicate: false, documentId: 'd1', status: 'uploaded' });
    expect(await api.deliverHash!(hash, signal)).to.deep.equal({ duplicate: true, documentId: 'd0', resolvedFrom: 'd1', status: 'completed' });
    expect([calls[2]!.method, JSON.parse(calls[2]!.body!)]).to.deep.equal(['POST', hash]);
    for (const [status, serverCode] of [[422, 'hash_mismatch'], [409, 'hash_conflict']] as const) {
      const error = (await api.deliverHash!(hash, signal).catch((e: unknown) => e)) as TransportError;
      expect([error.code, error.status, error.retryable, error.serverCode]).to.deep.equal(['file-changed', status, false, serverCode]);
      expect(error.message).to.match(/changed while it was being uploaded/);
    }
    const other = (await api.deliverHash!(hash, signal).catch((e: unknown) => e)) as TransportError;
    expect([other.code, other.status, other.serverCode]).to.deep.equal(['http', 409, 'invalid_state']);
    const odd = (await api.startWithFingerprint!(start, signal).catch((e: unknown) => e)) as TransportError;
    expect([odd.code, odd.retryable]).to.deep.equal(['http', false]);
  });

  it('sends the anon key as bearer when signed out, so the function answers auth_missing', async () => {
    const { calls, fetch } = scriptedFetch(json(401, { error: { code: 'auth_missing', message: 'Sign in first.' } }));
    const api = createBackendApi(fakeClient(null), { ...options, fetch });
    const error = await api.getProgress('doc 1').catch((e: unknown) => e);
    expect(calls[0]!.headers.authorization).to.equal('Bearer anon-key');
    expect(calls[0]!.url).to.equal('https://ref.supabase.test/functions/v1/progress-tracker?documentId=doc%201');
    expect(error).to.be.instanceOf(TransportError);
    expect((error as TransportError).serverCode).to.equal('auth_missing');
    expect((error as TransportError).retryable).to.equal(false);
  });

  it('signed out (no session ever): fails with auth-required, not a session that ended', async () => {
    const { fetch } = scriptedFetch(json(401, { error: { code: 'auth_missing', message: 'Sign in first.' } }));
    const error = (await createBackendApi(fakeClient(null), { ...options, fetch }).initUpload(body, new AbortController().signal).catch((e: unknown) => e)) as TransportError;
    expect(error).to.be.instanceOf(UploadError);
    expect([error.code, error.status, error.retryable, error.serverCode]).to.deep.equal(['auth-required', 401, false, 'auth_missing']);
    expect(error.message).to.match(/signed-in user/).and.not.match(/session ended/i);
    // A session that existed and cannot be refreshed stays a 401 `http` error ("session ended").
    const { fetch: refusing } = scriptedFetch(json(401, { error: { code: 'auth_expired', message: 'Your session expired.' } }));
    const client = fakeClient('old');
    client.refreshed = null;
    const ended = (await createBackendApi(client, { ...options, fetch: refusing }).initUpload(body, new AbortController().signal).catch((e: unknown) => e)) as TransportError;
    expect([ended.code, ended.status]).to.deep.equal(['http', 401]);
  });

  it('an UploadError thrown while reading the session (a client that signs in on demand) fails the call as it is, before any request', async () => {
    const { calls, fetch } = scriptedFetch();
    const refused = new UploadError('Signing in anonymously failed.', { code: 'auth-required', status: 422 });
    const client = fakeClient(null);
    client.auth.getSession = () => Promise.reject(refused);
    const error = await createBackendApi(client, { ...options, fetch }).initUpload(body, new AbortController().signal).catch((e: unknown) => e);
    expect(error).to.equal(refused);
    expect(calls).to.have.length(0);
  });

  it('a 401 for a session token (expired on the way): refreshes the session and tries once more with the new token', async () => {
    const { calls, fetch } = scriptedFetch(
      json(401, { code: 401, message: 'Invalid JWT' }), // the gateway's answer
      json(201, { documentId: 'doc-1', duplicate: false, upload: plan, features: { realtime: true, llamaParse: false } }),
    );
    const client = fakeClient('old');
    client.refreshed = 'new';
    const api = createBackendApi(client, { ...options, fetch });
    const init = await api.initUpload(body, new AbortController().signal);
    expect(init.documentId).to.equal('doc-1');
    expect(calls.map((c) => c.headers.authorization)).to.deep.equal(['Bearer old', 'Bearer new']);
    expect(calls[1]!.body).to.equal(calls[0]!.body);
    expect(client.refreshes).to.equal(1);
  });

  it('a 401 stands when the session cannot be refreshed, when the retry is refused too, or when signed out', async () => {
    const refused = () => json(401, { error: { code: 'auth_expired', message: 'Your session expired.' } });
    for (const [refreshed, answers, expectedCalls] of [[null, [refused()], 1], ['new', [refused(), refused()], 2]] as const) {
      const { calls, fetch } = scriptedFetch(...answers);
      const client = fakeClient('old');
      client.refreshed = refreshed;
      const api = createBackendApi(client, { ...options, fetch });
      const error = (await api.reportProgress({ documentId: 'd', bytesUploaded: 1 }).catch((e: unknown) => e)) as TransportError;
      expect([error.status, error.serverCode, error.retryable]).to.deep.equal([401, 'auth_expired', false]);
      expect(calls).to.have.length(expectedCalls);
      expect(client.refreshes).to.equal(1);
    }
    const anon = fakeClient(null);
    const { calls, fetch } = scriptedFetch(refused());
    await createBackendApi(anon, { ...options, fetch }).getProgress('d').catch(() => {});
    expect([calls.length, anon.refreshes]).to.deep.equal([1, 0]);
  });

  it('keeps the server code and message, the status, the request and Retry-After (seconds or date)', async () => {
    const now = Date.parse('2025-01-08T12:00:00Z');
    const { fetch } = scriptedFetch(
      json(503, { error: { code: 'database_unavailable', message: 'The database is unavailable; retry shortly.' } }, { 'retry-after': '2' }),
      json(502, { error: { code: 'storage_unavailable', message: 'Storage did not sign.' } }, { 'retry-after': 'Wed, 08 Jan 2025 12:00:05 GMT' }),
    );
    const api = createBackendApi(fakeClient('t'), { ...options, fetch, now: () => now });
    const first = (await api.initUpload(body, new AbortController().signal).catch((e: unknown) => e)) as TransportError;
    expect(first).to.be.instanceOf(UploadError);
    expect(first.message).to.equal('The database is unavailable; retry shortly.');
    expect([first.code, first.status, first.retryable, first.serverCode, first.retryAfterMs]).to.deep.equal(['http', 503, true, 'database_unavailable', 2000]);
    expect(first.request).to.deep.equal({ method: 'POST', url: 'https://ref.supabase.test/functions/v1/upload-handler' });
    const second = (await api.initUpload(body, new AbortController().signal).catch((e: unknown) => e)) as TransportError;
    expect([second.status, second.retryAfterMs]).to.deep.equal([502, 5000]);
  });

  it('turns a failed connection into a retryable network error, and an abort into a final one', async () => {
    const { fetch } = scriptedFetch(new TypeError('Failed to fetch'));
    const api = createBackendApi(fakeClient('t'), { ...options, fetch });
    const offline = (await api.cancel('doc-1').catch((e: unknown) => e)) as TransportError;
    expect([offline.code, offline.retryable]).to.deep.equal(['network', true]);
    expect(offline.request?.method).to.equal('DELETE');

    const controller = new AbortController();
    const slow = scriptedFetch(() => {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    });
    const aborting = createBackendApi(fakeClient('t'), { ...options, fetch: slow.fetch });
    const aborted = (await aborting.initUpload(body, controller.signal).catch((e: unknown) => e)) as TransportError;
    expect([aborted.code, aborted.retryable]).to.deep.equal(['aborted', false]);
    const before = (await aborting.initUpload(body, controller.signal).catch((e: unknown) => e)) as TransportError;
    expect(before.code).to.equal('aborted');
    expect(slow.calls.length).to.equal(1);
  });

  it('refuses an answer that is not an upload plan instead of passing it on', async () => {
    const { fetch } = scriptedFetch(json(201, { hello: 'world' }));
    const api = createBackendApi(fakeClient('t'), { ...options, fetch });
    const error = (await api.initUpload(body, new AbortController().signal).catch((e: unknown) => e)) as TransportError;
    expect([error.code, error.retryable]).to.deep.equal(['http', false]);
  });

  it('says how to fix a client without a readable URL and key', () => {
    expect(() => createBackendApi(fakeClient('t'))).to.throw(TypeError, /supabaseUrl/);
  });
});

describe('createBackendApi (local stack)', () => {
  it('uses a refreshed token on the very next request', async function () {
    this.timeout(20_000);
    const { supabase, userId } = await signedInClient();
    const seen: string[] = [];
    const api = createBackendApi(supabase, {
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('authorization') ?? '');
        return fetch(input, init);
      },
    });
    expect(await api.userId()).to.equal(userId);
    const hash = crypto.randomUUID().replaceAll('-', '');
    const init = await api.initUpload({ filename: 'r.txt', contentType: 'text/plain', fileSize: 5, fileHash: hash }, new AbortController().signal);
    expect(init.duplicate).to.equal(false);
    // Token claims are per second: wait so the refreshed token differs from the first.
    await new Promise((r) => setTimeout(r, 1100));
    const { data, error } = await supabase.auth.refreshSession();
    expect(error).to.equal(null);
    await api.reportProgress({ documentId: init.documentId, bytesUploaded: 2 });
    const progress = await api.getProgress(init.documentId);
    expect(progress.upload.bytesUploaded).to.equal(2);
    expect(progress.status).to.equal('uploading');

    expect(seen[1]).to.equal(`Bearer ${data.session!.access_token}`);
    expect(seen[1]).not.to.equal(seen[0]);
    await api.cancel(init.documentId);
    expect((await api.getProgress(init.documentId)).status).to.equal('cancelled');
  });

  it('maps a 422 from upload-handler with the server code kept', async () => {
    const { supabase } = await signedInClient();
    const api = createBackendApi(supabase);
    const error = (await api
      .initUpload({ filename: 'a.pdf', contentType: 'application/pdf', fileSize: 10, fileHash: 'not-a-hash' }, new AbortController().signal)
      .catch((e: unknown) => e)) as TransportError;
    expect(error).to.be.instanceOf(TransportError);
    expect([error.code, error.status, error.retryable]).to.deep.equal(['http', 422, false]);
    expect(error.serverCode).to.be.oneOf(['hash_invalid', 'validation_failed']);
    expect(error.request?.url).to.match(/\/functions\/v1\/upload-handler$/);
  });
});
