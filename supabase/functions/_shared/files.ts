// What upload-handler accepts, the same rules the database enforces (documents constraints) and
// the client checks before any request. The server never trusts the client's checks.
import { HttpError } from './errors.ts';

/** 50 MiB: the seed's maxFileSize (52428800) and the hosted Free plan's upload cap. */
export const MAX_FILE_SIZE = 52_428_800;
/** At or below this, one PUT to a signed URL; above it, TUS in chunks (the seed's ">5MB"). */
export const SINGLE_PUT_MAX = 5 * 1024 * 1024;
/** Supabase's hosted TUS endpoint requires 6 MiB chunks (all but the last). */
export const TUS_CHUNK_SIZE = 6 * 1024 * 1024;
/** Storage limits object names; 255 bytes is also the usual file-system limit. */
export const MAX_FILENAME_BYTES = 255;

export const TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain',
};
const ALLOWED_TYPES = new Set(Object.values(TYPES_BY_EXTENSION));

// C0/C1 controls, and the bidirectional controls that make "invoice‮fdp.exe" display as
// "invoiceexe.pdf" (a classic extension spoof).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const invalidName = (message: string) => new HttpError(422, 'filename_invalid', message);

/** NFC-normalised, trimmed file name, or 422 filename_invalid saying what to change. */
export function normaliseFilename(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name === '') throw invalidName('The file name is empty.');
  if (name.includes('/') || name.includes('\\')) throw invalidName('The file name must not contain "/" or "\\"; send the name only, not a path.');
  if (CONTROL.test(name)) throw invalidName('The file name contains control characters; rename the file.');
  if (BIDI.test(name)) throw invalidName('The file name contains bidirectional control characters (they can disguise the extension); rename the file.');
  if (name === '.' || name === '..') throw invalidName('"." and ".." are not file names.');
  if (new TextEncoder().encode(name).byteLength > MAX_FILENAME_BYTES) {
    throw invalidName(`The file name is longer than ${MAX_FILENAME_BYTES} bytes; shorten it.`);
  }
  return name;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The canonical MIME type: lower-case, parameters dropped (text/plain; charset=utf-8 → text/plain). */
export function normaliseContentType(raw: string): string {
  return raw.split(';')[0]!.trim().toLowerCase();
}

/** Checks type and extension agree and are PDF, DOCX or TXT; returns the canonical type. */
export function checkType(filename: string, rawType: string): string {
  const type = normaliseContentType(rawType);
  const ext = extensionOf(filename);
  const allowed = 'PDF (.pdf), Word (.docx) or plain text (.txt)';
  if (!ALLOWED_TYPES.has(type)) {
    throw new HttpError(422, 'file_type_not_allowed', `Files of type "${type || 'unknown'}" are not accepted; upload ${allowed}.`);
  }
  const expected = TYPES_BY_EXTENSION[ext];
  if (!expected) {
    throw new HttpError(422, 'file_type_not_allowed', `Files ending in "${ext ? '.' + ext : '(no extension)'}" are not accepted; upload ${allowed}.`);
  }
  if (expected !== type) {
    throw new HttpError(422, 'file_type_mismatch', `The name says .${ext} but the type is ${type}; they must agree.`);
  }
  return type;
}

export function checkSize(size: number): void {
  if (size === 0) throw new HttpError(422, 'file_empty', 'The file is empty (0 bytes); choose a file with content.');
  if (size < 0) throw new HttpError(422, 'validation_failed', 'fileSize cannot be negative.');
  if (size > MAX_FILE_SIZE) {
    throw new HttpError(422, 'file_too_large', `The file is ${size} bytes; the limit is ${MAX_FILE_SIZE} bytes (50 MB).`);
  }
}

export function normaliseHash(raw: string): string {
  const hash = raw.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hash)) {
    throw new HttpError(422, 'hash_invalid', 'fileHash must be the file\'s MD5 as 32 hexadecimal digits.');
  }
  return hash;
}

/** The one fingerprint algorithm: MD5 of the first 1 MiB then the last 1 MiB (whole file ≤ 2 MiB). */
export const FINGERPRINT_ALGORITHM = 'md5-ends-1m';

export function normaliseFingerprint(raw: string): string {
  const trimmed = raw.trim();
  const colon = trimmed.indexOf(':');
  const fingerprint = colon < 0 ? trimmed : `${trimmed.slice(0, colon)}:${trimmed.slice(colon + 1).toLowerCase()}`;
  if (!/^md5-ends-1m:[0-9a-f]{32}$/.test(fingerprint)) {
    throw new HttpError(422, 'fingerprint_invalid',
      'fingerprint must be "md5-ends-1m:" followed by the MD5 (32 hexadecimal digits) of the file\'s first 1 MiB then its last 1 MiB (the whole file when it is 2 MiB or less).');
  }
  return fingerprint;
}
