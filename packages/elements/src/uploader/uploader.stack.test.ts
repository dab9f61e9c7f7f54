// <v2-uploader> against the real local stack the test runner starts: a person drops a PDF and
// sees it reach "Done".
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import { pdfBlob, signedInClient, stackInfo } from '../../../core/src/testing/stack.js';
import './define.js';
import type { V2UploaderElement } from './uploader.js';

/** The app's client before anyone signs in (nothing persisted, so no other test sees its session). */
async function signedOutClient() {
  const { url, publishableKey } = await stackInfo();
  return createClient(url, publishableKey, { auth: { persistSession: false, autoRefreshToken: false, storageKey: `sb-${crypto.randomUUID()}` } });
}

async function rowOf(el: V2UploaderElement) {
  await el.updateComplete;
  const item = el.shadowRoot!.querySelector('v2-upload-item')!;
  await (item as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
  return item.shadowRoot!;
}

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

  it('signed out: the row says "Sign in to upload", not that a session ended', async () => {
    const supabase = await signedOutClient();
    const el = await fixture<V2UploaderElement>(html`<v2-uploader .supabase=${supabase}></v2-uploader>`);
    const failed = oneEvent(el, 'v2-upload-error');
    await el.addFiles([pdfBlob(2048, 7, 'signed-out.pdf')]);
    const { detail } = await failed;
    expect([detail.error.code, detail.error.status, detail.error.retryable]).to.deep.equal(['auth-required', 401, false]);
    const row = await rowOf(el);
    expect(row.textContent).to.contain('Sign in to upload').and.not.contain('session ended');
    el.uploader?.destroy();
  });

  it('anonymous-sign-in: a signed-out client signs in anonymously once, and the files upload', async () => {
    const supabase = await signedOutClient();
    const el = await fixture<V2UploaderElement>(html`<v2-uploader anonymous-sign-in .supabase=${supabase}></v2-uploader>`);
    expect(el.anonymousSignIn).to.equal(true);
    let signIns = 0;
    const signIn = supabase.auth.signInAnonymously.bind(supabase.auth);
    supabase.auth.signInAnonymously = (credentials) => (signIns++, signIn(credentials));
    const done = new Promise<void>((resolve) => el.addEventListener('v2-all-complete', () => resolve(), { once: true }));
    const completed: [string, string][] = [];
    el.addEventListener('v2-upload-complete', (e) => completed.push([e.detail.documentId, e.detail.file.name]));
    el.multiple = true;
    await el.addFiles([pdfBlob(4096, 11, 'a.pdf'), pdfBlob(4096, 12, 'b.pdf')]);
    await done;
    expect([completed.length, signIns]).to.deep.equal([2, 1]);
    const { data } = await supabase.auth.getSession();
    expect(data.session?.user.is_anonymous).to.equal(true);
    // One anonymous user for both files: their bytes are in that user's folder.
    for (const [documentId, name] of completed) {
      const { data: bytes } = await supabase.storage.from('documents').download(`${data.session!.user.id}/${documentId}/${name}`);
      expect(bytes?.size).to.equal(4096);
    }
    el.uploader?.destroy();
    await supabase.removeAllChannels();
  });
});

