// The late hash (issue 19) from the Uploader's side, with scripted I/O: a large file starts with
// a fingerprint and its bytes leave while the whole file is hashed; the hash follows. The same
// paths against the real backend are in uploader.stack.test.ts.
import { expect } from '@open-wc/testing';
import type { ResumeRecord, ResumeStore } from './interfaces.js';
import { fingerprintOf } from './hashing/fingerprint.js';
import { fingerprintResumeKey, resumeKey } from './persistence/resume-key.js';
import { TransportError } from './transport/transport-error.js';
import { UploadError } from './upload-error.js';
import { Uploader } from './uploader.js';
import {
  completeSend, DeferredHasher, FakeLateHashApi, fakeOptions, hangingSend, pdfBlob, plan, textFile, until,
} from './testing/fakes.js';

const HASH = 'a'.repeat(32);
const MiB = 1024 * 1024;
const bigFile = () => pdfBlob(3 * MiB, 1, 'big.pdf');
const features = { realtime: true, llamaParse: false };

function late(over: Parameters<typeof fakeOptions>[0] = {}) {
  const api = new FakeLateHashApi();
  const hasher = new DeferredHasher();
  const fake = fakeOptions({ api, hasher, ...over });
  return { ...fake, api, hasher };
}

const status = (uploader: Uploader) => uploader.getSnapshot().files[0]?.status;

/** A resume record as a page that crashed before the hash was known left it: under the fingerprint's key. */
async function keepRecord(store: ResumeStore, file: File, documentId: string, uploadUrl: string): Promise<string> {
  const fingerprint = await fingerprintOf(file, new AbortController().signal);
  const key = fingerprintResumeKey({ userId: 'user-1', fingerprint, size: file.size });
  const record: ResumeRecord = { key, documentId, uploadUrl, plan: plan(), size: file.size, hash: undefined, fingerprint, updatedAt: Date.now() };
  await store.put(record);
  return key;
}

