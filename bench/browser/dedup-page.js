// The dedup bench page: a fresh upload of a 50 MB file through our core, then re-uploads of
// the same bytes by new Uploaders (no local state), timed to the terminal `duplicate` status,
// with what their requests did (net-trace.js: bytes to Storage, each upload-handler POST); and
// the same bytes hashed alone by a new default hasher (a worker, as each new Uploader makes).
import { createClient } from '@supabase/supabase-js';
import { Uploader, WorkerHasher } from '../../packages/core/dist/index.js';
import { installNetTrace, summarizeTrace, traceMark, traceSince } from './net-trace.js';

installNetTrace();

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
  let maxBytesSent = 0;
  const mark = traceMark();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const unsubscribe = uploader.subscribe(() => {
      const f = uploader.getSnapshot().files[0];
      if (!f) return;
      seen[f.status] ??= performance.now() - t0;
      if (f.hashProgress >= 1) seen.hashDone ??= performance.now() - t0;
      maxBytesSent = Math.max(maxBytesSent, f.bytesSent ?? 0);
      if (f.status === 'failed' || f.status === 'cancelled') {
        unsubscribe(); uploader.destroy();
        reject(new Error(`${f.status}: ${JSON.stringify(f.error ?? f.rejection)}`));
      } else if (until.includes(f.status)) {
        unsubscribe(); uploader.destroy();
        const ms = seen[f.status];
        // Let the last POST's answer body settle in the trace (it is already in: the status follows it).
        setTimeout(() => resolve({ ms, status: f.status, seen, maxBytesSent, trace: summarizeTrace(traceSince(mark, t0)) }), 50);
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
  /** The same bytes as the last fresh upload hashed alone by a new WorkerHasher (worker start included), in ms. */
  async hashOnly() {
    const hasher = new WorkerHasher();
    const t0 = performance.now();
    await hasher.hash(new File([bytes], 'bench-hash.txt', { type: 'text/plain' }), { signal: new AbortController().signal, onProgress: () => {} });
    const ms = performance.now() - t0;
    hasher.terminate?.();
    return ms;
  },
  /** The same bytes as the last fresh upload, as a new File, timed to `duplicate`. */
  async again() {
    return timeUpload(new File([bytes], 'bench-again.txt', { type: 'text/plain' }), ['duplicate', 'uploaded', 'completed']);
  },
};
