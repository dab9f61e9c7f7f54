// @ts-check
// Resumable uploads (TUS 1.0.0) on @tus/server + @tus/file-store, wired like Supabase Storage's
// src/http/routes/tus (lifecycle.ts): the upload id is `<bucket>/<objectName>/<version uuid>`,
// the Location segment is its base64url, the RLS check runs as the caller on POST and every
// PATCH (bearer route) or the x-signature token is verified on every request (signed route),
// and a finished upload becomes an object through the shared commit.
//
// A finished upload stays known until it expires (as on Storage, whose upload info outlives the
// upload): HEAD answers 200 with Upload-Offset = Upload-Length, so a client that lost the answer
// to its last PATCH resumes to "complete" without sending the file again. Its data file is a
// hard link of the stored object (no second copy on disk); its info file records the commit.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { MemoryLocker, Metadata, Server } from '@tus/server';
import { ERRORS, StorageError } from './errors.mjs';
import {
  isEmptyFolder, mustBeStorableText, mustBeValidBucketName, mustBeValidKey, SIGNED_UPLOAD_CLAIMS, validateMimeType,
} from './objects.mjs';

export const TUS_PATH = '/storage/v1/upload/resumable';
/** TUS_URL_EXPIRY_MS of Storage (code default: 1 hour). */
export const TUS_URL_EXPIRY_MS = 60 * 60 * 1000;

/**
 * What we know about the caller of one TUS request.
 * @typedef {object} TusRequestContext
 * @property {boolean} signed            /upload/resumable/sign
 * @property {Record<string, any>} claims who acts in the database
 * @property {string | undefined} owner
 * @property {boolean} isUpsert
 * @property {string} [authorizedId]     upload id whose x-signature was already verified
 * @property {boolean} [committed]       the upload was already stored as an object before this request
 */

/** @param {string} id */
export function parseUploadId(id) {
  const parts = id.split('/');
  if (parts.length < 3) throw ERRORS.InvalidUploadId();
  const bucket = /** @type {string} */ (parts[0]);
  const version = /** @type {string} */ (parts.pop());
  const objectName = parts.slice(1).join('/');
  mustBeValidBucketName(bucket);
  mustBeValidKey(objectName);
  if (!/^[0-9a-f-]{36}$/.test(version)) throw ERRORS.InvalidUploadId('Version not provided');
  return { bucket, objectName, version };
}

/**
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {import('./objects.mjs').ObjectStore} store
 */
