import { expect } from '@open-wc/testing';
import type { ResumeStore, TransferOptions } from './interfaces.js';
import { TransportError } from './transport/transport-error.js';
import { UploadError } from './upload-error.js';
import { Uploader } from './uploader.js';
import { allCompleteEvent, eventsFor, type UploaderEvent, UploaderEvents, type UploaderEventType } from './uploader-events.js';
import { resumeKey } from './persistence/resume-key.js';
import { type Action, emptySnapshot, newFileState, reduce } from './reducer.js';
import { FakeClock } from './task/fake-clock.js';
import type { UploaderSnapshot } from './types.js';
import type { UploaderOptions } from './uploader-options.js';
import {
  completeSend, failingSend, FakeApi, FakeTransport, fakeHasher, fakeOptions, hangingSend, plan, textFile, until,
} from './testing/fakes.js';

function record(uploader: Uploader) {
  const events: string[] = [];
  const types: UploaderEventType[] = ['file-added', 'file-rejected', 'upload-start', 'upload-complete', 'upload-error', 'processing-progress', 'processing-complete', 'all-complete'];
  for (const t of types) uploader.on(t, () => events.push(t));
  return events;
}

describe('Uploader (scripted I/O)', () => {
  it('takes a file from queued to completed, with events in order and the server told the last byte', async () => {
    const { options, api, feed } = fakeOptions();
    const uploader = new Uploader(options);
    const events = record(uploader);
    const seen = new Set<string>();
    uploader.subscribe(() => seen.add(uploader.getSnapshot().files[0]?.status ?? ''));
    const [file] = await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
    const documentId = uploader.getSnapshot().files[0]!.documentId!;
    await until(() => feed.listeners.has(documentId));
    feed.push(documentId, 'processing', 50);
    feed.push(documentId, 'completed', 100);
    await until(() => uploader.getSnapshot().files[0]?.status === 'completed');
    expect([...seen]).to.include.members(['queued', 'hashing', 'initializing', 'uploading', 'uploaded', 'processing', 'completed']);
    expect(events, JSON.stringify(events)).to.deep.equal(['file-added', 'upload-start', 'upload-complete', 'processing-progress', 'processing-complete', 'all-complete']);
    expect(api.inits[0]).to.deep.include({ filename: 'notes.txt', contentType: 'text/plain', fileSize: file!.size });
    expect(api.reports.at(-1)).to.deep.equal({ documentId, bytesUploaded: file!.size });
    expect(uploader.getSnapshot().totals).to.include({ completed: 1, progress: 1 });
  });

  it('a duplicate completes at once and sends no bytes', async () => {
    const { options, api, transport } = fakeOptions();
    api.answers = [{ duplicate: true, documentId: 'old-doc', document: {} as never, features: { realtime: true, llamaParse: false } }];
    const uploader = new Uploader(options);
    const events = record(uploader);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'duplicate');
    expect(transport.sends).to.have.length(0);
    expect(uploader.getSnapshot().files[0]).to.include({ duplicateOf: 'old-doc', bytesSent: 0 });
    expect(events, JSON.stringify(events)).to.deep.equal(['file-added', 'upload-complete', 'all-complete']);
  });

  it('a lost answer to the last byte: the retry finds its own document stored and completes, not as a duplicate of itself', async () => {
    const { options, api, transport } = fakeOptions();
    const features = { realtime: true, llamaParse: false };
    api.answers = [
      { duplicate: false, documentId: 'doc-1', upload: plan(), features },
      // Every byte reached Storage (the document is `uploaded`), the PATCH's answer did not.
      { duplicate: true, documentId: 'doc-1', document: {} as never, features },
    ];
    transport.script = [async (_n, o, size) => {
      o.onProgress(size);
      throw new UploadError('connection reset', { code: 'network' });
    }];
    const uploader = new Uploader(options);
    const completions: { documentId: string; duplicate: boolean }[] = [];
    uploader.on('upload-complete', ({ documentId, duplicate }) => completions.push({ documentId, duplicate }));
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded', 5000);
    expect(uploader.getSnapshot().files[0]).to.include({ documentId: 'doc-1', duplicateOf: undefined });
    expect(completions).to.deep.equal([{ documentId: 'doc-1', duplicate: false }]);
    expect(transport.sends).to.have.length(1);
  });

  it('after a reload, the resume record\'s own document already stored counts as uploaded; another document with the same bytes stays a duplicate', async () => {
    const features = { realtime: true, llamaParse: false };
    for (const [documentId, expected] of [['doc-1', 'uploaded'], ['someone-elses-tab', 'duplicate']] as const) {
      const { options, api, resumeStore, transport } = fakeOptions();
      const file = textFile();
      const hash = await fakeHasher.hash(file, { signal: new AbortController().signal });
      await resumeStore.put({ key: resumeKey({ userId: 'user-1', hash, size: file.size }), documentId: 'doc-1', uploadUrl: 'http://storage.invalid/tus/abc', plan: plan(), size: file.size, hash, updatedAt: Date.now() });
      api.answers = [{ duplicate: true, documentId, document: {} as never, features }];
      const uploader = new Uploader(options);
      await uploader.addFiles(file);
      await until(() => ['uploaded', 'duplicate'].includes(uploader.getSnapshot().files[0]?.status ?? ''));
      expect(uploader.getSnapshot().files[0]?.status, documentId).to.equal(expected);
      expect(transport.sends).to.have.length(0);
      uploader.destroy();
    }
  });

  it('remembers a PUT upload\'s document before sending: reopened after it was stored unseen, the file counts as uploaded', async () => {
    const features = { realtime: true, llamaParse: false };
    const first = fakeOptions();
    first.api.answers = [{ duplicate: false, documentId: 'doc-put', upload: plan({ strategy: 'put' }), features }];
    first.transport.script = [hangingSend]; // the tab closes while the PUT is in flight
    const uploader = new Uploader(first.options);
    await uploader.addFiles(textFile());
    await until(() => first.transport.sends.length === 1);
    uploader.destroy();
    const file = textFile();
    const hash = await fakeHasher.hash(file, { signal: new AbortController().signal });
    const record = await first.resumeStore.get(resumeKey({ userId: 'user-1', hash, size: file.size }));
    expect(record).to.include({ documentId: 'doc-put', uploadUrl: undefined });
    // The PUT reached Storage after all; the page reopened with the same resume store.
    const second = fakeOptions({ resumeStore: first.resumeStore });
    second.api.answers = [{ duplicate: true, documentId: 'doc-put', document: {} as never, features }];
    const reopened = new Uploader(second.options);
    await reopened.addFiles(textFile());
    await until(() => ['uploaded', 'duplicate'].includes(reopened.getSnapshot().files[0]?.status ?? ''));
    expect(reopened.getSnapshot().files[0]?.status).to.equal('uploaded');
    reopened.destroy();
  });

  it('retries transient failures with backoff, then succeeds', async () => {
    const { options, transport } = fakeOptions();
    transport.script = [failingSend(new UploadError('offline', { code: 'network' })), completeSend];
    const uploader = new Uploader(options);
    const statuses: string[] = [];
    uploader.subscribe(() => statuses.push(uploader.getSnapshot().files[0]!.status));
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded', 5000);
    expect(statuses).to.include('retrying');
    expect(transport.sends).to.have.length(2);
  });

  it('a TUS upload that keeps moving forward is not failed by more blips than maxAttempts over its length', async () => {
    const { options, transport } = fakeOptions({ maxAttempts: 3 });
    const blip = new UploadError('connection reset', { code: 'network' });
    // Every attempt gets Storage to confirm another eighth of the file, then the line drops.
    transport.script = Array.from({ length: 7 }, (_, i) => async (_n: number, o: TransferOptions, size: number) => {
      o.onProgress(Math.round((size * (i + 1)) / 8));
      throw blip;
    });
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => ['uploaded', 'failed'].includes(uploader.getSnapshot().files[0]?.status ?? ''), 5000);
    expect(uploader.getSnapshot().files[0]?.status).to.equal('uploaded');
    expect(transport.sends).to.have.length(8);
  });

  it('failures without progress still end at maxAttempts (TUS and PUT alike)', async () => {
    for (const strategy of ['tus', 'put'] as const) {
      const { options, api, transport } = fakeOptions({ maxAttempts: 3 });
      api.answers = [{ duplicate: false, documentId: 'doc-1', upload: plan({ strategy }), features: { realtime: true, llamaParse: false } }];
      const blip = new UploadError('connection reset', { code: 'network' });
      // A PUT's progress is bytes handed to the network: it never resets the count.
      transport.script = Array.from({ length: 5 }, () => async (_n: number, o: TransferOptions, size: number) => {
        if (strategy === 'put') o.onProgress(size - 1);
        throw blip;
      });
      const uploader = new Uploader(options);
      await uploader.addFiles(textFile());
      await until(() => uploader.getSnapshot().files[0]?.status === 'failed', 5000);
      expect(transport.sends, strategy).to.have.length(3);
      uploader.destroy();
    }
  });

  it('asks for a new plan when the token expired, and resumes from the persisted upload URL', async () => {
    const { options, api, transport } = fakeOptions();
    const expired = new TransportError('expired', { code: 'http', status: 400, retryable: false, tokenExpired: true, request: { method: 'PATCH', url: 'http://storage.invalid/tus/abc' } });
    transport.script = [
      async (_n, o, size) => {
        o.onUploadUrl?.('http://storage.invalid/tus/abc');
        o.onProgress(size / 2);
        throw expired;
      },
      completeSend,
    ];
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
    expect(api.inits).to.have.length(2);
    expect(transport.sends[1]!.options.resumeUrl).to.equal('http://storage.invalid/tus/abc');
  });

  it('fails for good on a non-retryable error and says why', async () => {
    const { options, transport } = fakeOptions();
    transport.script = [failingSend(new UploadError('too big for the bucket', { code: 'http', status: 413 }))];
    const uploader = new Uploader(options);
    const errors: UploadError[] = [];
    uploader.on('upload-error', ({ error }) => errors.push(error));
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'failed');
    expect(errors[0]?.status).to.equal(413);
    expect(uploader.getSnapshot().files[0]!.error).to.equal(errors[0]);
    expect(transport.sends).to.have.length(1);
  });

  it('rejects invalid files before any request', async () => {
    const { options, api } = fakeOptions({ maxFileSize: 10 });
    const uploader = new Uploader(options);
    const events = record(uploader);
    await uploader.addFiles(textFile('big.txt', 'x'.repeat(100)));
    const [file] = uploader.getSnapshot().files;
    expect(file!.status).to.equal('failed');
    expect(file!.rejection).to.deep.include({ code: 'file-too-large', maxSize: 10, size: 100 });
    expect(file!.error?.code).to.equal('file-too-large');
    expect(events).to.deep.equal(['file-rejected']);
    expect(api.inits).to.have.length(0);
  });

  it('pauses (aborting the transfer) and resumes where the server is', async () => {
    const { options, transport } = fakeOptions();
    transport.script = [hangingSend, completeSend];
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploading');
    const { id } = uploader.getSnapshot().files[0]!;
    uploader.pause(id);
    expect(uploader.getSnapshot().files[0]!.status).to.equal('paused');
    await until(() => transport.sends[0]!.options.signal.aborted);
    uploader.resume(id);
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
    expect(transport.sends).to.have.length(2);
    expect(transport.sends[1]!.options.resumeUrl).to.equal(undefined, 'the hanging send never got an upload URL');
  });

  it('cancel is final: the request is aborted, the server told, no event afterwards', async () => {
    const { options, transport, api } = fakeOptions();
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    const events = record(uploader);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploading');
    uploader.cancel();
    expect(uploader.getSnapshot().files[0]!.status).to.equal('cancelled');
    await until(() => api.cancelled.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).to.deep.equal(['file-added', 'upload-start', 'all-complete']);
    uploader.retry();
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
  });

  it('runs at most `concurrency` transfers at once', async () => {
    const { options, transport } = fakeOptions({ concurrency: 2 });
    transport.script = [hangingSend, hangingSend, hangingSend, hangingSend];
    const uploader = new Uploader(options);
    await uploader.addFiles([textFile('a.txt', 'aaaa aaaa'), textFile('b.txt', 'bbbb bbbb'), textFile('c.txt', 'cccc cccc')]);
    await until(() => transport.sends.length === 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(transport.sends).to.have.length(2);
    expect(uploader.getSnapshot().files.map((f) => f.status)).to.deep.equal(['uploading', 'uploading', 'queued']);
    uploader.cancel(uploader.getSnapshot().files[0]!.id);
    await until(() => transport.sends.length === 3);
    uploader.destroy();
  });

  it('resumed files wait their turn under the concurrency limit and then continue', async () => {
    const { options, transport } = fakeOptions({ concurrency: 1 });
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    await uploader.addFiles([textFile('a.txt', 'aaaa aaaa'), textFile('b.txt', 'bbbb bbbb')]);
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploading');
    uploader.pause();
    uploader.resume();
    await until(() => uploader.getSnapshot().files.every((f) => f.status === 'uploaded'));
    expect(transport.sends).to.have.length(3, 'a: hung then resumed; b: once');
  });

  it('does not pause server-side processing', async () => {
    const { options } = fakeOptions();
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
    uploader.pause();
    expect(uploader.getSnapshot().files[0]!.status).to.equal('uploaded');
  });

  it('waits for start() when autoUpload is off', async () => {
    const { options, api } = fakeOptions({ autoUpload: false });
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await new Promise((r) => setTimeout(r, 20));
    expect(api.inits).to.have.length(0);
    expect(uploader.getSnapshot().files[0]!.status).to.equal('queued');
    uploader.start();
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
  });

  it('destroy aborts everything and nothing is called back afterwards', async () => {
    const { options, transport } = fakeOptions();
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    let notified = 0;
    let events = 0;
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploading');
    uploader.subscribe(() => notified++);
    uploader.on('upload-error', () => events++);
    const before = uploader.getSnapshot();
    uploader.destroy();
    await until(() => transport.sends[0]!.options.signal.aborted);
    await new Promise((r) => setTimeout(r, 20));
    expect(notified).to.equal(0);
    expect(events).to.equal(0);
    expect(uploader.getSnapshot()).to.equal(before);
    expect(await uploader.addFiles(textFile())).to.deep.equal([]);
  });

  it('coalesces notifications to one per frame by default', async () => {
    const count = async (notify: 'frame' | 'sync') => {
      const uploader = new Uploader(fakeOptions({ notify, autoUpload: false }).options);
      let calls = 0;
      uploader.subscribe(() => calls++);
      await uploader.addFiles([textFile('a.txt'), textFile('b.txt'), textFile('c.txt')]);
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      await new Promise((r) => setTimeout(r, 120));
      expect(uploader.getSnapshot().files.map((f) => f.status)).to.deep.equal(['queued', 'queued', 'queued']);
      return calls;
    };
    const sync = await count('sync');
    const framed = await count('frame');
    expect(sync).to.equal(10, 'added, then validating, inspected and validated for each file');
    expect(framed).to.be.within(1, 3);
  });

  it('a processing failure from the server fails the file with the server\'s message', async () => {
    const { options, feed } = fakeOptions();
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
    const documentId = uploader.getSnapshot().files[0]!.documentId!;
    await until(() => feed.listeners.has(documentId));
    feed.push(documentId, 'parsing', 10);
    feed.push(documentId, 'failed', 0, { code: 'parse_failed', message: 'The PDF is password protected.' });
    await until(() => uploader.getSnapshot().files[0]?.status === 'failed');
    const { error } = uploader.getSnapshot().files[0]!;
    expect(error?.code).to.equal('processing-failed');
    expect(error?.message).to.equal('The PDF is password protected.');
  });

  it('forgets resume records older than resumeMaxAgeMs when it starts working', async () => {
    const { options, resumeStore } = fakeOptions({ resumeMaxAgeMs: 60_000 });
    const old = { key: 'user-1:old:1', documentId: 'd', uploadUrl: 'u', plan: plan(), size: 1, hash: 'old', updatedAt: Date.now() - 120_000 };
    const fresh = { ...old, key: 'user-1:new:1', hash: 'new', updatedAt: Date.now() };
    await resumeStore.put(old);
    await resumeStore.put(fresh);
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploaded');
    expect(await resumeStore.get(old.key)).to.equal(undefined);
    expect(await resumeStore.get(fresh.key)).to.not.equal(undefined);
  });

  it('uses the chunk size option and keeps the plan otherwise', async () => {
    const { options, transport } = fakeOptions({ chunkSize: 8 * 1024 * 1024 });
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile());
    await until(() => transport.sends.length === 1);
    expect(transport.sends[0]!.plan).to.deep.equal({ ...plan(), chunkSize: 8 * 1024 * 1024 });
    expect(() => uploader.setOptions({ chunkSize: 1024 })).to.throw(RangeError);
  });
});

