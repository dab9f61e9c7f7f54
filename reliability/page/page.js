// The reliability page: the core's `Uploader` (packages/core/dist) with a supabase-js session
// kept in localStorage (so a reopened page has it), sending files whose bytes come from a seed
// (reliability/lib/bytes.mjs; Node builds the same bytes to know the MD5 to expect). Every
// outcome goes to Node through `window.__relReport` (exposed by puppeteer) as it happens.
import { createClient } from '@supabase/supabase-js';
import { Uploader } from '../../packages/core/dist/index.js';
import { fileBytes, fileName } from '../lib/bytes.mjs';

let supabase;

const report = (result) => (window.__relReport ? window.__relReport(result) : undefined);
const makeFile = (seed, size) => new File([fileBytes(seed, size)], fileName(seed), { type: 'text/plain' });

function errorInfo(file) {
  const e = file.error;
  return {
    rejection: file.rejection ?? null,
    code: e?.code ?? null,
    status: e?.status ?? null,
    serverCode: e?.serverCode ?? null,
    message: e?.message ?? null,
  };
}

window.rel = {
  /** A supabase-js client for the stack; signs up a new user unless a session is stored. */
  async connect(url, anonKey, { autoRefreshToken = true, signUp = false } = {}) {
    supabase = createClient(url, anonKey, { auth: { persistSession: true, autoRefreshToken, detectSessionInUrl: false } });
    if (signUp) {
      const { data, error } = await supabase.auth.signUp({ email: `rel-${crypto.randomUUID()}@example.com`, password: 'correct horse battery staple' });
      if (error) throw error;
    }
    const { data, error } = await supabase.auth.getSession();
    if (error) throw error;
    if (!data.session) throw new Error('no session');
    return { userId: data.session.user.id, expiresAt: data.session.expires_at };
  },

  /**
   * Uploads `specs` ({ seed, size }) through one Uploader, `concurrency` at a time, adding the
   * next file when one finishes (the page never holds more than a few files). Resolves when
   * every spec has an outcome; each outcome is also reported as it happens.
   */
  run(specs, { concurrency = 3, maxFileSize } = {}) {
    const uploader = new Uploader({ supabase, concurrency, ...(maxFileSize === undefined ? {} : { maxFileSize }) });
    const seedOf = new Map();
    const done = new Set();
    const results = [];
    let next = 0;
    return new Promise((resolve, reject) => {
      const finish = (id, result) => {
        if (done.has(id)) return;
        done.add(id);
        results.push(result);
        report(result);
        uploader.remove(id);
        if (results.length === specs.length) {
          off();
          uploader.destroy();
          resolve(results);
        } else feed();
      };
      const feed = () => {
        // Counted when added, not when addFiles resolves: the page holds at most concurrency + 1 files.
        while (next < specs.length && next - results.length < concurrency + 1) {
          const spec = specs[next++];
          const file = makeFile(spec.seed, spec.size);
          uploader.addFiles([file]).then((added) => {
            for (const f of added) {
              seedOf.set(f.id, spec);
              check(f.id);
            }
          }, reject);
        }
      };
      const check = (id) => {
        const f = uploader.getSnapshot().files.find((x) => x.id === id);
        const spec = seedOf.get(id);
        if (!f || !spec) return;
        if (f.status === 'failed' || f.status === 'cancelled' || f.status === 'duplicate') {
          finish(id, { ...spec, outcome: f.status, documentId: f.documentId ?? f.duplicateOf ?? null, attempt: f.attempt, ...errorInfo(f) });
        }
      };
      const off = uploader.subscribe(() => {
        for (const id of seedOf.keys()) if (!done.has(id)) check(id);
      });
      uploader.on('upload-complete', ({ file, documentId, duplicate }) => {
        const spec = seedOf.get(file.id);
        if (!spec) return;
        finish(file.id, { ...spec, outcome: duplicate ? 'duplicate' : 'stored', documentId, attempt: file.attempt });
      });
      feed();
    });
  },

  /**
   * One upload that Node may interrupt (crash tests): state in window.relState. With
   * `holdHash`, the whole-file hash never finishes on this page, so the bytes travel while the
   * document still waits for its hash (a crash then lands between transfer and hash).
   */
  start(spec, { holdHash = false } = {}) {
    // The previous start's store (the file before this one, still followed through processing)
    // must not write into the new relState: one upload per start.
    window.relUploader?.destroy();
    /** @type {import('../../packages/core/dist/index.js').Hasher} */
    const heldHasher = {
      hash: (_file, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    };
    const uploader = new Uploader({ supabase, ...(holdHash ? { hasher: heldHasher } : {}) });
    window.relUploader = uploader;
    window.relState = { bytesSent: 0, status: 'queued', result: null };
    uploader.subscribe(() => {
      const f = uploader.getSnapshot().files[0];
      if (!f) return;
      window.relState.bytesSent = f.bytesSent;
      window.relState.status = f.status;
      window.relState.documentId = f.documentId;
      // Set once the server has the whole-file hash and the resume record is under it.
      window.relState.hash = f.hash;
      if ((f.status === 'failed' || f.status === 'cancelled') && !window.relState.result) {
        window.relState.result = { ...spec, outcome: f.status, attempt: f.attempt, ...errorInfo(f) };
      }
    });
    uploader.on('upload-complete', ({ file, documentId, duplicate }) => {
      window.relState.result = { ...spec, outcome: duplicate ? 'duplicate' : 'stored', documentId, attempt: file.attempt };
    });
    void uploader.addFiles([makeFile(spec.seed, spec.size)]);
    return true;
  },
};
