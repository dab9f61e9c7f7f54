// @ts-check
// The part of Storage both upload paths share: key rules, buckets, the RLS check as the
// caller (Storage's `canUpload`), signed upload tokens, and the atomic commit of a finished
// file (row in storage.objects written as the user + rename into place; the row's trigger announces it).
//
// Files on disk (all under ctx.dataDir, one filesystem, so renames are atomic):
//   objects/<bucket>/<name>   stored objects
//   tmp/<uuid>                bodies being received (never visible as objects)
//   tus/<bucket>/<name>/<version>[.json]  unfinished resumable uploads (@tus/file-store)
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { signJwt } from '../jwt.mjs';
import { ERRORS, fromDbError, StorageError } from './errors.mjs';
import { findUnstorable } from '../text.mjs';

/** `uploadSignedUrlExpirationTime` of the Supabase CLI's local stack (storage-js docs: 2 hours). */
export const SIGNED_UPLOAD_URL_EXPIRY_SECONDS = 7200;
/** Storage's limit for custom metadata (uploader.ts MAX_CUSTOM_METADATA_SIZE). */
export const MAX_CUSTOM_METADATA_SIZE = 1024 * 1024;

// supabase/storage src/storage/limits.ts: S3-safe characters only (no non-ASCII, no backslash).
const VALID_OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;
const ROLES = new Set(['anon', 'authenticated', 'service_role']);

/**
 * Storage's key rule, plus what a key must obey to be a path on disk: no empty, "." or ".."
 * segments (so no absolute paths, no traversal, no two keys naming the same file), segments
 * of at most 255 bytes, at most 1024 bytes in all (S3's limit).
 * @param {string | undefined | null} key
 * @returns {asserts key is string}
 */
export function mustBeValidKey(key) {
  const ok =
    typeof key === 'string' &&
    key.length > 0 &&
    VALID_OBJECT_KEY.test(key) &&
    Buffer.byteLength(key) <= 1024 &&
    key.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.length <= 255);
  if (!ok) throw ERRORS.InvalidKey(String(key ?? ''));
}

/**
 * @param {string | undefined | null} name
 * @returns {asserts name is string}
 */
export function mustBeValidBucketName(name) {
  const ok = typeof name === 'string' && name.length > 0 && name.length < 101 && VALID_BUCKET_NAME.test(name) && name !== '.' && name !== '..';
  if (!ok) throw ERRORS.InvalidBucketName(String(name ?? ''));
}

/** Storage's `isEmptyFolder`: placeholders are 0-byte objects of any type. @param {string} name */
export const isEmptyFolder = (name) => name.endsWith('.emptyFolderPlaceholder');

/**
 * Storage's validateMimeType, verbatim semantics: "type/subtype" must equal an allowed entry
 * or match "type/*". Parameters are NOT stripped ("text/plain;charset=UTF-8" ≠ "text/plain").
 * @param {string} mimeType @param {string[]} allowed
 */
export function validateMimeType(mimeType, allowed) {
  const requested = mimeType.split('/');
  if (requested.length < 2) throw ERRORS.InvalidMimeType(mimeType);
  const [type, ext] = requested;
  for (const entry of allowed) {
    const [allowedType, allowedExt] = entry.split('/');
    if (allowedType === type && (allowedExt === '*' || allowedExt === ext)) return true;
  }
  throw ERRORS.InvalidMimeType(mimeType);
}

/** "50MiB", "500KB", "1GB", "1048576" → bytes (the CLI reads these with go-units: binary). @param {string | number} v */
export function parseSize(v) {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(v);
  if (!m) return undefined;
  const exp = { '': 0, k: 1, m: 2, g: 3, t: 4 }[/** @type {'' | 'k' | 'm' | 'g' | 't'} */ ((m[2] ?? '').toLowerCase())] ?? 0;
  return Math.floor(Number(m[1]) * 1024 ** exp);
}

