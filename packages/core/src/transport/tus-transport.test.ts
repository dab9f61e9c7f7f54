import { expect } from '@open-wc/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { DefaultHttpStack, type HttpRequest, type HttpResponse, type HttpStack } from 'tus-js-client';
import type { TransferOptions, UploadPlan } from '../interfaces.js';
import { pdfBlob, signedInClient, stackInfo } from '../testing/stack.js';
import { createBackendApi } from './backend-api.js';
import { DiscardUpload, isUploadGone, TransportError } from './transport-error.js';
import { createTusTransport, tusError } from './tus-transport.js';

const MiB = 1024 * 1024;

interface Seen {
  method: string;
  url: string;
  signature: string | undefined;
}

/** tus-js-client's real XHR stack, recording every request and optionally holding one back. */
function watchedStack(before?: (req: HttpRequest, seen: Seen[]) => Promise<void>): { stack: HttpStack; seen: Seen[] } {
  const inner = new DefaultHttpStack({});
  const seen: Seen[] = [];
  const stack: HttpStack = {
    getName: () => 'watched',
    createRequest(method, url) {
      const req = inner.createRequest(method, url);
      const watched: HttpRequest = {
        getMethod: () => req.getMethod(),
        getURL: () => req.getURL(),
        setHeader: (name, value) => req.setHeader(name, value),
        getHeader: (name) => req.getHeader(name),
        setProgressHandler: (handler) => req.setProgressHandler(handler),
        abort: () => req.abort(),
        getUnderlyingObject: () => req.getUnderlyingObject(),
        async send(body) {
          seen.push({ method, url, signature: req.getHeader('x-signature') });
          await before?.(watched, seen);
          return req.send(body);
        },
      };
      return watched;
    },
  };
  return { stack, seen };
}

