import { expect } from '@open-wc/testing';
import { fileActionList, fileActions } from './file-actions.js';
import * as main from './index.js';
import * as store from './store.js';
import type { FileStatus, RejectionReason } from './types.js';

const file = (status: FileStatus, rejection?: RejectionReason) => ({ status, rejection });

describe('fileActions', () => {
  it('gives every status its buttons', () => {
    const table: Record<FileStatus, string[]> = {
      queued: ['pause', 'cancel', 'remove'],
      validating: ['cancel', 'remove'],
      hashing: ['pause', 'cancel', 'remove'],
      initializing: ['pause', 'cancel', 'remove'],
      uploading: ['pause', 'cancel', 'remove'],
      retrying: ['pause', 'cancel', 'remove'],
      stalled: ['pause', 'cancel', 'remove'],
      paused: ['resume', 'cancel', 'remove'],
      uploaded: ['cancel', 'remove'],
      processing: ['cancel', 'remove'],
      parsing: ['cancel', 'remove'],
      embedding: ['cancel', 'remove'],
      completed: ['remove'],
      duplicate: ['remove'],
      failed: ['retry', 'remove'],
      cancelled: ['retry', 'remove'],
    };
    for (const [status, actions] of Object.entries(table)) {
      expect(fileActionList(file(status as FileStatus)), status).to.deep.equal(actions);
    }
  });

  it('offers no retry for a refused file, which would be refused again', () => {
    expect(fileActions(file('failed', { code: 'file-empty' }))).to.deep.equal({ toggle: undefined, stop: undefined });
    expect(fileActionList(file('failed', { code: 'file-empty' }))).to.deep.equal(['remove']);
  });

  it('puts pause and resume in one slot, cancel and retry in the other', () => {
    expect(fileActions(file('uploading'))).to.deep.equal({ toggle: 'pause', stop: 'cancel' });
    expect(fileActions(file('paused'))).to.deep.equal({ toggle: 'resume', stop: 'cancel' });
    expect(fileActions(file('cancelled'))).to.deep.equal({ toggle: undefined, stop: 'retry' });
  });

  it('is exported from the store entry and the main entry', () => {
    expect(store.fileActions).to.equal(fileActions);
    expect(store.fileActionList).to.equal(fileActionList);
    expect(main.fileActions).to.equal(fileActions);
    expect(main.fileActionList).to.equal(fileActionList);
  });
});