/** The global upload limit: [storage] file_size_limit of supabase/config.toml (default 50 MiB). */
export function globalFileSizeLimit() {
  try {
    const text = readFileSync(new URL('../../../supabase/config.toml', import.meta.url), 'utf8');
    const config = /** @type {{ storage?: { file_size_limit?: string | number } }} */ (parseToml(text));
    const limit = config.storage?.file_size_limit;
    const bytes = limit === undefined ? undefined : parseSize(limit);
    if (bytes && bytes > 0) return bytes;
  } catch {
    // fall through to the CLI default
  }
  return 50 * 1024 * 1024;
}

/** @param {string} uuid */
const isUuid = (uuid) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid);

/**
 * Who acts in the database for an upload with a signed token (PUT or TUS): Storage serves those
 * routes with its superuser connection (dbSuperUser), since the RLS check happened when the URL
 * was signed; the owner comes from the token.
 */
export const SIGNED_UPLOAD_CLAIMS = Object.freeze({ role: 'service_role' });

/**
 * What a name must be for the RLS check at signing: Storage signs any name (and refuses an
 * invalid key only at upload), but a name must still fit in a text column and a btree index.
 * @param {string} name
 */
export function mustBeStorableName(name) {
  if (name.length === 0 || name.includes('\0') || Buffer.byteLength(name) > 1024) throw ERRORS.InvalidKey(name);
}

/**
 * Refuse text Postgres cannot store (text.mjs) in what a request gives for an object's row
 * (user metadata, mime type, cache control, names to list or remove): Storage would pass a NUL
 * on and answer its 500 DatabaseError, and store an unpaired surrogate as U+FFFD.
 * @param {Record<string, unknown>} fields
 */
export function mustBeStorableText(fields) {
  const bad = findUnstorable(fields);
  if (bad) throw ERRORS.UnstorableText(bad.path, bad.reason);
}

/**
 * Map filesystem errors of placing an object to Storage errors.
 * @param {unknown} e @param {string} name
 */
function fromFsError(e, name) {
  const code = /** @type {{ code?: string }} */ (e)?.code;
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
    return new StorageError(409, 'KeyAlreadyExists', 'Duplicate',
      `The key ${name} conflicts with an existing object: a name cannot be both an object and a folder`);
  }
  if (code === 'ENAMETOOLONG') return ERRORS.InvalidKey(name);
  return e;
}

class Rollback extends Error {}

/**
 * @typedef {object} Bucket
 * @property {string} id
 * @property {boolean} public
 * @property {number | null} fileSizeLimit
 * @property {string[] | null} allowedMimeTypes
 */

/**
 * @typedef {object} FinishedFile
 * @property {string} path   where the complete body is now (tmp/ or tus/)
 * @property {number} size
 * @property {string} md5    hex
 */

