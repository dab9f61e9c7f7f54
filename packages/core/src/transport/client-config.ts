// Where a Supabase client's functions live and its anon key: read synchronously, so a client
// they cannot be read from is refused when the Uploader first needs its API, before the rest of
// the backend API (a lazy chunk in the Uploader) is loaded.
import type { AnySupabaseClient, BackendApiOptions } from './backend-api.js';

/** What supabase-js 2.x holds but declares `protected` (see {@link BackendApiOptions.supabaseUrl}). */
interface ClientInternals {
  supabaseUrl?: unknown;
  supabaseKey?: unknown;
  functionsUrl?: unknown;
}

const trimSlashes = (url: string) => url.replace(/\/+$/, '');

/** The functions URL (no trailing slash) and anon key for `supabase`; throws a TypeError when neither the options nor the client give them. */
export function clientConfig(supabase: AnySupabaseClient, options: Pick<BackendApiOptions, 'functionsUrl' | 'supabaseUrl' | 'supabaseKey'>): { functionsUrl: string; anonKey: string } {
  const internals = supabase as unknown as ClientInternals;
  const clientFunctionsUrl =
    internals.functionsUrl instanceof URL || typeof internals.functionsUrl === 'string' ? String(internals.functionsUrl) : undefined;
  const clientUrl = typeof internals.supabaseUrl === 'string' ? internals.supabaseUrl : undefined;
  const functionsUrl =
    options.functionsUrl ??
    (options.supabaseUrl !== undefined ? `${trimSlashes(options.supabaseUrl)}/functions/v1` : undefined) ??
    clientFunctionsUrl ??
    (clientUrl !== undefined ? `${trimSlashes(clientUrl)}/functions/v1` : undefined);
  const anonKey = options.supabaseKey ?? (typeof internals.supabaseKey === 'string' ? internals.supabaseKey : undefined);
  if (!functionsUrl || !anonKey) {
    throw new TypeError('createBackendApi: cannot read the URL and key of this Supabase client; pass options.supabaseUrl and options.supabaseKey.');
  }
  return { functionsUrl: trimSlashes(functionsUrl), anonKey };
}
