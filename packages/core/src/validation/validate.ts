// Decides whether a file may be added, before any request: the checks that cost nothing
// (name, size, type, limits) first, and reading the file's first bytes only when those pass.
import { matchesAccept } from '../accept.js';
import type { RejectionReason } from '../types.js';
import { DOCX_TYPE, PDF_TYPE, TEXT_TYPE, type DocumentType } from './document-types.js';
import { checkFileName, normaliseFileName } from './names.js';

// The default text and error for a rejection live beside this file; they are part of its API.
export { rejectionMessage } from './messages.js';
export { rejectionError } from './rejection-error.js';

export interface ValidationOptions {
  /** Largest file accepted, in bytes (inclusive). */
  readonly maxFileSize: number;
  /** Smallest file accepted, in bytes (inclusive). A 0-byte file is always `file-empty`. */
  readonly minFileSize: number;
  /** How many files the uploader may hold, counting those already in it. */
  readonly maxFiles: number;
  /** How many bytes all files together may have, counting those already in it. */
  readonly maxTotalSize: number;
  /** An `<input accept>` string: extensions, MIME types and `type/*` wildcards. */
  readonly accept: string;
  /** Whether to read a file's first bytes to check it is what its extension says. */
  readonly checkContent: boolean;
}

/** Options as callers pass them: any may be left out (or `undefined`) for its default. */
export type ValidationOptionsInput = { readonly [K in keyof ValidationOptions]?: ValidationOptions[K] | undefined };

export const DEFAULT_VALIDATION_OPTIONS: ValidationOptions = Object.freeze({
  /** 50 MiB: what the server accepts (MAX_FILE_SIZE) and the hosted Free plan's upload cap. */
  maxFileSize: 52_428_800,
  minFileSize: 1,
  maxFiles: Infinity,
  maxTotalSize: Infinity,
  /** What the server accepts: PDF, Word (.docx) and plain text, by extension or MIME type. */
  accept: `.pdf,.docx,.txt,${PDF_TYPE},${DOCX_TYPE},${TEXT_TYPE}`,
  checkContent: true,
});

/** What the uploader already holds, so limits count it. */
export interface ValidationContext {
  readonly existingCount: number;
  readonly existingTotalSize: number;
}

const EMPTY_CONTEXT: ValidationContext = { existingCount: 0, existingTotalSize: 0 };

let magic: Promise<typeof import('./magic.js')> | undefined;
const loadMagic = () => (magic ??= import('./magic.js'));

/** The server's extension → type map (TYPES_BY_EXTENSION); content must match this type. */
const TYPES_BY_EXTENSION: Readonly<Record<string, DocumentType>> = {
  pdf: PDF_TYPE,
  docx: DOCX_TYPE,
  txt: TEXT_TYPE,
};
const DOCUMENT_TYPES: ReadonlySet<string> = new Set(Object.values(TYPES_BY_EXTENSION));

/** Fills in defaults for options left out or `undefined`. */
export function resolveValidationOptions(input: ValidationOptionsInput = {}): ValidationOptions {
  // Only the validation keys: callers often pass their whole options object.
  const resolved: Record<string, unknown> = { ...DEFAULT_VALIDATION_OPTIONS };
  for (const key of Object.keys(DEFAULT_VALIDATION_OPTIONS)) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) resolved[key] = value;
  }
  return resolved as unknown as ValidationOptions;
}

/** The extension as the server reads it: after the last dot, lower-cased; none for ".env". */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * The document type a file claims to be: by its extension, as the server decides, or, for a
 * name without a known extension, by its MIME type. `undefined` for anything else (an image
 * allowed by a custom `accept`), whose content we cannot judge.
 */
export function claimedDocumentType(name: string, type: string): DocumentType | undefined {
  const byExtension = TYPES_BY_EXTENSION[extensionOf(name)];
  if (byExtension !== undefined) return byExtension;
  const essence = (type.split(';', 1)[0] ?? '').trim().toLowerCase();
  return DOCUMENT_TYPES.has(essence) ? (essence as DocumentType) : undefined;
}

/** The checks that need no file content, in order; `undefined` when all pass. */
function checkWithoutReading(file: File, options: ValidationOptions, context: ValidationContext): RejectionReason | undefined {
  const nameProblem = checkFileName(file.name);
  if (nameProblem !== undefined) return nameProblem;
  const { size } = file;
  if (size === 0) return { code: 'file-empty' };
  if (size < options.minFileSize) return { code: 'file-too-small', minSize: options.minFileSize, size };
  if (size > options.maxFileSize) return { code: 'file-too-large', maxSize: options.maxFileSize, size };
  // The server trims and normalises names, so a trailing space must not hide the extension.
  if (!matchesAccept({ name: normaliseFileName(file.name), type: file.type }, options.accept)) {
    return { code: 'file-type-not-accepted', accept: options.accept, type: file.type, name: file.name };
  }
  if (context.existingCount + 1 > options.maxFiles) return { code: 'too-many-files', maxFiles: options.maxFiles };
  const totalSize = context.existingTotalSize + size;
  if (totalSize > options.maxTotalSize) {
    return { code: 'total-size-exceeded', maxTotalSize: options.maxTotalSize, totalSize };
  }
  return undefined;
}

/**
 * Why `file` cannot be added, or `undefined` when it can. Checks, in order: name, empty,
 * minimum and maximum size, `accept`, file count and total size (counting `context`), and
 * last, when `checkContent` is on, that its first bytes are what its extension claims (an
 * `.exe` renamed `.pdf` is `content-mismatch`). Only that last step reads the file.
 *
 * Rejects (with the browser's `NotReadableError`) only when the file cannot be read, e.g.
 * because it was deleted or changed after it was chosen.
 */
export async function validateFile(
  file: File,
  options: ValidationOptionsInput = {},
  context: ValidationContext = EMPTY_CONTEXT,
): Promise<RejectionReason | undefined> {
  const resolved = resolveValidationOptions(options);
  const rejection = checkWithoutReading(file, resolved, context);
  if (rejection !== undefined || !resolved.checkContent) return rejection;
  const expected = claimedDocumentType(normaliseFileName(file.name), file.type);
  if (expected === undefined) return undefined;
  // The content checks (PDF header, ZIP directory, UTF-8) are a chunk of their own for
  // bundlers, loaded with the first file that gets this far.
  const { detectDocumentType, hasDocumentContent } = await loadMagic();
  if (await hasDocumentContent(file, expected)) return undefined;
  return { code: 'content-mismatch', expected, detected: await detectDocumentType(file) };
}

/**
 * Validates a batch in order, as one drop or one pick: each accepted file counts towards
 * `maxFiles` and `maxTotalSize` for the files after it, so the first ones that fit get in.
 * Returns one result per file, at the same index: `undefined` for an accepted file.
 */
export async function validateFiles(
  files: Iterable<File>,
  options: ValidationOptionsInput = {},
  existing: ValidationContext = EMPTY_CONTEXT,
): Promise<(RejectionReason | undefined)[]> {
  const resolved = resolveValidationOptions(options);
  let context = existing;
  const results: (RejectionReason | undefined)[] = [];
  // One at a time: whether a file fits depends on which files before it were accepted.
  for (const file of files) {
    const rejection = await validateFile(file, resolved, context);
    if (rejection === undefined) {
      context = { existingCount: context.existingCount + 1, existingTotalSize: context.existingTotalSize + file.size };
    }
    results.push(rejection);
  }
  return results;
}
