// The dedup bench page: a fresh upload of a 50 MB file through our core, then re-uploads of
// the same bytes by new Uploaders (no local state), timed to the terminal `duplicate` status.
import { createClient } from '@supabase/supabase-js';
import { Uploader } from '../../packages/core/dist/index.js';

const SIZE = 50 * 1000 * 1000;
let supabase;
let bytes;

function textBytes(size, seed) {
  const buf = new Uint8Array(size);
  for (let o = 0; o < size; o += 65536) crypto.getRandomValues(buf.subarray(o, Math.min(o + 65536, size)));
  for (let i = 0; i < size; i++) buf[i] = 97 + (buf[i] % 26); // ASCII letters: a valid text/plain file
  buf[0] = 48 + seed;
  return buf;
}

/** Adds `file` to a new Uploader; resolves with the times (ms from addFiles) each status was first seen. */
function timeUpload(file, until) {
  const uploader = new Uploader({ supabase });
  const seen = {};
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const unsubscribe = uploader.subscribe(() => {
      const f = uploader.getSnapshot().files[0];
      if (!f) return;
      seen[f.status] ??= performance.now() - t0;
      if (f.status === 'failed' || f.status === 'cancelled') {
        unsubscribe(); uploader.destroy();
        reject(new Error(`${f.status}: ${JSON.stringify(f.error ?? f.rejection)}`));
      } else if (until.includes(f.status)) {
        unsubscribe(); uploader.destroy();
        resolve({ ms: seen[f.status], status: f.status, seen });
      }
    });
    uploader.addFiles([file]).catch(reject);
  });
}

window.dedup = {
  async signIn(url, anonKey) {
    supabase = createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    const { error } = await supabase.auth.signUp({ email: `bench-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' });
    if (error) throw error;
  },
  /** A fresh 50 MB upload (content `seed`), timed to `uploaded` (the last byte stored). */
  async fresh(seed) {
    bytes = textBytes(SIZE, seed);
    return timeUpload(new File([bytes], `bench-${seed}.txt`, { type: 'text/plain' }), ['uploaded', 'processing', 'parsing', 'embedding', 'completed', 'duplicate']);
  },
  /** The same bytes as the last fresh upload, as a new File, timed to `duplicate`. */
  async again() {
    return timeUpload(new File([bytes], 'bench-again.txt', { type: 'text/plain' }), ['duplicate', 'uploaded', 'completed']);
  },
};
