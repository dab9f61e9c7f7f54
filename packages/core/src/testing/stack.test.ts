import { expect } from '@open-wc/testing';
import { signedInClient } from './stack.js';

describe('the local stack from the browser', () => {
  it('signs up, invokes upload-handler and gets a plan (CORS, auth, functions in Deno)', async () => {
    const { supabase, userId } = await signedInClient();
    const { data, error } = await supabase.functions.invoke('upload-handler', {
      body: { filename: 'a.txt', contentType: 'text/plain', fileSize: 5, fileHash: crypto.randomUUID().replaceAll('-', '') },
    });
    expect(error).to.equal(null);
    expect(data.upload.path.startsWith(`${userId}/`)).to.equal(true);
    const put = await supabase.storage.from('documents').uploadToSignedUrl(data.upload.path, data.upload.token,
      new Blob(['hello'], { type: 'text/plain' }), { contentType: 'text/plain' });
    expect(put.error).to.equal(null);
  });
});
