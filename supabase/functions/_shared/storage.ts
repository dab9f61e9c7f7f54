// Signed upload tokens from Supabase Storage, requested with the user's own JWT (so Storage's
// RLS check on storage.objects runs for that user, as it would for a direct client call) and the
// project's publishable key as apikey (the legacy anon key on projects without one).
import { createClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import type { Caller } from './auth.ts';
import type { Deps } from './app.ts';
import { HttpError } from './errors.ts';

export interface SignedUpload {
  signedUrl: string;
  token: string;
  path: string;
  expiresAt: string | null;
}

/** A hosted project's API URL: `https://<ref>.supabase.co` (project refs are lower-case letters and digits). */
const HOSTED_PROJECT_URL = /^https:\/\/([a-z0-9]+)\.supabase\.co$/;

/**
 * Where the plan sends TUS uploads. For a hosted project that is the direct storage host,
 * `https://<ref>.storage.supabase.co`, which Supabase recommends for large resumable uploads
 * (it skips the API gateway, docs/PROTOCOLS.md §2); the signed upload token is valid on both
 * hosts. A custom domain, a local stack or any other URL keeps the project URL: only the
 * platform's own host has a storage twin.
 */
export function tusEndpoint(supabaseUrl: string): string {
  const base = supabaseUrl.replace(/\/+$/, '');
  const hosted = HOSTED_PROJECT_URL.exec(base);
  const host = hosted ? `https://${hosted[1]}.storage.supabase.co` : base;
  return `${host}/storage/v1/upload/resumable/sign`;
}

export async function signUpload(deps: Pick<Deps, 'config' | 'fetch'>, caller: Caller, bucket: string, path: string): Promise<SignedUpload> {
  const client = createClient(deps.config.supabaseUrl, deps.config.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { Authorization: `Bearer ${caller.token}` }, fetch: deps.fetch },
  });
  let result;
  try {
    // upsert: a retry of the same document (expired token, lost response) may write the object again.
    result = await client.storage.from(bucket).createSignedUploadUrl(path, { upsert: true });
  } catch (cause) {
    throw unavailable(cause);
  }
  if (result.error || !result.data) throw unavailable(result.error);
  const { signedUrl, token } = result.data;
  let expiresAt: string | null = null;
  try {
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number') expiresAt = new Date(exp * 1000).toISOString();
  } catch {
    // A token we cannot read still works for Storage; the client then refreshes on 400/403.
  }
  return { signedUrl, token, path: result.data.path, expiresAt };
}

function unavailable(cause: unknown) {
  const detail = cause instanceof Error ? cause.message : cause ? String(cause) : 'no answer';
  return new HttpError(502, 'storage_unavailable', `Storage did not issue an upload URL (${detail}); retry shortly.`, {
    cause,
    headers: { 'Retry-After': '2' },
  });
}

/**
 * Remove objects as the service: the object of a late-hash document that turned out to be a
 * duplicate (issue 19) — by upload-handler right after the merge, and by processing-webhook for
 * bytes that landed after it (an orphan with no document row). Uses the project's secret key (or
 * the legacy service_role key); true when Storage removed them or they were not there. Never
 * throws: an object left behind is logged, the answer to the caller does not depend on it.
 */
export async function removeObjects(deps: Pick<Deps, 'config' | 'fetch' | 'log'>, bucket: string, paths: readonly string[]): Promise<boolean> {
  if (paths.length === 0) return true;
  const key = deps.config.auth.secretKeys?.[0] ?? deps.config.auth.serviceRoleKey;
  if (!key) {
    deps.log.log('warn', 'object of a resolved duplicate left in Storage: no secret key configured', { bucket, paths });
    return false;
  }
  const client = createClient(deps.config.supabaseUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: deps.fetch },
  });
  try {
    const { error } = await client.storage.from(bucket).remove([...paths]);
    if (!error) return true;
    deps.log.log('warn', 'Storage did not remove the object of a resolved duplicate', { bucket, paths, error });
  } catch (error) {
    deps.log.log('warn', 'Storage did not remove the object of a resolved duplicate', { bucket, paths, error });
  }
  return false;
}
