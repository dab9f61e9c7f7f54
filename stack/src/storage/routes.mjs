// @ts-check
// Which handler serves a Storage request: the path after /storage/v1 (as the client wrote it)
// and the method pick TUS, a signed upload URL, list, info, download, remove or upload; each
// object route's <bucket>/<name> is decoded and the bucket name checked first.
import { sendJson } from '../http.mjs';
import { ERRORS } from './errors.mjs';
import { mustBeStorableName, mustBeValidBucketName, mustBeValidKey, SIGNED_UPLOAD_CLAIMS } from './objects.mjs';
import { list, remove } from './list-remove.mjs';
import { download, info } from './read.mjs';
import { upload } from './upload.mjs';

export const PREFIX = '/storage/v1';

/**
 * @typedef {import('./common.mjs').Deps & { tus: ReturnType<typeof import('./tus.mjs').createTusServer> }} RouteDeps
 */

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
 * @param {RouteDeps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 */
export async function route(deps, req, res, url) {
  const { store, tus } = deps;
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
      await upload(deps, req, res, { bucket, name, claims: SIGNED_UPLOAD_CLAIMS, owner, isUpsert: upsert });
      return;
    }
  } else if ((m = /^\/object\/list\/([^/]+)$/.exec(rest))) {
    const { bucket } = bucketAndName(/** @type {string} */ (m[1]));
    if (method === 'POST') {
      await list(deps, req, res, bucket);
      return;
    }
  } else if ((m = /^\/object\/info\/(?:(authenticated|public)\/)?(.+)$/.exec(rest))) {
    const { bucket, name } = bucketAndName(/** @type {string} */ (m[2]));
    if (method === 'GET') {
      await info(deps, req, res, bucket, name, m[1] === 'authenticated' ? 'strict' : m[1] === 'public' ? 'public' : 'allowInvalidJwt');
      return;
    }
  } else if ((m = /^\/object\/authenticated\/(.+)$/.exec(rest))) {
    const { bucket, name } = bucketAndName(/** @type {string} */ (m[1]));
    if (method === 'GET' || method === 'HEAD') {
      await download(deps, req, res, bucket, name, 'strict');
      return;
    }
  } else if ((m = /^\/object\/(.+)$/.exec(rest))) {
    const { bucket, name } = bucketAndName(/** @type {string} */ (m[1]));
    if (method === 'DELETE' && name === '') {
      await remove(deps, req, res, bucket);
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      await download(deps, req, res, bucket, name, 'allowInvalidJwt');
      return;
    }
    if (method === 'POST' || method === 'PUT') {
      const claims = await store.authenticate(req);
      await upload(deps, req, res, {
        bucket, name, claims, owner: claims.sub,
        isUpsert: method === 'PUT' || req.headers['x-upsert'] === 'true',
      });
      return;
    }
  }
  throw ERRORS.RouteNotFound(method, url.pathname);
}
