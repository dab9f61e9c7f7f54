import { expect } from '@open-wc/testing';
import { type Action, emptySnapshot, newFileState, overallProgress, reduce } from './reducer.js';
import type { UploaderSnapshot } from './types.js';
import { UploadError } from './upload-error.js';

const file = (id = 'a', size = 1000) => newFileState({ id, name: `${id}.pdf`, size, type: 'application/pdf', addedAt: 1 });
const run = (...actions: Action[]) => actions.reduce(reduce, emptySnapshot);
const one = (s: UploaderSnapshot, id = 'a') => s.files.find((f) => f.id === id)!;
const netError = new UploadError('offline', { code: 'network' });

describe('reduce', () => {
  it('walks the happy path to completed', () => {
    const s = run(
      { type: 'added', files: [file()] },
      { type: 'validating', id: 'a' },
      { type: 'hashing', id: 'a' },
      { type: 'hash-progress', id: 'a', progress: 0.5 },
      { type: 'hashed', id: 'a', hash: 'h' },
      { type: 'initializing', id: 'a' },
      { type: 'initialized', id: 'a', documentId: 'd' },
      { type: 'upload-progress', id: 'a', bytesSent: 400, speed: 100, etaSeconds: 6 },
    );
    expect(one(s).status).to.equal('uploading');
    expect(one(s).bytesSent).to.equal(400);
    expect(s.busy).to.equal(true);
    const done = [
      { type: 'uploaded', id: 'a' } as const,
      { type: 'server-progress', id: 'a', status: 'parsing', processingProgress: 50, etaSeconds: 10, stuck: false } as const,
      { type: 'server-progress', id: 'a', status: 'embedding', processingProgress: 0, etaSeconds: undefined, stuck: false } as const,
      { type: 'completed', id: 'a', at: 99 } as const,
    ].reduce(reduce, s);
    expect(one(done).status).to.equal('completed');
    expect(one(done).progress).to.equal(1);
    expect(one(done).completedAt).to.equal(99);
    expect(done.totals).to.include({ files: 1, completed: 1, active: 0, bytesSent: 1000, progress: 1 });
    expect(done.busy).to.equal(false);
  });

  it('keeps identity when nothing changes (snapshots are stable for useSyncExternalStore)', () => {
    const s = run({ type: 'added', files: [file()] });
    expect(reduce(s, { type: 'resumed', id: 'a' })).to.equal(s);
    expect(reduce(s, { type: 'hashing', id: 'nope' })).to.equal(s);
    expect(reduce(s, { type: 'added', files: [file()] })).to.equal(s);
    expect(Object.isFrozen(s.files)).to.equal(true);
    expect(Object.isFrozen(one(s))).to.equal(true);
  });

  it('never lets bytes or stages go backwards', () => {
    const s = run(
      { type: 'added', files: [file()] },
      { type: 'initialized', id: 'a', documentId: 'd' },
      { type: 'upload-progress', id: 'a', bytesSent: 600, speed: 1, etaSeconds: 1 },
      { type: 'upload-progress', id: 'a', bytesSent: 200, speed: 1, etaSeconds: 1 },
    );
    expect(one(s).bytesSent).to.equal(600);
    const later = run(
      { type: 'added', files: [file()] },
      { type: 'server-progress', id: 'a', status: 'embedding', processingProgress: 40, etaSeconds: undefined, stuck: false },
      { type: 'server-progress', id: 'a', status: 'parsing', processingProgress: 90, etaSeconds: undefined, stuck: false },
      { type: 'server-progress', id: 'a', status: 'embedding', processingProgress: 30, etaSeconds: undefined, stuck: false },
    );
    expect(one(later).status).to.equal('embedding');
    expect(one(later).processingProgress).to.equal(40);
  });

  it('pauses and resumes to where it was, also when work finishes while paused', () => {
    const s = run(
      { type: 'added', files: [file()] },
      { type: 'initialized', id: 'a', documentId: 'd' },
      { type: 'paused', id: 'a' },
    );
    expect(one(s)).to.include({ status: 'paused', resumeStatus: 'uploading' });
    expect(one(reduce(s, { type: 'resumed', id: 'a' })).status).to.equal('uploading');
    const whilePaused = run({ type: 'added', files: [file()] }, { type: 'paused', id: 'a' }, { type: 'hashing', id: 'a' });
    expect(one(whilePaused)).to.include({ status: 'paused', resumeStatus: 'hashing' });
  });

  it('retries and stalls are side states that return to the step', () => {
    const s = run(
      { type: 'added', files: [file()] },
      { type: 'initialized', id: 'a', documentId: 'd' },
      { type: 'retrying', id: 'a', error: netError, retryAt: 5000, attempt: 2 },
    );
    expect(one(s)).to.include({ status: 'retrying', resumeStatus: 'uploading', attempt: 2, retryAt: 5000 });
    expect(one(s).error).to.equal(netError);
    expect(one(reduce(s, { type: 'retry-started', id: 'a' }))).to.include({ status: 'uploading', retryAt: undefined });
    const stalled = run({ type: 'added', files: [file()] }, { type: 'initialized', id: 'a', documentId: 'd' }, { type: 'stalled', id: 'a' });
    expect(one(stalled).status).to.equal('stalled');
    expect(one(reduce(stalled, { type: 'unstalled', id: 'a' })).status).to.equal('uploading');
    expect(reduce(stalled, { type: 'stalled', id: 'a' })).to.equal(stalled);
  });

  it('treats cancel as final: later events from the aborted work change nothing', () => {
    const s = run({ type: 'added', files: [file()] }, { type: 'initialized', id: 'a', documentId: 'd' }, { type: 'cancelled', id: 'a' });
    for (const late of [
      { type: 'upload-progress', id: 'a', bytesSent: 900, speed: 1, etaSeconds: 1 },
      { type: 'uploaded', id: 'a' },
      { type: 'completed', id: 'a', at: 5 },
      { type: 'failed', id: 'a', error: netError },
    ] as Action[]) {
      expect(reduce(s, late)).to.equal(s);
    }
    const again = reduce(s, { type: 'reset', id: 'a' });
    expect(one(again)).to.include({ status: 'queued', attempt: 0, error: undefined });
  });

  it('a rejected file stays rejected (retrying the same bytes cannot help)', () => {
    const error = new UploadError('too big', { code: 'file-too-large' });
    const s = run({ type: 'added', files: [file()] }, { type: 'rejected', id: 'a', rejection: { code: 'file-too-large', maxSize: 10, size: 1000 }, error });
    expect(one(s).status).to.equal('failed');
    expect(one(s).rejection?.code).to.equal('file-too-large');
    expect(reduce(s, { type: 'reset', id: 'a' })).to.equal(s);
    expect(s.totals.failed).to.equal(1);
  });

  it('a duplicate completes at once with no bytes sent', () => {
    const s = run({ type: 'added', files: [file()] }, { type: 'hashed', id: 'a', hash: 'h' }, { type: 'duplicate', id: 'a', documentId: 'old', at: 7 });
    expect(one(s)).to.include({ status: 'duplicate', duplicateOf: 'old', documentId: 'old', bytesSent: 0, progress: 1 });
    expect(s.totals.completed).to.equal(1);
  });

  it('weights one progress bar across hashing, upload and processing', () => {
    const base = newFileState({ id: 'x', name: 'x', size: 100, type: '', addedAt: 0 });
    expect(overallProgress({ ...base, hashProgress: 1 })).to.be.closeTo(0.05, 1e-9);
    expect(overallProgress({ ...base, hash: 'h', bytesSent: 50, status: 'uploading' })).to.be.closeTo(0.375, 1e-9);
    expect(overallProgress({ ...base, hash: 'h', status: 'parsing', processingProgress: 50 })).to.be.closeTo(0.775, 1e-9);
    expect(overallProgress({ ...base, hash: 'h', status: 'embedding', processingProgress: 100 })).to.be.closeTo(1, 1e-9);
  });

  it('removes files and recomputes totals', () => {
    const s = run({ type: 'added', files: [file('a'), file('b', 3000)] }, { type: 'removed', id: 'a' });
    expect(s.files.map((f) => f.id)).to.deep.equal(['b']);
    expect(s.totals.bytesTotal).to.equal(3000);
    expect(reduce(s, { type: 'removed', id: 'a' })).to.equal(s);
  });
});
