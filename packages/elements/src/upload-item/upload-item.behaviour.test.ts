import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { UploadError, type UploadFileState } from '@v2-uploader/core';
import { newFileState } from '@v2-uploader/core/testing';
import { resolveLocale } from '../i18n/locale.js';
import { pdfThumbnail, type PdfjsLike, registerPdfjs } from '../thumbnail/pdf-thumbnail.js';
import './define.js';
import { type V2ItemAction, V2ItemActionEvent } from './item-action-event.js';
import type { V2UploadItem } from './upload-item.js';

const file = (overrides: Partial<UploadFileState> = {}): UploadFileState => ({
  ...newFileState({ id: 'f1', name: 'report.pdf', size: 2_000_000, type: 'application/pdf', addedAt: 0 }),
  ...overrides,
});
const render = (f: UploadFileState) => fixture<V2UploadItem>(html`<v2-upload-item .file=${f}></v2-upload-item>`);
const find = (el: V2UploadItem, name: string) => el.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
function part(el: V2UploadItem, name: string): HTMLElement {
  const found = find(el, name);
  if (!found) throw new Error(`no part "${name}"`);
  return found;
}
const rejected = file({
  status: 'failed',
  rejection: { code: 'file-too-large', size: 60_000_000, maxSize: 50_000_000 },
  error: new UploadError('File is too large', { code: 'file-too-large' }),
});

async function pngBlob(): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = 4;
  canvas.height = 4;
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('canvas gave no PNG');
  return blob;
}

/** Records URL.revokeObjectURL calls until `restore`. */
function spyRevoke(): { calls: string[]; restore: () => void } {
  const original = URL.revokeObjectURL;
  const calls: string[] = [];
  URL.revokeObjectURL = (url: string) => {
    calls.push(url);
    original.call(URL, url);
  };
  return { calls, restore: () => void (URL.revokeObjectURL = original) };
}