/** @param {import('../stack.mjs').StackContext} ctx */
export function createObjectStore(ctx) {
  const objectsDir = path.join(ctx.dataDir, 'objects');
  const tmpDir = path.join(ctx.dataDir, 'tmp');
  const tusDir = path.join(ctx.dataDir, 'tus');
  const globalLimit = globalFileSizeLimit();

  /** @param {string} bucket @param {string} name */
  function objectPath(bucket, name) {
    mustBeValidBucketName(bucket);
    mustBeValidKey(name);
    const bucketDir = path.join(objectsDir, bucket);
    const p = path.join(bucketDir, ...name.split('/'));
    if (!p.startsWith(bucketDir + path.sep)) throw ERRORS.InvalidKey(name);
    return p;
  }

  /** @param {string} bucketId @returns {Promise<Bucket>} */
  async function findBucket(bucketId) {
    const bucket = await findBucketIfAny(bucketId);
    if (!bucket) throw ERRORS.NoSuchBucket();
    return bucket;
  }

  /** The bucket read as the stack (Storage's asSuperUser().findBucket), or undefined. @param {string} bucketId @returns {Promise<Bucket | undefined>} */
  async function findBucketIfAny(bucketId) {
    mustBeValidBucketName(bucketId);
    const [row] = await ctx.sql`
      select id, public, file_size_limit, allowed_mime_types from storage.buckets where id = ${bucketId}`;
    if (!row) return undefined;
    return {
      id: row.id,
      public: Boolean(row.public),
      fileSizeLimit: row.file_size_limit == null ? null : Number(row.file_size_limit),
      allowedMimeTypes: row.allowed_mime_types?.length ? row.allowed_mime_types : null,
    };
  }

  /** min(bucket limit, global limit), like getStandardMaxFileSizeLimit. @param {Bucket} bucket */
  const maxSizeFor = (bucket) => (bucket.fileSizeLimit && bucket.fileSizeLimit > 0 ? Math.min(bucket.fileSizeLimit, globalLimit) : globalLimit);

  /**
   * Storage's `canUpload`: try the insert (or upsert) as the caller and roll it back, so the
   * RLS policies of storage.objects decide. 403 on a policy violation, 409 when the object
   * exists and upsert is off, 404 RelatedResourceNotFound when the bucket is missing and RLS
   * let the row through. The name is not judged as a key here (Storage signs any name).
   * @param {Record<string, any>} claims
   * @param {{ bucket: string, name: string, owner?: string | undefined, isUpsert: boolean,
   *           mimetype?: string | undefined, contentLength?: number | undefined, userMetadata?: unknown }} o
   */
  async function canUpload(claims, o) {
    mustBeStorableName(o.name);
    /** @type {(v: unknown) => any} */
    const asJson = (v) => v;
    const row = {
      bucket_id: o.bucket,
      name: o.name,
      owner: o.owner && isUuid(o.owner) ? o.owner : null,
      owner_id: o.owner ?? null,
      version: '1',
      metadata: { mimetype: o.mimetype, contentLength: o.contentLength },
      user_metadata: o.userMetadata ?? null,
    };
    try {
      await asCaller(claims, async (tx) => {
        if (o.isUpsert) {
          await tx`
            insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
            values (${row.bucket_id}, ${row.name}, ${row.owner}, ${row.owner_id}, ${row.version},
                    ${tx.json(asJson(row.metadata))}, ${row.user_metadata === null ? null : tx.json(asJson(row.user_metadata))})
            on conflict (bucket_id, name) do update
              set owner = excluded.owner, owner_id = excluded.owner_id, version = excluded.version,
                  metadata = excluded.metadata, user_metadata = excluded.user_metadata`;
        } else {
          await tx`
            insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
            values (${row.bucket_id}, ${row.name}, ${row.owner}, ${row.owner_id}, ${row.version},
                    ${tx.json(asJson(row.metadata))}, ${row.user_metadata === null ? null : tx.json(asJson(row.user_metadata))})`;
        }
        throw new Rollback();
      });
    } catch (e) {
      if (e instanceof Rollback) return;
      throw fromDbError(e);
    }
  }

  /**
   * ctx.asRole with the role checked first (Postgres would otherwise fail on an unknown role).
   * @template T
   * @param {Record<string, any>} claims
   * @param {(tx: import('postgres').TransactionSql) => Promise<T>} fn
   * @returns {Promise<T>}
   */
  function asCaller(claims, fn) {
    const { authenticated: _, ...jwtClaims } = claims; // our flag, not a claim of the token
    const role = String(jwtClaims.role ?? 'anon');
    if (!ROLES.has(role)) return Promise.reject(ERRORS.AccessDenied('Access denied: Invalid role'));
    return ctx.asRole({ ...jwtClaims, role }, fn);
  }

  /**
   * Place a finished file: as the caller, insert the storage.objects row (or update it on
   * upsert) — RLS decides, 403 on a violation, 409 when it exists without upsert — then rename
   * the file into place inside the same transaction, so either both happen or neither (the
   * row's Database Webhook trigger queues its pg_net request in the same transaction). The source
   * file is gone afterwards on success; on failure the caller removes it.
   * @param {{ claims: Record<string, any>, bucket: string, name: string, owner?: string | undefined,
   *           isUpsert: boolean, file: FinishedFile, mimetype: string, cacheControl: string,
   *           userMetadata?: unknown, version?: string }} o
   */
  async function commit(o) {
    const finalPath = objectPath(o.bucket, o.name);
    const version = o.version ?? randomUUID();
    const metadata = {
      eTag: `"${o.file.md5}"`,
      size: o.file.size,
      mimetype: o.mimetype,
      cacheControl: o.cacheControl,
      lastModified: new Date().toISOString(),
      contentLength: o.file.size,
      httpStatusCode: 200,
    };
    const owner = o.owner && isUuid(o.owner) ? o.owner : null;
    const ownerId = o.owner ?? null;
    const userMetadata = o.userMetadata ?? null;
    const role = String(o.claims.role ?? 'anon');
    try {
      await mkdir(path.dirname(finalPath), { recursive: true });
    } catch (e) {
      throw fromFsError(e, o.name);
    }
    /** @type {{ row: Record<string, any>, old: Record<string, any> | null }} */
    let result;
    try {
      result = await asCaller(o.claims, async (tx) => {
        // The current row (read as the stack, locked) decides INSERT vs UPDATE and is the
        // old row a Database Webhook sees; the write itself happens as the caller.
        await tx`select set_config('role', 'none', true)`;
        const [old] = await tx`
          select * from storage.objects where bucket_id = ${o.bucket} and name = ${o.name} for update`;
        if (old && !o.isUpsert) throw ERRORS.KeyAlreadyExists();
        await tx`select set_config('role', ${role}, true)`;
        const json = (/** @type {any} */ v) => (v === null ? null : tx.json(v));
        if (old) {
          const updated = await tx`
            update storage.objects
               set owner = ${owner}, owner_id = ${ownerId}, metadata = ${json(metadata)},
                   user_metadata = ${json(userMetadata)}, version = ${version},
                   updated_at = now(), last_accessed_at = now()
             where bucket_id = ${o.bucket} and name = ${o.name}`;
          if (updated.count !== 1) throw ERRORS.RlsDenied();
        } else {
          await tx`
            insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
            values (${o.bucket}, ${o.name}, ${owner}, ${ownerId}, ${json(metadata)}, ${json(userMetadata)}, ${version})`;
        }
        await tx`select set_config('role', 'none', true)`;
        const [row] = await tx`select * from storage.objects where bucket_id = ${o.bucket} and name = ${o.name}`;
        try {
          await rename(o.file.path, finalPath);
        } catch (e) {
          throw fromFsError(e, o.name);
        }
        return { row: /** @type {Record<string, any>} */ (row), old: old ?? null };
      });
    } catch (e) {
      throw fromDbError(e);
    }
    return { row: result.row, metadata, isNew: !result.old };
  }

  /**
   * Stream a body into a new temp file, computing size and MD5 on the way; more than `limit`
   * bytes → 413 and the temp file is removed.
   * @param {AsyncIterable<Buffer> | AsyncIterator<Buffer>} chunks
   * @param {number} limit
   * @returns {Promise<FinishedFile>}
   */
  async function receive(chunks, limit) {
    await mkdir(tmpDir, { recursive: true });
    const file = path.join(tmpDir, randomUUID());
    const hash = createHash('md5');
    let size = 0;
    const fh = await open(file, 'wx');
    try {
      const iterable = Symbol.asyncIterator in chunks ? chunks : { [Symbol.asyncIterator]: () => chunks };
      for await (const chunk of /** @type {AsyncIterable<Buffer>} */ (iterable)) {
        size += chunk.length;
        if (size > limit) throw ERRORS.EntityTooLarge();
        hash.update(chunk);
        let written = 0;
        while (written < chunk.length) {
          const { bytesWritten } = await fh.write(chunk, written, chunk.length - written);
          written += bytesWritten;
        }
      }
      await fh.close();
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(file, { force: true });
      throw e;
    }
    return { path: file, size, md5: hash.digest('hex') };
  }

  /** Size and MD5 of a file on disk (a finished TUS upload). @param {string} file @returns {Promise<FinishedFile>} */
  async function describe(file) {
    const hash = createHash('md5');
    let size = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { path: file, size, md5: hash.digest('hex') };
  }

  /**
   * A signed upload token exactly as Storage's signUploadObjectUrl makes it.
   * @param {string} bucket @param {string} name @param {string | undefined} owner @param {boolean} upsert
   */
  async function signUploadToken(bucket, name, owner, upsert) {
    const url = `${bucket}/${name}`;
    /** @type {Record<string, unknown>} */
    const claims = { url, upsert, scope: 'upload' };
    if (owner !== undefined) claims.owner = owner;
    const token = await signJwt(claims, ctx.jwtSecret, SIGNED_UPLOAD_URL_EXPIRY_SECONDS);
    return { url: `/object/upload/sign/${url}?token=${token}`, token };
  }

  /**
   * Storage's verifyObjectSignature for uploads: a bad JWT (signature, expiry, format) → 400
   * InvalidJWT with jose's message; a token for another scope or object → 400 InvalidSignature.
   * @param {string} token @param {string} bucket @param {string} name
   * @returns {Promise<{ owner: string | undefined, upsert: boolean }>}
   */
  async function verifyUploadToken(token, bucket, name) {
    /** @type {Record<string, any>} */
    let payload;
    try {
      payload = await ctx.verifyJwt(token);
    } catch (e) {
      throw ERRORS.InvalidJWT(String(/** @type {Error} */ (e)?.message ?? e));
    }
    const uploadScoped = payload.scope === 'upload' || (payload.scope === undefined && 'upsert' in payload);
    if (!uploadScoped) throw ERRORS.InvalidSignature('Token is not scoped for upload');
    if (payload.url !== `${bucket}/${name}`) throw ERRORS.InvalidSignature();
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) throw ERRORS.ExpiredSignature();
    return { owner: typeof payload.owner === 'string' ? payload.owner : undefined, upsert: payload.upsert === true };
  }

  /**
   * The caller's JWT (Authorization: Bearer), as Storage's jwt plugin checks it: anything
   * wrong → 403 "Unauthorized" with jose's message. Routes Storage marks `allowInvalidJwt`
   * (GET/HEAD /object/<bucket>/<path>, GET /object/info/<bucket>/<path>) instead go on as an
   * unauthenticated anon caller when the token is missing, expired or otherwise invalid.
   * @param {import('node:http').IncomingMessage} req
   * @param {{ allowInvalidJwt?: boolean }} [options]
   * @returns {Promise<Record<string, any> & { authenticated: boolean }>}
   */
  async function authenticate(req, options = {}) {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!token && options.allowInvalidJwt) return { role: 'anon', authenticated: false };
    try {
      const payload = await ctx.verifyJwt(token);
      return { ...payload, role: payload.role ?? 'anon', authenticated: true };
    } catch (e) {
      if (options.allowInvalidJwt) return { role: 'anon', authenticated: false };
      throw ERRORS.AccessDenied(String(/** @type {Error} */ (e)?.message ?? e));
    }
  }

  return {
    objectsDir, tmpDir, tusDir, globalLimit,
    objectPath, findBucket, findBucketIfAny, maxSizeFor, canUpload, asCaller, commit, receive, describe,
    signUploadToken, verifyUploadToken, authenticate,
  };
}

/** @typedef {ReturnType<typeof createObjectStore>} ObjectStore */
