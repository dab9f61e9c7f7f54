// File-name rules, the same as the server's (supabase/functions/_shared/files.ts,
// normaliseFilename), so a name the client lets through is never refused after upload starts.
import type { RejectionReason } from '../types.js';

export type InvalidNameRejection = Extract<RejectionReason, { code: 'invalid-name' }>;

/** Storage limits object names to 255 bytes, which is also the usual file-system limit. */
export const MAX_FILE_NAME_BYTES = 255;

/** C0 and C1 control characters (and DEL): invisible, and unsafe in paths and headers. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;
/**
 * Bidirectional controls, which make "invoice\u202Efdp.exe" display as "invoiceexe.pdf"
 * (a classic way to disguise an extension).
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The name the server stores: NFC-normalised and trimmed. */
export function normaliseFileName(raw: string): string {
  return raw.normalize('NFC').trim();
}

function problemWith(name: string): InvalidNameRejection['problem'] | undefined {
  if (name === '') return 'empty';
  if (name.includes('/') || name.includes('\\')) return 'path-separator';
  if (CONTROL_CHARACTERS.test(name)) return 'control-character';
  if (BIDI_CONTROLS.test(name)) return 'bidi-control';
  if (name === '.' || name === '..') return 'dot-name';
  if (new TextEncoder().encode(name).byteLength > MAX_FILE_NAME_BYTES) return 'too-long';
  return undefined;
}

/**
 * `undefined` when the server will accept `name`, otherwise the `invalid-name` rejection
 * saying why (checked in the server's order, so both name the same problem). The rejection
 * carries the name as given, which is what the user sees in their file manager.
 */
export function checkFileName(name: string): InvalidNameRejection | undefined {
  const problem = problemWith(normaliseFileName(name));
  return problem === undefined ? undefined : { code: 'invalid-name', name, problem };
}