describe('<v2-upload-item> behaviour', () => {
  const clicks: [V2ItemAction, Partial<UploadFileState>][] = [
    ['pause', { status: 'uploading' }],
    ['cancel', { status: 'uploading' }],
    ['resume', { status: 'paused', resumeStatus: 'uploading' }],
    ['retry', { status: 'failed', error: new UploadError('fetch failed', { code: 'network' }) }],
    ['remove', { status: 'completed' }],
  ];
  for (const [action, state] of clicks) {
    it(`${action}: one v2-item-action that leaves a parent's shadow root`, async () => {
      const outer = await fixture<HTMLDivElement>(html`<div></div>`);
      const host = outer.appendChild(document.createElement('div'));
      const item = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('v2-upload-item'));
      item.file = file({ id: 'abc', ...state });
      await item.updateComplete;
      const events: V2ItemActionEvent[] = [];
      outer.addEventListener('v2-item-action', (e) => events.push(e));
      part(item, `${action}-button`).click();
      expect(events).to.have.length(1);
      expect(events[0]).to.be.instanceOf(V2ItemActionEvent);
      expect(events[0]?.detail).to.deep.equal({ action, id: 'abc' });
    });
  }

  it('exposes every part, and the progress bar parts through exportparts', async () => {
    const el = await render(file({ status: 'uploading', progress: 0.5, speed: 1000, stuck: true }));
    for (const name of ['base', 'icon', 'name', 'size', 'status', 'progress', 'details', 'message', 'actions', 'pause-button', 'cancel-button', 'remove-button']) {
      expect(find(el, name), name).to.not.equal(null);
    }
    const style = document.head.appendChild(document.createElement('style'));
    style.textContent = 'v2-upload-item::part(progress-indicator) { background-color: rgb(1, 2, 3); }';
    try {
      const indicator = part(el, 'progress').shadowRoot?.querySelector('[part~="indicator"]');
      expect(indicator && getComputedStyle(indicator).backgroundColor).to.equal('rgb(1, 2, 3)');
    } finally {
      style.remove();
    }
  });

  it('is a group named after the file that works inside a list item; the name is bidi-safe and truncated', async () => {
    const name = `${'quarterly-report-'.repeat(8)}.pdf`;
    const list = await fixture<HTMLUListElement>(html`<ul role="list" style="inline-size: 20rem">
      <li><v2-upload-item .file=${file({ name, relativePath: `reports/2024/${name}` })}></v2-upload-item></li>
    </ul>`);
    const el = list.querySelector('v2-upload-item')!;
    await el.updateComplete;
    expect(part(el, 'base').getAttribute('role')).to.equal('group');
    expect(part(el, 'base').getAttribute('aria-label')).to.equal(name);
    const nameEl = part(el, 'name');
    expect(nameEl.getAttribute('dir')).to.equal('auto');
    expect(nameEl.title).to.equal(`reports/2024/${name}`);
    expect(getComputedStyle(nameEl).textOverflow).to.equal('ellipsis');
    expect(nameEl.scrollWidth).to.be.greaterThan(nameEl.clientWidth);
    expect(part(el, 'base').getBoundingClientRect().right).to.be.at.most(list.getBoundingClientRect().right + 0.5);
  });

  it('keeps focus in the row when the focused button changes or goes away', async () => {
    const el = await render(file({ status: 'uploading' }));
    const pause = part(el, 'pause-button');
    pause.focus();
    el.file = file({ status: 'paused', resumeStatus: 'uploading' });
    await el.updateComplete;
    expect(el.shadowRoot?.activeElement?.getAttribute('part')).to.equal('resume-button');
    el.file = file({ status: 'completed', progress: 1 });
    await el.updateComplete;
    expect(el.shadowRoot?.activeElement?.getAttribute('part')).to.equal('remove-button');
  });

  it('mirrors under a dir="rtl" ancestor, and for a right-to-left locale on its own', async () => {
    const rtl = await fixture<HTMLDivElement>(html`<div dir="rtl" style="inline-size: 30rem">
      <v2-upload-item .file=${file()}></v2-upload-item></div>`);
    const el = rtl.querySelector('v2-upload-item')!;
    await el.updateComplete;
    const icon = part(el, 'icon').getBoundingClientRect();
    const name = part(el, 'name').getBoundingClientRect();
    const actions = part(el, 'actions').getBoundingClientRect();
    expect(icon.left, 'icon at the inline start (right)').to.be.greaterThan(name.right);
    expect(actions.right, 'buttons at the inline end (left)').to.be.lessThan(name.left);

    const ltr = await render(file());
    expect(part(ltr, 'icon').getBoundingClientRect().right).to.be.lessThan(part(ltr, 'name').getBoundingClientRect().left);

    const ar = await fixture<V2UploadItem>(html`<v2-upload-item .file=${file()} .locale=${resolveLocale('ar')}></v2-upload-item>`);
    expect(part(ar, 'icon').getBoundingClientRect().left).to.be.greaterThan(part(ar, 'name').getBoundingClientRect().right);
    expect(part(ar, 'status').textContent).to.equal('في الانتظار');
    // A Latin name in a right-to-left row still starts where the row starts (on the right).
    const nameText = document.createRange();
    nameText.selectNodeContents(part(ar, 'name'));
    expect(nameText.getBoundingClientRect().right).to.be.closeTo(part(ar, 'size').getBoundingClientRect().right, 1);
  });

  it('follows theme, and takes custom properties from itself or any ancestor', async () => {
    const el = await render(file());
    const background = () => getComputedStyle(part(el, 'base')).backgroundColor;
    const color = () => getComputedStyle(part(el, 'name')).color;
    expect(background()).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(background()).to.equal('rgb(17, 24, 39)');
    expect(color()).to.equal('rgb(249, 250, 251)');
    el.style.setProperty('--v2-item-background', 'rgb(1, 2, 3)');
    expect(background()).to.equal('rgb(1, 2, 3)');
    el.parentElement!.style.setProperty('--v2-text-color', 'rgb(4, 5, 6)');
    expect(color()).to.equal('rgb(4, 5, 6)');
  });

  describe('thumbnails', () => {
    it('shows an image preview instead of the icon, and revokes its URL on change and disconnect', async () => {
      const spy = spyRevoke();
      try {
        const png = await pngBlob();
        const el = await fixture<V2UploadItem>(html`<v2-upload-item thumbnails .blob=${png}
          .file=${file({ name: 'scan.png', type: 'image/png' })}></v2-upload-item>`);
        const img = part(el, 'thumbnail') as HTMLImageElement;
        const first = img.getAttribute('src');
        expect(first).to.match(/^blob:/);
        expect(img.alt).to.equal('');
        expect(find(el, 'icon')).to.equal(null);

        el.blob = await pngBlob();
        await el.updateComplete;
        expect(spy.calls).to.deep.equal([first]);
        const second = part(el, 'thumbnail').getAttribute('src')!;

        const parent = el.parentElement!;
        el.remove();
        expect(spy.calls).to.include(second);
        parent.append(el);
        await el.updateComplete;
        expect(part(el, 'thumbnail').getAttribute('src')).to.match(/^blob:/).and.not.equal(second);

        el.thumbnails = false;
        await el.updateComplete;
        expect(find(el, 'thumbnail')).to.equal(null);
        expect(part(el, 'icon').dataset['kind']).to.equal('generic');
        expect(spy.calls).to.have.length(3);
      } finally {
        spy.restore();
      }
    });

    it('needs `thumbnails` on', async () => {
      const el = await fixture<V2UploadItem>(html`<v2-upload-item .blob=${await pngBlob()}
        .file=${file({ name: 'scan.png', type: 'image/png' })}></v2-upload-item>`);
      expect(find(el, 'thumbnail')).to.equal(null);
    });

    it('keeps the PDF icon when pdfjs-dist is not installed', async () => {
      const pdf = new Blob(['%PDF-1.7\n'], { type: 'application/pdf' });
      const el = await fixture<V2UploadItem>(html`<v2-upload-item thumbnails .blob=${pdf} .file=${file()}></v2-upload-item>`);
      expect(await pdfThumbnail(pdf)).to.equal(null);
      await el.updateComplete;
      expect(find(el, 'thumbnail')).to.equal(null);
      expect(part(el, 'icon').dataset['kind']).to.equal('pdf');
    });

    it('draws the first page of a PDF through a registered pdf.js', async () => {
      const rendered: number[] = [];
      const fake: PdfjsLike = {
        getDocument: () => ({
          destroy: async () => {},
          promise: Promise.resolve({
            destroy: async () => {},
            getPage: async (n: number) => ({
              getViewport: ({ scale }: { scale: number }) => ({ width: 612 * scale, height: 792 * scale }),
              render: ({ canvasContext }: { canvasContext: CanvasRenderingContext2D }) => {
                rendered.push(n);
                canvasContext.fillRect(0, 0, 10, 10);
                return { promise: Promise.resolve() };
              },
            }),
          }),
        }),
      };
      registerPdfjs(async () => fake);
      try {
        const pdf = new Blob(['%PDF-1.7\n'], { type: 'application/pdf' });
        const el = await fixture<V2UploadItem>(html`<v2-upload-item thumbnails .blob=${pdf} .file=${file()}></v2-upload-item>`);
        await waitUntil(() => find(el, 'thumbnail'), 'no PDF thumbnail');
        expect(rendered).to.deep.equal([1]);
        expect(part(el, 'thumbnail').getAttribute('src')).to.match(/^blob:/);
      } finally {
        registerPdfjs();
      }
    });
  });

  describe('accessibility (axe)', () => {
    const states: [string, UploadFileState][] = [
      ['uploading', file({ status: 'uploading', progress: 0.4, speed: 1_500_000, etaSeconds: 30 })],
      ['failed with a rejection', rejected],
      ['completed', file({ status: 'completed', progress: 1 })],
      ['paused', file({ status: 'paused', resumeStatus: 'uploading', progress: 0.3 })],
    ];
    for (const theme of ['light', 'dark'] as const) {
      for (const [label, state] of states) {
        it(`${label} (${theme})`, async () => {
          const list = await fixture(html`<ul role="list"><li>
            <v2-upload-item theme=${theme} .file=${state}></v2-upload-item></li></ul>`);
          await expect(list).to.be.accessible();
        });
      }
    }
  });
});
