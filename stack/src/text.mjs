// @ts-check
// The one rule for text from clients, for the stack's services (auth, storage), as the Edge
// Functions have it in supabase/functions/_shared/text.ts: what Postgres cannot store is
// refused before it reaches the database, never left to fail there as a 500.
//
// - NUL (U+0000): text and jsonb cannot hold it (22021 for text, 22P05 for jsonb's \u0000).
// - An unpaired UTF-16 surrogate (JSON "\ud800"): postgres.js writes text as UTF-8, where it
//   silently becomes U+FFFD (the value stored is not the one sent), and jsonb refuses the escape.

/** Why `text` cannot be stored, or undefined when it can. @param {string} text */
export function unstorableReason(text) {
  if (text.includes('\0')) return 'contains a NUL character (\\u0000)';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate';
  return undefined;
}

/**
 * The first string or key in a parsed JSON value that cannot be stored, as { path, reason }.
 * @param {unknown} value
 * @returns {{ path: string, reason: string } | undefined}
 */
export function findUnstorable(value) {
  /** @type {[unknown, string][]} */
  const stack = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = /** @type {[unknown, string]} */ (stack.pop());
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason) return { path, reason };
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const reason = unstorableReason(k);
        if (reason) return { path, reason: `has a key that ${reason}` };
        stack.push([child, path === '' ? k : `${path}.${k}`]);
      }
    }
  }
  return undefined;
}

/**
 * Postgres data errors (SQLSTATE class 22 — 22P05 and 22021 characters, 22P02 malformed,
 * 22001 too long, 22003 out of range, 22007/22008 dates… — and 23502 not null, 23514 check):
 * a value the client sent, not the server's fault.
 * @param {unknown} error
 */
export function isDataError(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23502' || code === '23514');
}
