// Request reading and response writing shared by the functions.
import { z } from 'zod';
import { HttpError } from './errors.ts';
import { checkStorable, type FieldCodes } from './text.ts';

/** Bodies the user-facing functions accept: a JSON object of a few fields; 16 KiB is generous. */
export const USER_BODY_LIMIT = 16 * 1024;
/** Webhook bodies may carry a parse summary; 256 KiB bounds memory per request. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

/**
 * The raw body, refused with 413 past `limit` bytes — by Content-Length when given, and while
 * streaming otherwise, so a lying or absent Content-Length cannot make us buffer more.
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function tooLarge(limit: number) {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${limit} bytes.`);
}

/**
 * Parse a JSON body (after the size check), refuse text Postgres cannot store (`codes`: a
 * field's own error code for that, as the route gives it for its other checks of the field),
 * and validate it against a schema.
 */
export function parseJson<T extends z.ZodType>(raw: Uint8Array, schema: T, req: Request, codes?: FieldCodes): z.infer<T> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid UTF-8 JSON.');
  }
  // Every body may end up in a text or jsonb column: the same rule for all of them, first.
  checkStorable(value, codes);
  return validate(schema, value);
}

export async function readJson<T extends z.ZodType>(
  req: Request, schema: T, options: { limit?: number; codes?: FieldCodes } = {},
): Promise<z.infer<T>> {
  return parseJson(await readBody(req, options.limit ?? USER_BODY_LIMIT), schema, req, options.codes);
}

/** Validate a value's shape; failures become 422 validation_failed with the issues as details. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const message = `The request is invalid: ${issues.map((i) => `${i.path || 'body'} ${i.message}`).join('; ')}.`;
  throw new HttpError(422, 'validation_failed', message, { details: { issues } });
}

export const uuidSchema = z.string().regex(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'must be a UUID',
).transform((s) => s.toLowerCase());

/** A required UUID query parameter (400 when missing or malformed). */
export function documentIdParam(req: Request): string {
  const raw = new URL(req.url).searchParams.get('documentId');
  if (raw === null || raw === '') {
    throw new HttpError(400, 'invalid_request', 'Add ?documentId=<uuid> to the URL.');
  }
  const parsed = uuidSchema.safeParse(raw);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'documentId must be a UUID.');
  }
  return parsed.data;
}

export function methodNotAllowed(allowed: readonly string[]): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use one of: ${allowed.join(', ')}.`, {
    headers: { Allow: [...allowed, 'OPTIONS'].join(', ') },
  });
}