describe('eventsFor: the events an applied action means', () => {
  const a = newFileState({ id: 'a', name: 'a.pdf', size: 1000, type: 'application/pdf', addedAt: 1 });
  /** Apply `actions` in turn; the events of each, as [type, detail] with the file's status. */
  function walk(actions: Action[], start: UploaderSnapshot = emptySnapshot) {
    let state = start;
    const out: { type: UploaderEvent['type']; status: string | undefined; detail: Record<string, unknown> }[] = [];
    for (const action of actions) {
      const next = reduce(state, action);
      for (const e of eventsFor(action, state, next)) {
        const { file, ...rest } = e.detail as { file?: { status: string } };
        out.push({ type: e.type, status: file?.status, detail: rest });
      }
      state = next;
    }
    return { out, state };
  }

  it('maps a file\'s journey to file-added, upload-start, upload-progress, upload-complete, processing-progress, processing-complete', () => {
    const { out } = walk([
      { type: 'added', files: [a] },
      { type: 'validating', id: 'a' },
      { type: 'validated', id: 'a' },
      { type: 'hashing', id: 'a' },
      { type: 'hashed', id: 'a', hash: 'h' },
      { type: 'initializing', id: 'a' },
      { type: 'initialized', id: 'a', documentId: 'doc-1' },
      { type: 'upload-progress', id: 'a', bytesSent: 400, speed: 100, etaSeconds: 6 },
      { type: 'uploaded', id: 'a' },
      { type: 'server-progress', id: 'a', status: 'parsing', processingProgress: 50, etaSeconds: 10, stuck: false },
      { type: 'completed', id: 'a', at: 9 },
    ]);
    expect(out).to.deep.equal([
      { type: 'file-added', status: 'queued', detail: {} },
      { type: 'upload-start', status: 'uploading', detail: { documentId: 'doc-1' } },
      { type: 'upload-progress', status: 'uploading', detail: { bytesSent: 400, bytesTotal: 1000, speed: 100, etaSeconds: 6 } },
      { type: 'upload-complete', status: 'uploaded', detail: { documentId: 'doc-1', duplicate: false } },
      { type: 'processing-progress', status: 'parsing', detail: { status: 'parsing', progress: 50 } },
      { type: 'processing-complete', status: 'completed', detail: { documentId: 'doc-1' } },
    ]);
  });

  it('a duplicate, a failure, a rejection; a document found already stored starts no upload', () => {
    const error = new UploadError('offline', { code: 'network' });
    const reason = { code: 'file-too-large', maxSize: 10, size: 1000 } as const;
    const rejection = new UploadError('too large', { code: 'file-too-large' });
    const start: Action[] = [{ type: 'added', files: [a] }, { type: 'initializing', id: 'a' }];
    expect(walk([...start, { type: 'duplicate', id: 'a', documentId: 'old', at: 2 }]).out)
      .to.deep.equal([{ type: 'upload-complete', status: 'duplicate', detail: { documentId: 'old', duplicate: true } }]);
    expect(walk([...start, { type: 'failed', id: 'a', error }]).out)
      .to.deep.equal([{ type: 'upload-error', status: 'failed', detail: { error } }]);
    expect(walk([{ type: 'added', files: [a] }, { type: 'validating', id: 'a' }, { type: 'rejected', id: 'a', rejection: reason, error: rejection }]).out)
      .to.deep.equal([{ type: 'file-rejected', status: 'failed', detail: { reason, error: rejection } }]);
    expect(walk([...start, { type: 'initialized', id: 'a', documentId: 'doc-1', stored: true }, { type: 'uploaded', id: 'a' }]).out)
      .to.deep.equal([{ type: 'upload-complete', status: 'uploaded', detail: { documentId: 'doc-1', duplicate: false } }]);
  });

  it('an action that changed nothing, or that no event stands for, means nothing', () => {
    const { state } = walk([{ type: 'added', files: [a] }, { type: 'cancelled', id: 'a' }]);
    // Settled files ignore the task's late actions; out-of-order server progress changes nothing.
    expect(eventsFor({ type: 'validated', id: 'a' }, state, reduce(state, { type: 'validated', id: 'a' }))).to.deep.equal([]);
    expect(walk([{ type: 'paused', id: 'a' }, { type: 'hashing', id: 'a' }, { type: 'retry-started', id: 'a' }], state).out).to.deep.equal([]);
    expect(walk([{ type: 'added', files: [a] }, { type: 'stalled', id: 'a' }, { type: 'removed', id: 'a' }]).out).to.deep.equal([]);
  });

  it('all-complete once a settling action leaves every file settled', () => {
    const { state: busy } = walk([{ type: 'added', files: [a, { ...a, id: 'b' }] }, { type: 'cancelled', id: 'a' }]);
    expect(allCompleteEvent({ type: 'cancelled', id: 'a' }, busy)).to.equal(undefined);
    const settled = reduce(busy, { type: 'completed', id: 'b', at: 3 });
    expect(allCompleteEvent({ type: 'completed', id: 'b', at: 3 }, settled)).to.deep.equal({ type: 'all-complete', detail: { files: settled.files } });
    expect(allCompleteEvent({ type: 'removed', id: 'x' }, settled), 'not a settling action').to.equal(undefined);
  });
});

