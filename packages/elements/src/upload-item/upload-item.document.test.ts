// What inspection found, in the row (issue 20): the facts beside the size ("12 pages",
// "2,345 words"), the notices as warnings, and the refusals as the core's texts.
import { expect, fixture, html } from '@open-wc/testing';
import { type DocumentInfo, type RejectionReason, rejectionMessage, rejectionTextsReady, type UploadFileState } from '@v2-uploader/core';
import { newFileState } from '@v2-uploader/core/testing';
import { resolveLocale } from '../i18n/locale.js';
import './define.js';
import type { V2UploadItem } from './upload-item.js';

const TYPES = { pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', txt: 'text/plain' };

const info = (kind: DocumentInfo['kind'], over: Partial<DocumentInfo> = {}): DocumentInfo => ({
  kind, pageCount: null, wordCount: null, lineCount: null, encrypted: false, textLayer: 'text', macros: false,
  encoding: kind === 'txt' ? 'utf-8' : null, binary: false, damage: null, pdfVersion: kind === 'pdf' ? '1.7' : null,
  linearized: kind === 'pdf' ? false : null, incrementalUpdates: kind === 'pdf' ? 0 : null, ...over,
});

const file = (name: string, document: DocumentInfo | undefined, over: Partial<UploadFileState> = {}): UploadFileState => ({
  ...newFileState({ id: 'f1', name, size: 2 * 1024 * 1024, type: TYPES[document?.kind ?? 'pdf'], addedAt: 0 }),
  status: 'uploading',
  progress: 0.3,
  document,
  ...over,
});

const refused = (name: string, document: DocumentInfo, rejection: RejectionReason) =>
  file(name, document, { status: 'failed', progress: 0, rejection });

const render = (f: UploadFileState, tag = 'en') =>
  fixture<V2UploadItem>(html`<v2-upload-item .file=${f} .locale=${resolveLocale(tag)}></v2-upload-item>`);

const part = (el: V2UploadItem, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: V2UploadItem, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim();
const meta = (el: V2UploadItem) => el.shadowRoot!.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ').trim();
const messages = (el: V2UploadItem) =>
  [...el.shadowRoot!.querySelectorAll('.message')].map((m) => ({ tone: m.className.replace(/.*message--/, ''), text: m.textContent!.trim() }));

describe('<v2-upload-item> with what inspection found', () => {
  before(() => Promise.all([rejectionTextsReady('de'), rejectionTextsReady('ar')]));

  it('a PDF with text: its pages beside the size, no notice', async () => {
    const el = await render(file('report.pdf', info('pdf', { pageCount: 12 })));
    expect(text(el, 'facts')).to.equal('12 pages');
    expect(meta(el)).to.equal('2 MB · 12 pages · Uploading');
    expect(messages(el)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('one page is singular', async () => {
    expect(text(await render(file('memo.pdf', info('pdf', { pageCount: 1 }))), 'facts')).to.equal('1 page');
  });

  it('a scanned PDF: a warning that its text will be recognised, named in the row description', async () => {
    const el = await render(file('scan.pdf', info('pdf', { pageCount: 3, textLayer: 'image-only' })));
    expect(text(el, 'facts')).to.equal('3 pages');
    expect(messages(el)).to.deep.equal([{ tone: 'warning', text: 'Scanned: the text will be recognised (OCR)' }]);
    expect(part(el, 'base')!.getAttribute('aria-describedby')).to.equal('message');
    expect(text(el, 'message')).to.equal('Scanned: the text will be recognised (OCR)');
    await expect(el).to.be.accessible();
  });

  it('a partly scanned PDF warns too', async () => {
    const el = await render(file('mixed.pdf', info('pdf', { pageCount: 40, textLayer: 'mixed' })));
    expect(messages(el).map((m) => m.text)).to.deep.equal(['Scanned: the text will be recognised (OCR)']);
  });

  it('a Word document: pages and words, grouped for the locale', async () => {
    const el = await render(file('thesis.docx', info('docx', { pageCount: 12, wordCount: 2345 })));
    expect(text(el, 'facts')).to.equal('12 pages · 2,345 words');
    expect(messages(el)).to.deep.equal([]);
  });

  it('a Word document without the counts Word writes: no facts', async () => {
    const el = await render(file('bare.docx', info('docx')));
    expect(part(el, 'facts')).to.equal(null);
    expect(meta(el)).to.equal('2 MB · Uploading');
  });

  it('a text file: its words (never pages); an unusual encoding is a warning', async () => {
    const el = await render(file('notes.txt', info('txt', { wordCount: 1, lineCount: 1, encoding: 'unknown' })));
    expect(text(el, 'facts')).to.equal('1 word');
    expect(messages(el)).to.deep.equal([{ tone: 'warning', text: 'Unusual text encoding: some characters may come out wrong' }]);
  });

  it('no document (inspection off, or not yet done): the row is as before', async () => {
    const el = await render(file('report.pdf', undefined));
    expect(part(el, 'facts')).to.equal(null);
    expect(messages(el)).to.deep.equal([]);
  });

  // Each refusal reads as the core's text, as an error, with only "remove" to press.
  const refusals: [string, DocumentInfo, RejectionReason][] = [
    ['locked.pdf', info('pdf', { encrypted: true }), { code: 'document-refused', kind: 'pdf', problem: 'encrypted' }],
    ['broken.pdf', info('pdf', { damage: 'no-xref' }), { code: 'document-refused', kind: 'pdf', problem: 'damaged-no-xref' }],
    ['cut.pdf', info('pdf', { damage: 'truncated' }), { code: 'document-refused', kind: 'pdf', problem: 'damaged-truncated' }],
    ['macros.docx', info('docx', { macros: true, pageCount: 4 }), { code: 'document-refused', kind: 'docx', problem: 'macros' }],
    ['data.txt', info('txt', { binary: true }), { code: 'document-refused', kind: 'txt', problem: 'binary' }],
    ['huge.pdf', info('pdf', { pageCount: 512 }), { code: 'too-many-pages', maxPages: 300, pageCount: 512 }],
    ['draft.pdf', info('pdf', { pageCount: 2 }), { code: 'refused-by-app', message: 'Drafts cannot be filed; upload the signed version.' }],
  ];
  for (const [name, document, rejection] of refusals) {
    it(`refused (${rejection.code}${'problem' in rejection ? `: ${rejection.problem}` : ''}): the core's text, an error, only remove`, async () => {
      const el = await render(refused(name, document, rejection));
      expect(text(el, 'status')).to.equal('Failed');
      expect(messages(el)).to.deep.equal([{ tone: 'error', text: rejectionMessage(rejection, 'en') }]);
      expect([...el.shadowRoot!.querySelectorAll('.actions button')].map((b) => b.getAttribute('part'))).to.deep.equal(['remove-button']);
      await expect(el).to.be.accessible();
    });
  }

  it('a refused scan says why it was refused, not that it will be recognised', async () => {
    const el = await render(refused('scan.pdf', info('pdf', { pageCount: 512, textLayer: 'image-only' }), { code: 'too-many-pages', maxPages: 300, pageCount: 512 }));
    expect(text(el, 'facts')).to.equal('512 pages');
    expect(messages(el)).to.deep.equal([{ tone: 'error', text: 'This file has 512 pages; at most 300 are accepted. Split it and upload the parts.' }]);
  });

  it('German: plural forms, grouping and the notices', async () => {
    const el = await render(file('Bericht.docx', info('docx', { pageCount: 1, wordCount: 12345 })), 'de');
    expect(text(el, 'facts')).to.equal('1 Seite · 12.345 Wörter');
    const scan = await render(file('Scan.pdf', info('pdf', { pageCount: 3, textLayer: 'image-only' })), 'de');
    expect(text(scan, 'facts')).to.equal('3 Seiten');
    expect(messages(scan)).to.deep.equal([{ tone: 'warning', text: 'Gescannt: Der Text wird per Texterkennung (OCR) gelesen' }]);
    const locked = await render(refused('Gesperrt.pdf', info('pdf', { encrypted: true }), { code: 'document-refused', kind: 'pdf', problem: 'encrypted' }), 'de');
    expect(messages(locked)[0]!.text).to.equal('Dieses PDF ist passwortgeschützt: Bitte das Passwort entfernen und erneut hochladen.');
  });

  it('Arabic: its plural forms (one, two, few, many), Arabic digits, right to left', async () => {
    const pages = async (n: number) => text(await render(file('تقرير.pdf', info('pdf', { pageCount: n })), 'ar'), 'facts');
    expect(await pages(1)).to.equal('صفحة واحدة');
    expect(await pages(2)).to.equal('صفحتان');
    expect(await pages(3)).to.equal(`${(3).toLocaleString('ar')} صفحات`);
    expect(await pages(12)).to.equal(`${(12).toLocaleString('ar')} صفحة`);
    const el = await render(file('نص.txt', info('txt', { wordCount: 40, encoding: 'unknown' })), 'ar');
    expect(part(el, 'base')!.getAttribute('dir')).to.equal('rtl');
    expect(messages(el)).to.deep.equal([{ tone: 'warning', text: 'ترميز نص غير مألوف: قد تظهر بعض الأحرف بشكل خاطئ' }]);
    await expect(el).to.be.accessible();
  });
});
