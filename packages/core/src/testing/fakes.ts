// Scripted stand-ins for the Uploader's I/O, for unit tests of the store's behaviour (the
// integration tests use the real local stack instead).
import type {
  BackendApi, FingerprintStart, HashDelivery, Hasher, InitResult, ProgressEvent, ProgressFeed, ServerProgress, Transport, TransferOptions, UploadPlan,
} from '../interfaces.js';
import { MemoryResumeStore } from '../persistence/indexeddb-resume-store.js';
import { UploadError } from '../upload-error.js';
import type { UploaderOptions } from '../uploader-options.js';

export const plan = (over: Partial<UploadPlan> = {}): UploadPlan => ({
  strategy: 'tus',
  bucket: 'documents',
  path: 'u/d/file.pdf',
  signedUrl: 'http://storage.invalid/sign',
  token: 'token',
  tusEndpoint: 'http://storage.invalid/tus',
  chunkSize: 6 * 1024 * 1024,
  expiresAt: null,
  ...over,
});

export class FakeApi implements BackendApi {
  inits: Parameters<BackendApi['initUpload']>[0][] = [];
  reports: { documentId: string; bytesUploaded: number }[] = [];
  cancelled: string[] = [];
  /** Answers for initUpload, used in order (the last one repeats). */
  answers: (InitResult | UploadError)[] = [];
  #n = 0;

  async initUpload(body: FakeApi['inits'][number]): Promise<InitResult> {
    this.inits.push(body);
    const answer = this.answers[Math.min(this.#n++, this.answers.length - 1)] ?? {
      duplicate: false, documentId: `doc-${body.fileHash}`, upload: plan(), features: { realtime: true, llamaParse: false },
    };
    if (answer instanceof UploadError) throw answer;
    return answer;
  }
  async reportProgress(body: { documentId: string; bytesUploaded: number }): Promise<void> {
    this.reports.push(body);
  }
  async getProgress(documentId: string): Promise<ServerProgress> {
    throw new UploadError(`no progress for ${documentId} in this fake`, { code: 'network' });
  }
  async cancel(documentId: string): Promise<void> {
    this.cancelled.push(documentId);
  }
  async userId(): Promise<string> {
    return 'user-1';
  }
}

/**
 * A FakeApi that also takes late hashes (a start with a fingerprint, the hash delivered later).
 * By default every fingerprint start is a new document (`late-1`, `late-2`…) and every hash is
 * recorded.
 */
export class FakeLateHashApi extends FakeApi {
  starts: { filename: string; contentType: string; fileSize: number; fingerprint: string; idempotencyKey: string }[] = [];
  deliveries: { documentId: string; fileHash: string }[] = [];
  /** Answers for startWithFingerprint, used in order (the last one repeats). */
  startAnswers: (FingerprintStart | UploadError)[] = [];
  /** Answers for deliverHash, used in order (the last one repeats). */
  deliveryAnswers: (HashDelivery | UploadError)[] = [];
  #starts = 0;
  #deliveries = 0;

  async startWithFingerprint(body: FakeLateHashApi['starts'][number]): Promise<FingerprintStart> {
    this.starts.push(body);
    const n = this.#starts++;
    const answer = this.startAnswers[Math.min(n, this.startAnswers.length - 1)] ?? {
      candidate: false, documentId: `late-${n + 1}`, upload: plan(), features: { realtime: true, llamaParse: false },
    };
    if (answer instanceof UploadError) throw answer;
    return answer;
  }
  async deliverHash(body: { documentId: string; fileHash: string }): Promise<HashDelivery> {
    this.deliveries.push(body);
    const answer = this.deliveryAnswers[Math.min(this.#deliveries++, this.deliveryAnswers.length - 1)] ?? {
      duplicate: false, documentId: body.documentId, status: 'uploading',
    };
    if (answer instanceof UploadError) throw answer;
    return answer;
  }
}

/** A hasher whose hashes finish when the test says (`finish`), to order them against transfers. */
export class DeferredHasher implements Hasher {
  pending: { file: Blob; resolve(hash: string): void; reject(error: unknown): void; signal: AbortSignal }[] = [];
  hash(file: Blob, { signal, onProgress }: { signal: AbortSignal; onProgress?: (fraction: number) => void }): Promise<string> {
    onProgress?.(0.1);
    return new Promise((resolve, reject) => {
      this.pending.push({ file, resolve, reject, signal });
      signal.addEventListener('abort', () => reject(new UploadError('stopped', { code: 'aborted' })), { once: true });
    });
  }
  /** Finishes the oldest hash still pending with `hash`. */
  finish(hash: string): void {
    const job = this.pending.shift();
    if (!job) throw new Error('no hash is pending');
    job.resolve(hash);
  }
}

/**
 * A well-formed one-page PDF with a text layer, exactly `size` bytes, its bytes deterministic for
 * a seed: the page's text, then an unreferenced stream of pseudo-random filler that makes up the
 * size (so files of any size are real documents to inspection, and barely compressible). Over
 * 2 MiB it starts with a fingerprint. Below the structure's own size (about 700 bytes) it is only
 * the header and filler.
 */
export function pdfBlob(size: number, seed = 1, name = 'doc.pdf'): File {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  const text = new TextEncoder();
  const pad = (n: number) => String(n).padStart(10, '0');
  const content = 'BT /F1 12 Tf 72 720 Td (v2-uploader test document) Tj ET\n';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 4 0 R >> >> >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
  ];
  // Everything but the filler's bytes, with fixed-width numbers, so its length is known first.
  const layout = (filler: number) => {
    let out = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
    const offsets: number[] = [];
    for (const [i, body] of objects.entries()) {
      offsets.push(out.length);
      out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    }
    offsets.push(out.length);
    const fillerAt = out.length + `6 0 obj\n<< /Length ${pad(filler)} >>\nstream\n`.length;
    out += `6 0 obj\n<< /Length ${pad(filler)} >>\nstream\n`;
    const tail = (xrefAt: number) =>
      `\nendstream\nendobj\nxref\n0 7\n0000000000 65535 f \n${offsets.map((o) => `${pad(o)} 00000 n \n`).join('')}` +
      `trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${pad(xrefAt)}\n%%EOF\n`;
    return { head: out, fillerAt, tail };
  };
  const probe = layout(0);
  const overhead = probe.head.length + probe.tail(0).length;
  if (size >= overhead) {
    const filler = size - overhead;
    const { head, fillerAt, tail } = layout(filler);
    const end = tail(fillerAt + filler + '\nendstream\nendobj\n'.length);
    bytes.set(latin1(head), 0);
    bytes.set(latin1(end), fillerAt + filler);
  } else {
    bytes.set(text.encode('%PDF-1.7\n'), 0);
  }
  return new File([bytes], name, { type: 'application/pdf' });
}

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A transport whose sends are driven by the test: `script` decides what each send does. */
export class FakeTransport implements Transport {
  sends: { plan: UploadPlan; options: TransferOptions }[] = [];
  script: ((n: number, options: TransferOptions, size: number) => Promise<void>)[] = [];

