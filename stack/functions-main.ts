// The local stack's functions server (Deno): routes /functions/v1/<name> to the real function
// modules of supabase/functions — the same index.ts files `supabase functions deploy` ships —
// as Supabase's edge runtime main service does. Started by stack/src/functions.mjs.
import uploadHandler from '../supabase/functions/upload-handler/index.ts';
import progressTracker from '../supabase/functions/progress-tracker/index.ts';
import processingWebhook from '../supabase/functions/processing-webhook/index.ts';

const functions: Record<string, { fetch: (req: Request) => Response | Promise<Response> }> = {
  'upload-handler': uploadHandler,
  'progress-tracker': progressTracker,
  'processing-webhook': processingWebhook,
};

// If the stack process dies without stopping us (SIGKILL), do not outlive it.
const parent = Deno.ppid;
setInterval(() => {
  if (Deno.ppid !== parent) Deno.exit(0);
}, 1000);

const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '0');
Deno.serve({
  hostname: '127.0.0.1',
  port,
  onListen: ({ port }) => console.log(JSON.stringify({ level: 'info', msg: 'functions listening', port })),
}, (req) => {
  const name = new URL(req.url).pathname.replace(/^\/functions\/v1\//, '').split('/')[0] ?? '';
  const fn = functions[name];
  if (!fn) {
    return Response.json({ error: { code: 'not_found', message: `No function named "${name}".` } }, { status: 404 });
  }
  return fn.fetch(req);
});
