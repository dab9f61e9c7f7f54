// POST /functions/v1/upload-handler  start an upload (or find the duplicate)
// GET  /functions/v1/upload-handler?documentId=  status, progress, ETA, stuck
// PUT  /functions/v1/upload-handler  report bytes sent
// Runs with `supabase functions deploy` and `deno serve`.
import { uploadHandler } from './handler.ts';

export const handler = uploadHandler();
export default { fetch: handler };
