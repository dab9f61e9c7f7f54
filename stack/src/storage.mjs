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
//
// Where it is
//   storage.mjs                 this entry: the service's start (leftovers swept) and its errors' answer
//   storage/routes.mjs          which handler serves a request (path and method)
//   storage/upload.mjs          one object received from a request (raw body or multipart form)
//   storage/read.mjs            download and object info, with the read-access rule
//   storage/list-remove.mjs     list a folder, delete objects
//   storage/common.mjs          the routes' dependencies; any failure → the StorageError it answers
//   storage/objects.mjs         buckets, keys and their rules, objects on disk, RLS as the caller, signed URLs
//   storage/tus.mjs             TUS resumable uploads (@tus/server)
//   storage/multipart.mjs       multipart/form-data bodies
//   storage/errors.mjs          Storage's error codes and shape
import { readdirSync, rmSync } from 'node:fs';
import { sendStorageError } from './storage/errors.mjs';
import { createObjectStore } from './storage/objects.mjs';
import { createTusServer } from './storage/tus.mjs';
import { toStorageError } from './storage/common.mjs';
import { PREFIX, route } from './storage/routes.mjs';

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
  const deps = { ctx, store, tus };

  /** @type {import('./stack.mjs').Service} */
  const service = {
    prefix: PREFIX,
    async handle(req, res, url) {
      try {
        await route(deps, req, res, url);
      } catch (e) {
        const error = toStorageError(ctx, e, req);
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
