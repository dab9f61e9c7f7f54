// processing-webhook: Storage, LlamaParse, the embedding service and internal processors report
// here, and the document moves along the pipeline. No JWT: the webhook signature is the
// authentication (config.toml: verify_jwt = false).
//
// Order matters: the raw bytes are read (bounded) and authenticated before anything parses
// them; then the body is validated for its source; then, in ONE transaction as the service, the
// webhook id is recorded (a replay finds it and changes nothing) and the event applied. A
// request refused with 4xx rolls back and leaves no trace.
import { z } from 'zod';
import { createHandler, type Deps, type RequestContext } from '../_shared/app.ts';
import { HttpError } from '../_shared/errors.ts';
import { json, parseJson, readBody, WEBHOOK_BODY_LIMIT } from '../_shared/http.ts';
import { removeObjects } from '../_shared/storage.ts';
import {
  hasStandardWebhookHeaders, malformedSecrets, type VerifiedWebhook, verifySharedSecret, verifyStandardWebhook,
} from '../_shared/webhook-signature.ts';
import { applyEvent, type Merged } from './apply.ts';
import { parseEvent, resolveSource, SHARED_SECRET_SOURCES } from './events.ts';

async function authenticate(ctx: RequestContext, raw: Uint8Array): Promise<VerifiedWebhook> {
  const { config, req } = ctx;
  const bad = malformedSecrets(config.webhookSecrets);
  if (bad > 0) ctx.log.log('error', 'WEBHOOK_SECRETS has entries that are not whsec_<base64>; they are ignored', { count: bad });
  if (hasStandardWebhookHeaders(req.headers)) {
    return await verifyStandardWebhook(req.headers, raw, config.webhookSecrets, ctx.clock);
  }
  const shared = req.headers.get(config.sharedSecretHeader);
  if (shared !== null && shared !== '') {
    return await verifySharedSecret(shared, config.sharedSecret, config.sharedSecretHeader, raw);
  }
  throw new HttpError(401, 'signature_missing',
    `Sign the request with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature headers), or, from ${SHARED_SECRET_SOURCES.join(' and ')}, send the ${config.sharedSecretHeader} header.`);
}

/** What the transaction decided: the answer's fields, and objects to remove after the commit. */
interface Received {
  answer: Record<string, unknown>;
  orphans?: Merged;
}

async function receive(ctx: RequestContext): Promise<Response> {
  const raw = await readBody(ctx.req, WEBHOOK_BODY_LIMIT);
  const verified = await authenticate(ctx, raw);
  // parseJson refuses what webhook_events.payload (jsonb) cannot hold (_shared/text.ts).
  const body = parseJson(raw, z.unknown(), ctx.req);
  const source = resolveSource(ctx.req, body);
  if (verified.method === 'shared-secret' && !SHARED_SECRET_SOURCES.includes(source)) {
    throw new HttpError(401, 'signature_missing',
      `${source} webhooks must be signed with Standard Webhooks; the ${ctx.config.sharedSecretHeader} header is accepted from ${SHARED_SECRET_SOURCES.join(' and ')} only.`);
  }
  const event = parseEvent(source, body);
  const at = ctx.clock.now();
  const { webhookId } = verified;

  const result = await ctx.db.asService(async (tx): Promise<Received> => {
    const [recorded] = await tx<{ id: string }[]>`
      insert into public.webhook_events (webhook_id, source, payload, outcome, received_at)
      values (${webhookId}, ${source}, ${tx.json(body as never)}, 'received', ${at})
      on conflict (webhook_id) do nothing
      returning id`;
    if (!recorded) {
      // Seen before (a retry, or a replay inside the tolerance window): answer as if new, do nothing.
      const [first] = await tx<{ document_id: string | null; status: string | null }[]>`
        select e.document_id, d.status
          from public.webhook_events e left join public.documents d on d.id = e.document_id
         where e.webhook_id = ${webhookId}`;
      return { answer: { duplicate: true, documentId: first?.document_id ?? null, status: first?.status ?? null } };
    }
    const applied = await applyEvent(tx, event, at);
    // A merged document has no row left to point at (webhook_events.document_id references documents).
    await tx`update public.webhook_events set document_id = ${applied.doc?.id ?? null}, outcome = ${applied.outcome} where id = ${recorded.id}`;
    if (applied.merged) {
      const { merged } = applied;
      return {
        answer: { duplicate: false, documentId: merged.documentId, status: null, outcome: applied.outcome, reason: applied.reason, mergedInto: merged.mergedInto },
        orphans: merged,
      };
    }
    return {
      answer: {
        duplicate: false,
        documentId: applied.doc.id,
        status: applied.doc.status,
        outcome: applied.outcome,
        ...(applied.reason ? { reason: applied.reason } : {}),
      },
    };
  });

  // Late hash (issue 19): the object landed after its document was merged away. Removed after
  // the commit (no transaction waits on Storage), with the code upload-handler uses for a merge.
  // Best effort: the answer stays 200 either way (a failure is logged), the sender must not retry.
  const { answer } = result;
  if (result.orphans) {
    const { bucket, paths } = result.orphans;
    const removed = await ctx.time('storage', removeObjects(ctx, bucket, paths));
    ctx.log.log('info', 'webhook', { source, webhookId, method: verified.method, ...answer, orphans: paths.length, removed });
  } else {
    ctx.log.log('info', 'webhook', { source, webhookId, method: verified.method, ...answer });
  }
  return json({ received: true, webhookId, ...answer });
}

export function processingWebhook(getDeps?: () => Deps) {
  return createHandler('processing-webhook', { POST: receive }, getDeps);
}
