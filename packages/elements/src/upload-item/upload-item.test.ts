import { expect, fixture, html } from '@open-wc/testing';
import {
  type FileStatus, formatFileSize, type RejectionReason, rejectionMessage, rejectionTextsReady, UploadError, type UploadFileState,
} from '@v2-uploader/core';
import { newFileState } from '@v2-uploader/core/testing';
import { resolveLocale } from '../i18n/locale.js';
import type { V2ProgressBar } from '../progress-bar/progress-bar.js';
import './define.js';
import { V2UploadItem } from './upload-item.js';

const MiB = 1024 * 1024;

const file = (overrides: Partial<UploadFileState> = {}): UploadFileState => ({
  ...newFileState({ id: 'f1', name: 'report.pdf', size: 2 * MiB, type: 'application/pdf', addedAt: 0 }),
  ...overrides,
});

const render = (f: UploadFileState, locale = resolveLocale('en')) =>
  fixture<V2UploadItem>(html`<v2-upload-item .file=${f} .locale=${locale}></v2-upload-item>`);

function part(el: V2UploadItem, name: string): HTMLElement {
  const found = el.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`);
  if (!found) throw new Error(`no part "${name}"`);
  return found;
}
const hasPart = (el: V2UploadItem, name: string) => el.shadowRoot?.querySelector(`[part~="${name}"]`) != null;
const text = (el: V2UploadItem, name: string) => part(el, name).textContent?.replace(/\s+/g, ' ').trim();
const buttons = (el: V2UploadItem) =>
  [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('.actions button') ?? [])];
const bar = (el: V2UploadItem) => part(el, 'progress') as V2ProgressBar;

const network = new UploadError('fetch failed', { code: 'network' });
const tooLarge: RejectionReason = { code: 'file-too-large', size: 60 * MiB, maxSize: 50 * MiB };

describe('<v2-upload-item> states', () => {
  it('is registered by the define entry and renders nothing without a file', async () => {
    const el = await fixture<V2UploadItem>(html`<v2-upload-item></v2-upload-item>`);
    expect(el).to.be.instanceOf(V2UploadItem);
    expect(customElements.get('v2-upload-item')).to.equal(V2UploadItem);
    expect(el.shadowRoot?.querySelector('[part~="base"]')).to.equal(null);
  });

  // Every status: its text, and only the buttons that make sense (status → text, buttons).
  const table: [FileStatus, string, string[], Partial<UploadFileState>?][] = [
    ['queued', 'Waiting', ['pause', 'cancel', 'remove']],
    ['validating', 'Checking', ['cancel', 'remove']],
    ['hashing', 'Preparing', ['pause', 'cancel', 'remove']],
    ['initializing', 'Starting', ['pause', 'cancel', 'remove']],
    ['uploading', 'Uploading', ['pause', 'cancel', 'remove']],
    ['uploaded', 'Uploaded', ['cancel', 'remove']],
    ['processing', 'Processing', ['cancel', 'remove']],
    ['parsing', 'Reading the document', ['cancel', 'remove']],
    ['embedding', 'Indexing', ['cancel', 'remove']],
    ['completed', 'Done', ['remove']],
    ['duplicate', 'Already uploaded', ['remove']],
    ['failed', 'Failed', ['retry', 'remove'], { error: network }],
    ['cancelled', 'Cancelled', ['retry', 'remove']],
    ['paused', 'Paused', ['resume', 'cancel', 'remove'], { resumeStatus: 'uploading' }],
    ['retrying', 'Retrying', ['pause', 'cancel', 'remove'], { error: network, retryAt: 5000 }],
    ['stalled', 'Connection stalled', ['pause', 'cancel', 'remove'], { resumeStatus: 'uploading' }],
  ];
  for (const [status, label, actions, extra] of table) {
    it(`${status}: shows "${label}" and ${actions.join(', ')}`, async () => {
      const el = await render(file({ status, ...extra }));
      expect(text(el, 'status')).to.equal(label);
      expect(el.getAttribute('data-status')).to.equal(status);
      const shown = buttons(el);
      expect(shown.map((b) => b.getAttribute('part'))).to.deep.equal(actions.map((a) => `${a}-button`));
      for (const b of shown) {
        expect(b.type).to.equal('button');
        expect(b.getAttribute('aria-label')).to.match(/^(Pause|Resume|Cancel|Retry|Remove) report\.pdf$/);
      }
    });
  }

  it('failed by a rejection offers only remove (the same bytes would be refused again)', async () => {
    const el = await render(file({ status: 'failed', rejection: tooLarge }));
    expect(buttons(el).map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Remove report.pdf']);
  });

  it('follows status changes on the host data-status attribute', async () => {
    const el = await render(file({ status: 'uploading' }));
    el.file = file({ status: 'completed', progress: 1 });
    await el.updateComplete;
    expect(el.getAttribute('data-status')).to.equal('completed');
    expect(text(el, 'status')).to.equal('Done');
  });

  it('runs one labelled progress bar through upload and processing', async () => {
    const el = await render(file({ status: 'uploading', progress: 0.4 }));
    expect(el.shadowRoot?.querySelectorAll('v2-progress-bar')).to.have.length(1);
    expect(bar(el).label).to.equal('Progress of report.pdf');
    expect(bar(el).value).to.equal(40);
    expect(bar(el).indeterminate).to.equal(false);

    for (const [status, progress, value] of [['parsing', 0.8, 80], ['embedding', 0.925, 92.5], ['completed', 1, 100]] as const) {
      el.file = file({ status, progress });
      await el.updateComplete;
      expect(bar(el).value, status).to.equal(value);
      expect(bar(el).indeterminate, status).to.equal(false);
    }
  });

  it('is indeterminate only while a step has measured nothing yet', async () => {
    const el = await render(file({ status: 'validating', progress: 0 }));
    expect(bar(el).indeterminate).to.equal(true);
    el.file = file({ status: 'hashing', progress: 0 });
    await el.updateComplete;
    expect(bar(el).indeterminate).to.equal(true);
    el.file = file({ status: 'hashing', hashProgress: 0.4, progress: 0.02 });
    await el.updateComplete;
    expect(bar(el).indeterminate).to.equal(false);
    expect(bar(el).value).to.equal(2);
    el.file = file({ status: 'initializing', progress: 0.05 });
    await el.updateComplete;
    expect(bar(el).indeterminate, 'a resumed file keeps its place').to.equal(false);
    el.file = file({ status: 'paused', resumeStatus: 'uploading', progress: 0.3 });
    await el.updateComplete;
    expect(bar(el).value).to.equal(30);
  });

  it('drops the bar once failed or cancelled', async () => {
    expect(hasPart(await render(file({ status: 'failed', error: network, progress: 0.3 })), 'progress')).to.equal(false);
    expect(hasPart(await render(file({ status: 'cancelled', progress: 0.3 })), 'progress')).to.equal(false);
  });

  it('shows name, size, percent, speed and time left while uploading', async () => {
    const el = await render(file({ status: 'uploading', progress: 0.4, speed: 1.5 * MiB, etaSeconds: 30 }));
    expect(text(el, 'name')).to.equal('report.pdf');
    expect(text(el, 'size')).to.equal('2 MB');
    expect(text(el, 'details')).to.equal('40% · 1.5 MB/s · 30 sec left');
  });

  it('states sizes and speeds as the core does (1024-based), with the locale\'s numbers', async () => {
    const state = file({ size: 2.5 * MiB, status: 'uploading', progress: 0.4, speed: 1.5 * MiB, etaSeconds: 30 });
    const en = await render(state);
    expect(text(en, 'size')).to.equal(formatFileSize(2.5 * MiB, 'en')).and.to.equal('2.5 MB');
    const de = await render(state, resolveLocale('de-AT'));
    expect(text(de, 'size')).to.equal('2,5 MB');
    expect(text(de, 'details')).to.contain('1,5 MB/s');
  });

  it('shows time left for processing when the server estimates it, and no speed', async () => {
    const el = await render(file({ status: 'embedding', progress: 0.8, speed: 0, etaSeconds: 120 }));
    expect(text(el, 'details')).to.equal('80% · 2 min left');
    el.file = file({ status: 'paused', resumeStatus: 'uploading', progress: 0.3, speed: 0 });
    await el.updateComplete;
    expect(text(el, 'details')).to.equal('30%');
    el.file = file({ status: 'queued' });
    await el.updateComplete;
    expect(hasPart(el, 'details')).to.equal(false);
  });

  it('says a duplicate was not sent again', async () => {
    const el = await render(file({ status: 'duplicate', progress: 1, duplicateOf: 'doc-1' }));
    expect(text(el, 'message')).to.equal('You uploaded this file before; nothing was sent again.');
  });

  it('says a duplicate found after some bytes went out (a late hash) was dropped, not that nothing was sent', async () => {
    const el = await render(file({ status: 'duplicate', progress: 1, duplicateOf: 'doc-1', bytesSent: 3_000_000 }));
    expect(text(el, 'message')).to.equal('You uploaded this file before; this copy was dropped and the earlier one is used.');
  });

  it('says a file that changed while it was uploading must be picked again', async () => {
    const error = new UploadError('The file changed while it was being uploaded', { code: 'file-changed', status: 422 });
    const el = await render(file({ status: 'failed', error }));
    expect(text(el, 'message')).to.contain('The file changed while it was uploading. Pick it again.');
  });

  it('explains a too-large file with both sizes, in English, German and Arabic: the core\'s texts', async () => {
    const error = new UploadError('File is too large', { code: 'file-too-large' });
    const state = file({ status: 'failed', rejection: tooLarge, error });
    const en = await render(state);
    expect(text(en, 'message')).to.equal('This file is 60 MB; the limit is 50 MB.');
    expect(text(en, 'message')).to.equal(rejectionMessage(tooLarge, 'en'));
    await Promise.all([rejectionTextsReady('de'), rejectionTextsReady('ar')]);
    const de = await render(state, resolveLocale('de-AT'));
    expect(text(de, 'message')).to.equal('Diese Datei ist zu groß (60 MB); erlaubt sind 50 MB.');
    expect(text(de, 'message')).to.equal(rejectionMessage(tooLarge, 'de-AT'));
    const ar = await render(state, resolveLocale('ar'));
    expect(text(ar, 'message')).to.equal(rejectionMessage(tooLarge, 'ar')).and.to.contain('كبير جدًا');
    expect(text(de, 'status')).to.equal('Fehlgeschlagen');
    expect(buttons(de)[0]?.getAttribute('aria-label')).to.equal('report.pdf: Entfernen');
  });

  it('gives a hint for network errors, the error message below it, linked to the row', async () => {
    const el = await render(file({ status: 'failed', error: network }));
    const message = part(el, 'message');
    expect(message.querySelector('.message__text')?.textContent)
      .to.equal('The connection was lost. Check your network; it will retry.');
    expect(message.querySelector('.message__detail')?.textContent).to.equal('fetch failed');
    expect(part(el, 'base').getAttribute('aria-describedby')).to.equal(message.id);
  });

  it('tells what to do about server errors by HTTP status', async () => {
    const el = await render(file({ status: 'failed', error: new UploadError('HTTP 503', { code: 'http', status: 503 }) }));
    expect(part(el, 'message').querySelector('.message__text')?.textContent).to.equal('The server had a problem. Retry in a moment.');
    expect(part(el, 'message').querySelector('.message__detail')?.textContent).to.equal('HTTP 503');
  });

  it('warns when the server sees no progress', async () => {
    const el = await render(file({ status: 'processing', progress: 0.7, stuck: true }));
    expect(text(el, 'message')).to.equal('No progress for over 30 minutes. Retry, or contact support if it stays stuck.');
    el.file = file({ status: 'processing', progress: 0.7 });
    await el.updateComplete;
    expect(hasPart(el, 'message')).to.equal(false);
    expect(part(el, 'base').hasAttribute('aria-describedby')).to.equal(false);
  });

  it('counts down to the next retry from `now`', async () => {
    const el = await fixture<V2UploadItem>(html`<v2-upload-item
      .file=${file({ status: 'retrying', error: network, retryAt: 1_005_000 })} .now=${1_000_000}></v2-upload-item>`);
    const lines = () => part(el, 'message').querySelector('.message__text')?.textContent;
    expect(lines()).to.equal('Trying again in 5 sec');
    expect(part(el, 'message').querySelector('.message__detail')?.textContent)
      .to.equal('The connection was lost. Check your network; it will retry.');
    el.now = 1_003_500;
    await el.updateComplete;
    expect(lines()).to.equal('Trying again in 2 sec');
    el.now = 1_009_000;
    await el.updateComplete;
    expect(lines()).to.equal('Trying again in 0 sec');
  });

  it('shows a type icon per kind, hidden from assistive technology', async () => {
    const kinds: [string, string, string][] = [
      ['a.pdf', 'application/pdf', 'pdf'],
      ['b.docx', '', 'word'],
      ['c.txt', 'text/plain', 'text'],
      ['d.bin', 'application/octet-stream', 'generic'],
    ];
    for (const [name, type, kind] of kinds) {
      const el = await render(file({ name, type }));
      expect(part(el, 'icon').dataset['kind'], name).to.equal(kind);
      expect(part(el, 'icon').getAttribute('aria-hidden')).to.equal('true');
    }
  });
});
