-- Late hash (issue 19): the fingerprint POST made idempotent with a client key.
--
-- When the 201 of a fingerprint POST is lost (the connection drops after the commit), the client
-- repeats the POST. Without a key the server sees the document the first POST made, with the same
-- size and fingerprint, and answers `candidate`; the client hashes, finds no document of its own
-- and starts classically: a second document, and the first one stays pending without a hash until
-- the 24-hour sweep. With a key (a UUID the client chooses once per file start and sends again with
-- every repeat), the repeat is recognised and answers the same document again.
--
-- Where the key lives: a nullable column of private.document_fingerprints, not a table of its
-- own. A key names exactly one document created with a fingerprint, so it has the same life as
-- that document's fingerprint row: it goes with it when the document is deleted (taken back after
-- Storage refused to sign, or resolved into an earlier document by its late hash), and it is as
-- private (schema private, RLS on, no API role can read it). A table of its own would repeat the
-- document id, the user and the grants for nothing.
--
-- Rules:
--   * A key belongs to one user: unique per (user_id, idempotency_key); another user's key never
--     matches, and two users may happen to choose the same key.
--   * The same key again, for the same file (fingerprint, size, name and type as stored), while its
--     document is live (not failed or cancelled): that document again, never `candidate`.
--   * The same key for a different file: refused (SQLSTATE 22023 with CONSTRAINT
--     'idempotency_key_reused'; upload-handler answers 422 idempotency_key_reused).
--   * The same key for the same file whose document has failed or been cancelled: the key is
--     released from that document and the POST goes on as without a key (candidate, or a new
--     document that then holds the key).
--   * Concurrent POSTs with the same key are serialised by an advisory lock on (user, key), taken
--     before the existing lock on (user, fingerprint) and the key check is made under both: one
--     document. (Always key lock first, then fingerprint lock, so two calls cannot wait on each
--     other in a cycle.)

alter table private.document_fingerprints add column idempotency_key uuid;

comment on column private.document_fingerprints.idempotency_key is
  'The client''s idempotency key of the fingerprint POST that created the document (issue 19), unique per user; NULL when none was sent.';

create unique index document_fingerprints_user_idempotency_key_idx
  on private.document_fingerprints (user_id, idempotency_key)
  where idempotency_key is not null;

-- The new signature: the five parameters of late_hash's function plus the key (NULL: no key,
-- exactly the behaviour of before). No parameter has a default, so a call with five arguments or
-- fewer still resolves to the five-parameter function alone (never "function is not unique").
create or replace function public.create_document_late_hash(
  p_filename text,
  p_content_type text,
  p_file_size bigint,
  p_fingerprint text,
  p_chunks_total integer,
  p_idempotency_key uuid
) returns table (document_id uuid, candidate boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  new_id uuid := gen_random_uuid();
  keyed record;
begin
  if uid is null then
    raise exception 'not signed in' using errcode = 'insufficient_privilege';
  end if;
  if p_fingerprint is null or not public.fingerprint_is_valid(p_fingerprint) then
    raise exception 'fingerprint must be md5-ends-1m:<32 lower-case hex digits>' using errcode = 'check_violation';
  end if;

  -- Key lock first, fingerprint lock second (the same order in every call).
  if p_idempotency_key is not null then
    perform pg_advisory_xact_lock(hashtextextended('late-hash-key:' || uid::text || ':' || p_idempotency_key::text, 0));
  end if;
  perform pg_advisory_xact_lock(hashtextextended('late-hash:' || uid::text || ':' || p_fingerprint, 0));

  if p_idempotency_key is not null then
    select d.id, d.status, d.filename, d.content_type, d.file_size, f.fingerprint
      into keyed
      from private.document_fingerprints f
      join public.documents d on d.id = f.document_id
     where f.user_id = uid and f.idempotency_key = p_idempotency_key;
    if found then
      if keyed.fingerprint is distinct from p_fingerprint or keyed.file_size is distinct from p_file_size
         or keyed.filename is distinct from p_filename or keyed.content_type is distinct from p_content_type then
        raise exception 'idempotency key % was already used for another file', p_idempotency_key
          using errcode = 'invalid_parameter_value', constraint = 'idempotency_key_reused',
                hint = 'send a new idempotencyKey for each file you start; repeat a key only with the same request';
      end if;
      if keyed.status not in ('failed', 'cancelled') then
        return query select keyed.id, false;
        return;
      end if;
      -- Its document is closed: the key no longer names it, and goes on to the next document.
      update private.document_fingerprints set idempotency_key = null where document_fingerprints.document_id = keyed.id;
    end if;
  end if;

  if exists (
    select 1
      from public.documents d
      left join private.document_fingerprints f on f.document_id = d.id
     where d.user_id = uid and d.file_size = p_file_size
       and d.status not in ('failed', 'cancelled')
       and (f.fingerprint = p_fingerprint or f.document_id is null)
  ) then
    return query select null::uuid, true;
    return;
  end if;

  begin
    insert into public.documents (id, user_id, filename, content_type, file_size, file_hash,
                                  storage_path, chunks_total, last_progress_at)
    values (new_id, uid, p_filename, p_content_type, p_file_size, null,
            uid::text || '/' || new_id::text || '/' || public.storage_safe_name(p_filename), p_chunks_total, now());
  exception when foreign_key_violation then
    raise exception 'the signed-in user no longer exists' using errcode = 'invalid_authorization_specification';
  end;
  insert into private.document_fingerprints (document_id, user_id, fingerprint, idempotency_key)
  values (new_id, uid, p_fingerprint, p_idempotency_key);
  return query select new_id, false;
end
$$;

comment on function public.create_document_late_hash(text, text, bigint, text, integer, uuid) is
  'Late hash (issue 19): a hash-pending document for this fingerprint, or candidate; the same idempotency key for the same file answers its live document again. Authenticated only, as the user.';

-- The five-parameter function is kept, deliberately, as the same call without a key: `supabase db
-- push` runs before `supabase functions deploy`, and the upload-handler deployed until then calls
-- it with five arguments. Nothing here calls it any more; a later migration may drop it.
create or replace function public.create_document_late_hash(
  p_filename text,
  p_content_type text,
  p_file_size bigint,
  p_fingerprint text,
  p_chunks_total integer default null
) returns table (document_id uuid, candidate boolean)
language sql
set search_path = ''
as $$
  select * from public.create_document_late_hash(p_filename, p_content_type, p_file_size, p_fingerprint, p_chunks_total, null::uuid)
$$;

comment on function public.create_document_late_hash(text, text, bigint, text, integer) is
  'The call without an idempotency key (kept for upload-handler deployments older than migration late_hash_idempotency).';

-- Privileges, the way late_hash_grants sets them: both are called as the user (upload-handler POST
-- runs as `authenticated`), by nobody else. The five-parameter function is security invoker now,
-- so its callers need EXECUTE on the six-parameter one too, which `authenticated` has.
revoke execute on function
  public.create_document_late_hash(text, text, bigint, text, integer),
  public.create_document_late_hash(text, text, bigint, text, integer, uuid)
  from public, anon, authenticated, service_role;
grant execute on function
  public.create_document_late_hash(text, text, bigint, text, integer),
  public.create_document_late_hash(text, text, bigint, text, integer, uuid)
  to authenticated;