  async send(file: Blob, p: UploadPlan, options: TransferOptions) {
    const n = this.sends.length;
    this.sends.push({ plan: p, options });
    const step = this.script[n] ?? completeSend;
    await step(n, options, file.size);
    return { uploadUrl: undefined };
  }
}

/** Report a few progress steps, then finish. */
export const completeSend = async (_n: number, options: TransferOptions, size: number) => {
  options.onUploadUrl?.('http://storage.invalid/tus/upload-1');
  for (const part of [0.25, 0.5, 1]) {
    await Promise.resolve();
    if (options.signal.aborted) throw new UploadError('stopped', { code: 'aborted' });
    options.onProgress(Math.round(size * part));
  }
};

/** Hang until aborted (to test pause, cancel, concurrency). */
export const hangingSend = (_n: number, options: TransferOptions) =>
  new Promise<void>((_resolve, reject) => {
    options.onProgress(1);
    options.signal.addEventListener('abort', () => reject(new UploadError('stopped', { code: 'aborted' })), { once: true });
  });

export const failingSend = (error: UploadError) => async () => {
  throw error;
};

export const fakeHasher: Hasher = {
  async hash(file, { onProgress }) {
    onProgress?.(1);
    const text = await file.slice(0, 64).text();
    return [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, file.size).toString(16).padStart(32, '0').slice(-32);
  },
};

/** A progress feed the test pushes events into. */
export class FakeFeed implements ProgressFeed {
  listeners = new Map<string, (e: ProgressEvent) => void>();
  follow(documentId: string, listener: (e: ProgressEvent) => void) {
    this.listeners.set(documentId, listener);
    return () => void this.listeners.delete(documentId);
  }
  push(documentId: string, status: ProgressEvent['status'], progress = 0, error?: ProgressEvent['error']) {
    this.listeners.get(documentId)?.({ documentId, status, progress, etaSeconds: undefined, stuck: false, error });
  }
}

export function fakeOptions(over: Partial<UploaderOptions> = {}) {
  const api = new FakeApi();
  const transport = new FakeTransport();
  const feed = new FakeFeed();
  const resumeStore = new MemoryResumeStore();
  const options: UploaderOptions = {
    api, transport, hasher: fakeHasher, resumeStore, progressFeed: () => feed, notify: 'sync', random: () => 0,
    ...over,
  };
  return { api, transport, feed, resumeStore, options };
}

export const textFile = (name = 'notes.txt', content = 'hello world, these are my notes') => new File([content], name, { type: 'text/plain' });

/** Wait until `check()` is truthy (microtasks and short timers), or fail. */
export async function until(check: () => unknown, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `fn` and returns what was said on `console[level]` meanwhile (each call's arguments joined). */
export async function consoleDuring(level: 'error' | 'warn', fn: () => Promise<void>): Promise<string[]> {
  const said: string[] = [];
  const original = console[level];
  console[level] = (...args: unknown[]) => void said.push(args.map(String).join(' '));
  try {
    await fn();
  } finally {
    console[level] = original;
  }
  return said;
}
