// Inspection's rules from the Uploader's side (issue 20), with a scripted inspector: what is
// refused before any request, what passes with a notice, and the app's own rule.
import { expect } from '@open-wc/testing';
import type { Inspector } from './interfaces.js';
import type { DocumentInfo } from './inspection/document-info.js';
import { rejectionTextsReady } from './i18n/index.js';
import { Uploader } from './uploader.js';
import { DEFAULT_DOCUMENT_RULES, documentNotices, documentRejection } from './validation/document-rules.js';
import { rejectionMessage } from './validation/messages.js';
import { inspectDocument } from './inspection/inspect.js';
import { fakeOptions, pdfBlob, until } from './testing/fakes.js';

const pdfInfo = (over: Partial<DocumentInfo> = {}): DocumentInfo => ({
  kind: 'pdf', pageCount: 12, wordCount: null, lineCount: null, encrypted: false, textLayer: 'text', macros: false,
  encoding: null, binary: false, damage: null, pdfVersion: '1.7', linearized: false, incrementalUpdates: 0, ...over,
});

function scripted(info: DocumentInfo | Error) {
  const calls: { kind: string; size: number }[] = [];
  const inspector: Inspector = {
    async inspect(file, { kind }) {
      calls.push({ kind, size: file.size });
      if (info instanceof Error) throw info;
      return info;
    },
  };
  return { inspector, calls };
}

const settledStatus = (uploader: Uploader) => uploader.getSnapshot().files[0]?.status;

describe('document rules', () => {
  it('refuse passwords, damage, macros and binary text by default; pass scans with a notice; maxPages when set', () => {
    expect(documentRejection(pdfInfo())).to.equal(undefined);
    expect(documentRejection(pdfInfo({ encrypted: true }))).to.deep.equal({ code: 'document-refused', kind: 'pdf', problem: 'encrypted' });
    expect(documentRejection(pdfInfo({ damage: 'truncated' }))).to.deep.equal({ code: 'document-refused', kind: 'pdf', problem: 'damaged-truncated' });
    expect(documentRejection(pdfInfo({ kind: 'docx', macros: true }))).to.deep.equal({ code: 'document-refused', kind: 'docx', problem: 'macros' });
    expect(documentRejection(pdfInfo({ kind: 'txt', binary: true }))).to.deep.equal({ code: 'document-refused', kind: 'txt', problem: 'binary' });
    expect(documentRejection(pdfInfo({ textLayer: 'image-only' }))).to.equal(undefined);
    expect(documentNotices(pdfInfo({ textLayer: 'image-only' }))).to.deep.equal(['needs-ocr']);
    expect(documentNotices(pdfInfo({ kind: 'txt', encoding: 'unknown', textLayer: 'text' }))).to.deep.equal(['unknown-encoding']);
    expect(documentRejection(pdfInfo({ pageCount: 300 }), { ...DEFAULT_DOCUMENT_RULES, maxPages: 200 })).to.deep.equal({ code: 'too-many-pages', maxPages: 200, pageCount: 300 });
    expect(documentRejection(pdfInfo({ pageCount: null }), { ...DEFAULT_DOCUMENT_RULES, maxPages: 1 })).to.equal(undefined);
    const lenient = { ...DEFAULT_DOCUMENT_RULES, refuseEncrypted: false, refuseDamaged: false, refuseMacros: false, refuseBinaryText: false };
    for (const over of [{ encrypted: true }, { damage: 'no-xref' as const }, { macros: true }, { binary: true }]) {
      expect(documentRejection(pdfInfo(over), lenient)).to.equal(undefined);
    }
  });

  it('say what to do, in English, German and Arabic', async () => {
    await Promise.all([rejectionTextsReady('de'), rejectionTextsReady('ar')]);
    const encrypted = { code: 'document-refused', kind: 'pdf', problem: 'encrypted' } as const;
    expect(rejectionMessage(encrypted, 'en', 'contract.pdf')).to.equal('contract.pdf is password-protected: remove the password and upload it again.');
    expect(rejectionMessage(encrypted, 'en')).to.equal('This PDF is password-protected: remove the password and upload it again.');
    expect(rejectionMessage(encrypted, 'de')).to.equal('Dieses PDF ist passwortgeschützt: Bitte das Passwort entfernen und erneut hochladen.');
    expect(rejectionMessage({ code: 'too-many-pages', maxPages: 200, pageCount: 1234 }, 'de')).to.contain('1.234 Seiten');
    const problems = ['encrypted', 'damaged-no-xref', 'damaged-truncated', 'damaged-missing-parts', 'damaged-unreadable', 'macros', 'binary'] as const;
    for (const locale of ['en', 'de', 'ar']) {
      const texts = problems.map((problem) => rejectionMessage({ code: 'document-refused', kind: 'docx', problem }, locale));
      expect(new Set(texts).size, locale).to.equal(problems.length);
    }
    expect(rejectionMessage({ code: 'document-refused', kind: 'pdf', problem: 'encrypted' }, 'ar')).to.match(/[\u0600-\u06FF]/);
  });
});

