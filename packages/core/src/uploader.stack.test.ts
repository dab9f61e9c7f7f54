// The Uploader against the real local stack (Postgres, functions in Deno, Storage with TUS,
// Realtime, the demo processor) that the test runner starts: what a user of the library sees.
import { expect } from '@open-wc/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createClient } from '@supabase/supabase-js';
import SparkMD5 from 'spark-md5';
import { MainThreadHasher } from './hashing/main-thread-hasher.js';
import type { Hasher, Transport } from './interfaces.js';
import { IndexedDbResumeStore } from './persistence/indexeddb-resume-store.js';
import { pdfBlob, signedInClient, stackInfo } from './testing/stack.js';
import { createDefaultTransport } from './transport/index.js';
import { UploadError } from './upload-error.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';
import { V2UploadClient } from './v2-upload-client.js';

const MiB = 1024 * 1024;
const uploaders: Uploader[] = [];
const clients: SupabaseClient[] = [];

function make(supabase: SupabaseClient, options: UploaderOptions = {}) {
  const u = new Uploader({ supabase, notify: 'sync', ...options });
  uploaders.push(u);
  return u;
}

async function settled(uploader: Uploader, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const files = uploader.getSnapshot().files;
    if (files.length && files.every((f) => ['completed', 'duplicate', 'failed', 'cancelled'].includes(f.status))) return files;
    if (Date.now() > end) throw new Error(`not settled: ${files.map((f) => `${f.status} ${f.error?.message ?? ''}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function until(check: () => unknown, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function user() {
  const c = await signedInClient();
  clients.push(c.supabase);
  return c;
}

/** upload-handler's GET for a document: its status and row, or the error code it answered. */
async function serverDocument(supabase: SupabaseClient, documentId: string): Promise<{ status?: string; document?: { fileHash: string | null; inspection?: unknown }; error?: string }> {
  const { data, error } = await supabase.functions.invoke(`upload-handler?documentId=${documentId}`, { method: 'GET' });
  if (error) {
    const body = await (error as { context?: Response }).context?.json().catch(() => undefined);
    return { error: body?.error?.code ?? String(error) };
  }
  return data;
}

after(async () => {
  uploaders.forEach((u) => u.destroy());
  for (const c of clients) await c.removeAllChannels();
});

describe('Uploader on the local stack', function () {
  this.timeout(60_000);

  it('without anonymousSignIn, the same set-up fails each file with auth-required', async () => {
    const { url, anonKey } = await stackInfo();
    localStorage.clear();
    const uploader = new Uploader({ supabaseUrl: url, supabaseKey: anonKey, notify: 'sync', realtime: false });
    uploaders.push(uploader);
    await uploader.addFiles(pdfBlob(64 * 1024, 23, 'anon-c.pdf'));
    const [file] = await settled(uploader);
    expect([file!.status, file!.error?.code]).to.deep.equal(['failed', 'auth-required']);
  });

  it('anonymousSignIn: from URL and key, with nobody signed in, signs in anonymously once and uploads', async () => {
    const { url, anonKey } = await stackInfo();
    // A client made from URL and key keeps its session in localStorage: start and end with none.
    localStorage.clear();
    const uploader = new Uploader({ supabaseUrl: url, supabaseKey: anonKey, anonymousSignIn: true, notify: 'sync', realtime: false });
    uploaders.push(uploader);
    await uploader.addFiles([pdfBlob(64 * 1024, 21, 'anon-a.pdf'), pdfBlob(64 * 1024, 22, 'anon-b.pdf')]);
    const files = await settled(uploader);
    expect(files.map((f) => f.status)).to.deep.equal(['completed', 'completed']);
    expect(files[0]!.documentId).to.not.equal(files[1]!.documentId);
    localStorage.clear();
  });

  it('uploads a small PDF with one PUT and follows it to completed', async () => {
    const { supabase, userId } = await user();
    const uploader = make(supabase);
    await uploader.addFiles(pdfBlob(200 * 1024, 11, 'small.pdf'));
    const [file] = await settled(uploader);
    expect(file!.status, file!.error?.message).to.equal('completed');
    const { data } = await supabase.storage.from('documents').download(`${userId}/${file!.documentId}/small.pdf`);
    expect(data?.size).to.equal(200 * 1024);
  });

  it('uploads 20 MB over TUS with monotonic progress, then the same file again sends nothing', async () => {
    const { supabase } = await user();
    const uploader = make(supabase);
    const sent: number[] = [];
    uploader.on('upload-progress', ({ bytesSent }) => sent.push(bytesSent));
    const file = pdfBlob(20 * MiB, 12, 'big.pdf');
    await uploader.addFiles(file);
    const [first] = await settled(uploader);
    expect(first!.status, first!.error?.message).to.equal('completed');
    expect(sent.length).to.be.greaterThan(2);
    expect([...sent].sort((a, b) => a - b)).to.deep.equal(sent);
    expect(sent.at(-1)).to.equal(20 * MiB);

    const again = make(supabase);
    let bytes = 0;
    again.on('upload-progress', ({ bytesSent }) => (bytes = Math.max(bytes, bytesSent)));
    await again.addFiles(pdfBlob(20 * MiB, 12, 'big copy.pdf'));
    const [dup] = await settled(again);
    expect(dup!.status).to.equal('duplicate');
    expect(dup!.duplicateOf).to.equal(first!.documentId);
    expect(bytes).to.equal(0);
  });

  it('a large new file: the bytes leave before its MD5 is known, the hash follows, the row ends with the real MD5', async () => {
    const { supabase } = await user();
    const requests: string[] = [];
    const { url } = await stackInfo();
    const realFetch = globalThis.fetch;
    // The Uploader's backend calls go through fetch itself (not the client's), read at each call.
    globalThis.fetch = (input, init) => {
      const target = String(input instanceof Request ? input.url : input);
      if (target.startsWith(`${url}/functions/v1/upload-handler`) && init?.method === 'POST') requests.push(String(init.body));
      return realFetch(input, init);
    };
    const file = pdfBlob(8 * MiB, 31, 'late.pdf');
    let done;
    try {
      const uploader = make(supabase);
      await uploader.addFiles(file);
      [done] = await settled(uploader);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(done!.status, done!.error?.message).to.equal('completed');
    const bodies = requests.map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(bodies.map((b) => Object.keys(b).sort().join(','))).to.deep.equal([
      'contentType,fileSize,filename,fingerprint,idempotencyKey,inspection',
      'documentId,fileHash',
    ]);
    const md5 = SparkMD5.ArrayBuffer.hash(await file.arrayBuffer());
    expect(bodies[1]).to.deep.equal({ documentId: done!.documentId, fileHash: md5 });
    // The inspection's facts are stored with the document.
    expect((await serverDocument(supabase, done!.documentId!)).document).to.deep.include({
      inspection: { kind: 'pdf', pageCount: 1, wordCount: null, textLayer: 'text', encrypted: false },
    });
    const row = await serverDocument(supabase, done!.documentId!);
    expect([row.status, row.document?.fileHash]).to.deep.equal(['completed', md5]);
  });

  it('a late duplicate: the same file started classically in another tab while this one sent ahead of its hash; this one resolves to it', async () => {
    const { supabase, userId } = await user();
    const file = pdfBlob(6 * MiB, 32, 'twice.pdf');
    // This tab's hash is held back until the other tab has stored the file.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const real = new MainThreadHasher();
    const held: Hasher = { hash: async (blob, options) => { const h = await real.hash(blob, options); await gate; return h; } };
    const ahead = make(supabase, { hasher: held });
    await ahead.addFiles(file);
    await until(() => ahead.getSnapshot().files[0]?.bytesSent === file.size, 30_000);
    const pendingId = ahead.getSnapshot().files[0]!.documentId!;

    // Another device: its own resume records (a tab of this browser would find this upload's record and continue it).
    const other = make(supabase, { hashWhileUploading: false, resumeStore: new IndexedDbResumeStore({ databaseName: `v2-uploader-test-${crypto.randomUUID()}` }) });
    await other.addFiles(new File([file], 'twice.pdf', { type: 'application/pdf' }));
    const [stored] = await settled(other);
    expect(stored!.status, stored!.error?.message).to.equal('completed');
    expect(stored!.documentId).to.not.equal(pendingId);

    release();
    const [resolved] = await settled(ahead);
    expect(resolved!.status, resolved!.error?.message).to.equal('duplicate');
    expect(resolved!.duplicateOf).to.equal(stored!.documentId);
    expect((await serverDocument(supabase, pendingId)).error, 'one row per hash: the merged one is gone').to.equal('document_not_found');
    expect((await serverDocument(supabase, stored!.documentId!)).document?.fileHash).to.equal(SparkMD5.ArrayBuffer.hash(await file.arrayBuffer()));
    const { data: objects } = await supabase.storage.from('documents').list(`${userId}/${pendingId}`);
    expect(objects ?? []).to.have.length(0, 'the merged document\'s object is removed');
  });

  it('pauses and resumes a TUS upload from the server offset', async () => {
    const { supabase } = await user();
    const uploader = make(supabase);
    await uploader.addFiles(pdfBlob(14 * MiB, 13, 'pause.pdf'));
    await until(() => (uploader.getSnapshot().files[0]?.bytesSent ?? 0) >= 6 * MiB);
    uploader.pause();
    const atPause = uploader.getSnapshot().files[0]!.bytesSent;
    expect(uploader.getSnapshot().files[0]!.status).to.equal('paused');
    await new Promise((r) => setTimeout(r, 200));
    const resumedFrom: number[] = [];
    uploader.on('upload-progress', ({ bytesSent }) => resumedFrom.push(bytesSent));
    uploader.resume();
    const [file] = await settled(uploader);
    expect(file!.status, file!.error?.message).to.equal('completed');
    expect(resumedFrom[0]).to.be.at.least(6 * MiB, 'the first report after resuming is the server offset');
    expect(atPause).to.be.at.least(6 * MiB);
  });

  it('cancel stops the upload and marks the document cancelled on the server', async () => {
    const { supabase } = await user();
    const uploader = make(supabase);
    await uploader.addFiles(pdfBlob(20 * MiB, 14, 'cancel.pdf'));
    await until(() => (uploader.getSnapshot().files[0]?.bytesSent ?? 0) > 0);
    const { documentId } = uploader.getSnapshot().files[0]!;
    uploader.cancel();
    expect(uploader.getSnapshot().files[0]!.status).to.equal('cancelled');
    const { url, anonKey } = await stackInfo();
    const { data: session } = await supabase.auth.getSession();
    let status = '';
    for (let i = 0; i < 50 && status !== 'cancelled'; i++) {
      const res = await fetch(`${url}/functions/v1/upload-handler?documentId=${documentId}`, {
        headers: { authorization: `Bearer ${session.session!.access_token}`, apikey: anonKey },
      });
      status = (await res.json()).status;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).to.equal('cancelled');
  });

  it('a connection dropped mid-chunk: the retry resumes from the server offset', async () => {
    const { supabase } = await user();
    const real = createDefaultTransport();
    let sends = 0;
    const firstOffsets: number[] = [];
    // Drop the first transfer once 6 MiB are confirmed, as a network error would.
    const dropping: Transport = {
      async send(file, plan, options) {
        const n = sends++;
        const inner = new AbortController();
        options.signal.addEventListener('abort', () => inner.abort(), { once: true });
        let first = true;
        const run = real.send(file, plan, {
          ...options,
          signal: inner.signal,
          onProgress: (bytes) => {
            if (first) firstOffsets.push(bytes);
            first = false;
            options.onProgress(bytes);
            if (n === 0 && bytes >= 6 * MiB) inner.abort();
          },
        });
        try {
          return await run;
        } catch (error) {
          if (n === 0 && inner.signal.aborted && !options.signal.aborted) {
            throw new UploadError('connection reset', { code: 'network', cause: error });
          }
          throw error;
        }
      },
    };
    const uploader = make(supabase, { transport: dropping, random: () => 0 });
    await uploader.addFiles(pdfBlob(14 * MiB, 15, 'drop.pdf'));
    const [file] = await settled(uploader);
    expect(file!.status, file!.error?.message).to.equal('completed');
    expect(sends).to.equal(2);
    expect(firstOffsets[1]).to.be.at.least(6 * MiB, 'the second transfer started at the server offset');
  });

  it('resumes after a reload: a new uploader re-picks the file and continues, not from zero', async () => {
    const { supabase } = await user();
    const databaseName = `v2-uploader-test-${crypto.randomUUID()}`;
    const first = make(supabase, { resumeStore: new IndexedDbResumeStore({ databaseName }) });
    const file = pdfBlob(14 * MiB, 16, 'reload.pdf');
    await first.addFiles(file);
    await until(() => (first.getSnapshot().files[0]?.bytesSent ?? 0) >= 6 * MiB);
    first.destroy(); // the page goes away mid-upload

    const second = make(supabase, { resumeStore: new IndexedDbResumeStore({ databaseName }) });
    const offsets: number[] = [];
    second.on('upload-progress', ({ bytesSent }) => offsets.push(bytesSent));
    await second.addFiles(new File([file], 'reload.pdf', { type: 'application/pdf' }));
    const [done] = await settled(second);
    expect(done!.status, done!.error?.message).to.equal('completed');
    expect(offsets[0]).to.be.at.least(6 * MiB);
    expect(done!.documentId).to.equal(first.getSnapshot().files[0]!.documentId);
  });

  it('picks up a session refreshed mid-upload', async () => {
    const { supabase } = await user();
    const seen = new Set<string>();
    const { url } = await stackInfo();
    const spy: typeof fetch = (input, init) => {
      const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (target.startsWith(`${url}/functions/`)) {
        const auth = new Headers(init?.headers).get('authorization');
        if (auth) seen.add(auth);
      }
      return fetch(input, init);
    };
    const { createBackendApi } = await import('./transport/backend-api.js');
    const uploader = make(supabase, { api: createBackendApi(supabase, { fetch: spy }), progressReportIntervalMs: 0 });
    await uploader.addFiles(pdfBlob(14 * MiB, 17, 'refresh.pdf'));
    await until(() => (uploader.getSnapshot().files[0]?.bytesSent ?? 0) > 0);
    const refreshed = await supabase.auth.refreshSession();
    expect(refreshed.error).to.equal(null);
    const [file] = await settled(uploader);
    expect(file!.status, file!.error?.message).to.equal('completed');
    expect(seen.has(`Bearer ${refreshed.data.session!.access_token}`)).to.equal(true, 'later requests carry the new token');
    expect(seen.size).to.be.at.least(2);
  });

  it('shows parsing and embedding from the demo processor (LlamaParse on for the demo user)', async () => {
    const { url, anonKey } = await stackInfo();
    const supabase = createClient(url, anonKey, { auth: { persistSession: false, storageKey: `alice-${crypto.randomUUID()}` } });
    clients.push(supabase);
    await supabase.auth.signInWithPassword({ email: 'alice@example.com', password: 'password123' });
    const uploader = make(supabase);
    const stages = new Set<string>();
    uploader.subscribe(() => stages.add(uploader.getSnapshot().files[0]?.status ?? ''));
    await uploader.addFiles(pdfBlob(64 * 1024, Date.now() % 100000, 'alice.pdf'));
    const [file] = await settled(uploader);
    expect(file!.status, file!.error?.message).to.equal('completed');
    expect([...stages]).to.include.members(['parsing', 'embedding', 'completed']);
  });

  it('falls back to polling when realtime is off', async () => {
    const { supabase } = await user();
    const uploader = make(supabase, { realtime: false });
    await uploader.addFiles(pdfBlob(64 * 1024, 18, 'polled.pdf'));
    const [file] = await settled(uploader);
    expect(file!.status, file!.error?.message).to.equal('completed');
    expect(supabase.getChannels()).to.have.length(0);
  });

  it('V2UploadClient: initializeUpload, uploadFile and subscribeToProgress as in the seed', async () => {
    const { url, anonKey } = await stackInfo();
    const { supabase, userId } = await user();
    const client = new V2UploadClient(url, anonKey, { maxFileSize: 52428800, allowedTypes: ['application/pdf', 'text/plain'], enableRealtime: true, client: supabase });
    const updates: string[] = [];
    const unsubscribe = client.subscribeToProgress(userId, (p) => updates.push(`${p.type}:${p.status}`));
    await new Promise((r) => setTimeout(r, 500));
    const file = pdfBlob(128 * 1024, 19, 'seed.pdf');
    const result = await client.initializeUpload(file);
    expect(result.duplicate).to.equal(false);
    const progress: number[] = [];
    const documentId = await client.uploadFile(file, result, (p) => progress.push(p.progress));
    expect(documentId).to.equal(result.documentId);
    expect(progress.at(-1)).to.equal(100);
    await until(() => updates.includes('complete:completed'));
    unsubscribe();
    const rejected = await client.initializeUpload(new File(['x'], 'x.exe', { type: 'application/x-msdownload' })).catch((e: unknown) => e);
    expect(rejected).to.be.instanceOf(UploadError);
  });
});
