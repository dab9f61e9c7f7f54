// @ts-check
// supabase-js list() and remove(): one folder level of a bucket, and deleting objects — both
// as the caller, so RLS decides what it sees and what it may delete.
import { rm } from 'node:fs/promises';
import { readJson, sendJson } from '../http.mjs';
import { ERRORS } from './errors.mjs';
import { mustBeStorableText } from './objects.mjs';
import { toStorageError } from './common.mjs';

/** The request's JSON body; a bad one is Storage's 400 (or 413). @param {import('../stack.mjs').StackContext} ctx @param {import('node:http').IncomingMessage} req */
function readJsonBody(ctx, req) {
  return readJson(req).catch((e) => {
    throw toStorageError(ctx, e, req);
  });
}

/**
 * POST /object/list/<bucket>: one folder level under `prefix`, like storage.search().
 * @param {import('./common.mjs').Deps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} bucket
 */
export async function list({ ctx, store }, req, res, bucket) {
  // No bucket lookup: Storage searches storage.objects, so a missing bucket lists as [].
  const claims = await store.authenticate(req);
  const body = await readJsonBody(ctx, req);
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
 * @param {import('./common.mjs').Deps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} bucket
 */
export async function remove({ ctx, store }, req, res, bucket) {
  const claims = await store.authenticate(req);
  await store.findBucket(bucket);
  const body = await readJsonBody(ctx, req);
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
