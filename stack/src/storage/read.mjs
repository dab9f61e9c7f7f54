// @ts-check
// Reading objects: download (GET/HEAD, with ranges and If-None-Match) and object info, each
// deciding first, as Storage does, whether the caller may read the object at all.
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { sendJson } from '../http.mjs';
import { ERRORS } from './errors.mjs';
import { mustBeValidKey } from './objects.mjs';

/** @typedef {'strict' | 'allowInvalidJwt' | 'public'} ReadAuth  how a read route takes the caller's JWT */

/**
 * The row of an object the caller may read, decided as Storage's getObject/getObjectInfo do:
 * an unauthenticated caller (no or invalid JWT on an allowInvalidJwt route, or a public
 * route) only reads public buckets, else 404 Bucket not found; a public bucket is read as
 * the stack, a private one as the caller (RLS select), else 404 Object not found.
 * @param {import('./common.mjs').Deps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {string} bucket @param {string} name
 * @param {ReadAuth} auth
 * @returns {Promise<Record<string, any>>}
 */
async function findReadableObject({ ctx, store }, req, bucket, name, auth) {
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
 * @param {import('./common.mjs').Deps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} bucket @param {string} name
 * @param {ReadAuth} auth
 */
export async function info(deps, req, res, bucket, name, auth) {
  const row = await findReadableObject(deps, req, bucket, name, auth);
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
 * @param {import('./common.mjs').Deps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} bucket @param {string} name
 * @param {'strict' | 'allowInvalidJwt'} auth
 */
export async function download(deps, req, res, bucket, name, auth) {
  const row = await findReadableObject(deps, req, bucket, name, auth);
  /** @type {import('node:fs/promises').FileHandle} */
  let fh;
  try {
    fh = await open(deps.store.objectPath(bucket, name), 'r');
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
