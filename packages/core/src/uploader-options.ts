import type { SupabaseClient } from '@supabase/supabase-js';
import type { BackendApi, Hasher, Inspector, ProgressFeed, ResumeStore, Transport } from './interfaces.js';
import type { DocumentInfo } from './inspection/document-info.js';
import { DEFAULT_DOCUMENT_RULES, type DocumentRules } from './validation/document-rules.js';
import type { ValidationOptions } from './validation/validate.js';
import { DEFAULT_VALIDATION_OPTIONS } from './validation/validate.js';

export interface UploaderOptions extends Partial<ValidationOptions> {
  /** The app's Supabase client (with its session). Or give `supabaseUrl` + `supabaseKey`. */
  supabase?: SupabaseClient;
  supabaseUrl?: string;
  /** The anon (publishable) key. */
  supabaseKey?: string;
  /**
   * When the client has no session, sign in anonymously (`auth.signInAnonymously()`) once, before
   * the first request, instead of failing with `auth-required` (default false). For projects that
   * allow anonymous sign-ins.
   */
  anonymousSignIn?: boolean;
  /** Start uploading as soon as files are added (default true). */
  autoUpload?: boolean;
  /** Files transferring at the same time (default 3). */
  concurrency?: number;
  /** TUS chunk size in bytes; by default the server's plan (6 MiB, what hosted Supabase requires). */
  chunkSize?: number;
  /** Follow server-side progress over Realtime when the project allows it (default true); else poll. */
  realtime?: boolean;
  /** Attempts per step for transient failures before a file fails (default 6). */
  maxAttempts?: number;
  /** No confirmed bytes for this long while uploading → `stalled` (default 15 s). */
  stallTimeoutMs?: number;
  /** Server progress reports (upload-handler PUT) at most this often per file (default 1 s). */
  progressReportIntervalMs?: number;
  /**
   * Send a large file's bytes while its MD5 is still being computed (default true): the upload
   * starts with a fingerprint (the MD5 of its first and last MiB), the whole-file hash follows
   * when ready, and a file the server already has is still recognised (before any byte when the
   * fingerprint matches; otherwise once the hash arrives, and the copy is dropped). False: hash
   * every file before its first byte, as a backend without late hashes needs.
   */
  hashWhileUploading?: boolean;
  /**
   * Look inside each document before any byte is sent (default true; needs `checkContent`): its
   * pages, text layer, password, macros, encoding (`file.document`), then apply `documentRules`.
   */
  inspect?: boolean;
  /** What inspection refuses: passwords, damaged files, macros, binary text (all by default), `maxPages`. */
  documentRules?: Partial<DocumentRules>;
  /**
   * The app's own rule, run after inspection for every file that passed validation (with
   * `document` undefined when inspection is off or could not read it). Return a message, which
   * people see, to refuse the file; return nothing to accept it. A hook that throws refuses the
   * file with the error's message.
   */
  validateDocument?: (file: File, document: DocumentInfo | undefined) => string | undefined | void | Promise<string | undefined | void>;
  /** Remember uploads to resume them after a reload (default true). */
  resume?: boolean;
  /** Forget resume records older than this (default 24 h: Storage keeps TUS uploads at most that long). */
  resumeMaxAgeMs?: number;
  /** Notify subscribers at most once per animation frame (default) or synchronously. */
  notify?: 'frame' | 'sync';
  // I/O, replaceable (tests, custom stacks):
  api?: BackendApi;
  transport?: Transport;
  hasher?: Hasher;
  inspector?: Inspector;
  progressFeed?: (context: { userId: string; realtime: boolean }) => ProgressFeed;
  resumeStore?: ResumeStore;
  now?: () => number;
  random?: () => number;
}

export type ResolvedOptions = Required<Pick<UploaderOptions,
  'autoUpload' | 'concurrency' | 'realtime' | 'maxAttempts' | 'stallTimeoutMs' | 'progressReportIntervalMs' | 'hashWhileUploading' |
  'resume' | 'resumeMaxAgeMs' | 'notify' | 'inspect'>> & ValidationOptions & { chunkSize: number | undefined; documentRules: DocumentRules };

export const DEFAULT_OPTIONS = {
  autoUpload: true,
  // Three parallel transfers saturate a typical uplink without starving each other.
  concurrency: 3,
  realtime: true,
  maxAttempts: 6,
  // TUS confirms each 6 MiB chunk; on a slow (1 Mbit/s) link one takes ~50 s, but bytes are
  // still flowing and XHR progress is reported far more often, so 15 s of silence means trouble.
  stallTimeoutMs: 15_000,
  progressReportIntervalMs: 1000,
  hashWhileUploading: true,
  inspect: true,
  resume: true,
  resumeMaxAgeMs: 24 * 60 * 60 * 1000,
  notify: 'frame',
} as const;

export function resolveOptions(options: UploaderOptions, previous?: ResolvedOptions): ResolvedOptions {
  const base: ResolvedOptions = previous ?? { ...DEFAULT_VALIDATION_OPTIONS, ...DEFAULT_OPTIONS, chunkSize: undefined, documentRules: DEFAULT_DOCUMENT_RULES };
  const next = { ...base } as Record<string, unknown>;
  for (const key of Object.keys(base)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) next[key] = value;
  }
  if ('chunkSize' in options) next['chunkSize'] = options.chunkSize;
  if (options.documentRules !== undefined) next['documentRules'] = resolveDocumentRules(options.documentRules, base.documentRules);
  const resolved = next as unknown as ResolvedOptions;
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1) {
    throw new RangeError('concurrency must be a whole number of at least 1');
  }
  if (resolved.chunkSize !== undefined && (!Number.isInteger(resolved.chunkSize) || resolved.chunkSize < 5 * 1024 * 1024)) {
    // S3 multipart parts (behind Storage's TUS) must be at least 5 MiB, except the last.
    throw new RangeError('chunkSize must be a whole number of bytes, at least 5 MiB');
  }
  return resolved;
}

function resolveDocumentRules(input: Partial<DocumentRules>, base: DocumentRules): DocumentRules {
  const rules = { ...base };
  for (const key of Object.keys(base) as (keyof DocumentRules)[]) {
    const value = input[key];
    if (value !== undefined) (rules as Record<string, unknown>)[key] = value;
  }
  if (!(rules.maxPages === Infinity || (Number.isInteger(rules.maxPages) && rules.maxPages >= 1))) {
    throw new RangeError('documentRules.maxPages must be a whole number of at least 1 (or Infinity)');
  }
  return Object.freeze(rules);
}
