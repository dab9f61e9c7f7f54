// @ts-check
// Receiving one object from a request (the standard upload and the signed-URL upload): a raw
// body or a multipart form, as Storage's fileUploadFromRequest reads them; checked (key, bucket
// size and MIME rules, RLS as the caller) before a byte is stored, stored atomically, answered
// { Key, Id }.
import { rm } from 'node:fs/promises';
import { LINGER_MAX_BYTES, LINGER_MAX_MS } from '../gateway.mjs';
import { sendJson } from '../http.mjs';
import { ERRORS } from './errors.mjs';
import { MultipartReader, multipartBoundary } from './multipart.mjs';
import { isEmptyFolder, MAX_CUSTOM_METADATA_SIZE, mustBeStorableText, mustBeValidKey, validateMimeType } from './objects.mjs';
import { toStorageError } from './common.mjs';

/**
 * Read what is left of a request body and throw it away (within the gateway's linger bounds),
 * so that an early error answer reaches a client that is still sending, and the connection
 * stays usable. (The gateway's discardRestOfBody cannot: this body is held by an iterator.)
 * @param {import('node:http').IncomingMessage} req
 * @param {AsyncIterator<Buffer>} it
 */
function drain(req, it) {
  if (req.complete || req.destroyed || req.readableEnded) return;
  const timer = setTimeout(() => req.destroy(), LINGER_MAX_MS);
  timer.unref();
  req.once('close', () => clearTimeout(timer));
  void (async () => {
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await it.next();
        if (done) break;
        total += value.length;
        if (total > LINGER_MAX_BYTES) {
          req.destroy();
          return;
        }
      }
    } catch {
      return;
    }
    if (!req.readableEnded && !req.destroyed) {
      req.on('data', (chunk) => {
        total += chunk.length;
        if (total > LINGER_MAX_BYTES) req.destroy();
      });
      req.resume();
    }
  })();
}

/**
 * Receive one object from a request (raw body or multipart form, as Storage's
 * fileUploadFromRequest), check it, store it atomically and answer { Key, Id }.
 * @param {import('./common.mjs').Deps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {{ bucket: string, name: string, claims: Record<string, any>, owner: string | undefined, isUpsert: boolean }} o
 */
export async function upload({ ctx, store }, req, res, o) {
  const it = req.iterator({ destroyOnReturn: false });
  try {
    mustBeValidKey(o.name);
    const bucket = await store.findBucket(o.bucket);
    const emptyFolder = isEmptyFolder(o.name);
    const maxSize = emptyFolder ? 0 : store.maxSizeFor(bucket);
    const contentType = req.headers['content-type'];
    /** @type {string} */
    let mimetype;
    /** @type {string} */
    let cacheControl;
    /** @type {unknown} */
    let userMetadata;
    /** @type {AsyncIterator<Buffer> | AsyncIterable<Buffer>} */
    let body;
    /** @type {MultipartReader | undefined} */
    let form;

    if (contentType?.toLowerCase().startsWith('multipart/form-data')) {
      const boundary = multipartBoundary(contentType);
      if (!boundary) throw ERRORS.NoContentProvided('Missing multipart boundary');
      form = new MultipartReader(it, boundary);
      /** @type {Record<string, string>} */
      const fields = Object.create(null);
      let part;
      let count = 0;
      while ((part = await form.next()) && part.filename === undefined) {
        if (++count > 10) throw ERRORS.InvalidRequest('Too many form fields');
        const field = part.name;
        fields[field] = await form.text(MAX_CUSTOM_METADATA_SIZE, () =>
          field === 'metadata' || field === 'userMetadata' ? ERRORS.EntityTooLarge('user_metadata') : ERRORS.InvalidRequest(`Form field ${field} is too large`));
      }
      if (!part) throw ERRORS.NoContentProvided();
      mimetype = fields.contentType || part.contentType || 'text/plain';
      cacheControl = fields.cacheControl ? `max-age=${fields.cacheControl}` : 'no-cache';
      const custom = fields.metadata ?? fields.userMetadata;
      if (custom !== undefined) {
        try {
          userMetadata = JSON.parse(custom);
        } catch {
          // Storage ignores custom metadata it cannot parse
        }
      }
      body = form.body();
    } else {
      mimetype = contentType || 'application/octet-stream';
      cacheControl = String(req.headers['cache-control'] ?? 'no-cache');
      const custom = req.headers['x-metadata'];
      if (typeof custom === 'string') {
        try {
          userMetadata = JSON.parse(Buffer.from(custom, 'base64').toString('utf8'));
        } catch {
          // idem (parseUserMetadata)
        }
      }
      body = it;
    }
    mustBeStorableText({ contentType: mimetype, cacheControl, metadata: userMetadata });
    if (bucket.allowedMimeTypes && !emptyFolder) validateMimeType(mimetype, bucket.allowedMimeTypes);
    const declared = Number(req.headers['content-length']);
    // A raw body's declared length is the file's: refuse it before reading a byte.
    if (!form && Number.isFinite(declared) && declared > maxSize) throw ERRORS.EntityTooLarge();
    // Before a byte is stored: may this caller write here (RLS), and does the object exist?
    await store.canUpload(o.claims, {
      bucket: o.bucket, name: o.name, owner: o.owner, isUpsert: o.isUpsert, mimetype,
      contentLength: Number.isFinite(declared) ? declared : undefined, userMetadata,
    });
    const file = await store.receive(body, maxSize);
    let stored;
    try {
      stored = await store.commit({
        claims: o.claims, bucket: o.bucket, name: o.name, owner: o.owner, isUpsert: o.isUpsert,
        file, mimetype, cacheControl, userMetadata,
      });
    } finally {
      await rm(file.path, { force: true });
    }
    ctx.log('storage: object stored', { bucket: o.bucket, name: o.name, size: file.size });
    sendJson(res, 200, { Key: `${o.bucket}/${o.name}`, Id: stored.row.id });
  } catch (e) {
    throw toStorageError(ctx, e, req);
  } finally {
    drain(req, it);
  }
}