async function digest(blob: Blob): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function expectStored(supabase: SupabaseClient, path: string, file: Blob) {
  const { data, error } = await supabase.storage.from('documents').download(path);
  expect(error).to.equal(null);
  expect(data!.size).to.equal(file.size);
  expect(await digest(data!)).to.equal(await digest(file));
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** An upload token signed like Storage signs them (HS256 with the project's JWT secret). */
async function uploadToken(claims: { owner: string; url: string; exp: number }): Promise<string> {
  const { jwtSecret } = await stackInfo();
  const text = new TextEncoder();
  const part = (value: unknown) => base64url(text.encode(JSON.stringify(value)));
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, upsert: true, scope: 'upload', iat: Math.floor(Date.now() / 1000) })}`;
  const key = await crypto.subtle.importKey('raw', text.encode(jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return `${unsigned}.${base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, text.encode(unsigned))))}`;
}

/** A TUS plan made by hand (Storage's createSignedUploadUrl), for cases upload-handler would refuse. */
async function handMadePlan(name: string, chunkSize = MiB) {
  const { supabase, userId } = await signedInClient();
  const { url } = await stackInfo();
  const path = `${userId}/${crypto.randomUUID()}/${name}`;
  const { data, error } = await supabase.storage.from('documents').createSignedUploadUrl(path, { upsert: true });
  if (error || !data) throw error ?? new Error('no signed URL');
  const plan: UploadPlan = {
    strategy: 'tus', bucket: 'documents', path, signedUrl: data.signedUrl, token: data.token,
    tusEndpoint: `${url}/storage/v1/upload/resumable/sign`, chunkSize, expiresAt: null,
  };
  return { supabase, userId, plan };
}

function transfer(file: Blob, extra: Partial<TransferOptions> = {}) {
  const progress: number[] = [];
  const urls: string[] = [];
  const options: TransferOptions = {
    contentType: file.type,
    signal: new AbortController().signal,
    onProgress: (bytes) => progress.push(bytes),
    onUploadUrl: (url) => urls.push(url),
    ...extra,
  };
  return { options, progress, urls };
}

async function until(check: () => unknown, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]!);

describe('createTusTransport (local stack)', () => {
  it('sends 20 MB in 6 MiB chunks with x-signature on every request; progress is what the server confirmed', async function () {
    this.timeout(30_000);
    const file = pdfBlob(20 * 1000 * 1000, 21, 'big.pdf');
    const { supabase } = await signedInClient();
    const init = await createBackendApi(supabase).initUpload(
      { filename: file.name, contentType: file.type, fileSize: file.size, fileHash: crypto.randomUUID().replaceAll('-', '') },
      new AbortController().signal,
    );
    const plan = init.upload!;
    expect([plan.strategy, plan.chunkSize]).to.deep.equal(['tus', 6 * MiB]);
    const { stack, seen } = watchedStack();
    const t = transfer(file);
    const result = await createTusTransport({ httpStack: stack }).send(file, plan, t.options);

    expect(t.progress).to.deep.equal([6 * MiB, 12 * MiB, 18 * MiB, file.size]);
    expect(t.urls.length).to.equal(1);
    expect(result.uploadUrl).to.equal(t.urls[0]);
    expect(seen.map((r) => r.method)).to.deep.equal(['POST', 'PATCH', 'PATCH', 'PATCH', 'PATCH']);
    expect(seen.every((r) => r.signature === plan.token)).to.equal(true);
    await expectStored(supabase, plan.path, file);
  });

  it('resumes an aborted upload from a new Transport: HEAD, then on from the server offset', async function () {
    this.timeout(30_000);
    const file = pdfBlob(8 * MiB, 8, 'resume.pdf');
    const { supabase, plan } = await handMadePlan('resume.pdf');
    const controller = new AbortController();
    let calledAfterAbort = 0;
    const first = transfer(file, {
      signal: controller.signal,
      onProgress: (bytes) => {
        if (controller.signal.aborted) calledAfterAbort += 1;
        first.progress.push(bytes);
        if (bytes >= 2 * MiB) controller.abort();
      },
    });
    const aborted = (await createTusTransport().send(file, plan, first.options).catch((e: unknown) => e)) as TransportError;
    expect([aborted.code, aborted.retryable]).to.deep.equal(['aborted', false]);
    const resumeUrl = first.urls[0]!;
    expect(resumeUrl).to.be.a('string');
    await new Promise((r) => setTimeout(r, 200));
    expect(calledAfterAbort).to.equal(0);

    const { stack, seen } = watchedStack();
    const second = transfer(file, { resumeUrl });
    const result = await createTusTransport({ httpStack: stack }).send(file, plan, second.options);
    expect(second.progress[0]).to.be.at.least(first.progress.at(-1)!);
    expect(second.progress[0]).to.be.above(0);
    expect(second.progress.at(-1)).to.equal(file.size);
    expect(increasing(second.progress)).to.equal(true);
    expect(second.urls).to.deep.equal([]); // the same URL: nothing new to persist
    expect(result.uploadUrl).to.equal(resumeUrl);
    expect(seen[0]!.method).to.equal('HEAD');
    expect(seen.slice(1).every((r) => r.method === 'PATCH')).to.equal(true);
    expect(seen.every((r) => r.signature === plan.token)).to.equal(true);
    await expectStored(supabase, plan.path, file);
  });

  it('aborted with DiscardUpload, the upload is terminated on the server (DELETE with x-signature): it cannot be resumed', async function () {
    this.timeout(30_000);
    const file = pdfBlob(8 * MiB, 18, 'discard.pdf');
    const { plan } = await handMadePlan('discard.pdf');
    const controller = new AbortController();
    const { stack, seen } = watchedStack();
    const first = transfer(file, {
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes >= 2 * MiB) controller.abort(new DiscardUpload('a duplicate'));
      },
    });
    const aborted = (await createTusTransport({ httpStack: stack }).send(file, plan, first.options).catch((e: unknown) => e)) as TransportError;
    expect(aborted.code).to.equal('aborted');
    await until(() => seen.some((r) => r.method === 'DELETE'));
    const deleted = seen.find((r) => r.method === 'DELETE')!;
    expect([deleted.url, deleted.signature]).to.deep.equal([first.urls[0], plan.token]);
    const gone = (await createTusTransport().send(file, plan, transfer(file, { resumeUrl: first.urls[0]! }).options).catch((e: unknown) => e)) as TransportError;
    expect(isUploadGone(gone), gone.message).to.equal(true);
  });

  it('a token that expires mid-upload fails as "token expired"; a new token resumes from the offset', async function () {
    this.timeout(30_000);
    const file = pdfBlob(3 * MiB, 9, 'expiring.pdf');
    const { supabase, userId, plan } = await handMadePlan('expiring.pdf');
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = { ...plan, token: await uploadToken({ owner: userId, url: `documents/${plan.path}`, exp }) };
    // Hold the second PATCH back until the token has expired.
    const { stack } = watchedStack(async (req, seen) => {
      if (req.getMethod() === 'PATCH' && seen.filter((r) => r.method === 'PATCH').length === 2) {
        await new Promise((r) => setTimeout(r, (exp + 1) * 1000 - Date.now() + 50));
      }
    });
    const first = transfer(file);
    const error = (await createTusTransport({ httpStack: stack }).send(file, shortLived, first.options).catch((e: unknown) => e)) as TransportError;
    expect(error).to.be.instanceOf(TransportError);
    expect([error.code, error.status, error.tokenExpired, error.retryable]).to.deep.equal(['http', 400, true, false]);
    expect(error.request?.method).to.equal('PATCH');
    expect(first.progress).to.deep.equal([MiB]);

    const second = transfer(file, { resumeUrl: first.urls[0]! });
    await createTusTransport().send(file, plan, second.options);
    expect(second.progress[0]).to.equal(MiB);
    await expectStored(supabase, plan.path, file);
  });

  it('says "upload gone" when the resume URL is unknown to the server', async () => {
    const { plan } = await handMadePlan('gone.pdf');
    const id = new TextEncoder().encode(`documents/${plan.path}/${crypto.randomUUID()}`);
    const resumeUrl = `${plan.tusEndpoint}/${base64url(id)}`;
    const file = pdfBlob(1000, 2);
    const error = (await createTusTransport().send(file, plan, transfer(file, { resumeUrl }).options).catch((e: unknown) => e)) as TransportError;
    expect([error.status, error.uploadGone, error.retryable, error.tokenExpired]).to.deep.equal([404, true, false, false]);
    expect(error.request).to.deep.equal({ method: 'HEAD', url: resumeUrl });
  });

  it('refuses a file over the bucket limit with 413, not retryable, before sending its bytes', async function () {
    this.timeout(20_000);
    const { plan } = await handMadePlan('huge.pdf', 6 * MiB);
    const huge = new File([new Uint8Array(51 * MiB)], 'huge.pdf', { type: 'application/pdf' });
    const { stack, seen } = watchedStack();
    const error = (await createTusTransport({ httpStack: stack }).send(huge, plan, transfer(huge).options).catch((e: unknown) => e)) as TransportError;
    expect([error.code, error.status, error.retryable]).to.deep.equal(['http', 413, false]);
    expect(seen.map((r) => r.method)).to.deep.equal(['POST']);
  });
});

describe('tusError', () => {
  const req = { getMethod: () => 'PATCH', getURL: () => 'https://s/up/1', getHeader: () => undefined } as unknown as HttpRequest;
  const fallback = { method: 'POST', url: 'https://s/up' };
  /** What tus-js-client's DetailedError carries (its constructor is not in its typings). */
  const detailed = (message: string, causingError: Error | null, res: HttpResponse | null) =>
    Object.assign(new Error(message), { originalRequest: req, originalResponse: res, causingError });

  it('maps a request without an answer to a retryable network error', () => {
    const error = tusError(detailed('tus: failed to upload chunk', new Error('xhr error'), null), fallback);
    expect([error.code, error.retryable]).to.deep.equal(['network', true]);
    expect(error.request).to.deep.equal({ method: 'PATCH', url: 'https://s/up/1' });
  });

  it('keeps Retry-After of a 429 and 503', () => {
    const res = { getStatus: () => 429, getHeader: (h: string) => (h === 'Retry-After' ? '4' : undefined), getBody: () => 'slow down' };
    const error = tusError(detailed('tus: unexpected response', null, res as unknown as HttpResponse), fallback);
    expect([error.status, error.retryable, error.retryAfterMs]).to.deep.equal([429, true, 4000]);
  });

  it('treats a failure outside any request (the file could not be read) as final', () => {
    const error = tusError(new Error('upload was configured with a size of 10 bytes, but the source is done after 5 bytes'), fallback);
    expect([error.retryable, error.request]).to.deep.equal([false, fallback]);
  });
});