describe('Uploader: clock seam', () => {
  it('retry waits and the stall timer run on the injected clock; timestamps come from it', async () => {
    const clock = new FakeClock(1_000_000);
    const { options, transport, resumeStore } = fakeOptions({ random: () => 0.5, stallTimeoutMs: 5_000 });
    transport.script = [failingSend(new UploadError('offline', { code: 'network' })), hangingSend];
    const uploader = new Uploader(options, { clock });
    const statuses: string[] = [];
    uploader.subscribe(() => statuses.push(uploader.getSnapshot().files[0]!.status));
    await uploader.addFiles(textFile());
    await until(() => uploader.getSnapshot().files[0]?.status === 'retrying');
    // Full jitter at 0.5 of the first 500 ms ceiling.
    expect(uploader.getSnapshot().files[0]).to.include({ retryAt: 1_000_250, attempt: 2 });
    await new Promise((r) => setTimeout(r, 30));
    expect(transport.sends, 'no retry before the clock moves').to.have.length(1);
    clock.advance(250);
    await until(() => uploader.getSnapshot().files[0]?.status === 'uploading' && transport.sends.length === 2);
    const file = textFile();
    const hash = await fakeHasher.hash(file, { signal: new AbortController().signal });
    expect((await resumeStore.get(resumeKey({ userId: 'user-1', hash, size: file.size })))?.updatedAt).to.equal(1_000_000);
    clock.advance(4_999);
    expect(uploader.getSnapshot().files[0]!.status).to.equal('uploading');
    clock.advance(1);
    expect(uploader.getSnapshot().files[0]!.status).to.equal('stalled');
    expect(statuses).to.include('retrying');
    uploader.destroy();
    expect(clock.pending, 'destroy leaves no timer behind').to.equal(0);
  });
});

