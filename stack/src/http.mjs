// @ts-check
// Small HTTP helpers shared by the stack's services (Node http).

/** Headers a browser client of Supabase sends or reads; the gateway allows them everywhere. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
  'access-control-allow-headers':
    'authorization, apikey, x-client-info, content-type, x-upsert, x-signature, cache-control, x-metadata, ' +
    'tus-resumable, upload-length, upload-offset, upload-metadata, upload-defer-length, upload-concat, upload-expires, ' +
    'x-http-method-override, x-request-id, x-requested-with, accept-profile, content-profile, prefer, range, ' +
    'webhook-id, webhook-timestamp, webhook-signature',
  'access-control-expose-headers':
    'location, upload-offset, upload-length, upload-metadata, upload-expires, tus-resumable, tus-version, tus-max-size, ' +
    'tus-extension, content-range, x-request-id, retry-after',
  'access-control-max-age': '86400',
};

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export class HttpError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Read a request body, refusing more than `limit` bytes (413).
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`));
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new HttpError(413, 'payload_too_large', `The body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** @param {import('node:http').IncomingMessage} req @param {number} [limit] */
export async function readJson(req, limit = 1024 * 1024) {
  const raw = await readBody(req, limit);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/** The bearer token of a request, if any. @param {import('node:http').IncomingMessage} req */
export function bearer(req) {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}
