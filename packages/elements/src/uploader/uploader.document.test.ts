// The document options of <v2-uploader> (issue 20): the max-pages attribute and the
// documentRules, validateDocument and inspector properties reach the store the element shows.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { type DocumentInfo, type Inspector, rejectionMessage, Uploader } from '@v2-uploader/core';
import { fakeOptions, pdfBlob, textFile, until } from '@v2-uploader/core/testing';
import './define.js';
import type { V2UploaderElement } from './uploader.js';

const pdf = (over: Partial<DocumentInfo> = {}): DocumentInfo => ({
  kind: 'pdf', pageCount: 512, wordCount: null, lineCount: null, encrypted: false, textLayer: 'text', macros: false,
  encoding: null, binary: false, damage: null, pdfVersion: '1.7', linearized: false, incrementalUpdates: 0, ...over,
});

/** An inspector that answers `info` for every file, and counts its calls. */
function scriptedInspector(info: DocumentInfo): Inspector & { calls: number } {
  return {
    calls: 0,
    async inspect() {
      this.calls++;
      return info;
    },
  };
}

async function mount(template = html`<v2-uploader multiple></v2-uploader>`) {
  const el = await fixture<V2UploaderElement>(template);
  const fakes = fakeOptions();
  el.uploader = new Uploader(fakes.options);
  await el.updateComplete;
  return el;
}

const rowText = (el: V2UploaderElement) =>
  el.shadowRoot!.querySelector('v2-upload-item')!.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

