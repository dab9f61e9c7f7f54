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
