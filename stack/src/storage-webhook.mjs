// @ts-check
// Storage's `storage` events, delivered the way a Supabase Database Webhook on storage.objects
// would send them (pg_net POST of { type, table, schema, record, old_record }), signed with
// Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature) using the stack's
// webhook secret. Delivery is asynchronous, after the upload has been answered; network errors,
// 429 and 5xx are retried with backoff; failures are logged and never touch the upload.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Waits between attempts (ms): 4 attempts in all. */
const BACKOFF_MS = [250, 1000, 3000];
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * @typedef {object} StorageEvent
 * @property {'INSERT' | 'UPDATE'} type
 * @property {'objects'} table
 * @property {'storage'} schema
 * @property {Record<string, unknown>} record
 * @property {Record<string, unknown> | null} old_record
 */

/**
 * The processing-webhook function needs to know who is calling: a Database Webhook is
 * configured with `?source=storage` on its URL. Add it when the configured URL says nothing.
 * @param {string} raw
 */
export function storageWebhookUrl(raw) {
  const url = new URL(raw);
  if (!url.searchParams.has('source')) url.searchParams.set('source', 'storage');
  return url.toString();
}

/**
 * @param {{ webhookSecret: string, webhookUrl: () => string, log: (msg: string, fields?: Record<string, unknown>) => void }} options
 */
export function createWebhookSender({ webhookSecret, webhookUrl, log }) {
  const signer = new Webhook(webhookSecret);
  /** @type {Set<Promise<void>>} */
  const pending = new Set();
  const stopping = new AbortController();

  /** @param {number} ms */
  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(undefined);
      }, { once: true });
    });

  /** @param {StorageEvent} event */
  async function deliver(event) {
    const configured = webhookUrl();
    if (!configured) return;
    const url = storageWebhookUrl(configured);
    const body = JSON.stringify(event);
    // One id for all attempts: receivers use it as the idempotency key.
    const id = `msg_${randomUUID()}`;
    const what = { id, type: event.type, object: `${event.record.bucket_id}/${event.record.name}` };
    for (let attempt = 0; ; attempt++) {
      if (stopping.signal.aborted) return;
      const now = new Date();
      /** @type {string} */
      let failure;
      let retryable = true;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'v2-stack-storage',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signer.sign(id, now, body),
          },
          body,
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        });
        const text = await res.text().catch(() => '');
        if (res.ok) return;
        failure = `HTTP ${res.status} ${text.slice(0, 300)}`;
        retryable = res.status >= 500 || res.status === 429;
      } catch (error) {
        if (stopping.signal.aborted) return;
        failure = String(/** @type {any} */ (error)?.cause ?? error);
      }
      if (!retryable || attempt >= BACKOFF_MS.length) {
        log('storage: webhook delivery failed', { ...what, url, attempts: attempt + 1, error: failure });
        return;
      }
      await sleep(BACKOFF_MS[attempt] ?? 1000);
    }
  }

  return {
    /** Queue an event; never throws, never blocks. @param {StorageEvent} event */
    send(event) {
      const p = deliver(event)
        .catch((error) => log('storage: webhook delivery crashed', { error: String(error) }))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    /** Resolves when every queued delivery has finished (delivered or given up). */
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    /** Stop retrying and abort deliveries in flight. */
    async close() {
      stopping.abort();
      await Promise.allSettled([...pending]);
    },
  };
}
