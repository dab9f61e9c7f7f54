import { expect } from '@open-wc/testing';
import type { UploadPlan } from '../interfaces.js';
import { pdfBlob, signedInClient } from '../testing/stack.js';
import { createBackendApi } from './backend-api.js';
import { createPutTransport } from './put-transport.js';
import { TransportError } from './transport-error.js';

const MiB = 1024 * 1024;

async function digest(blob: Blob): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A signed-in user and a real plan from upload-handler for `file`. */
async function planFor(file: File) {
  const { supabase, userId } = await signedInClient();
  const api = createBackendApi(supabase);
  const init = await api.initUpload(
    { filename: file.name, contentType: file.type, fileSize: file.size, fileHash: crypto.randomUUID().replaceAll('-', '') },
    new AbortController().signal,
  );
  if (init.duplicate || !init.upload) throw new Error('expected a new document');
  return { supabase, userId, plan: init.upload };
}

/** A plan made by hand with Storage's createSignedUploadUrl, for files upload-handler would refuse. */
async function handMadePlan(name: string) {
  const { supabase, userId } = await signedInClient();
  const path = `${userId}/${crypto.randomUUID()}/${name}`;
  const { data, error } = await supabase.storage.from('documents').createSignedUploadUrl(path, { upsert: true });
  if (error || !data) throw error ?? new Error('no signed URL');
  const plan: UploadPlan = {
    strategy: 'put', bucket: 'documents', path, signedUrl: data.signedUrl, token: data.token,
    tusEndpoint: '', chunkSize: 0, expiresAt: null,
  };
  return { supabase, plan };
}

describe('createPutTransport (local stack)', () => {
  it('sends a small file in one PUT with forward-only progress; Storage holds the same bytes', async () => {
    const file = pdfBlob(1.5 * MiB, 11, 'small.pdf');
    const { supabase, plan } = await planFor(file);
    expect(plan.strategy).to.equal('put');
    const progress: number[] = [];
    const result = await createPutTransport().send(file, plan, {
      contentType: file.type,
      signal: new AbortController().signal,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result).to.deep.equal({ uploadUrl: undefined });
    expect(progress.at(-1)).to.equal(file.size);
    expect(progress.every((b, i) => i === 0 || b > progress[i - 1]!)).to.equal(true);

    const { data, error } = await supabase.storage.from('documents').download(plan.path);
    expect(error).to.equal(null);
    expect(data!.type).to.equal('application/pdf');
    expect(await digest(data!)).to.equal(await digest(file));
  });

  it('recognises a refused (tampered) token: Storage answers HTTP 400, the error says "new plan"', async () => {
    const file = pdfBlob(1000, 3, 'tampered.pdf');
    const { plan } = await planFor(file);
    const url = new URL(plan.signedUrl);
    const token = url.searchParams.get('token')!;
    url.searchParams.set('token', `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    const error = (await createPutTransport()
      .send(file, { ...plan, signedUrl: url.href }, { contentType: file.type, signal: new AbortController().signal, onProgress: () => {} })
      .catch((e: unknown) => e)) as TransportError;
    expect(error).to.be.instanceOf(TransportError);
    expect([error.code, error.status, error.tokenExpired, error.retryable]).to.deep.equal(['http', 400, true, false]);
    expect(error.serverCode).to.equal('InvalidJWT');
    expect(error.request).to.deep.equal({ method: 'PUT', url: url.href });
  });

  it('reports a file over the bucket limit as 413, not retryable (Storage says so in statusCode)', async function () {
    this.timeout(30_000);
    const { plan } = await handMadePlan('huge.pdf');
    const huge = new File([new Uint8Array(51 * MiB)], 'huge.pdf', { type: 'application/pdf' });
    const error = (await createPutTransport()
      .send(huge, plan, { contentType: huge.type, signal: new AbortController().signal, onProgress: () => {} })
      .catch((e: unknown) => e)) as TransportError;
    expect([error.code, error.status, error.retryable, error.serverCode]).to.deep.equal(['http', 413, false, 'EntityTooLarge']);
  });

  it('aborts mid-request: rejects with "aborted", never calls back afterwards, stores nothing', async function () {
    this.timeout(20_000);
    const { supabase, plan } = await handMadePlan('abort.pdf');
    const file = pdfBlob(20 * MiB, 5, 'abort.pdf');
    const controller = new AbortController();
    let progressCalls = 0;
    // Abort once the request is under way (Chrome writes a local upload to the socket in one go,
    // so the first progress event would already say "all sent").
    const transport = createPutTransport({
      createXhr: () => {
        const xhr = new XMLHttpRequest();
        xhr.upload.addEventListener('loadstart', () => controller.abort());
        return xhr;
      },
    });
    const sending = transport.send(file, plan, { contentType: file.type, signal: controller.signal, onProgress: () => progressCalls++ });
    const error = (await sending.catch((e: unknown) => e)) as TransportError;
    expect([error.code, error.retryable]).to.deep.equal(['aborted', false]);
    await new Promise((r) => setTimeout(r, 300));
    expect(progressCalls).to.equal(0);
    const { error: missing } = await supabase.storage.from('documents').download(plan.path);
    expect(missing).not.to.equal(null);

    // An already-aborted signal sends nothing at all.
    let created = 0;
    const counting = createPutTransport({ createXhr: () => (created++, new XMLHttpRequest()) });
    const early = (await counting.send(file, plan, { contentType: file.type, signal: controller.signal, onProgress: () => {} }).catch((e: unknown) => e)) as TransportError;
    expect([early.code, created]).to.deep.equal(['aborted', 0]);
  });

  it('turns an unreachable server into a retryable network error', async () => {
    const file = pdfBlob(100, 1);
    const plan: UploadPlan = { strategy: 'put', bucket: 'documents', path: 'x/y.pdf', signedUrl: 'http://127.0.0.1:9/unreachable', token: '', tusEndpoint: '', chunkSize: 0, expiresAt: null };
    const error = (await createPutTransport().send(file, plan, { contentType: file.type, signal: new AbortController().signal, onProgress: () => {} }).catch((e: unknown) => e)) as TransportError;
    expect([error.code, error.retryable, error.status]).to.deep.equal(['network', true, undefined]);
  });
});
