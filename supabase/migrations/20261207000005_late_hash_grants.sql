-- The API roles' privileges on what migration late_hash added, the way api_role_grants does it:
-- take everything away first (whatever the project's default privileges granted), then grant
-- exactly what the backend uses. supabase/tests/database/012_late_hash.test.sql asserts the result.
--
--   authenticated  upload-handler POST with a fingerprint calls create_document_late_hash (security
--                  definer, scoped to auth.uid()); nothing in schema private. The late hash is written by
--                  upload-handler PATCH as the service, after checking the caller owns the
--                  document (users have no UPDATE on file_hash).
--   service_role   upload-handler PATCH (records the hash, resolves duplicates), the sweep.
--   anon           nothing.

revoke all on schema private from public, anon, authenticated, service_role;
grant usage on schema private to service_role;

revoke all on table private.document_fingerprints, private.document_merges
  from public, anon, authenticated, service_role;
grant select, insert, delete on private.document_fingerprints to service_role;
grant select, insert on private.document_merges to service_role;

revoke execute on function
  public.fingerprint_is_valid(text), public.documents_hash_set_once(), public.documents_hash_or_fingerprint(),
  public.create_document_late_hash(text, text, bigint, text, integer), public.hash_pending_after(),
  public.sweep_hash_pending(interval)
  from public, anon, authenticated, service_role;

grant execute on function public.create_document_late_hash(text, text, bigint, text, integer) to authenticated;
-- Called as the caller from a check constraint and from create_document_late_hash.
grant execute on function public.fingerprint_is_valid(text) to authenticated, service_role;
-- Service-only.
grant execute on function public.sweep_hash_pending(interval) to service_role;
grant execute on function public.hash_pending_after() to service_role;