describe('Uploader.setOptions with new I/O', () => {
  it('the next file uses a new api, transport and hasher; files under way keep theirs', async () => {
    const { options, api, transport } = fakeOptions();
    transport.script = [hangingSend];
    const uploader = new Uploader(options);
    await uploader.addFiles(textFile('a.txt', 'aaaa aaaa'));
    await until(() => transport.sends.length === 1);
    const api2 = new FakeApi();
    const transport2 = new FakeTransport();
    const hashed: string[] = [];
    const hasher2 = { hash: async (blob: Blob) => (hashed.push('new'), fakeHasher.hash(blob, { signal: new AbortController().signal })) };
    uploader.setOptions({ api: api2, transport: transport2, hasher: hasher2 });
    await uploader.addFiles(textFile('b.txt', 'bbbb bbbb'));
    await until(() => uploader.getSnapshot().files[1]?.status === 'uploaded');
    expect([api.inits.length, api2.inits.length]).to.deep.equal([1, 1]);
    expect([transport.sends.length, transport2.sends.length]).to.deep.equal([1, 1]);
    expect(hashed).to.deep.equal(['new']);
    expect(uploader.getSnapshot().files[0]!.status, 'the first file still sends with the old transport').to.equal('uploading');
    uploader.destroy();
  });

  it('a new resume store and progress feed are used from the next file on; passing the same ones again keeps them', async () => {
    const counting = (store: ResumeStore) => {
      const calls: string[] = [];
      const wrapped: ResumeStore = {
        get: (key) => (calls.push('get'), store.get(key)),
        put: (record) => (calls.push('put'), store.put(record)),
        delete: (key) => (calls.push('delete'), store.delete(key)),
        prune: (ms) => (calls.push('prune'), store.prune(ms)),
      };
      return { wrapped, calls };
    };
    const first = fakeOptions();
    const second = fakeOptions();
    const store1 = counting(first.resumeStore);
    const store2 = counting(second.resumeStore);
    let feeds = 0;
    const initial: UploaderOptions = { ...first.options, resumeStore: store1.wrapped, progressFeed: () => (feeds++, first.feed) };
    const uploader = new Uploader(initial);
    await uploader.addFiles(textFile('a.txt', 'aaaa aaaa'));
    await until(() => first.feed.listeners.size === 1);
    // What a binding does with every change of another option: the same I/O again.
    uploader.setOptions({ ...initial, maxFiles: 5 });
    await uploader.addFiles(textFile('b.txt', 'bbbb bbbb'));
    await until(() => first.feed.listeners.size === 2);
    expect(store1.calls.filter((c) => c === 'prune')).to.have.length(1);
    expect(feeds).to.equal(1);
    uploader.setOptions({ resumeStore: store2.wrapped, progressFeed: () => second.feed });
    const used = store1.calls.length;
    await uploader.addFiles(textFile('c.txt', 'cccc cccc'));
    await until(() => second.feed.listeners.size === 1);
    expect(store2.calls).to.include.members(['prune', 'get', 'put', 'delete']);
    expect(store1.calls).to.have.length(used);
    expect(first.feed.listeners.size, 'earlier files keep following on the old feed').to.equal(2);
    uploader.destroy();
  });
});

describe('UploaderEvents (the shared listener registry)', () => {
  it('calls listeners of the type in order; one removed during an event is not called afterwards', () => {
    const events = new UploaderEvents();
    const calls: string[] = [];
    let offSecond = () => {};
    events.on('all-complete', () => (calls.push('first'), offSecond()));
    offSecond = events.on('all-complete', () => calls.push('second'));
    events.on('file-added', () => calls.push('other type'));
    events.send({ type: 'all-complete', detail: { files: [] } });
    expect(calls).to.deep.equal(['first']);
  });
});
