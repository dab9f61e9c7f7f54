// @ts-check
// What every route of the Storage service shares: its dependencies, and the error a failure
// answers.
import { HttpError } from '../http.mjs';
import { ERRORS, fromDbError, StorageError } from './errors.mjs';

/**
 * @typedef {object} Deps
 * @property {import('../stack.mjs').StackContext} ctx
 * @property {import('./objects.mjs').ObjectStore} store  buckets, objects on disk, RLS checks
 */

/**
 * The StorageError a request's failure answers: Storage's own, a database error mapped as
 * Storage maps it, a body error (413, bad JSON), a client gone mid-body, else a logged 500.
 * @param {import('../stack.mjs').StackContext} ctx
 * @param {unknown} e
 * @param {import('node:http').IncomingMessage} req
 * @returns {StorageError}
 */
export function toStorageError(ctx, e, req) {
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
