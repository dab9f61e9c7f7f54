// Browser-test helpers for integration tests against the local stack that the test runner
// starts (web-test-runner.config.mjs serves its URL and keys at /__stack.json).
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import SparkMD5 from 'spark-md5';
import type { UploadPlan } from '../interfaces.js';

export interface StackInfo {
  url: string;
  /** `sb_publishable_…`: what an app made today passes to createClient. */
  publishableKey: string;
  /** The legacy anon JWT key (older projects). */
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
}

let info: Promise<StackInfo> | undefined;
export function stackInfo(): Promise<StackInfo> {
  info ??= fetch('/__stack.json').then((r) => {
    if (!r.ok) throw new Error('the test runner did not start the local stack');
    return r.json() as Promise<StackInfo>;
  });
  return info;
}

/** A fresh user, signed up and signed in, with the client an app would have. */
export async function signedInClient(): Promise<{ supabase: SupabaseClient; userId: string; email: string }> {
  const { url, publishableKey } = await stackInfo();
  // A storage key of its own per client, so several users can live in one page.
  const email = `user-${crypto.randomUUID()}@example.com`;
  const supabase = createClient(url, publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, storageKey: `sb-${email}` },
  });
  const { data, error } = await supabase.auth.signUp({ email, password: 'correct horse battery' });
  if (error || !data.user) throw error ?? new Error('sign-up returned no user');
  return { supabase, userId: data.user.id, email };
}

export { pdfBlob } from './fakes.js';
import { pdfBlob } from './fakes.js';

/** A pending document made through upload-handler, with its plan and the PDF bytes to send. */
export async function createDocument(supabase: SupabaseClient, seed: number): Promise<{ documentId: string; plan: UploadPlan; file: File }> {
  const file = pdfBlob(4096, seed, 'notes.pdf');
  const fileHash = SparkMD5.ArrayBuffer.hash(await file.arrayBuffer());
  const { data, error } = await supabase.functions.invoke('upload-handler', {
    body: { filename: file.name, contentType: file.type, fileSize: file.size, fileHash },
  });
  if (error) throw error;
  return { documentId: data.documentId, plan: data.upload, file };
}

/** Send a document's bytes to its signed upload URL. */
export async function uploadBytes(supabase: SupabaseClient, plan: UploadPlan, file: File): Promise<void> {
  const { error } = await supabase.storage.from(plan.bucket).uploadToSignedUrl(plan.path, plan.token, file, { contentType: file.type });
  if (error) throw error;
}
