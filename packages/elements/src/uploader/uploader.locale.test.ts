// <v2-uploader> in a language loaded on demand (i18n/registry.ts). A page of its own: nothing
// here imports i18n/locale.js, which would add German and Arabic synchronously.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { rejectionMessage, Uploader } from '@v2-uploader/core/store';
import { fakeOptions } from '@v2-uploader/core/testing';
import { en } from '../i18n/en.js';
import './define.js';
import type { V2UploaderElement } from './uploader.js';

const part = (el: Element, name: string) => el.shadowRoot!.querySelector(`[part~="${name}"]`);

describe('<v2-uploader> in a language loaded on demand', () => {
  // Each test uses a language no test before it loaded.
  it('renders in Arabic at its first render', async () => {
    const el = await fixture<V2UploaderElement>(html`<v2-uploader locale="ar-EG"></v2-uploader>`);
    expect(part(el, 'label')!.textContent).to.equal('رفع المستندات');
    expect(part(el, 'base')!.getAttribute('dir')).to.equal('rtl');
    expect(part(el, 'browse')!.textContent).to.not.equal(en.browse);
  });

  it('an uploader first renders in its language, and a file added before that is refused in it', async () => {
    const el = document.createElement('v2-uploader') as V2UploaderElement;
    el.setAttribute('locale', 'de');
    el.uploader = new Uploader(fakeOptions().options);
    document.body.append(el);
    try {
      const rejected = oneEvent(el, 'v2-file-rejected');
      const adding = el.addFiles(new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }));
      const { detail } = await rejected;
      expect(detail.message).to.equal('Der Dateityp von setup.exe wird nicht angenommen; bitte eine Datei vom Typ .pdf, .docx oder .txt wählen.');
      expect(detail.message).to.equal(rejectionMessage(detail.reason, 'de', 'setup.exe'));
      await adding;
      await el.updateComplete;
      expect(part(el, 'label')!.textContent).to.equal('Dokumente hochladen');
      expect(part(el, 'base')!.getAttribute('lang')).to.equal('de');
    } finally {
      el.remove();
    }
  });
});
