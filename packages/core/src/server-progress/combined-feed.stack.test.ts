// The combined feed against the local stack: real Realtime, real progress-tracker.
import { expect } from '@open-wc/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ProgressEvent, ServerProgress, UploadPlan } from '../interfaces.js';
import { createDocument, signedInClient, uploadBytes } from '../testing/stack.js';
import { createProgressFeed } from './combined-feed.js';
import { createRealtimeFeed } from './realtime-feed.js';


/** BackendApi.getProgress over progress-tracker GET, as the signed-in user. */
function stackApi(supabase: SupabaseClient) {
  const calls: string[] = [];
  return {
    calls,
    async getProgress(documentId: string, signal?: AbortSignal): Promise<ServerProgress> {
      calls.push(documentId);
      const { data, error } = await supabase.functions.invoke(`progress-tracker?documentId=${encodeURIComponent(documentId)}`, {
        method: 'GET',
        ...(signal ? { signal } : {}),
      });
      if (error) throw error;
      return data as ServerProgress;
    },
  };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 8_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const RANK = ['pending', 'uploading', 'uploaded', 'processing', 'embedding', 'completed'];

describe('createProgressFeed (local stack)', function () {
  this.timeout(20_000);
  const clients: SupabaseClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.removeAllChannels()));
  });

  it('falls back to polling when the channel cannot subscribe, and still reaches completed', async () => {
    const { supabase, userId } = await signedInClient();
    clients.push(supabase);
    const doc = await createDocument(supabase, 21);
    const api = stackApi(supabase);
    const realtimeFeed = createRealtimeFeed(supabase, { userId, table: 'no_such_table' });
    const feed = createProgressFeed({ supabase, api, userId, realtime: true, realtimeFeed, polling: { initialIntervalMs: 100 } });
    const events: ProgressEvent[] = [];
    const stop = feed.follow(doc.documentId, (e) => events.push(e));
    await waitFor('the first poll', () => events.length > 0);
    expect(realtimeFeed.health).to.equal('errored');
    expect(events[0]?.status).to.equal('pending');
    await uploadBytes(supabase, doc.plan, doc.file);
    await waitFor('completed', () => events.some((e) => e.status === 'completed'));
    const ranks = events.map((e) => RANK.indexOf(e.status));
    expect(ranks.every((r, i) => r >= 0 && (i === 0 || r >= ranks[i - 1]!)), `in order: ${events.map((e) => e.status)}`).to.equal(true);
    expect(events.filter((e) => e.status === 'completed').length).to.equal(1);
    stop();
    await waitFor('the channel to be removed', () => supabase.getChannels().length === 0);
  });

  it('catches up on what happened before it subscribed', async () => {
    const { supabase, userId } = await signedInClient();
    clients.push(supabase);
    const doc = await createDocument(supabase, 22);
    const api = stackApi(supabase);
    await uploadBytes(supabase, doc.plan, doc.file);
    for (;;) {
      if ((await api.getProgress(doc.documentId)).status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    api.calls.length = 0;
    const feed = createProgressFeed({ supabase, api, userId, realtime: true });
    const events: ProgressEvent[] = [];
    const stop = feed.follow(doc.documentId, (e) => events.push(e));
    await waitFor('completed', () => events.length > 0);
    expect(events.map((e) => e.status)).to.deep.equal(['completed']);
    expect(api.calls, 'one catch-up, no polling').to.deep.equal([doc.documentId]);
    stop();
    await waitFor('the channel to be removed', () => supabase.getChannels().length === 0);
  });

  it('follows an upload to completed over realtime, each step once and in order', async () => {
    const { supabase, userId } = await signedInClient();
    clients.push(supabase);
    const doc = await createDocument(supabase, 23);
    const api = stackApi(supabase);
    const feed = createProgressFeed({ supabase, api, userId, realtime: true });
    const events: ProgressEvent[] = [];
    feed.follow(doc.documentId, (e) => events.push(e));
    await waitFor('the catch-up', () => events.length > 0);
    await uploadBytes(supabase, doc.plan, doc.file);
    await waitFor('completed', () => events.some((e) => e.status === 'completed'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.map((e) => e.status)).to.deep.equal(['pending', 'uploaded', 'processing', 'completed']);
    expect(api.calls.length, 'no polling on a healthy channel').to.equal(1);
  });
});
