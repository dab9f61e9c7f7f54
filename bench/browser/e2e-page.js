// The end-to-end and memory bench page: the same bytes to the same local Storage through
// (a) a raw single PUT to a signed upload URL, (b) tus-js-client alone, (c) Uppy + @uppy/tus,
// (d) our core's TUS transport with a plan built from createSignedUploadUrl, (e) our full core
// (`Uploader`, to `upload-complete`; default options = the late hash, or `hashWhileUploading:
// false` = hash first). Each returns its wall time in ms; ours also what its requests did
// (net-trace.js: time to the first Storage byte, each upload-handler POST).
import { createClient } from '@supabase/supabase-js';
import * as tus from 'tus-js-client';
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
import { Uploader } from '../../packages/core/dist/index.js';
import { createTusTransport } from '../../packages/core/dist/transport/index.js';
import { installNetTrace, summarizeTrace, traceMark, traceSince } from './net-trace.js';

installNetTrace();

const CHUNK = 6 * 1024 * 1024;
const PART = 8 * 1024 * 1024;
let supabase;
let url;
let userId;

/** `size` bytes of ASCII letters (a valid text/plain file), first byte varied by `seed`. */
function textBytes(size, seed) {
  const buf = new Uint8Array(size);
  for (let o = 0; o < size; o += 65536) crypto.getRandomValues(buf.subarray(o, Math.min(o + 65536, size)));
  for (let i = 0; i < size; i++) buf[i] = 97 + (buf[i] % 26);
  buf[0] = 48 + (seed % 10);
  buf[1] = 48 + (Math.floor(seed / 10) % 10);
  return buf;
}

let current; // the Blob of this run: every variant of a round sends the same bytes
const stamp = () => `${Date.now()}-${crypto.randomUUID().slice(0, 8)}`;

async function signedPlan(bucket, name) {
  const path = `${userId}/${name}`;
  const { data, error } = await supabase.storage.from(bucket).createSignedUploadUrl(path);
  if (error) throw error;
  return { strategy: 'tus', bucket, path, signedUrl: data.signedUrl, token: data.token, tusEndpoint: `${url}/storage/v1/upload/resumable/sign`, chunkSize: CHUNK, expiresAt: null };
}

const meta = (plan) => ({ bucketName: plan.bucket, objectName: plan.path, contentType: 'text/plain', cacheControl: '3600' });

window.e2e = {
  async signIn(stackUrl, anonKey) {
    url = stackUrl;
    supabase = createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    const { data, error } = await supabase.auth.signUp({ email: `bench-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' });
    if (error) throw error;
    userId = data.user.id;
    return userId;
  },
  /** A new in-memory file of `size` bytes. Unique bytes (`seed`) so core never dedups. */
  makeFile(size, seed) {
    current = new File([textBytes(size, seed)], `bench-${seed}.txt`, { type: 'text/plain' });
    return current.size;
  },
  /** A big Blob from one 8 MiB part repeated: the page holds the part once, not the whole Blob. */
  makeRepeatedBlob(size, seed) {
    const part = textBytes(PART, seed);
    const parts = [];
    for (let o = 0; o < size; o += PART) parts.push(o + PART <= size ? part : part.subarray(0, size - o));
    current = new Blob(parts, { type: 'text/plain' });
    return current.size;
  },
  drop() { current = undefined; },
  async rawPut(bucket) {
    const t0 = performance.now();
    const plan = await signedPlan(bucket, `put-${stamp()}.txt`);
    const res = await fetch(plan.signedUrl, { method: 'PUT', body: current, headers: { 'content-type': 'text/plain', 'cache-control': 'max-age=3600' } });
    if (!res.ok) throw new Error(`PUT ${res.status}: ${await res.text()}`);
    return { ms: performance.now() - t0, bucket, path: plan.path };
  },
  async tusJs(bucket) {
    const t0 = performance.now();
    const plan = await signedPlan(bucket, `tus-${stamp()}.txt`);
    await new Promise((resolve, reject) => {
      new tus.Upload(current, {
        endpoint: plan.tusEndpoint, headers: { 'x-signature': plan.token }, chunkSize: CHUNK, metadata: meta(plan),
        retryDelays: null, storeFingerprintForResuming: false, onSuccess: resolve, onError: reject,
      }).start();
    });
    return { ms: performance.now() - t0, bucket, path: plan.path };
  },
  async uppy(bucket) {
    const t0 = performance.now();
    const plan = await signedPlan(bucket, `uppy-${stamp()}.txt`);
    const uppy = new Uppy({ autoProceed: false }).use(Tus, {
      endpoint: plan.tusEndpoint, headers: { 'x-signature': plan.token }, chunkSize: CHUNK, retryDelays: null,
      storeFingerprintForResuming: false, allowedMetaFields: ['bucketName', 'objectName', 'contentType', 'cacheControl'],
    });
    uppy.addFile({ name: 'bench.txt', type: 'text/plain', data: current, meta: meta(plan) });
    const result = await uppy.upload();
    uppy.destroy();
    if (!result || result.failed?.length) throw new Error(`uppy failed: ${result?.failed?.[0]?.error}`);
    return { ms: performance.now() - t0, bucket, path: plan.path };
  },
  async coreTus(bucket) {
    const t0 = performance.now();
    const plan = await signedPlan(bucket, `core-tus-${stamp()}.txt`);
    await createTusTransport().send(current, plan, { contentType: 'text/plain', signal: new AbortController().signal, onProgress: () => {} });
    return { ms: performance.now() - t0, bucket, path: plan.path };
  },
  /**
   * The full core: addFiles → `upload-complete` (every byte stored; not processing).
   * `options`: Uploader options on top of the defaults (e.g. `{ hashWhileUploading: false }`).
   */
  async core(_bucket, options = {}) {
    const uploader = new Uploader({ supabase, ...options });
    const mark = traceMark();
    const t0 = performance.now();
    const seen = {};
    return new Promise((resolve, reject) => {
      const off = uploader.subscribe(() => {
        const f = uploader.getSnapshot().files[0];
        if (!f) return;
        seen[f.status] ??= performance.now() - t0;
        // The whole-file MD5 done (its progress at 1): with the late hash, while the bytes go out.
        if (f.hashProgress >= 1) seen.hashDone ??= performance.now() - t0;
        if (f.status === 'failed' || f.status === 'cancelled' || f.status === 'duplicate') {
          off(); uploader.destroy();
          reject(new Error(`${f.status}: ${JSON.stringify(f.error ?? f.rejection)}`));
        }
      });
      uploader.on('upload-complete', (e) => {
        const ms = performance.now() - t0;
        off(); uploader.destroy();
        if (e.duplicate) reject(new Error('duplicate'));
        else resolve({ ms, seen, trace: summarizeTrace(traceSince(mark, t0)), documentId: e.documentId, bucket: 'documents' });
      });
      uploader.addFiles([new File([current], current.name ?? 'bench.txt', { type: 'text/plain' })]).catch(reject);
    });
  },
  async remove(bucket, path) {
    const { error } = await supabase.storage.from(bucket).remove([path]);
    if (error) throw error;
  },
};