describe('<v2-uploader> document options', () => {
  it('max-pages becomes documentRules.maxPages; a longer document is refused before any byte, with the core\'s text', async () => {
    const inspector = scriptedInspector(pdf({ pageCount: 512 }));
    const el = await fixture<V2UploaderElement>(html`<v2-uploader max-pages="300" .inspector=${inspector}></v2-uploader>`);
    expect(el.maxPages).to.equal(300);
    el.uploader = new Uploader(fakeOptions().options);
    expect(el.uploader!.options.documentRules.maxPages).to.equal(300);
    const rejected = oneEvent(el, 'v2-file-rejected');
    await el.addFiles(pdfBlob(4096, 1, 'huge.pdf'));
    const { detail } = await rejected;
    expect(inspector.calls).to.equal(1);
    expect(detail.reason).to.deep.equal({ code: 'too-many-pages', maxPages: 300, pageCount: 512 });
    expect(detail.message).to.equal(rejectionMessage(detail.reason, 'en', 'huge.pdf'));
    await el.updateComplete;
    expect(rowText(el)).to.contain('512 pages').and.contain('This file has 512 pages; at most 300 are accepted.');
  });

  it('follows max-pages as it changes; removed, the limit the element set is lifted', async () => {
    const el = await mount(html`<v2-uploader max-pages="300"></v2-uploader>`);
    expect(el.uploader!.options.documentRules.maxPages).to.equal(300);
    el.setAttribute('max-pages', '20');
    await el.updateComplete;
    expect(el.uploader!.options.documentRules.maxPages).to.equal(20);
    el.removeAttribute('max-pages');
    await el.updateComplete;
    expect(el.uploader!.options.documentRules.maxPages).to.equal(Infinity);
    el.setAttribute('max-pages', 'many');
    await el.updateComplete;
    expect(el.uploader!.options.documentRules.maxPages, 'not a number: ignored, not thrown').to.equal(Infinity);
  });

  it('leaves a shared store\'s own rules alone when nothing is set', async () => {
    const el = await fixture<V2UploaderElement>(html`<v2-uploader></v2-uploader>`);
    el.uploader = new Uploader({ ...fakeOptions().options, documentRules: { maxPages: 50, refuseMacros: false } });
    await el.updateComplete;
    expect(el.uploader!.options.documentRules).to.include({ maxPages: 50, refuseMacros: false });
  });

  it('documentRules (property) are passed on; max-pages wins over its maxPages', async () => {
    const el = await mount(html`<v2-uploader max-pages="10"></v2-uploader>`);
    el.documentRules = { refuseEncrypted: false, maxPages: 99 };
    await el.updateComplete;
    expect(el.uploader!.options.documentRules).to.include({ refuseEncrypted: false, refuseMacros: true, maxPages: 10 });
    el.removeAttribute('max-pages');
    await el.updateComplete;
    expect(el.uploader!.options.documentRules.maxPages).to.equal(99);
    el.documentRules = undefined;
    await el.updateComplete;
    expect(el.uploader!.options.documentRules).to.include({ refuseEncrypted: true, maxPages: Infinity });
  });

  it('with refuseEncrypted off, a password-protected PDF is accepted', async () => {
    const el = await mount();
    el.inspector = scriptedInspector(pdf({ pageCount: 3, encrypted: true }));
    el.documentRules = { refuseEncrypted: false };
    await el.updateComplete;
    await el.addFiles(pdfBlob(4096, 2, 'locked.pdf'));
    await until(() => el.uploader!.getSnapshot().files[0]?.status === 'uploaded');
    expect(el.uploader!.getSnapshot().files[0]!.rejection).to.equal(undefined);
  });

  it('validateDocument (property) refuses with the app\'s words, shown in the row; cleared, it refuses nothing', async () => {
    const el = await mount();
    const seen: (DocumentInfo | undefined)[] = [];
    el.inspector = scriptedInspector(pdf({ pageCount: 2 }));
    el.validateDocument = (file, document) => {
      seen.push(document);
      return file.name.startsWith('draft') ? 'Drafts cannot be filed; upload the signed version.' : undefined;
    };
    await el.updateComplete;
    const rejected = oneEvent(el, 'v2-file-rejected');
    await el.addFiles(pdfBlob(4096, 3, 'draft.pdf'));
    const { detail } = await rejected;
    expect(detail.reason).to.deep.equal({ code: 'refused-by-app', message: 'Drafts cannot be filed; upload the signed version.' });
    expect(seen[0]?.pageCount, 'the hook sees what inspection found').to.equal(2);
    await el.updateComplete;
    expect(rowText(el)).to.contain('2 pages').and.contain('Drafts cannot be filed; upload the signed version.');

    el.validateDocument = undefined;
    await el.updateComplete;
    await el.addFiles(pdfBlob(4096, 4, 'draft-2.pdf'));
    await until(() => el.uploader!.getSnapshot().files.length === 2);
    await until(() => el.uploader!.getSnapshot().files[1]!.status !== 'validating' && el.uploader!.getSnapshot().files[1]!.status !== 'queued');
    expect(el.uploader!.getSnapshot().files[1]!.rejection).to.equal(undefined);
  });

  it('a scan is accepted with the OCR notice in its row', async () => {
    const el = await mount();
    el.inspector = scriptedInspector(pdf({ pageCount: 3, textLayer: 'image-only' }));
    await el.updateComplete;
    await el.addFiles(pdfBlob(4096, 5, 'scan.pdf'));
    await until(() => el.uploader!.getSnapshot().files[0]?.document !== undefined);
    await el.updateComplete;
    expect(rowText(el)).to.contain('3 pages').and.contain('Scanned: the text will be recognised (OCR)');
    await expect(el).to.be.accessible();
  });

  it('without its own inspector the element keeps the store\'s (the app\'s, or the core\'s default)', async () => {
    const el = await fixture<V2UploaderElement>(html`<v2-uploader></v2-uploader>`);
    const inspector = scriptedInspector(pdf({ pageCount: 7 }));
    el.uploader = new Uploader({ ...fakeOptions().options, inspector });
    await el.updateComplete;
    await el.addFiles(pdfBlob(4096, 6, 'kept.pdf'));
    await until(() => el.uploader!.getSnapshot().files[0]?.document !== undefined);
    expect(inspector.calls).to.equal(1);
    expect(el.uploader!.getSnapshot().files[0]!.document!.pageCount).to.equal(7);
  });
});
