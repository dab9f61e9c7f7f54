// <v2-uploader> against the real local stack the test runner starts: a person drops a PDF and
// sees it reach "Done".
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { pdfBlob, signedInClient } from '../../../core/src/testing/stack.js';
import './define.js';
import type { V2UploaderElement } from './uploader.js';

describe('<v2-uploader> on the local stack', function () {
  this.timeout(60_000);

  it('uploads a dropped PDF through Storage and processing to completed', async () => {
    const { supabase, userId } = await signedInClient();
    const form = await fixture<HTMLFormElement>(html`<form><v2-uploader name="docs" .supabase=${supabase}></v2-uploader></form>`);
    const el = form.querySelector('v2-uploader') as V2UploaderElement;
    const done = oneEvent(el, 'v2-processing-complete');
    const dt = new DataTransfer();
    dt.items.add(pdfBlob(300 * 1024, 42, 'dropped.pdf'));
    el.shadowRoot!.querySelector('[part~=dropzone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    const { detail } = await done;
    expect(detail.file.status).to.equal('completed');
    await el.updateComplete;
    const item = el.shadowRoot!.querySelector('v2-upload-item')!;
    await (item as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(item.shadowRoot!.querySelector('[part~=status]')!.textContent).to.contain('Done');
    expect(new FormData(form).getAll('docs')).to.deep.equal([detail.documentId]);
    const { data } = await supabase.storage.from('documents').download(`${userId}/${detail.documentId}/dropped.pdf`);
    expect(data?.size).to.equal(300 * 1024);
    el.uploader?.destroy();
    await supabase.removeAllChannels();
  });
});
