import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { DEFAULT_OPTIONS, DEFAULT_VALIDATION_OPTIONS, judgeDrag, rejectionMessage, Uploader } from '@v2-uploader/core';
import { fakeOptions, hangingSend, textFile, until } from '@v2-uploader/core/testing';
import './define.js';
import type { V2UploaderElement } from './uploader.js';

function scripted(over: Parameters<typeof fakeOptions>[0] = {}) {
  const fakes = fakeOptions(over);
  return { ...fakes, uploader: new Uploader(fakes.options) };
}

async function mount(template = html`<v2-uploader multiple></v2-uploader>`) {
  const el = await fixture<V2UploaderElement>(template);
  const fakes = scripted();
  el.uploader = fakes.uploader;
  await el.updateComplete;
  return { el, ...fakes };
}

const part = (el: Element, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`);
const items = (el: Element) => [...el.shadowRoot!.querySelectorAll('v2-upload-item')];
const transfer = (...files: File[]) => {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  return dt;
};

/** Push the fake server to completed for every uploaded file. */
async function complete(el: V2UploaderElement, feed: ReturnType<typeof fakeOptions>['feed']) {
  await until(() => el.uploader!.getSnapshot().files.every((f) => f.status === 'uploaded' && feed.listeners.has(f.documentId!)));
  for (const f of el.uploader!.getSnapshot().files) feed.push(f.documentId!, 'completed', 100);
  await until(() => el.uploader!.getSnapshot().files.every((f) => f.status === 'completed'));
  await el.updateComplete;
}

describe('<v2-uploader>', () => {
  it('renders an empty, accessible drop zone with the accepted types and size', async () => {
    const el = await fixture<V2UploaderElement>(html`<v2-uploader></v2-uploader>`);
    const zone = part(el, 'dropzone') as HTMLButtonElement;
    expect(zone.tagName).to.equal('BUTTON');
    expect(zone.textContent).to.contain('Upload documents');
    expect(part(el, 'hint')!.textContent).to.contain('PDF, DOCX, TXT');
    expect(part(el, 'hint')!.textContent).to.contain('up to 50 MB', 'the 50 MiB limit, counted as the core and the server count it');
    expect(part(el, 'list')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('opens the file picker on click and on Enter, and adds the picked files', async () => {
    const { el } = await mount();
    const input = el.shadowRoot!.querySelector('input[type=file]') as HTMLInputElement;
    let opened = 0;
    input.click = () => void opened++;
    (part(el, 'dropzone') as HTMLButtonElement).click();
    (part(el, 'dropzone') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Space' });
    expect(opened).to.equal(3);
    Object.defineProperty(input, 'files', { value: transfer(textFile('picked.txt')).files, configurable: true });
    input.dispatchEvent(new Event('change'));
    await until(() => items(el).length === 1);
  });

  it('shows accept and reject states while dragging, and adds dropped files', async () => {
    const { el } = await mount(html`<v2-uploader accept=".txt,text/plain"></v2-uploader>`);
    const zone = part(el, 'dropzone')!;
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer(textFile()), bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(zone.classList.contains('accept')).to.equal(true);
    expect(part(el, 'label')!.textContent).to.equal('Drop to upload');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer(new File(['x'], 'a.png', { type: 'image/png' })), bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(zone.classList.contains('reject')).to.equal(true);
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(textFile('dropped.txt')), bubbles: true, cancelable: true }));
    await until(() => items(el).length === 1);
    expect(zone.classList.contains('accept') || zone.classList.contains('reject')).to.equal(false);
    expect((items(el)[0] as HTMLElement & { file: { name: string } }).file.name).to.equal('dropped.txt');
  });

  it('judges a drag as the core does (the rule React uses too)', async () => {
    const { el } = await mount(html`<v2-uploader accept=".txt,text/plain"></v2-uploader>`);
    const zone = part(el, 'dropzone')!;
    const png = new File(['x'], 'a.png', { type: 'image/png' });
    const cases = [[textFile()], [png], [textFile('a.txt'), textFile('b.txt')], [new File(['?'], 'mystery')], [textFile(), png]];
    for (const multiple of [false, true]) {
      el.multiple = multiple;
      for (const files of cases) {
        const data = transfer(...files);
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        await el.updateComplete;
        const expected = judgeDrag(data, { accept: el.accept, multiple });
        expect(zone.classList.contains(expected), `${files.map((f) => f.name)} multiple=${multiple}`).to.equal(true);
      }
    }
  });

  it('takes its defaults from the core', async () => {
    const el = await fixture<V2UploaderElement>(html`<v2-uploader></v2-uploader>`);
    expect(el.accept).to.equal(DEFAULT_VALIDATION_OPTIONS.accept);
    expect(el.maxFileSize).to.equal(DEFAULT_VALIDATION_OPTIONS.maxFileSize);
    expect(el.maxFiles).to.equal(DEFAULT_VALIDATION_OPTIONS.maxFiles);
    expect(el.autoUpload).to.equal(DEFAULT_OPTIONS.autoUpload);
    expect(el.realtime).to.equal(DEFAULT_OPTIONS.realtime);
  });

  it('adds pasted files', async () => {
    const { el } = await mount();
    const event = new ClipboardEvent('paste', { clipboardData: transfer(textFile('pasted.txt')), bubbles: true, composed: true, cancelable: true });
    part(el, 'dropzone')!.dispatchEvent(event);
    await until(() => items(el).length === 1);
    expect(event.defaultPrevented).to.equal(true);
  });

  it('dispatches the v2 events with their details, bubbling out of the page', async () => {
    const { el, feed } = await mount();
    const seen: string[] = [];
    for (const type of ['v2-file-added', 'v2-upload-start', 'v2-upload-complete', 'v2-processing-complete', 'v2-all-complete'] as const) {
      document.addEventListener(type, (e) => seen.push(`${e.type}:${(e as CustomEvent<{ file?: { name: string } }>).detail.file?.name ?? ''}`));
    }
    const done = oneEvent(el, 'v2-all-complete');
    await el.addFiles(textFile('a.txt'));
    await complete(el, feed);
    const { detail } = await done;
    expect(detail.files).to.have.length(1);
    expect(seen).to.deep.equal(['v2-file-added:a.txt', 'v2-upload-start:a.txt', 'v2-upload-complete:a.txt', 'v2-processing-complete:a.txt', 'v2-all-complete:']);
  });

  it('refuses invalid files with a localised reason (v2-file-rejected) and an assertive announcement', async () => {
    const { el } = await mount(html`<v2-uploader max-file-size="5" locale="de"></v2-uploader>`);
    const rejected = oneEvent(el, 'v2-file-rejected');
    await el.addFiles(textFile('big.txt', 'more than five bytes'));
    const { detail } = await rejected;
    expect(detail.reason.code).to.equal('file-too-large');
    expect(detail.message).to.equal('big.txt ist zu groß (20 Byte); erlaubt sind 5 Byte.');
    expect(detail.message, 'the core\'s German text').to.equal(rejectionMessage(detail.reason, 'de', 'big.txt'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal(detail.message);
  });

  it('is a form control: completed document ids are its value; required; reset clears', async () => {
    const form = await fixture<HTMLFormElement>(html`<form><v2-uploader name="documents" required multiple></v2-uploader></form>`);
    const el = form.querySelector('v2-uploader')!;
    const fakes = scripted();
    el.uploader = fakes.uploader;
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);
    await el.addFiles([textFile('a.txt', 'first file'), textFile('b.txt', 'second file')]);
    await complete(el, fakes.feed);
    const ids = new FormData(form).getAll('documents');
    expect(ids).to.have.length(2);
    expect(ids).to.deep.equal(el.value);
    expect(form.checkValidity()).to.equal(true);
    form.reset();
    await el.updateComplete;
    expect(new FormData(form).getAll('documents')).to.deep.equal([]);
    expect(items(el)).to.have.length(0);
    expect(el.validity.valueMissing).to.equal(true);
  });

  it('wires row buttons to the store (pause, resume, cancel)', async () => {
    const { el, transport } = await mount();
    transport.script = [hangingSend, hangingSend];
    await el.addFiles(textFile());
    await until(() => el.uploader!.getSnapshot().files[0]?.status === 'uploading');
    await el.updateComplete;
    const item = items(el)[0]!;
    await (item as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    (item.shadowRoot!.querySelector('[part~="pause-button"]') as HTMLButtonElement).click();
    expect(el.uploader!.getSnapshot().files[0]!.status).to.equal('paused');
    await el.updateComplete;
    await (item as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    (item.shadowRoot!.querySelector('[part~="resume-button"]') as HTMLButtonElement).click();
    await until(() => el.uploader!.getSnapshot().files[0]?.status === 'uploading');
    await el.updateComplete;
    await (item as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    (item.shadowRoot!.querySelector('[part~="cancel-button"]') as HTMLButtonElement).click();
    expect(el.uploader!.getSnapshot().files[0]!.status).to.equal('cancelled');
  });

  it('announces milestones politely', async () => {
    const { el, feed } = await mount();
    const live = () => el.shadowRoot!.querySelector('[role=status]')!.textContent!;
    await el.addFiles(textFile('report.txt'));
    await complete(el, feed);
    await until(() => live().includes('All') || live().includes('finished'));
    expect(live()).to.contain('Upload finished');
  });

  it('has a summary, a list, and parts for every piece; is accessible with files', async () => {
    const { el, feed } = await mount();
    await el.addFiles([textFile('a.txt', 'aaa aaa'), textFile('b.txt', 'bbb bbb')]);
    await complete(el, feed);
    for (const name of ['base', 'dropzone', 'icon', 'label', 'hint', 'browse', 'summary', 'list', 'item']) {
      expect(part(el, name), name).to.not.equal(null);
    }
    expect(part(el, 'summary')!.textContent).to.contain('2 of 2 done');
    await expect(el).to.be.accessible();
  });

  it('lays out right to left in Arabic and formats numbers for the locale', async () => {
    const { el } = await mount(html`<v2-uploader locale="ar"></v2-uploader>`);
    expect(part(el, 'base')!.getAttribute('dir')).to.equal('rtl');
    expect(part(el, 'label')!.textContent).to.equal('رفع المستندات');
    expect(part(el, 'hint')!.textContent).to.contain('م.ب', 'sizes in Arabic units from Intl');
  });

  it('switches to dark colours with theme="dark" and leaks no styles into the page', async () => {
    const el = await fixture<V2UploaderElement>(html`<v2-uploader theme="light"></v2-uploader>`);
    // Read the custom property (the drop zone's colour transitions, so its computed colour lags).
    const light = getComputedStyle(part(el, 'dropzone')!).getPropertyValue('--v2-background').trim();
    el.theme = 'dark';
    await el.updateComplete;
    const dark = getComputedStyle(part(el, 'dropzone')!).getPropertyValue('--v2-background').trim();
    expect(light).to.equal('#ffffff');
    expect(dark).to.equal('#111827');
    const outside = await fixture(html`<button class="dropzone">plain</button>`);
    expect(getComputedStyle(outside).borderStyle).to.not.equal('dashed');
  });

  it('does nothing while disabled', async () => {
    const { el } = await mount(html`<v2-uploader disabled></v2-uploader>`);
    expect((part(el, 'dropzone') as HTMLButtonElement).disabled).to.equal(true);
    part(el, 'dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(textFile()), bubbles: true, cancelable: true }));
    await el.addFiles(textFile());
    await new Promise((r) => setTimeout(r, 30));
    expect(el.uploader!.getSnapshot().files).to.have.length(0);
  });
});
