import { expect } from '@open-wc/testing';
import * as main from './index.js';
import * as store from './store.js';
import * as testing from './testing/index.js';

const names = (module: object) => Object.keys(module).sort();

describe('the package entries', () => {
  it('main = the store entry plus the I/O defaults, the same objects', () => {
    for (const name of names(store)) {
      expect((main as Record<string, unknown>)[name], name).to.equal((store as Record<string, unknown>)[name]);
    }
    const io = names(main).filter((name) => !(name in store));
    expect(io).to.deep.equal([
      'DEFAULT_TUS_CHUNK_SIZE', 'DOCX_TYPE', 'DiscardUpload', 'IndexedDbResumeStore', 'MAX_FILE_NAME_BYTES', 'MainThreadHasher',
      'MainThreadInspector', 'MemoryResumeStore', 'PDF_TYPE', 'TEXT_TYPE', 'TransportError', 'V2UploadClient', 'WorkerHasher', 'WorkerInspector', 'checkFileName',
      'createBackendApi', 'createDefaultHasher', 'createDefaultInspector', 'createDefaultTransport', 'createPollingFeed', 'createProgressFeed',
      'createPutTransport', 'createRealtimeFeed', 'createTusTransport', 'detectDocumentType', 'filesFromDataTransfer',
      'filesFromInput', 'fingerprintOf', 'md5OfBlob', 'resumeKey', 'validateFile', 'validateFiles',
    ]);
  });

  it('keeps the engine internals out of the main entry and in /testing', () => {
    for (const internal of ['reduce', 'newFileState', 'emptySnapshot', 'ProgressMeter', 'retryDelay', 'rejectionError']) {
      expect(internal in main, internal).to.equal(false);
      expect((testing as Record<string, unknown>)[internal], internal).to.exist;
    }
  });
});
