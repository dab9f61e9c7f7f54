import { expect } from '@open-wc/testing';
import { consoleDuring } from '../testing/fakes.js';
import { mainThreadWarning, WorkerHasher } from '../hashing/worker-hasher.js';
import type { HashResponse } from '../hashing/protocol.js';
import type { DocumentInfo, DocumentKind } from './document-info.js';
import { buildDocx, buildEncryptedDocx, buildPdf, buildUpdatedPdf, textFixtures } from './fixtures.js';
import { createDefaultInspector, MainThreadInspector, WorkerInspector } from './index.js';

const signal = () => new AbortController().signal;

/** Workers from the TypeScript source (as in worker-hasher.test.ts), recording their answers. */
function recordingFactory() {
  const messages: HashResponse[] = [];
  return {
    messages,
    created: 0,
    createWorker() {
      this.created += 1;
      const worker = new Worker(new URL('../hashing/hash-worker.ts', import.meta.url), { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<HashResponse>) => messages.push(event.data));
      return worker;
    },
  };
}

async function cases(): Promise<[Blob, DocumentKind][]> {
  return [
    [await buildPdf(['text', 'image'], { compress: true }), 'pdf'],
    [await buildPdf(['image'], { xref: 'stream', version: '1.5' }), 'pdf'],
    [await buildPdf(['text'], { encrypt: 'aes' }), 'pdf'],
    [await buildUpdatedPdf(2), 'pdf'],
    [new Blob([await buildDocx({ pages: 4, words: 900 })]), 'docx'],
    [new Blob([buildEncryptedDocx()]), 'docx'],
    [new Blob([textFixtures.utf16le()]), 'txt'],
    [new Blob([textFixtures.binary()]), 'txt'],
  ];
}

describe('Inspectors', () => {
  let hasher: WorkerHasher | undefined;
  afterEach(() => hasher?.terminate());

  it('the worker and the main thread give the same results', async () => {
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: () => factory.createWorker() });
    const worker = new WorkerInspector({ hasher });
    const main = new MainThreadInspector();
    for (const [file, kind] of await cases()) {
      const fromWorker = await worker.inspect(file, { kind, signal: signal() });
      expect(fromWorker).to.deep.equal(await main.inspect(file, { kind, signal: signal() }));
    }
    // Every answer came from the worker, and one worker served them all.
    expect(factory.messages.filter((m) => 'info' in m)).to.have.length((await cases()).length);
    expect(factory.created).to.equal(1);
  });

  it('shares the hasher worker and is not queued behind a whole-file hash', async function () {
    this.timeout(30_000);
    const factory = recordingFactory();
    hasher = new WorkerHasher({ createWorker: () => factory.createWorker() });
    const inspector = new WorkerInspector({ hasher });
    const big = new Blob([new Uint8Array(192 * 1024 * 1024)]);
    let hashed = false;
    const hashing = hasher.hash(big, { signal: signal() }).then((hash) => {
      hashed = true;
      return hash;
    });
    const info = await inspector.inspect(await buildPdf(['text']), { kind: 'pdf', signal: signal() });
    expect(info.pageCount).to.equal(1);
    expect(hashed, 'the inspection waited for the hash').to.equal(false);
    expect(await hashing).to.have.length(32);
    expect(factory.created).to.equal(1);
  });

  it('aborts an inspection in the worker', async () => {
    hasher = new WorkerHasher({ createWorker: () => recordingFactory().createWorker() });
    const inspector = new WorkerInspector({ hasher });
    const controller = new AbortController();
    const promise = inspector.inspect(new Blob([textFixtures.utf8()]), { kind: 'txt', signal: controller.signal });
    controller.abort();
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).to.have.property('code', 'aborted');
    const aborted = new AbortController();
    aborted.abort();
    const early = await inspector.inspect(new Blob(['x']), { kind: 'txt', signal: aborted.signal }).then(() => undefined, (e: unknown) => e);
    expect(early).to.have.property('code', 'aborted');
  });

  it('terminating the hasher rejects an inspection in progress', async () => {
    hasher = new WorkerHasher({ createWorker: () => recordingFactory().createWorker() });
    const inspector = new WorkerInspector({ hasher });
    const promise = inspector.inspect(await buildPdf(['text']), { kind: 'pdf', signal: signal() });
    hasher.terminate();
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).to.have.property('code', 'aborted');
    expect(String((error as Error).message)).to.match(/^Inspection was stopped/);
  });

  it('falls back to the main thread when the worker cannot start or load', async () => {
    mainThreadWarning.shown = false;
    const file = new Blob([textFixtures.utf8()]);
    let thrown: DocumentInfo | undefined;
    let broken: DocumentInfo | undefined;
    const warnings = await consoleDuring('warn', async () => {
      const throwing = new WorkerInspector({ createWorker: () => { throw new Error('CSP'); } });
      thrown = await throwing.inspect(file, { kind: 'txt', signal: signal() });
      const missing = new WorkerInspector({ createWorker: () => new Worker(new URL('./no-such-worker.js', import.meta.url), { type: 'module' }) });
      broken = await missing.inspect(file, { kind: 'txt', signal: signal() });
    });
    const expected = await new MainThreadInspector().inspect(file, { kind: 'txt', signal: signal() });
    expect(thrown).to.deep.equal(expected);
    expect(broken).to.deep.equal(expected);
    expect(warnings).to.have.length(1);
  });

  it('createDefaultInspector: a worker inspector, sharing a WorkerHasher when given one', () => {
    expect(createDefaultInspector()).to.be.instanceOf(WorkerInspector);
    expect(createDefaultInspector({ hasher: new WorkerHasher() })).to.be.instanceOf(WorkerInspector);
  });
});
