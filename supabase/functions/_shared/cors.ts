// CORS for browser callers of the functions. Browsers send a preflight OPTIONS before any
// request with an Authorization header or a JSON body; it must answer 2xx with no auth.
//
// CORS_ALLOWED_ORIGINS (comma-separated) narrows the allowed origins; unset means "*",
// which is safe here because the functions authenticate with bearer tokens, not cookies.

import { corsHeaders as supabaseCors } from '@supabase/supabase-js/cors';

// Every header the Supabase SDK sends (supabase-js keeps this list in step with what its clients
// add: retry counts, trace context, …), plus ours: x-upsert and functions-js's x-region.
const ALLOWED_HEADERS = `${supabaseCors['Access-Control-Allow-Headers']}, x-upsert, x-region`;
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
// Headers a browser client may read: when to retry, and the id to quote in a bug report.
const EXPOSED_HEADERS = 'retry-after, x-request-id';
// Browsers may cache a preflight this long (seconds): fewer round trips during an upload.
const PREFLIGHT_MAX_AGE = '86400';

export interface CorsOptions {
  /** Allowed origins; empty or undefined allows any origin. */
  allowedOrigins?: readonly string[];
}

export function corsOptionsFromEnv(env: { get(key: string): string | undefined }): CorsOptions {
  const raw = env.get('CORS_ALLOWED_ORIGINS')?.trim();
  return raw ? { allowedOrigins: raw.split(',').map((o) => o.trim()).filter(Boolean) } : {};
}

/** The CORS headers for a request: `*`, or the request's origin when it is allowed. */
export function corsHeaders(req: Request, options: CorsOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
  };
  const allowed = options.allowedOrigins;
  if (!allowed || allowed.length === 0) {
    headers['Access-Control-Allow-Origin'] = '*';
    return headers;
  }
  headers['Vary'] = 'Origin';
  const origin = req.headers.get('origin');
  if (origin && allowed.includes(origin)) headers['Access-Control-Allow-Origin'] = origin;
  return headers;
}

/** The answer to a preflight, or null when the request is not one. */
export function preflight(req: Request, options: CorsOptions = {}): Response | null {
  if (req.method !== 'OPTIONS') return null;
  return new Response(null, { status: 204, headers: corsHeaders(req, options) });
}

/** A copy of `res` carrying the CORS headers for `req`. */
export function withCors(req: Request, res: Response, options: CorsOptions = {}): Response {
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(corsHeaders(req, options))) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
