// @ts-check
// The demo processor (local stack only; nothing in supabase/ depends on it): plays LlamaParse
// and an embedding service so the whole pipeline can be watched locally. When a document is in
// `parsing` it sends signed `llamaparse` webhooks (parse.running with progress, then
// parse.success); in `embedding`, signed `embedding` webhooks (progress, then completed) — to
// processing-webhook, the same way the real services would.
//
// Settings (also at GET/PUT /stack/v1/processor, for the playground):
//   stepMs   time between two webhooks of one document
//   failAt   'parsing' | 'embedding' | null — send a failure at that stage instead of success
//   stallAt  'parsing' | 'embedding' | null — stop sending at that stage (the document gets stuck)
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { bearer, HttpError, readJson, sendJson } from './http.mjs';

/** @typedef {'parsing' | 'embedding'} Stage */
/** @typedef {{ stepMs: number, failAt: Stage | null, stallAt: Stage | null }} ProcessorSettings */
/** @typedef {{ service: import('./stack.mjs').Service, settings: ProcessorSettings, idle(): Promise<void> }} Processor */

// Progress points each stage reports before finishing (percent).
const STEPS = { parsing: [25, 50, 75], embedding: [33, 66] };
// How often the processor looks for documents to work on.
const POLL_MS = 200;
const STAGES = /** @type {const} */ (['parsing', 'embedding']);

/** @param {unknown} v @returns {v is Stage | null} */
const isStageOrNull = (v) => v === null || v === 'parsing' || v === 'embedding';

/**
 * @param {import('./stack.mjs').StackContext} ctx
 * @param {Partial<ProcessorSettings>} initial
 * @returns {Promise<Processor>}
 */
export async function createProcessor(ctx, initial) {
  /** @type {ProcessorSettings} */
  const settings = { stepMs: 1000, failAt: null, stallAt: null, ...initial };
  const webhook = new Webhook(ctx.webhookSecret);
  /** @type {Map<string, { stage: Stage, step: number, next: number }>} */
  const jobs = new Map();
  /** @type {Set<Promise<void>>} */
  const inFlight = new Set();
  let stopped = false;

  /** @param {'llamaparse' | 'embedding'} source @param {Record<string, unknown>} body */
  async function send(source, body) {
    const id = `msg_${randomUUID()}`;
    const payload = JSON.stringify({ source, ...body });
    const timestamp = new Date();
    const signature = webhook.sign(id, timestamp, payload);
    const res = await fetch(`${ctx.url}/functions/v1/processing-webhook?source=${source}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: payload,
    });
    if (!res.ok) ctx.log(`processor: ${source} webhook answered ${res.status}`, { body: await res.text() });
  }

  /** One step of one document's current stage. */
  async function step(/** @type {{ id: string, status: Stage, llama_parse_job_id: string | null }} */ doc, /** @type {{ stage: Stage, step: number }} */ job) {
    const points = STEPS[job.stage];
    const fail = settings.failAt === job.stage && job.step === 1;
    if (job.stage === 'parsing') {
      const base = { jobId: doc.llama_parse_job_id, documentId: doc.id };
      if (fail) await send('llamaparse', { ...base, event: 'parse.error', error: { code: 'parse_failed', message: 'The demo processor was told to fail parsing.' } });
      else if (job.step < points.length) await send('llamaparse', { ...base, event: 'parse.running', progress: points[job.step] });
      else await send('llamaparse', { ...base, event: 'parse.success' });
    } else {
      if (fail) await send('embedding', { documentId: doc.id, status: 'failed', error: { code: 'embedding_failed', message: 'The demo processor was told to fail embedding.' } });
      else if (job.step < points.length) await send('embedding', { documentId: doc.id, status: 'progress', progress: points[job.step] });
      else await send('embedding', { documentId: doc.id, status: 'completed' });
    }
  }

  async function tick() {
    const docs = /** @type {{ id: string, status: Stage, llama_parse_job_id: string | null }[]} */ (
      await ctx.sql`select id, status, llama_parse_job_id from public.documents where status in ('parsing', 'embedding')`
    );
    const now = Date.now();
    const seen = new Set();
    for (const doc of docs) {
      seen.add(doc.id);
      let job = jobs.get(doc.id);
      if (!job || job.stage !== doc.status) {
        job = { stage: doc.status, step: 0, next: now + settings.stepMs };
        jobs.set(doc.id, job);
      }
      if (now < job.next || settings.stallAt === job.stage || inFlightFor.has(doc.id)) continue;
      const current = job;
      const work = step(doc, current)
        .catch((error) => ctx.log(`processor: webhook failed: ${error}`))
        .finally(() => {
          current.step += 1;
          current.next = Date.now() + settings.stepMs;
          inFlightFor.delete(doc.id);
          inFlight.delete(work);
        });
      inFlightFor.add(doc.id);
      inFlight.add(work);
    }
    for (const id of jobs.keys()) if (!seen.has(id)) jobs.delete(id);
  }
  /** @type {Set<string>} */
  const inFlightFor = new Set();

  let timer = /** @type {NodeJS.Timeout | undefined} */ (undefined);
  const loop = () => {
    if (stopped) return;
    tick()
      .catch((error) => ctx.log(`processor: ${error}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, POLL_MS);
      });
  };
  loop();

  return {
    settings,
    async idle() {
      await Promise.all([...inFlight]);
    },
    service: {
      prefix: '/stack/v1/processor',
      async handle(req, res) {
        if (req.method === 'OPTIONS') {
          res.writeHead(204).end();
          return;
        }
        // Local and dev-only, but still not for anonymous pages: any key of this stack (the
        // gateway has turned an sb_ apikey into a JWT of its role by now).
        const token = bearer(req) ?? String(req.headers.apikey ?? '');
        try {
          await ctx.verifyJwt(token);
        } catch {
          throw new HttpError(401, 'auth_missing', 'Send a key of this stack as apikey (publishable or secret) or a JWT as bearer token.');
        }
        if (req.method === 'PUT') {
          const body = await readJson(req, 4096);
          if (body.stepMs !== undefined) {
            if (!Number.isInteger(body.stepMs) || body.stepMs < 0 || body.stepMs > 600_000) {
              throw new HttpError(422, 'validation_failed', 'stepMs must be an integer from 0 to 600000.');
            }
            settings.stepMs = body.stepMs;
          }
          for (const key of /** @type {const} */ (['failAt', 'stallAt'])) {
            if (body[key] === undefined) continue;
            if (!isStageOrNull(body[key])) throw new HttpError(422, 'validation_failed', `${key} must be one of ${STAGES.join(', ')} or null.`);
            settings[key] = body[key];
          }
        } else if (req.method !== 'GET') {
          throw new HttpError(405, 'method_not_allowed', 'Use GET or PUT.');
        }
        sendJson(res, 200, settings);
      },
      async close() {
        stopped = true;
        clearTimeout(timer);
        await Promise.all([...inFlight]);
      },
    },
  };
}
