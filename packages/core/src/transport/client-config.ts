// Where a Supabase client's functions live and its anon key: read synchronously, so a client
// they cannot be read from is refused when the Uploader first needs its API, before the rest of
// the backend API (a lazy chunk in the Uploader) is loaded.
import type { SupabaseClient } from '@supabase/supabase-js';

/** Any supabase-js client, whatever its Database type. */
export type AnySupabaseClient = SupabaseClient<any, any, any>;

/** Where the functions are and the key to send, when the client does not say (part of `BackendApiOptions`). */
export interface ClientConfigOptions {
  /**
   * The project URL, as given to `createClient`. Default: the client's own. supabase-js 2.119
   * declares `supabaseUrl`, `supabaseKey` and `functionsUrl` `protected`; they have been plain
   * instance fields since 2.0, so they are read at runtime, and these options exist for clients
   * that do not have them (wrappers, proxies, other versions).
   */
  supabaseUrl?: string;
  /** The project's anon/publishable key, sent as `apikey`. Default: the client's `supabaseKey`. */
  supabaseKey?: string;
  /** Base URL of the Edge Functions. Default: `<supabaseUrl>/functions/v1` (the client's `functionsUrl`). */
  functionsUrl?: string;
}

/** What supabase-js 2.x holds but declares `protected` (see {@link ClientConfigOptions.supabaseUrl}). */
interface ClientInternals {
  supabaseUrl?: unknown;
  supabaseKey?: unknown;
  functionsUrl?: unknown;
}

const trimSlashes = (url: string) => url.replace(/\/+$/, '');

/** The functions URL (no trailing slash) and anon key for `supabase`; throws a TypeError when neither the options nor the client give them. */
export function clientConfig(supabase: AnySupabaseClient, options: ClientConfigOptions): { functionsUrl: string; anonKey: string } {
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
