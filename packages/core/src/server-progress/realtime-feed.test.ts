import { expect } from '@open-wc/testing';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import type { ProgressEvent, UploadPlan } from '../interfaces.js';
import { createDocument, signedInClient, stackInfo, uploadBytes } from '../testing/stack.js';
import type { ChannelHealth, RealtimeClientLike, RealtimeProgressFeed } from './realtime-feed.js';
import { createRealtimeFeed, eventFromRow } from './realtime-feed.js';

async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 8_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const subscribed = (feed: RealtimeProgressFeed) => waitFor('the channel to subscribe', () => feed.health === 'subscribed');

/** Statuses in order, a run of the same status counted once. */
const statusSteps = (events: ProgressEvent[]) => events.map((e) => e.status).filter((s, i, all) => s !== all[i - 1]);

// ---- against the local stack ---------------------------------------------------------------

describe('createRealtimeFeed (local stack)', function () {
  this.timeout(20_000);
  const clients: SupabaseClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.removeAllChannels()));
  });
  async function user() {
    const signedIn = await signedInClient();
    clients.push(signedIn.supabase);
    return signedIn;
  }

  it('delivers a document’s progress from the first report to completed, in order', async () => {
    const { supabase, userId } = await user();
    const doc = await createDocument(supabase, 11);
    const feed = createRealtimeFeed(supabase, { userId });
    expect(supabase.getChannels().length, 'no channel before anything is followed').to.equal(0);

    const events: ProgressEvent[] = [];
    const stop = feed.follow(doc.documentId, (e) => events.push(e));
    expect(supabase.getChannels().length).to.equal(1);
    await subscribed(feed);

    const report = await supabase.functions.invoke('upload-handler', { method: 'PUT', body: { documentId: doc.documentId, bytesUploaded: doc.file.size } });
    expect(report.error).to.equal(null);
    await uploadBytes(supabase, doc.plan, doc.file);
    await waitFor('completed', () => events.some((e) => e.status === 'completed'));

    expect(statusSteps(events)).to.deep.equal(['uploading', 'uploaded', 'processing', 'completed']);
    expect(events.find((e) => e.status === 'uploading')?.progress, 'a new stage starts at 0').to.equal(0);
    expect(events.some((e) => e.status === 'uploading' && e.progress === 100), 'the progress_update row').to.equal(true);
    expect(events.at(-1)).to.deep.include({ status: 'completed', progress: 100, error: undefined });
    expect(events.every((e) => e.documentId === doc.documentId)).to.equal(true);

    stop();
    await waitFor('the channel to be removed', () => supabase.getChannels().length === 0);
    expect(feed.health).to.equal('closed');
  });

  it('opens one channel while anything is followed and removes it after the last stop', async () => {
    const { supabase, userId } = await user();
    const feed = createRealtimeFeed(supabase, { userId });
    const health: ChannelHealth[] = [];
    feed.onHealth((h) => health.push(h));
    const stopA1 = feed.follow('00000000-0000-4000-8000-00000000000a', () => {});
    const stopA2 = feed.follow('00000000-0000-4000-8000-00000000000a', () => {});
    const stopB = feed.follow('00000000-0000-4000-8000-00000000000b', () => {});
    const [channel] = supabase.getChannels();
    expect(supabase.getChannels().length).to.equal(1);
    expect(channel?.bindings['postgres_changes']?.map((b) => b.filter)).to.deep.equal([
      { event: 'INSERT', schema: 'public', table: 'realtime_progress_updates', filter: `user_id=eq.${userId}` },
    ]);
    await subscribed(feed);
    stopA1();
    stopA1();
    stopA2();
    expect(supabase.getChannels().length, 'B is still followed').to.equal(1);
    stopB();
    await waitFor('the channel to be removed', () => supabase.getChannels().length === 0);
    expect(health).to.deep.equal(['joining', 'subscribed', 'closed']);

    const stopAgain = feed.follow('00000000-0000-4000-8000-00000000000a', () => {});
    expect(supabase.getChannels().length).to.equal(1);
    expect(supabase.getChannels()[0]).not.to.equal(channel);
    await subscribed(feed);
    stopAgain();
    await waitFor('the channel to be removed', () => supabase.getChannels().length === 0);
  });

  it('never shows a user another user’s progress, even when asked for it', async () => {
    const alice = await user();
    const bob = await user();
    const doc = await createDocument(alice.supabase, 12);
    const aliceFeed = createRealtimeFeed(alice.supabase, { userId: alice.userId });
    // Bob's own feed, and one that asks for Alice's rows outright (RLS must refuse them).
    const bobFeed = createRealtimeFeed(bob.supabase, { userId: bob.userId });
    const bobPosingAsAlice = createRealtimeFeed(bob.supabase, { userId: alice.userId });
    const aliceEvents: ProgressEvent[] = [];
    const bobEvents: ProgressEvent[] = [];
    aliceFeed.follow(doc.documentId, (e) => aliceEvents.push(e));
    bobFeed.follow(doc.documentId, (e) => bobEvents.push(e));
    bobPosingAsAlice.follow(doc.documentId, (e) => bobEvents.push(e));
    await Promise.all([subscribed(aliceFeed), subscribed(bobFeed), subscribed(bobPosingAsAlice)]);

    await uploadBytes(alice.supabase, doc.plan, doc.file);
    await waitFor('Alice sees completed', () => aliceEvents.some((e) => e.status === 'completed'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bobEvents).to.deep.equal([]);
  });

  it('sends a failure once, with its code and message', async () => {
    const { supabase, userId } = await user();
    const doc = await createDocument(supabase, 13);
    const feed = createRealtimeFeed(supabase, { userId });
    const events: ProgressEvent[] = [];
    feed.follow(doc.documentId, (e) => events.push(e));
    await subscribed(feed);
    // A processor (the service role) gives up on the document.
    const { url, anonKey, serviceRoleKey } = await stackInfo();
    const response = await fetch(`${url}/functions/v1/progress-tracker`, {
      method: 'POST',
      headers: { apikey: anonKey, authorization: `Bearer ${serviceRoleKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: doc.documentId, stage: 'failed', progress: 0, errorCode: 'ocr_failed', message: 'Page 3 is unreadable.' }),
    });
    expect(response.status).to.equal(200);
    await waitFor('failed', () => events.some((e) => e.status === 'failed'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.map((e) => [e.status, e.error])).to.deep.equal([['failed', { code: 'ocr_failed', message: 'Page 3 is unreadable.' }]]);
  });

  it('reports a channel that cannot subscribe as errored', async () => {
    const { supabase, userId } = await user();
    const feed = createRealtimeFeed(supabase, { userId, table: 'no_such_table' });
    const errors: (Error | undefined)[] = [];
    feed.onHealth((h, error) => h === 'errored' && errors.push(error));
    const stop = feed.follow('00000000-0000-4000-8000-00000000000a', () => {});
    await waitFor('errored', () => feed.health === 'errored');
    expect(String(errors[0]?.message)).to.contain('no_such_table');
    stop();
    await waitFor('the channel to be removed', () => supabase.getChannels().length === 0);
    expect(feed.health).to.equal('closed');
  });
});

// ---- with a scripted channel -------------------------------------------------------------------

type Status = 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED';

/** Just enough of supabase-js to drive the feed by hand. */
function fakeClient() {
  const channels: { name: string; row: (record: Record<string, unknown>) => void; status: (s: Status, e?: Error) => void }[] = [];
  const removed: string[] = [];
  const client = {
    channel(name: string) {
      const entry = { name, row: (_r: Record<string, unknown>) => {}, status: (_s: Status, _e?: Error) => {} };
      channels.push(entry);
      const channel = {
        on(_type: string, _filter: unknown, callback: (change: { new: Record<string, unknown> }) => void) {
          entry.row = (record) => callback({ new: record });
          return channel;
        },
        subscribe(callback: (s: Status, e?: Error) => void) {
          entry.status = callback;
          return channel;
        },
        name,
      };
      return channel as unknown as RealtimeChannel;
    },
    async removeChannel(channel: RealtimeChannel) {
      removed.push((channel as unknown as { name: string }).name);
      return 'ok' as const;
    },
  };
  return { client: client as unknown as RealtimeClientLike, channels, removed };
}

const row = (documentId: string, payload: unknown) => ({ document_id: documentId, user_id: 'u', payload });

describe('createRealtimeFeed (scripted channel)', () => {
  it('maps rows to events and ignores documents nobody follows', () => {
    const { client, channels } = fakeClient();
    const feed = createRealtimeFeed(client, { userId: 'u' });
    const events: ProgressEvent[] = [];
    feed.follow('a', (e) => events.push(e));
    const channel = channels[0]!;
    channel.status('SUBSCRIBED');
    channel.row(row('b', { type: 'status_change', from: 'uploaded', to: 'processing', status: 'processing', stage: 'processing' }));
    channel.row(row('a', { type: 'status_change', from: 'uploaded', to: 'parsing', status: 'parsing', stage: 'parsing' }));
    channel.row(row('a', JSON.stringify({ type: 'progress_update', status: 'parsing', stage: 'parsing', progress: 40, velocity: 2, etaSeconds: 30 })));
    channel.row(row('a', { type: 'progress_update', status: 'parsing', stage: 'parsing', progress: 140, etaSeconds: null }));
    channel.row(row('a', { type: 'something_new' }));
    channel.row(row('a', { type: 'complete', status: 'completed', progress: 100 }));
    expect(events.map((e) => [e.documentId, e.status, e.progress, e.etaSeconds])).to.deep.equal([
      ['a', 'parsing', 0, undefined],
      ['a', 'parsing', 40, 30],
      ['a', 'parsing', 100, undefined],
      ['a', 'completed', 100, undefined],
    ]);
  });

  it('holds a failed status change for its error row, and sends it alone when none comes', async () => {
    const { client, channels } = fakeClient();
    const feed = createRealtimeFeed(client, { userId: 'u' });
    const events: ProgressEvent[] = [];
    feed.follow('a', (e) => events.push(e));
    feed.follow('b', (e) => events.push(e));
    const channel = channels[0]!;
    channel.row(row('a', { type: 'progress_update', status: 'embedding', progress: 70 }));
    channel.row(row('a', { type: 'status_change', from: 'embedding', to: 'failed', status: 'failed', stage: 'embedding' }));
    channel.row(row('a', { type: 'error', status: 'failed', stage: 'embedding', code: 'embedding_failed', message: 'The embedding service is down.' }));
    channel.row(row('b', { type: 'status_change', from: 'embedding', to: 'failed', status: 'failed', stage: 'embedding' }));
    expect(events.map((e) => [e.documentId, e.status, e.progress, e.error?.code])).to.deep.equal([
      ['a', 'embedding', 70, undefined],
      ['a', 'failed', 70, 'embedding_failed'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(events.at(-1)).to.deep.include({ documentId: 'b', status: 'failed', error: undefined });
  });

  it('reports CHANNEL_ERROR, TIMED_OUT and a server close, and ignores a channel it let go', () => {
    const { client, channels, removed } = fakeClient();
    const feed = createRealtimeFeed(client, { userId: 'u' });
    const health: ChannelHealth[] = [];
    feed.onHealth((h) => health.push(h));
    const stop = feed.follow('a', () => {});
    const first = channels[0]!;
    first.status('CHANNEL_ERROR', new Error('boom'));
    first.status('SUBSCRIBED');
    first.status('TIMED_OUT');
    first.status('SUBSCRIBED');
    first.status('CLOSED');
    expect(removed).to.deep.equal([first.name]);
    expect(health).to.deep.equal(['joining', 'errored', 'subscribed', 'errored', 'subscribed', 'errored']);
    stop();
    first.status('SUBSCRIBED');
    expect(feed.health).to.equal('closed');
  });
});

describe('eventFromRow', () => {
  it('keeps the progress a document had when it is cancelled, and ignores unknown statuses', () => {
    const previous = eventFromRow('a', { type: 'progress_update', status: 'uploading', progress: 35 }, undefined);
    expect(eventFromRow('a', { type: 'status_change', from: 'uploading', to: 'cancelled' }, previous)).to.deep.include({ status: 'cancelled', progress: 35 });
    expect(eventFromRow('a', { type: 'status_change', to: 'exploded' }, previous)).to.equal(undefined);
    expect(eventFromRow('a', 'not json', previous)).to.equal(undefined);
  });
});
