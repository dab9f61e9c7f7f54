// Stand-ins for the Uploader's default I/O that load the real ones (default-io.ts, a separate
// chunk for bundlers) on their first call. Every method of these interfaces is asynchronous, so
// the load only lengthens a wait that was already there: what a file does, and the order of its
// states and events, are unchanged.
import type { AnySupabaseClient, BackendApiOptions } from './transport/backend-api.js';
import type { BackendApi, Hasher, Inspector, ResumeStore, Transport } from './interfaces.js';
import { clientConfig } from './transport/client-config.js';
import { UploadError } from './upload-error.js';

type DefaultIo = typeof import('./default-io.js');

let loading: Promise<DefaultIo> | undefined;

/** The default I/O module, imported once per page. */
export function loadDefaultIo(): Promise<DefaultIo> {
  return (loading ??= import('./default-io.js'));
}

/** `create()` from the default I/O module, once, on first use. */
function lazily<T>(create: (io: DefaultIo) => T): () => Promise<T> {
  let instance: Promise<T> | undefined;
  return () => (instance ??= loadDefaultIo().then(create));
}

/** `createDefaultTransport()` (one PUT or TUS, as the plan says), loaded on the first send. */
export function lazyTransport(): Transport {
  const real = lazily((io) => io.createDefaultTransport());
  return {
    async send(file, plan, options) {
      return (await real()).send(file, plan, options);
    },
  };
}

/**
 * `createDefaultHasher()` (a worker where there are workers), loaded on the first hash. Like the
 * real one, `terminate()` stops every unfinished hash (also one still waiting for the load) with
 * an 'aborted' UploadError, and a later `hash()` works again.
 */
export function lazyHasher(): Hasher & { terminate(): void; real(): Promise<Hasher> } {
  let hasher: (Hasher & { terminate?: () => void }) | undefined;
  let terminations = 0;
  const real = lazily((io) => (hasher = io.createDefaultHasher()));
  return {
    /** The real hasher, loaded now if need be (the default inspector shares its worker). */
    real,
    async hash(file, options) {
      const generation = terminations;
      const instance = await real();
      if (generation !== terminations) throw new UploadError('Hashing was stopped because the hasher was terminated.', { code: 'aborted' });
      return instance.hash(file, options);
    },
    terminate() {
      terminations += 1;
      hasher?.terminate?.();
    },
  };
}

/**
 * `createDefaultInspector()`, loaded on the first inspection: in the worker of `hasher` (the
 * Uploader's default hasher), so a page runs one worker for hashing and inspecting.
 */
export function lazyInspector(hasher: () => Promise<Hasher | undefined>): Inspector {
  const real = lazily(async (io) => {
    const shared = await hasher();
    return io.createDefaultInspector(shared === undefined ? {} : { hasher: shared });
  });
  return {
    async inspect(file, options) {
      return (await real()).inspect(file, options);
    },
  };
}

/** `new IndexedDbResumeStore()`, loaded on the first call. */
export function lazyResumeStore(): ResumeStore {
  const real = lazily((io) => new io.IndexedDbResumeStore());
  return {
    get: async (key) => (await real()).get(key),
    put: async (record) => (await real()).put(record),
    delete: async (key) => (await real()).delete(key),
    prune: async (maxAgeMs) => (await real()).prune(maxAgeMs),
  };
}

/**
 * `createBackendApi(supabase, options)`, loaded on the first request. The client's URL and key
 * are read now, so a client without them is refused here, as `createBackendApi` would.
 */
export function lazyBackendApi(supabase: AnySupabaseClient, options: Pick<BackendApiOptions, 'supabaseUrl' | 'supabaseKey' | 'anonymousSignIn'>): BackendApi {
  const { functionsUrl, anonKey } = clientConfig(supabase, options);
  const real = lazily((io) => io.createBackendApi(supabase, { ...options, functionsUrl, supabaseKey: anonKey }));
  return {
    initUpload: async (body, signal) => (await real()).initUpload(body, signal),
    // createBackendApi's API takes late hashes, so these are always there.
    startWithFingerprint: async (body, signal) => (await real()).startWithFingerprint!(body, signal),
    deliverHash: async (body, signal) => (await real()).deliverHash!(body, signal),
    reportProgress: async (body, signal) => (await real()).reportProgress(body, signal),
    getProgress: async (documentId, signal) => (await real()).getProgress(documentId, signal),
    cancel: async (documentId) => (await real()).cancel(documentId),
    userId: async () => (await real()).userId(),
  };
}
