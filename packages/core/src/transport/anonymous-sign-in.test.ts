import { expect } from '@open-wc/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { UploadError } from '../upload-error.js';
import { withAnonymousSignIn } from './anonymous-sign-in.js';

/** Just the auth calls the wrapper makes, plus one other member to show it is passed through. */
function fakeClient(signInError: { name: string; message: string; status?: number } | null) {
  const state = { session: null as { access_token: string } | null, signIns: 0, url: 'https://ref.supabase.test' };
  const auth = {
    async getSession() {
      return { data: { session: state.session }, error: null };
    },
    async signInAnonymously() {
      state.signIns++;
      if (signInError) return { data: { session: null, user: null }, error: signInError };
      state.session = { access_token: 'anon-user' };
      return { data: { session: state.session }, error: null };
    },
  };
  return { state, client: { auth, supabaseUrl: state.url, from: function (this: unknown) { return this; } } as unknown as SupabaseClient };
}

describe('withAnonymousSignIn', () => {
  it('signs in once for any number of concurrent requests, and passes the rest of the client through', async () => {
    const { state, client } = fakeClient(null);
    const wrapped = withAnonymousSignIn(client);
    const sessions = await Promise.all([wrapped.auth.getSession(), wrapped.auth.getSession(), wrapped.auth.getSession()]);
    expect(sessions.map((s) => s.data.session?.access_token)).to.deep.equal(['anon-user', 'anon-user', 'anon-user']);
    expect(state.signIns).to.equal(1);
    expect((wrapped as unknown as { supabaseUrl: string }).supabaseUrl).to.equal(state.url);
    expect(wrapped.from('x')).to.equal(client, 'methods run on the real client');
  });

  it('a refused sign-in is a clear, final auth-required error; offline is retryable and tried again next time', async () => {
    const refused = fakeClient({ name: 'AuthApiError', message: 'Anonymous sign-ins are disabled', status: 422 });
    const error = await withAnonymousSignIn(refused.client).auth.getSession().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UploadError);
    expect([(error as UploadError).code, (error as UploadError).retryable]).to.deep.equal(['auth-required', false]);
    expect((error as UploadError).message).to.contain('Anonymous sign-ins are disabled').and.contain('Allow anonymous sign-ins');

    const offline = fakeClient({ name: 'AuthRetryableFetchError', message: 'Failed to fetch' });
    const wrapped = withAnonymousSignIn(offline.client);
    for (let i = 0; i < 2; i++) {
      const e = (await wrapped.auth.getSession().catch((x: unknown) => x)) as UploadError;
      expect([e.code, e.retryable]).to.deep.equal(['network', true]);
    }
    expect(offline.state.signIns).to.equal(2);
  });
});