describe('late hash: bytes leave before the whole-file hash', () => {
  it('a new large file: fingerprint start, bytes sent while hashing, then the hash delivered; no classic start', async () => {
    const { options, api, transport, hasher, feed, resumeStore } = late();
    const file = bigFile();
    const fingerprint = await fingerprintOf(file, new AbortController().signal);
    const uploader = new Uploader(options);
    transport.script = [hangingSend];
    await uploader.addFiles(file);
    await until(() => transport.sends.length === 1);
    // The transfer is under way and the hash is not known yet.
    expect(hasher.pending).to.have.length(1);
    expect(api.starts).to.deep.equal([{
      filename: 'big.pdf', contentType: 'application/pdf', fileSize: file.size, fingerprint, idempotencyKey: api.starts[0]!.idempotencyKey,
      // What the default inspector found, for upload-handler to store.
      inspection: { kind: 'pdf', pageCount: 1, wordCount: null, textLayer: 'text', encrypted: false },
    }]);
    expect(api.starts[0]!.idempotencyKey).to.match(/^[0-9a-f-]{36}$/);
    expect(api.inits).to.have.length(0);
    expect(api.deliveries).to.have.length(0);
    const fpKey = fingerprintResumeKey({ userId: 'user-1', fingerprint, size: file.size });
    const kept = await resumeStore.get(fpKey);
    expect(kept).to.deep.include({ documentId: 'late-1', hash: undefined, fingerprint });
    expect(uploader.getSnapshot().files[0]).to.include({ status: 'uploading', documentId: 'late-1', hash: undefined });
    // The hash arrives while the bytes travel: delivered, and the record moves to the hash's key.
    hasher.finish(HASH);
    await until(() => api.deliveries.length === 1);
    expect(api.deliveries[0]).to.deep.equal({ documentId: 'late-1', fileHash: HASH });
    await until(async () => (await resumeStore.get(resumeKey({ userId: 'user-1', hash: HASH, size: file.size }))) !== undefined);
    expect(await resumeStore.get(fpKey)).to.equal(undefined);
    expect(status(uploader)).to.equal('uploading');
    uploader.destroy();

    // The same, to the end: the transfer finishes first and waits for the hash.
    const second = late();
    const up = new Uploader(second.options);
    await up.addFiles(pdfBlob(3 * MiB, 2, 'b.pdf'));
    await until(() => second.transport.sends.length === 1 && up.getSnapshot().files[0]!.bytesSent === up.getSnapshot().files[0]!.size);
    expect(status(up)).to.equal('uploading', 'all bytes sent, but the document waits for its hash');
    second.hasher.finish(HASH);
    await until(() => status(up) === 'uploaded');
    await until(() => second.feed.listeners.has('late-1'));
    second.feed.push('late-1', 'completed', 100);
    await until(() => status(up) === 'completed');
    expect(up.getSnapshot().files[0]!.hash).to.equal(HASH);
    expect(second.api.inits).to.have.length(0);
    expect(await second.resumeStore.prune(0)).to.equal(0, 'no resume record is left behind');
    void feed;
    up.destroy();
  });

  it('a fingerprint start whose answer was lost is tried again with the same idempotency key; the next file gets a new one', async () => {
    const { options, api, hasher } = late();
    api.startAnswers = [new UploadError('reset', { code: 'network' }), { candidate: false, documentId: 'late-1', upload: plan(), features }];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => api.starts.length === 2);
    expect(api.starts[1]!.idempotencyKey).to.equal(api.starts[0]!.idempotencyKey);
    await until(() => status(uploader) === 'uploading');
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
    await uploader.addFiles(pdfBlob(3 * MiB, 5, 'other.pdf'));
    await until(() => api.starts.length === 3);
    expect(api.starts[2]!.idempotencyKey).to.not.equal(api.starts[0]!.idempotencyKey);
  });

  it('a late duplicate: the transfer is stopped, the file resolves to the earlier document, records are forgotten', async () => {
    const { options, api, transport, hasher, resumeStore } = late();
    api.deliveryAnswers = [{ duplicate: true, documentId: 'earlier', resolvedFrom: 'late-1', status: 'completed' }];
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => transport.sends.length === 1);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'duplicate');
    expect(transport.sends[0]!.options.signal.aborted).to.equal(true);
    expect(uploader.getSnapshot().files[0]).to.include({ duplicateOf: 'earlier', documentId: 'earlier' });
    expect(uploader.getSnapshot().files[0]!.bytesSent).to.be.greaterThan(0, 'what was sent stays visible (a UI says it was dropped)');
    expect(await resumeStore.prune(0)).to.equal(0);
    expect(api.cancelled).to.deep.equal([]);
  });

  it('a candidate: nothing is sent before the whole hash; the classic start then finds the duplicate (zero bytes)', async () => {
    const { options, api, transport, hasher } = late();
    api.startAnswers = [{ candidate: true, features }];
    api.answers = [{ duplicate: true, documentId: 'stored-before', document: {} as never, features }];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => api.starts.length === 1);
    await until(() => status(uploader) === 'hashing');
    expect(transport.sends).to.have.length(0);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'duplicate');
    expect(api.inits.map((i) => i.fileHash)).to.deep.equal([HASH]);
    expect(api.deliveries).to.have.length(0, 'no document of this file was kept');
    expect(transport.sends).to.have.length(0);
  });

  it('other bytes arrived than were hashed (hash_mismatch): the file fails as file-changed and its document is cancelled', async () => {
    const { options, api, transport, hasher } = late();
    api.deliveryAnswers = [new TransportError('The file changed while it was being uploaded', {
      code: 'file-changed', status: 422, serverCode: 'hash_mismatch', request: { method: 'POST', url: 'x' },
    })];
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => transport.sends.length === 1);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'failed');
    const { error } = uploader.getSnapshot().files[0]!;
    expect([error?.code, error?.retryable, error?.status]).to.deep.equal(['file-changed', false, 422]);
    expect(transport.sends[0]!.options.signal.aborted).to.equal(true);
    expect(api.cancelled).to.deep.equal(['late-1']);
  });

  it('a transfer that fails for good fails the file with its own error and stops the hash', async () => {
    const { options, transport, hasher, api } = late();
    transport.script = [async () => {
      throw new UploadError('too big for the bucket', { code: 'http', status: 413 });
    }];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => status(uploader) === 'failed');
    expect(uploader.getSnapshot().files[0]!.error?.status).to.equal(413);
    await until(() => hasher.pending[0]?.signal.aborted === true);
    expect(api.deliveries).to.have.length(0);
  });

  it('a new plan (expired token) waits for the delivered hash, starts classically and resumes from the TUS URL kept', async () => {
    const { options, api, transport, hasher } = late();
    const expired = new TransportError('expired', { code: 'http', status: 400, retryable: false, tokenExpired: true, request: { method: 'PATCH', url: 'http://storage.invalid/tus/abc' } });
    transport.script = [
      async (_n, o, size) => {
        o.onUploadUrl?.('http://storage.invalid/tus/abc');
        o.onProgress(size / 2);
        await until(() => hasher.pending.length === 1);
        throw expired;
      },
      completeSend,
    ];
    // The classic start finds this document by its (now recorded) hash, unfinished: a fresh plan.
    api.answers = [{ duplicate: true, documentId: 'late-1', document: {} as never, upload: plan({ token: 'fresh' }), features }];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => transport.sends.length === 1 && uploader.getSnapshot().files[0]!.bytesSent > 0);
    await new Promise((r) => setTimeout(r, 20));
    expect(api.inits).to.have.length(0, 'no classic start before the hash is recorded');
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
    expect(api.inits.map((i) => i.fileHash)).to.deep.equal([HASH]);
    expect(transport.sends[1]!.plan.token).to.equal('fresh');
    expect(transport.sends[1]!.options.resumeUrl).to.equal('http://storage.invalid/tus/abc');
  });

  it('after a reload mid-transfer: candidate, hash, the hash delivered for the document kept, then the classic start reuses it, sending its bytes from the start', async () => {
    const { options, api, transport, hasher, resumeStore } = late();
    const file = bigFile();
    const fpKey = await keepRecord(resumeStore, file, 'kept-doc', 'http://storage.invalid/tus/kept');
    api.startAnswers = [{ candidate: true, features }];
    api.answers = [{ duplicate: true, documentId: 'kept-doc', document: {} as never, upload: plan({ token: 'again' }), features }];
    const uploader = new Uploader(options);
    await uploader.addFiles(file);
    await until(() => hasher.pending.length === 1);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
    expect(api.deliveries).to.deep.equal([{ documentId: 'kept-doc', fileHash: HASH }]);
    expect(api.inits.map((i) => i.fileHash)).to.deep.equal([HASH]);
    expect(transport.sends).to.have.length(1);
    expect(uploader.getSnapshot().files[0]!.documentId).to.equal('kept-doc');
    // Known by its fingerprint only, the file may not be the one whose bytes the kept upload
    // holds (same size and ends, another middle): nothing is spliced onto them.
    expect(transport.sends[0]!.options.resumeUrl).to.equal(undefined);
    expect(await resumeStore.get(fpKey)).to.equal(undefined);
  });

  it('paused before the hash was delivered: the resume delivers it and continues the same TUS upload (the same file, this page)', async () => {
    const { options, api, transport, hasher } = late();
    transport.script = [async (_n, o) => {
      o.onUploadUrl?.('http://storage.invalid/tus/first');
      await hangingSend(_n, o);
    }];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => transport.sends.length === 1);
    await new Promise((r) => setTimeout(r, 20)); // the URL is written to the record
    const { id } = uploader.getSnapshot().files[0]!;
    uploader.pause(id);
    await until(() => hasher.pending[0]?.signal.aborted === true);
    hasher.pending.shift();
    api.startAnswers = [{ candidate: false, documentId: 'late-1', upload: plan(), features }, { candidate: true, features }];
    api.answers = [{ duplicate: true, documentId: 'late-1', document: {} as never, upload: plan({ token: 'again' }), features }];
    transport.script = [transport.script[0]!, completeSend];
    uploader.resume(id);
    await until(() => hasher.pending.length === 1);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
    expect(api.deliveries).to.deep.equal([{ documentId: 'late-1', fileHash: HASH }]);
    expect(transport.sends[1]!.options.resumeUrl).to.equal('http://storage.invalid/tus/first');
  });

  it('a kept document that is gone (404) is let go: the file starts anew', async () => {
    const { options, api, transport, hasher, resumeStore } = late();
    const file = bigFile();
    const fpKey = await keepRecord(resumeStore, file, 'swept', 'http://storage.invalid/tus/old');
    api.startAnswers = [{ candidate: true, features }];
    api.deliveryAnswers = [new TransportError('not found', { code: 'http', status: 404, serverCode: 'document_not_found', request: { method: 'POST', url: 'x' } })];
    const uploader = new Uploader(options);
    await uploader.addFiles(file);
    await until(() => hasher.pending.length === 1);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
    expect(transport.sends[0]!.options.resumeUrl).to.equal(undefined);
    expect(uploader.getSnapshot().files[0]!.documentId).to.equal(`doc-${HASH}`);
    expect(await resumeStore.get(fpKey)).to.equal(undefined);
  });

  it('paused before the hash was delivered, without resume records: the resume delivers it for the document in the file\'s state', async () => {
    const { options, api, transport, hasher } = late({ resume: false });
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    await uploader.addFiles(bigFile());
    await until(() => transport.sends.length === 1);
    const { id } = uploader.getSnapshot().files[0]!;
    uploader.pause(id);
    await until(() => hasher.pending[0]?.signal.aborted === true);
    hasher.pending.shift();
    api.startAnswers = [{ candidate: false, documentId: 'late-1', upload: plan(), features }, { candidate: true, features }];
    api.answers = [{ duplicate: true, documentId: 'late-1', document: {} as never, upload: plan({ token: 'again' }), features }];
    transport.script = [hangingSend, completeSend];
    uploader.resume(id);
    await until(() => hasher.pending.length === 1);
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
    expect(api.deliveries).to.deep.equal([{ documentId: 'late-1', fileHash: HASH }]);
    expect(api.inits.map((i) => i.fileHash)).to.deep.equal([HASH]);
    expect(uploader.getSnapshot().files[0]!.documentId).to.equal('late-1');
  });

  it('small files, hashWhileUploading: false, and a backend without late hashes all hash first', async () => {
    for (const [over, file] of [[{}, textFile()], [{ hashWhileUploading: false }, bigFile()]] as const) {
      const { options, api, hasher } = late(over);
      const uploader = new Uploader(options);
      await uploader.addFiles(file);
      await until(() => hasher.pending.length === 1);
      expect(api.starts).to.have.length(0);
      hasher.finish(HASH);
      await until(() => status(uploader) === 'uploaded');
      expect(api.inits.map((i) => i.fileHash)).to.deep.equal([HASH]);
      uploader.destroy();
    }
    const plain = fakeOptions({ hasher: new DeferredHasher() });
    const uploader = new Uploader(plain.options);
    await uploader.addFiles(bigFile());
    const hasher = plain.options.hasher as DeferredHasher;
    await until(() => hasher.pending.length === 1);
    expect(plain.transport.sends).to.have.length(0, 'no byte before the hash without late hashes');
    hasher.finish(HASH);
    await until(() => status(uploader) === 'uploaded');
  });
});
