/** The parts of a `File` that `accept` looks at. */
export interface AcceptableFile {
  readonly name: string;
  readonly type: string;
}

type AcceptToken =
  | { readonly kind: 'extension'; readonly extension: string }
  | { readonly kind: 'type-wildcard'; readonly type: string }
  | { readonly kind: 'mime'; readonly essence: string };

/** RFC 9110 `token`: the characters allowed in a MIME type and subtype. */
const MIME_TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MIME_TYPE = new RegExp(`^(${MIME_TOKEN})/(${MIME_TOKEN})$`);

/**
 * Reads one comma-separated entry the way the HTML `accept` attribute defines it:
 * `.ext`, `type/*`, or a MIME type without parameters. Anything else (including
 * `*\/*` and MIME types with parameters) is not valid there and is ignored.
 */
function parseToken(raw: string): AcceptToken | undefined {
  const token = raw.trim().toLowerCase();
  if (token.startsWith('.')) return { kind: 'extension', extension: token };
  const match = MIME_TYPE.exec(token);
  if (match === null) return undefined;
  const [, type = '', subtype = ''] = match;
  if (type === '*') return undefined;
  if (subtype === '*') return { kind: 'type-wildcard', type };
  return { kind: 'mime', essence: token };
}

/** The MIME type without parameters, lower-cased (`Text/Plain;charset=utf-8` → `text/plain`). */
function mimeEssence(type: string): string {
  return (type.split(';', 1)[0] ?? '').trim().toLowerCase();
}

function matchesToken(file: AcceptableFile, token: AcceptToken): boolean {
  switch (token.kind) {
    case 'extension':
      return file.name.toLowerCase().endsWith(token.extension);
    case 'type-wildcard':
      return mimeEssence(file.type).startsWith(`${token.type}/`);
    case 'mime':
      return mimeEssence(file.type) === token.essence;
  }
}

/**
 * Whether `file` is allowed by an `accept` string, with the semantics of
 * `<input type="file" accept>`: comma-separated entries, each a file extension
 * (`.pdf`), a MIME type (`application/pdf`) or a type wildcard (`image/*`),
 * compared case-insensitively with surrounding whitespace ignored. A file is
 * accepted when any entry matches. Invalid entries are ignored, and an accept
 * string with no valid entries (including the empty string) accepts every file,
 * as a browser's file picker does.
 */
export function matchesAccept(file: AcceptableFile, accept: string): boolean {
  const tokens = accept
    .split(',')
    .map(parseToken)
    .filter((token): token is AcceptToken => token !== undefined);
  if (tokens.length === 0) return true;
  return tokens.some((token) => matchesToken(file, token));
}