export function createTusServer(ctx, store) {
  mkdirSync(store.tusDir, { recursive: true });
  const datastore = new FileStore({ directory: store.tusDir, expirationPeriodInMilliseconds: TUS_URL_EXPIRY_MS });
  /** @type {WeakMap<import('node:http').IncomingMessage, TusRequestContext>} */
  const contexts = new WeakMap();

  /** @param {any} rawReq @returns {{ node: import('node:http').IncomingMessage, c: TusRequestContext }} */
  function requestContext(rawReq) {
    const node = rawReq?.runtime?.node?.req;
    const c = node && contexts.get(node);
    if (!c) throw ERRORS.Internal('TUS request without context');
    return { node, c };
  }

  /**
   * Signed route: the x-signature token must be valid for this object on every request;
   * owner and upsert come from it. Bearer route: nothing to do here (the JWT was checked
   * before the request reached the TUS server).
   * @param {any} rawReq @param {string} id
   */
  async function authorizeSigned(rawReq, id) {
    const { node, c } = requestContext(rawReq);
    if (!c.signed || c.authorizedId === id) return { node, c };
    const { bucket, objectName } = parseUploadId(id);
    const signature = node.headers['x-signature'];
    if (!signature || typeof signature !== 'string') throw ERRORS.InvalidSignature('Missing x-signature header');
    const payload = await store.verifyUploadToken(signature, bucket, objectName);
    c.owner = payload.owner;
    // Storage completes every upload with an upsert as its superuser, and checks nothing more on
    // the signed route: a signed upload replaces an existing object whatever the token's upsert.
    c.isUpsert = true;
    c.claims = SIGNED_UPLOAD_CLAIMS;
    c.authorizedId = id;
    return { node, c };
  }

  /** @param {Record<string, string | null> | undefined} metadata */
  function userMetadataOf(metadata) {
    if (!metadata?.metadata) return undefined;
    try {
      return JSON.parse(metadata.metadata);
    } catch {
      return undefined;
    }
  }

  /**
   * Upload-Metadata values end up in the object's row (contentType and cacheControl in
   * `metadata`, the `metadata` field's JSON in `user_metadata`): refused at creation, on both
   * routes, when Postgres could not store them (text.mjs), before a byte is received.
   * @param {Record<string, string | null> | undefined} metadata
   */
  function mustBeStorableMetadata(metadata) {
    mustBeStorableText({ ...metadata, metadata: userMetadataOf(metadata) });
  }

  /** Remove an upload's files and the empty folders above them (best effort). @param {string} id */
  async function removeUpload(id) {
    const file = path.join(store.tusDir, id);
    // The info file first: without it the upload is unknown (404), never half there (410).
    await rm(`${file}.json`, { force: true }).catch(() => {});
    await rm(file, { force: true }).catch(() => {});
    let dir = path.dirname(file);
    while (dir.startsWith(store.tusDir + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
      dir = path.dirname(dir);
    }
  }

  /** Uploads being stored as objects right now (onUploadFinish), so a HEAD can wait for the outcome. */
  /** @type {Map<string, Promise<unknown>>} */
  const finishing = new Map();

  /** @param {string} id */
  const infoPath = (id) => path.join(store.tusDir, `${id}.json`);

  /** The upload's info file (what @tus/file-store wrote, plus our `committed`), or undefined. @param {string} id */
  async function readInfo(id) {
    try {
      return /** @type {Record<string, any>} */ (JSON.parse(await readFile(infoPath(id), 'utf8')));
    } catch {
      return undefined;
    }
  }

  /** Record in the info file that the upload is an object now (atomically: a HEAD may read it). @param {string} id */
  async function markCommitted(id) {
    const info = await readInfo(id);
    if (!info) return;
    await mkdir(store.tmpDir, { recursive: true });
    const tmp = path.join(store.tmpDir, `${randomUUID()}.json`);
    await writeFile(tmp, JSON.stringify({ ...info, committed: true }));
    await rename(tmp, infoPath(id));
  }

  /**
   * Is the upload already stored as an object? Waits for a commit in progress. A complete upload
   * that was never committed (the stack stopped in between) counts as gone, so a HEAD never says
   * "complete" for bytes that are not an object.
   * @param {string} id
   * @returns {Promise<'committed' | 'unfinished' | 'lost' | 'unknown'>}
   */
  async function uploadState(id) {
    await finishing.get(id)?.catch(() => {});
    const info = await readInfo(id);
    if (!info) return 'unknown';
    if (info.committed) return 'committed';
    const size = await stat(path.join(store.tusDir, id)).then((s) => s.size, () => undefined);
    return typeof info.size === 'number' && size === info.size ? 'lost' : 'unfinished';
  }

  const server = new Server({
    path: TUS_PATH,
    datastore,
    locker: new MemoryLocker(),
    disableTerminationForFinishedUploads: true,
    allowedHeaders: ['Authorization', 'X-Upsert', 'Upload-Expires', 'ApiKey', 'x-signature', 'x-client-info'],
    exposedHeaders: ['Upload-Expires', 'Tus-Complete'],

    namingFunction(rawReq, metadata) {
      if (!metadata) throw ERRORS.MetadataRequired();
      const bucket = metadata.bucketName || '';
      const objectName = metadata.objectName || '';
      mustBeValidBucketName(bucket);
      mustBeValidKey(objectName);
      return `${bucket}/${objectName}/${randomUUID()}`;
    },

    // The Location is on the stack's own public URL, from configuration: never from the request's
    // Host (or forwarded) headers, which anyone can set (`Host: evil.example` would send the
    // client's upload, with its token, elsewhere).
    generateUrl(rawReq, { path: base, id }) {
      const { c } = requestContext(rawReq);
      return `${ctx.url}${base}${c.signed ? '/sign' : ''}/${Buffer.from(id, 'utf8').toString('base64url')}`;
    },

    getFileIdFromRequest(rawReq) {
      const node = /** @type {any} */ (rawReq)?.runtime?.node?.req;
      const pathname = new URL(node?.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
      const last = pathname.slice(pathname.lastIndexOf('/') + 1);
      if (!last || last === 'resumable' || last === 'sign' || !/^[A-Za-z0-9_-]+$/.test(last)) return undefined;
      const id = Buffer.from(last, 'base64url').toString('utf8');
      try {
        parseUploadId(id);
      } catch {
        return undefined;
      }
      return id;
    },

    async maxSize(rawReq, id) {
      if (!id) return store.globalLimit;
      await authorizeSigned(rawReq, id);
      const { bucket } = parseUploadId(id);
      return store.maxSizeFor(await store.findBucket(bucket));
    },

    async onIncomingRequest(rawReq, id) {
      const { node, c } = await authorizeSigned(rawReq, id);
      if (node.method === 'OPTIONS') return;
      if (node.method !== 'POST') {
        const state = await uploadState(id);
        if (state === 'lost') throw ERRORS.NoSuchUpload();
        // Done: HEAD tells the full offset; a PATCH at that offset is answered as complete
        // (onUploadFinish) without writing or storing anything again.
        c.committed = state === 'committed';
        if (c.committed) return;
      }
      if (node.method === 'HEAD') return;
      // Signed route: the token is the authorization (its owner passed RLS when it was signed);
      // Storage checks nothing more, not even whether the object exists.
      if (c.signed) return;
      // Bearer route: the caller must be allowed to write this object, on POST and on every PATCH.
      const { bucket, objectName } = parseUploadId(id);
      /** @type {string | undefined} */
      let contentType;
      /** @type {number | undefined} */
      let contentLength;
      /** @type {Record<string, string | null> | undefined} */
      let metadata;
      if (node.method === 'POST') {
        try {
          metadata = Metadata.parse(String(node.headers['upload-metadata'] ?? ''));
        } catch {
          throw new StorageError(400, 'InvalidParameter', 'InvalidParameter', 'Invalid Upload-Metadata header');
        }
        mustBeStorableMetadata(metadata);
        const length = node.headers['upload-length'];
        contentLength = length ? Number(length) : undefined;
      } else {
        const upload = await datastore.getUpload(id);
        metadata = upload.metadata;
        contentLength = upload.size;
      }
      contentType = metadata?.contentType ?? undefined;
      await store.canUpload(c.claims, {
        bucket, name: objectName, owner: c.owner, isUpsert: c.isUpsert,
        mimetype: contentType, contentLength, userMetadata: userMetadataOf(metadata),
      });
    },

    async onUploadCreate(rawReq, upload) {
      const { bucket, objectName } = parseUploadId(upload.id);
      const found = await store.findBucket(bucket);
      mustBeStorableMetadata(upload.metadata);
      const metadata = { ...(upload.metadata ?? {}) };
      metadata.cacheControl = /^-?\d+$/.test(metadata.cacheControl || '') ? `max-age=${metadata.cacheControl}` : 'no-cache';
      if (metadata.contentType && found.allowedMimeTypes && !isEmptyFolder(objectName)) {
        validateMimeType(metadata.contentType, found.allowedMimeTypes);
      }
      return { metadata };
    },

    async onUploadFinish(rawReq, upload) {
      const { c } = requestContext(rawReq);
      if (c.committed) return { headers: { 'Tus-Complete': '1' } };
      const done = commitUpload(rawReq, upload, c);
      finishing.set(upload.id, done);
      try {
        return await done;
      } finally {
        finishing.delete(upload.id);
      }
    },

    onResponseError(rawReq, error) {
      if (error instanceof StorageError) return { status_code: error.status, body: error.message };
      if (error instanceof Error) {
        ctx.log('storage: resumable upload failed', { error: String(error.stack ?? error) });
        return { status_code: 500, body: 'Internal server error' };
      }
      return undefined;
    },
  });

  /**
   * Store a finished upload as its object. On success the upload is kept (and marked) until it
   * expires; on failure (RLS, duplicate…) it is removed once the answer is out, so it never
   * looks complete to a client that resumes it (HEAD answers 404). Not before: @tus/server still
   * reads the upload after this hook.
   * @param {any} rawReq @param {import('@tus/server').Upload} upload @param {TusRequestContext} c
   */
  async function commitUpload(rawReq, upload, c) {
    const res = rawReq?.runtime?.node?.res;
    const { bucket, objectName, version } = parseUploadId(upload.id);
    // The object gets a hard link of the finished file, so the upload stays intact too.
    await mkdir(store.tmpDir, { recursive: true });
    const staged = path.join(store.tmpDir, randomUUID());
    try {
      await link(path.join(store.tusDir, upload.id), staged);
      const file = await store.describe(staged);
      const { row } = await store.commit({
        claims: c.claims, bucket, name: objectName, owner: c.owner, isUpsert: c.isUpsert, file, version,
        mimetype: upload.metadata?.contentType || 'application/octet-stream',
        cacheControl: upload.metadata?.cacheControl || 'no-cache',
        userMetadata: userMetadataOf(upload.metadata),
      });
      // Without the mark the upload counts as lost (HEAD 404: the client uploads again), which
      // is safe; the object itself is stored either way.
      await markCommitted(upload.id).catch((error) => ctx.log('storage: marking a resumable upload stored failed', { error: String(error) }));
      ctx.log('storage: resumable upload stored', { bucket, name: objectName, id: row.id, size: file.size });
      return { headers: { 'Tus-Complete': '1' } };
    } catch (e) {
      if (res) res.once('close', () => void removeUpload(upload.id));
      else setTimeout(() => void removeUpload(upload.id), 1000).unref();
      throw e;
    } finally {
      await rm(staged, { force: true });
    }
  }

  /** Delete expired uploads, finished or not (FileStore's own sweep does not see nested ids). */
  async function sweep() {
    const now = Date.now();
    /** @param {string} dir */
    const walk = async (dir) => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith('.json')) {
          try {
            const info = JSON.parse(await readFile(full, 'utf8'));
            const created = Date.parse(info.creation_date);
            if (!Number.isFinite(created) || now > created + TUS_URL_EXPIRY_MS) {
              await removeUpload(path.relative(store.tusDir, full.slice(0, -'.json'.length)));
            }
          } catch {
            // being written or removed right now
          }
        }
      }
    };
    await walk(store.tusDir);
  }
  const sweeper = setInterval(() => {
    sweep().catch((error) => ctx.log('storage: sweeping expired uploads failed', { error: String(error) }));
  }, 10 * 60 * 1000);
  sweeper.unref();

  return {
    server,
    sweep,
    /**
     * @param {import('node:http').IncomingMessage} req
     * @param {import('node:http').ServerResponse} res
     * @param {TusRequestContext} context
     */
    async handle(req, res, context) {
      contexts.set(req, context);
      await server.handle(req, res);
    },
    close() {
      clearInterval(sweeper);
    },
  };
}
