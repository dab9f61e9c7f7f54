// The one rule for text from clients: what Postgres cannot store is refused before any write,
// with 422 validation_failed naming where it is — never left to fail in the database as a 500.
//
// - NUL (U+0000): text and jsonb cannot hold it (22021 for text, 22P05 for jsonb's \u0000).
// - An unpaired UTF-16 surrogate (JSON "\ud800"): postgres.js writes text as UTF-8, where it
//   silently becomes U+FFFD (the stored value is not what was sent), and a jsonb value keeps the
//   escape, which Postgres refuses (22P02/22P05).
// Invalid UTF-8 never gets this far: bodies are decoded strictly (400 invalid_json).
import { type ErrorCode, HttpError } from './errors.ts';

/** Codes a route gives its own fields instead of validation_failed (e.g. filename → filename_invalid). */
export type FieldCodes = Readonly<Record<string, ErrorCode>>;

/** jsonb nests at most this deep here (Postgres' own limit is the stack depth, far beyond). */
export const MAX_JSON_DEPTH = 32;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored; remove it';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not text; send well-formed Unicode';
  return undefined;
}

/**
 * Refuse a parsed JSON value holding text Postgres cannot store (in any string or key), or
 * nested deeper than MAX_JSON_DEPTH: 422 validation_failed (or the field's own code from
 * `codes`) with the path in details.issues.
 */
export function checkStorable(value: unknown, codes: FieldCodes = {}): void {
  const stack: [unknown, string, number][] = [[value, '', 1]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason) throw unstorable(path, reason, codes);
    } else if (typeof v === 'object' && v !== null) {
      if (depth > MAX_JSON_DEPTH) throw unstorable(path, `is nested deeper than ${MAX_JSON_DEPTH} levels; flatten it`, codes);
      for (const [k, child] of Object.entries(v)) {
        const reason = unstorableReason(k);
        if (reason) throw unstorable(path, `has a key that ${reason}`, codes);
        stack.push([child, path === '' ? k : `${path}.${k}`, depth + 1]);
      }
    }
  }
}

function unstorable(path: string, reason: string, codes: FieldCodes): HttpError {
  const where = path === '' ? 'body' : path;
  return new HttpError(422, (Object.hasOwn(codes, path) ? codes[path] : undefined) ?? 'validation_failed', `The request is invalid: ${where} ${reason}.`, {
    details: { issues: [{ path, message: reason }] },
  });
}
