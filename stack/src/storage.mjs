// @ts-check
// Storage for the local stack: the Supabase Storage HTTP API the uploader uses, on local disk.
//
//   POST /storage/v1/object/upload/sign/<bucket>/<path>       signed upload URL (RLS insert check as the caller)
//   PUT  /storage/v1/object/upload/sign/<bucket>/<path>?token  upload with it (raw body or multipart form)
//   POST|PUT /storage/v1/object/<bucket>/<path>                standard upload (x-upsert), as the caller
//   GET|HEAD /storage/v1/object[/authenticated]/<bucket>/<path> download, RLS select as the caller
//   GET  /storage/v1/object/info[/authenticated|/public]/<bucket>/<path>  object info (JSON)
//   POST /storage/v1/object/list/<bucket>                      list a folder
//   DELETE /storage/v1/object/<bucket>  {prefixes: [names]}    delete objects, RLS delete as the caller
//   *    /storage/v1/upload/resumable[/sign][/<id>]            TUS 1.0.0 (@tus/server + @tus/file-store)
//
// Wire formats follow supabase/storage (routes/object/*, routes/tus/*, storage/object.ts,
// storage/uploader.ts); see docs/PROTOCOLS.md. Finished uploads are written to storage.objects
// AS THE USER (RLS of our migrations decides). Like hosted Storage, it sends no webhooks: the
// migrations' Database Webhook (a trigger on storage.objects calling pg_net) announces objects.
import { readdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { LINGER_MAX_BYTES, LINGER_MAX_MS } from './gateway.mjs';
import { HttpError, readJson } from './http.mjs';
import { ERRORS, fromDbError, sendStorageError, StorageError } from './storage-errors.mjs';
import { MultipartReader, multipartBoundary } from './storage-multipart.mjs';
import {
  createObjectStore, isEmptyFolder, MAX_CUSTOM_METADATA_SIZE, mustBeStorableName, mustBeStorableText, mustBeValidBucketName,
  mustBeValidKey, SIGNED_UPLOAD_CLAIMS, validateMimeType,
} from './storage-objects.mjs';
import { createTusServer } from './storage-tus.mjs';

const PREFIX = '/storage/v1';

/** @param {import('./stack.mjs').StackContext} ctx @returns {Promise<import('./stack.mjs').Service>} */
export async function createStorageService(ctx) {
  const store = createObjectStore(ctx);
  const tus = createTusServer(ctx, store);
  // Bodies that were being received when the stack last stopped are garbage now.
  try {
    for (const name of readdirSync(store.tmpDir)) rmSync(`${store.tmpDir}/${name}`, { force: true, recursive: true });
  } catch {
    // no tmp dir yet
  }
  await tus.sweep();

  /**
   * The path after a route prefix as [bucket, objectName], URL-decoded like Fastify's wildcard.
   * @param {string} rest e.g. "documents/uid/file.pdf"
   */
  function bucketAndName(rest) {
    const slash = rest.indexOf('/');
    const rawBucket = slash < 0 ? rest : rest.slice(0, slash);
    const rawName = slash < 0 ? '' : rest.slice(slash + 1);
    let bucket;
    let name;
    try {
      bucket = decodeURIComponent(rawBucket);
      name = decodeURIComponent(rawName);
    } catch {
      throw ERRORS.InvalidKey(rawName);
    }
    mustBeValidBucketName(bucket);
    return { bucket, name };
  }

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
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {{ bucket: string, name: string, claims: Record<string, any>, owner: string | undefined, isUpsert: boolean }} o
   */
  async function upload(req, res, o) {
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
      throw toStorageError(e, req);
    } finally {
      drain(req, it);
    }
  }

  /**
   * The row of an object the caller may read, decided as Storage's getObject/getObjectInfo do:
   * an unauthenticated caller (no or invalid JWT on an allowInvalidJwt route, or a public
   * route) only reads public buckets, else 404 Bucket not found; a public bucket is read as
   * the stack, a private one as the caller (RLS select), else 404 Object not found.
   * @param {import('node:http').IncomingMessage} req
   * @param {string} bucket @param {string} name
   * @param {'strict' | 'allowInvalidJwt' | 'public'} auth
   * @returns {Promise<Record<string, any>>}
   */
  async function findReadableObject(req, bucket, name, auth) {
    const claims = auth === 'public' ? { role: 'anon', authenticated: false } : await store.authenticate(req, { allowInvalidJwt: auth === 'allowInvalidJwt' });
    mustBeValidKey(name);
    const found = await store.findBucketIfAny(bucket);
    if (!found || (!claims.authenticated && !found.public)) throw ERRORS.NoSuchBucket();
    const select = (/** @type {import('postgres').Sql | import('postgres').TransactionSql} */ tx) => tx`
      select id, name, version, bucket_id, metadata, user_metadata, created_at, updated_at
        from storage.objects where bucket_id = ${bucket} and name = ${name}`;
    const [row] = found.public || auth === 'public' ? await select(ctx.sql) : await store.asCaller(claims, select);
    if (!row) throw ERRORS.NoSuchKey();
    return row;
  }

  /**
   * GET /object/info/...: the object's info as Storage's InfoRenderer answers it.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} bucket @param {string} name
   * @param {'strict' | 'allowInvalidJwt' | 'public'} auth
   */
  async function info(req, res, bucket, name, auth) {
    const row = await findReadableObject(req, bucket, name, auth);
    const meta = row.metadata ?? {};
    /** @type {Record<string, string>} */
    const headers = {};
    if (typeof meta.eTag === 'string') headers.etag = meta.eTag;
    if (meta.lastModified) headers['last-modified'] = new Date(meta.lastModified).toUTCString();
    if (typeof meta.cacheControl === 'string') headers['cache-control'] = meta.cacheControl;
    sendJson(res, 200, {
      id: row.id,
      name: row.name,
      version: row.version,
      bucket_id: row.bucket_id,
      size: meta.size ?? null,
      content_type: meta.mimetype ?? null,
      cache_control: meta.cacheControl ?? null,
      etag: meta.eTag ?? null,
      metadata: row.user_metadata,
      last_modified: row.updated_at,
      created_at: row.created_at,
    }, headers);
  }

  /**
   * GET/HEAD an object the caller may read (see findReadableObject).
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} bucket @param {string} name
   * @param {'strict' | 'allowInvalidJwt'} auth
   */
  async function download(req, res, bucket, name, auth) {
    const row = await findReadableObject(req, bucket, name, auth);
    /** @type {import('node:fs/promises').FileHandle} */
    let fh;
    try {
      fh = await open(store.objectPath(bucket, name), 'r');
    } catch {
      throw ERRORS.NoSuchKey();
    }
    try {
      const stat = await fh.stat();
      if (!stat.isFile()) throw ERRORS.NoSuchKey();
      const meta = row.metadata ?? {};
      const etag = typeof meta.eTag === 'string' ? meta.eTag : undefined;
      /** @type {Record<string, string>} */
      const headers = {
        'content-type': String(meta.mimetype || 'application/octet-stream'),
        'cache-control': String(meta.cacheControl || 'no-cache'),
        'last-modified': new Date(meta.lastModified || stat.mtime).toUTCString(),
        'accept-ranges': 'bytes',
      };
      if (etag) headers.etag = etag;
      if (etag && req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      let start = 0;
      let end = stat.size - 1;
      let status = 200;
      const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (range && (range[1] || range[2])) {
        if (range[1]) {
          start = Number(range[1]);
          if (range[2]) end = Math.min(Number(range[2]), stat.size - 1);
        } else {
          start = Math.max(0, stat.size - Number(range[2]));
        }
        if (start > end || start >= stat.size) {
          res.writeHead(416, { 'content-range': `bytes */${stat.size}` });
          res.end();
          return;
        }
        status = 206;
        headers['content-range'] = `bytes ${start}-${end}/${stat.size}`;
      }
      headers['content-length'] = String(stat.size === 0 ? 0 : end - start + 1);
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || stat.size === 0) {
        res.end();
        return;
      }
      await pipeline(fh.createReadStream({ start, end, autoClose: false }), res);
    } finally {
      await fh.close().catch(() => {});
    }
  }

  /**
   * POST /object/list/<bucket>: one folder level under `prefix`, like storage.search().
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} bucket
   */
  async function list(req, res, bucket) {
    // No bucket lookup: Storage searches storage.objects, so a missing bucket lists as [].
    const claims = await store.authenticate(req);
    const body = await readJson(req).catch((e) => {
      throw toStorageError(e, req);
    });
    mustBeStorableText({ prefix: body?.prefix, search: body?.search });
    const prefix = typeof body?.prefix === 'string' ? body.prefix.replace(/^\/+|\/+$/g, '') : '';
    const base = prefix ? `${prefix}/` : '';
    const limit = Math.max(0, Math.min(Number(body?.limit ?? 100) || 100, 1000));
    const offset = Math.max(0, Number(body?.offset ?? 0) || 0);
    const search = typeof body?.search === 'string' ? body.search.toLowerCase() : '';
    const column = ['name', 'created_at', 'updated_at', 'last_accessed_at'].includes(body?.sortBy?.column) ? body.sortBy.column : 'name';
    const desc = String(body?.sortBy?.order ?? 'asc').toLowerCase() === 'desc';
    const like = base.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    const rows = await store.asCaller(claims, (tx) => tx`
      select id, name, created_at, updated_at, last_accessed_at, metadata
        from storage.objects where bucket_id = ${bucket} and name like ${like}`);
    /** @type {Map<string, Record<string, any>>} */
    const entries = new Map();
    for (const row of rows) {
      const rest = String(row.name).slice(base.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        const folder = rest.slice(0, slash);
        if (!entries.has(`${folder}/`)) {
          entries.set(`${folder}/`, { name: folder, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null });
        }
      } else {
        entries.set(rest, { name: rest, id: row.id, updated_at: row.updated_at, created_at: row.created_at, last_accessed_at: row.last_accessed_at, metadata: row.metadata });
      }
    }
    const items = [...entries.values()]
      .filter((e) => !search || String(e.name).toLowerCase().includes(search))
      .sort((a, b) => {
        const x = a[column] ?? '';
        const y = b[column] ?? '';
        const cmp = x < y ? -1 : x > y ? 1 : 0;
        return desc ? -cmp : cmp;
      })
      .slice(offset, offset + limit);
    sendJson(res, 200, items);
  }

  /**
   * supabase-js `remove(names)`: delete the objects the caller's RLS lets it delete and answer
   * them (Storage's deleteObjects); names it may not delete are silently left, as on hosted.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} bucket
   */
  async function remove(req, res, bucket) {
    const claims = await store.authenticate(req);
    await store.findBucket(bucket);
    const body = await readJson(req).catch((e) => {
      throw toStorageError(e, req);
    });
    const prefixes = body?.prefixes;
    if (!Array.isArray(prefixes) || prefixes.length < 1 || prefixes.length > 1000 || !prefixes.every((p) => typeof p === 'string')) {
      throw ERRORS.InvalidRequest('body/prefixes must be an array of 1 to 1000 object names');
    }
    mustBeStorableText({ prefixes });
    const rows = await store.asCaller(claims, (tx) => tx`
      delete from storage.objects where bucket_id = ${bucket} and name = any(${prefixes})
      returning id, name, bucket_id, owner, created_at, updated_at, last_accessed_at, metadata`);
    for (const row of rows) await rm(store.objectPath(bucket, String(row.name)), { force: true });
    sendJson(res, 200, rows);
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   */
  async function route(req, res, url) {
    const method = req.method ?? 'GET';
    // The gateway's URL has "." and ".." segments resolved away; keys are judged as the client
    // wrote them, so "uid/../other/x.pdf" is an invalid key rather than silently another key.
    const rawPath = (req.url ?? '').split('?')[0] ?? '';
    const pathname = rawPath.startsWith(`${PREFIX}/`) ? rawPath : url.pathname;
    const rest = pathname.slice(PREFIX.length);

    if (rest === '/upload/resumable' || rest.startsWith('/upload/resumable/')) {
      const signed = rest === '/upload/resumable/sign' || rest.startsWith('/upload/resumable/sign/');
      const isUpsert = req.headers['x-upsert'] === 'true';
      // Storage routes only these to the TUS server (no GET: unfinished bytes are not readable).
      if (!['POST', 'PATCH', 'HEAD', 'DELETE', 'OPTIONS'].includes(method)) throw ERRORS.RouteNotFound(method, pathname);
      if (method === 'OPTIONS') {
        await tus.handle(req, res, { signed, claims: { role: 'anon' }, owner: undefined, isUpsert });
        return;
      }
      if (signed) {
        // Owner and upsert come from the x-signature token, checked on every request.
        await tus.handle(req, res, { signed, claims: { role: 'anon' }, owner: undefined, isUpsert: false });
        return;
      }
      const claims = await store.authenticate(req);
      await tus.handle(req, res, { signed, claims, owner: claims.sub, isUpsert });
      return;
    }

    if (method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }

    let m;
    if ((m = /^\/object\/upload\/sign\/(.+)$/.exec(rest))) {
      const { bucket, name } = bucketAndName(/** @type {string} */ (m[1]));
      if (method === 'POST') {
        const claims = await store.authenticate(req);
        // As Storage: no bucket lookup and no key rule here, only the RLS insert check (a missing
        // bucket fails RLS or its foreign key; an invalid key is refused at upload).
        mustBeStorableName(name);
        const isUpsert = req.headers['x-upsert'] === 'true';
        await store.canUpload(claims, { bucket, name, owner: claims.sub, isUpsert });
        req.resume(); // the body is `{}`
        sendJson(res, 200, await store.signUploadToken(bucket, name, claims.sub, isUpsert));
        return;
      }
      if (method === 'PUT') {
        const token = url.searchParams.get('token');
        if (!token) throw ERRORS.InvalidRequest("querystring must have required property 'token'");
        // The token first, then the key (uploadSignedObject → uploadFromRequest).
        const { owner, upsert } = await store.verifyUploadToken(token, bucket, name);
        mustBeValidKey(name);
        await upload(req, res, { bucket, name, claims: SIGNED_UPLOAD_CLAIMS, owner, isUpsert: upsert });
        return;
      }
    } else if ((m = /^\/object\/list\/([^/]+)$/.exec(rest))) {
      const { bucket } = bucketAndName(/** @type {string} */ (m[1]));
      if (method === 'POST') {
        await list(req, res, bucket);
        return;
      }
    } else if ((m = /^\/object\/info\/(?:(authenticated|public)\/)?(.+)$/.exec(rest))) {
      const { bucket, name } = bucketAndName(/** @type {string} */ (m[2]));
      if (method === 'GET') {
        await info(req, res, bucket, name, m[1] === 'authenticated' ? 'strict' : m[1] === 'public' ? 'public' : 'allowInvalidJwt');
        return;
      }
    } else if ((m = /^\/object\/authenticated\/(.+)$/.exec(rest))) {
      const { bucket, name } = bucketAndName(/** @type {string} */ (m[1]));
      if (method === 'GET' || method === 'HEAD') {
        await download(req, res, bucket, name, 'strict');
        return;
      }
    } else if ((m = /^\/object\/(.+)$/.exec(rest))) {
      const { bucket, name } = bucketAndName(/** @type {string} */ (m[1]));
      if (method === 'DELETE' && name === '') {
        await remove(req, res, bucket);
        return;
      }
      if (method === 'GET' || method === 'HEAD') {
        await download(req, res, bucket, name, 'allowInvalidJwt');
        return;
      }
      if (method === 'POST' || method === 'PUT') {
        const claims = await store.authenticate(req);
        await upload(req, res, {
          bucket, name, claims, owner: claims.sub,
          isUpsert: method === 'PUT' || req.headers['x-upsert'] === 'true',
        });
        return;
      }
    }
    throw ERRORS.RouteNotFound(method, url.pathname);
  }

  /**
   * @param {unknown} e
   * @param {import('node:http').IncomingMessage} req
   * @returns {StorageError}
   */
  function toStorageError(e, req) {
    if (e instanceof StorageError) return e;
    const mapped = fromDbError(e);
    if (mapped instanceof StorageError) return mapped;
    if (e instanceof HttpError) {
      return e.status === 413 ? ERRORS.EntityTooLarge() : ERRORS.InvalidRequest(e.message);
    }
    const code = /** @type {{ code?: string }} */ (e)?.code;
    if (req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      return ERRORS.NoContentProvided('Request stream closed before upload could complete');
    }
    ctx.log(`storage: ${req.method} ${req.url} failed`, { error: String(/** @type {Error} */ (e)?.stack ?? e) });
    return ERRORS.Internal();
  }

  /** @type {import('./stack.mjs').Service} */
  const service = {
    prefix: PREFIX,
    async handle(req, res, url) {
      try {
        await route(req, res, url);
      } catch (e) {
        const error = toStorageError(e, req);
        sendStorageError(res, error);
        if (!req.complete && !req.destroyed && !req.readableEnded && req.readableFlowing === null) req.resume();
      }
    },
    async close() {
      tus.close();
    },
  };
  return service;
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
