// POST   /functions/v1/progress-tracker  report processing progress (service role or owner)
// GET    /functions/v1/progress-tracker?documentId=  progress, ETA, stuck
// DELETE /functions/v1/progress-tracker?documentId=  reset for a retry
// Runs with `supabase functions deploy` and `deno serve`.
import { progressTracker } from './handler.ts';

export const handler = progressTracker();
export default { fetch: handler };