describe('Uploader with inspection', () => {
  it('a password-protected PDF is refused before any request, with the reason; its facts stay visible', async () => {
    const { inspector, calls } = scripted(pdfInfo({ encrypted: true }));
    const { options, api } = fakeOptions({ inspector });
    const uploader = new Uploader(options);
    const rejected: string[] = [];
    uploader.on('file-rejected', ({ error }) => rejected.push(error.code));
    await uploader.addFiles(pdfBlob(4096, 1, 'contract.pdf'));
    const [file] = uploader.getSnapshot().files;
    expect(file!.status).to.equal('failed');
    expect(file!.rejection).to.deep.equal({ code: 'document-refused', kind: 'pdf', problem: 'encrypted' });
    expect(file!.error?.message).to.equal('contract.pdf is password-protected: remove the password and upload it again.');
    expect(file!.document?.encrypted).to.equal(true);
    expect(rejected).to.deep.equal(['document-refused']);
    expect(calls).to.deep.equal([{ kind: 'pdf', size: 4096 }]);
    expect(api.inits).to.have.length(0);
  });

  it('a scanned PDF goes on, with file.document and the facts sent to upload-handler', async () => {
    const { inspector } = scripted(pdfInfo({ textLayer: 'image-only', pageCount: 3 }));
    const { options, api } = fakeOptions({ inspector });
    const uploader = new Uploader(options);
    await uploader.addFiles(pdfBlob(4096, 2, 'scan.pdf'));
    await until(() => settledStatus(uploader) === 'uploaded');
    expect(uploader.getSnapshot().files[0]!.document).to.deep.include({ pageCount: 3, textLayer: 'image-only' });
    expect(api.inits[0]!.inspection).to.deep.equal({ kind: 'pdf', pageCount: 3, wordCount: null, textLayer: 'image-only', encrypted: false });
  });

  it('maxPages refuses a longer document', async () => {
    const { inspector } = scripted(pdfInfo({ pageCount: 301 }));
    const { options } = fakeOptions({ inspector, documentRules: { maxPages: 300 } });
    const uploader = new Uploader(options);
    await uploader.addFiles(pdfBlob(4096, 3, 'long.pdf'));
    expect(uploader.getSnapshot().files[0]!.rejection).to.deep.equal({ code: 'too-many-pages', maxPages: 300, pageCount: 301 });
    expect(() => new Uploader({ ...options, documentRules: { maxPages: 0 } })).to.throw(RangeError, /maxPages/);
  });

  it('validateDocument: the app\'s rule sees the document, refuses with its message (or its error\'s), or accepts', async () => {
    const seen: (DocumentInfo | undefined)[] = [];
    const { inspector } = scripted(pdfInfo({ pageCount: 7 }));
    const { options, api } = fakeOptions({
      inspector,
      validateDocument: async (file, document) => {
        seen.push(document);
        if (file.name.startsWith('no')) return 'Our team only takes signed contracts.';
        if (file.name.startsWith('boom')) throw new Error('The contract registry is down; try again later.');
        return undefined;
      },
    });
    const uploader = new Uploader(options);
    await uploader.addFiles([pdfBlob(4096, 4, 'no.pdf'), pdfBlob(4096, 5, 'boom.pdf'), pdfBlob(4096, 6, 'yes.pdf')]);
    const [no, boom, yes] = uploader.getSnapshot().files;
    expect([no!.rejection, no!.error?.code, no!.error?.message]).to.deep.equal([{ code: 'refused-by-app', message: 'Our team only takes signed contracts.' }, 'refused-by-app', 'Our team only takes signed contracts.']);
    expect(boom!.error?.message).to.equal('The contract registry is down; try again later.');
    expect(yes!.status).to.not.equal('failed');
    expect(seen.map((d) => d?.pageCount)).to.deep.equal([7, 7, 7]);
    await until(() => api.inits.length === 1);
  });

  it('inspection off, or an inspector that fails: nothing refused, no document, the hook gets undefined', async () => {
    for (const [over, expectCalls] of [[{ inspect: false }, 0], [{}, 1]] as const) {
      const { inspector, calls } = scripted(new Error('an odd PDF'));
      const documents: unknown[] = [];
      const { options } = fakeOptions({ inspector, ...over, validateDocument: (_f, d) => void documents.push(d) });
      const uploader = new Uploader(options);
      await uploader.addFiles(pdfBlob(4096, 7, 'odd.pdf'));
      await until(() => settledStatus(uploader) === 'uploaded');
      expect(uploader.getSnapshot().files[0]!.document).to.equal(undefined);
      expect(calls).to.have.length(expectCalls);
      expect(documents).to.deep.equal([undefined]);
      uploader.destroy();
    }
  });
});

describe('pdfBlob (the test files of every suite)', () => {
  it('is a well-formed one-page PDF with text at any size from 1 KB to 20 MB, exactly that size', async () => {
    for (const size of [1024, 4096, 200 * 1024, 3 * 1024 * 1024 + 7, 20 * 1024 * 1024]) {
      const file = pdfBlob(size, size);
      expect(file.size).to.equal(size);
      const info = await inspectDocument(file, 'pdf', { signal: new AbortController().signal });
      expect(info, String(size)).to.deep.include({ kind: 'pdf', pageCount: 1, damage: null, encrypted: false, textLayer: 'text' });
    }
  });
});
