// POST /functions/v1/processing-webhook[?source=llamaparse|storage|embedding|internal]
// Webhooks from Storage, LlamaParse, the embedding service and internal processors.
// Runs with `supabase functions deploy` and `deno serve`.
import { processingWebhook } from './handler.ts';

export const handler = processingWebhook();
export default { fetch: handler };
