// @ts-check
// pg_net's background worker for the local stack (the SQL side is stack/extensions/pg_net): sends
// each request queued in net.http_request_queue once, after its transaction committed, with the
// request's timeout and no retries, and records the outcome in net._http_response (kept six hours,
// pg_net's default ttl). Woken by NOTIFY pg_net_request, and polls once a second in case a
// notification is missed (pg_net's worker polls too).
//
// This is what makes Database Webhooks (triggers calling net.http_post) work here as on hosted
// Supabase: Storage itself sends nothing.

const BATCH = 20;
const POLL_MS = 1000;
const RESPONSE_TTL = '6 hours';
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Running workers, so tests can wait for deliveries without a handle on the stack. */
const live = new Set();

/** Resolves once every running stack's pg_net queue is empty and nothing is being sent. */
export async function eventsIdle() {
  await Promise.all([...live].map((w) => w.idle()));
}

/**
 * @param {import('./stack.mjs').StackContext} ctx
 * @returns {Promise<{ idle: () => Promise<void>, close: () => Promise<void> }>}
 */
export async function createPgNetWorker(ctx) {
  let closed = false;
  /** @type {Set<Promise<void>>} */
  const inFlight = new Set();
  let running = false;
  let again = false;

  const listener = await ctx.sql.listen('pg_net_request', () => kick());
  const timer = setInterval(() => kick(), POLL_MS);
  timer.unref();

  function kick() {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    const round = drain()
      .catch((error) => ctx.log('pg_net: worker failed', { error: String(error) }))
      .finally(() => {
        running = false;
        inFlight.delete(round);
        if (again) {
          again = false;
          kick();
        }
      });
    inFlight.add(round);
  }

  async function drain() {
    for (;;) {
      if (closed) return;
      const batch = await ctx.sql`
        delete from net.http_request_queue
         where id in (select id from net.http_request_queue order by id limit ${BATCH} for update skip locked)
        returning id, method, url, headers, body, timeout_milliseconds`;
      if (batch.length === 0) return;
      await Promise.all(batch.map((request) => send(request)));
    }
  }

  /** @param {Record<string, any>} request */
  async function send(request) {
    const started = Date.now();
    /** @type {{ status_code: number | null, content_type: string | null, headers: Record<string, string> | null, content: string | null, timed_out: boolean, error_msg: string | null }} */
    let outcome;
    try {
      const res = await fetch(request.url, {
        method: request.method,
        headers: request.headers ?? {},
        ...(request.body ? { body: request.body } : {}),
        signal: AbortSignal.timeout(request.timeout_milliseconds),
        redirect: 'manual',
      });
      const text = await res.text();
      outcome = {
        status_code: res.status,
        content_type: res.headers.get('content-type'),
        headers: Object.fromEntries(res.headers),
        content: text.length > MAX_RESPONSE_BYTES ? text.slice(0, MAX_RESPONSE_BYTES) : text,
        timed_out: false,
        error_msg: null,
      };
    } catch (error) {
      const timedOut = /** @type {any} */ (error)?.name === 'TimeoutError';
      outcome = {
        status_code: null,
        content_type: null,
        headers: null,
        content: null,
        timed_out: timedOut,
        error_msg: timedOut
          ? `Timeout of ${request.timeout_milliseconds} ms reached. Total time: ${Date.now() - started} ms`
          : String(/** @type {any} */ (error)?.cause?.message ?? /** @type {any} */ (error)?.message ?? error),
      };
    }
    if (outcome.status_code === null || outcome.status_code >= 400) {
      ctx.log('pg_net: request failed (not retried)', { id: String(request.id), url: request.url, status: outcome.status_code, error: outcome.error_msg });
    }
    if (closed) return;
    await ctx.sql`
      insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
      values (${request.id}, ${outcome.status_code}, ${outcome.content_type},
              ${outcome.headers ? ctx.sql.json(outcome.headers) : null}, ${outcome.content}, ${outcome.timed_out}, ${outcome.error_msg})`;
    await ctx.sql`delete from net._http_response where created < now() - ${RESPONSE_TTL}::interval`;
  }

  const worker = {
    /** Resolves once the queue is empty and nothing is being sent. */
    async idle() {
      for (;;) {
        while (inFlight.size > 0) await Promise.all([...inFlight]);
        const [{ n }] = await ctx.sql`select count(*)::int as n from net.http_request_queue`;
        if (n === 0 && inFlight.size === 0) return;
        kick();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      live.delete(worker);
      closed = true;
      clearInterval(timer);
      await listener.unlisten().catch(() => {});
      await Promise.allSettled([...inFlight]);
    },
  };
  live.add(worker);
  return worker;
}
