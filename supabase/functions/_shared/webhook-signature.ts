// Webhook authentication for processing-webhook.
//
// Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp`
// (unix seconds) and `webhook-signature` (space-separated `v1,<base64 HMAC-SHA256>` entries) over
// `${id}.${timestamp}.${raw body}`, keyed with `whsec_<base64>` secrets. Several signatures (the
// sender signs with old and new key) and several secrets (we accept old and new key) make a
// rotation possible from either side: a request is genuine when ANY signature matches ANY secret.
//
// We verify with WebCrypto rather than the `standardwebhooks` package because its timestamp
// check reads Date.now(); ours uses the injected Clock so the tolerance is testable exactly.
// `crypto.subtle.verify` compares the MAC in constant time. The tests sign with the package, so
// this implementation is checked against an independent one.
//
// Shared secret: senders that can only add a static header (LlamaCloud's webhook_headers,
// Supabase Database Webhooks) send a configured secret, compared in constant time.
import type { Clock } from './clock.ts';
import { HttpError } from './errors.ts';

/** Standard Webhooks' recommended tolerance, both ways: bounds replays of captured requests
 * (ids are only remembered as long as webhook_events keeps them) and allows clock skew. */
export const TOLERANCE_SECONDS = 5 * 60;
/** webhook_events.webhook_id holds at most 255 characters. */
export const MAX_WEBHOOK_ID_LENGTH = 255;

const SECRET_PREFIX = 'whsec_';
const encoder = new TextEncoder();

export interface VerifiedWebhook {
  /** The idempotency key: the sender's `webhook-id`, or a digest of the body for shared secrets. */
  webhookId: string;
  method: 'standard-webhooks' | 'shared-secret';
  /** The sender's timestamp (Standard Webhooks only). */
  timestamp?: Date;
}

const missing = (message: string) => new HttpError(401, 'signature_missing', message);
const invalid = (message: string) => new HttpError(401, 'signature_invalid', message);
const expired = (message: string) => new HttpError(401, 'signature_expired', message);

/** The key bytes of a `whsec_<base64>` (or bare base64) secret; undefined when it does not decode. */
export function decodeSecret(secret: string): Uint8Array | undefined {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = decodeBase64(b64);
  return bytes && bytes.byteLength > 0 ? bytes : undefined;
}

function decodeBase64(b64: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

// Imported keys per secret string: configuration rarely changes, requests are many.
const keyCache = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string, bytes: Uint8Array): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', bytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keyCache.set(secret, key);
  }
  return key;
}

/** The secrets in a configuration that do not decode (a deployment mistake worth logging). */
export function malformedSecrets(secrets: readonly string[]): number {
  return secrets.filter((s) => decodeSecret(s) === undefined).length;
}

/** `v1` signatures from a `webhook-signature` header, decoded; other versions are skipped. */
export function parseSignatures(header: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const entry of header.trim().split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const bytes = decodeBase64(entry.slice(comma + 1));
    if (bytes) out.push(bytes);
  }
  return out;
}

/** `${id}.${timestamp}.` followed by the raw body bytes (not re-encoded: the bytes as sent). */
function signedContent(id: string, timestamp: string, body: Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const out = new Uint8Array(prefix.byteLength + body.byteLength);
  out.set(prefix, 0);
  out.set(body, prefix.byteLength);
  return out;
}

/**
 * Verify a Standard Webhooks request. Throws 401 `signature_missing` (a header is absent),
 * `signature_expired` (timestamp not a number, or more than 5 minutes from `clock`) or
 * `signature_invalid` (no signature matches any secret, or no secret is configured).
 */
export async function verifyStandardWebhook(
  headers: Headers,
  body: Uint8Array,
  secrets: readonly string[],
  clock: Clock,
): Promise<VerifiedWebhook> {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signature = headers.get('webhook-signature');
  const absent = [
    id ? undefined : 'webhook-id',
    timestamp ? undefined : 'webhook-timestamp',
    signature ? undefined : 'webhook-signature',
  ].filter(Boolean);
  if (absent.length > 0) {
    throw missing(`Sign the request with Standard Webhooks: the ${absent.join(', ')} header${absent.length > 1 ? 's are' : ' is'} missing.`);
  }
  if (id!.length > MAX_WEBHOOK_ID_LENGTH) {
    throw new HttpError(400, 'invalid_request', `webhook-id must be at most ${MAX_WEBHOOK_ID_LENGTH} characters.`);
  }
  if (!/^\d{1,15}$/.test(timestamp!)) {
    throw expired('webhook-timestamp must be the send time in whole unix seconds.');
  }
  const sentAt = Number(timestamp);
  const now = Math.floor(clock.now().getTime() / 1000);
  if (now - sentAt > TOLERANCE_SECONDS) {
    throw expired(`The webhook was sent ${now - sentAt} s ago; requests older than ${TOLERANCE_SECONDS} s are refused. Send it again with a fresh timestamp and signature.`);
  }
  if (sentAt - now > TOLERANCE_SECONDS) {
    throw expired(`webhook-timestamp is ${sentAt - now} s in the future (more than ${TOLERANCE_SECONDS} s); check the sender's clock.`);
  }
  const candidates = parseSignatures(signature!);
  if (candidates.length === 0) {
    throw invalid('webhook-signature has no "v1,<base64>" entry.');
  }
  const keys = secrets.flatMap((s) => {
    const bytes = decodeSecret(s);
    return bytes ? [hmacKey(s, bytes)] : [];
  });
  if (keys.length === 0) {
    throw invalid('This endpoint has no webhook secret configured, so it cannot accept signed requests yet.');
  }
  const content = signedContent(id!, timestamp!, body);
  // Every combination is tried (no early exit on a length or prefix mismatch) and each compare
  // is constant-time, so timing says nothing about how close a forged signature came.
  let matched = false;
  for (const key of keys) {
    for (const candidate of candidates) {
      if (await crypto.subtle.verify('HMAC', await key, candidate as BufferSource, content as BufferSource)) matched = true;
    }
  }
  if (!matched) {
    throw invalid('No webhook-signature matches this body with any configured secret: check the secret, and sign the exact bytes sent.');
  }
  return { webhookId: id!, method: 'standard-webhooks', timestamp: new Date(sentAt * 1000) };
}

/** Equal strings in time that depends on neither where they differ nor their lengths. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Verify a shared-secret header. The sender gives no id, so the idempotency key is the body's
 * digest: the same body delivered twice is one event.
 */
export async function verifySharedSecret(
  provided: string,
  expected: string | undefined,
  header: string,
  body: Uint8Array,
): Promise<VerifiedWebhook> {
  if (!expected) {
    throw invalid(`This endpoint has no shared secret configured; sign the request with Standard Webhooks instead of ${header}.`);
  }
  if (!(await constantTimeEqual(provided, expected))) {
    throw invalid(`The ${header} header does not match the configured secret.`);
  }
  return { webhookId: `sha256:${await sha256Hex(body)}`, method: 'shared-secret' };
}

/** True when the request carries any Standard Webhooks header (then it must verify as one). */
export function hasStandardWebhookHeaders(headers: Headers): boolean {
  return headers.has('webhook-id') || headers.has('webhook-timestamp') || headers.has('webhook-signature');
}
