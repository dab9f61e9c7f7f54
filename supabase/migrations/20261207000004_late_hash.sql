-- Late hash (issue 19): start sending before the whole-file MD5 is known.
--
-- The client may create a document with a cheap fingerprint instead of the full MD5. When none of
-- the user's live documents could be the same file (same size and fingerprint, or same size and
-- no fingerprint at all: documents created with the full hash up front), the document is created
-- with file_hash NULL ("content hash not known yet") and the bytes travel while the client hashes.
-- The full MD5 arrives later (upload-handler PATCH); if it equals another live document of the
-- user, the new document resolves to that one: its row is deleted (recorded in
-- document_merges, so a repeat of the PATCH still answers) and its object removed.
--
-- Rules kept by the database:
--   * documents_user_hash_live_key still means "one live row per (user, hash)"; rows whose hash
--     is not known yet are not in it (NULLs are distinct) and join it when the hash is recorded.
--   * A document without a hash has a fingerprint (private.document_fingerprints), checked at commit.
--   * The hash is set once: NULL → an MD5, never changed or taken away afterwards.
--   * Nothing past "uploaded" without a hash: processing starts only when the hash is known
--     (an object that lands first leaves the document `uploaded`, "awaiting hash").
--   * A hash that never arrives: sweep_hash_pending() fails such documents an hour after their
--     bytes landed (error_code hash_missing), so nothing stays pending for ever.

-- The late-hash bookkeeping is internal: it lives in schema `private`, which the Data API does
-- not expose (not in PostgREST's db_schemas) and the API roles cannot use; the functions reach it
-- as the service, and users only through create_document_late_hash().
create schema if not exists private;

alter table public.documents alter column file_hash drop not null;

alter table public.documents add constraint documents_hash_known_before_processing check (
  file_hash is not null or status in ('pending', 'uploading', 'uploaded', 'failed', 'cancelled')
);

-- The fingerprint format, one place: '<algorithm>:<hex>'. Only md5-ends-1m is defined: the MD5 of
-- the first 1 MiB followed by the last 1 MiB of the file (the whole file when it is 2 MiB or less).
create or replace function public.fingerprint_is_valid(p_fingerprint text) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$ select p_fingerprint ~ '^md5-ends-1m:[0-9a-f]{32}$' $$;

create table private.document_fingerprints (
  document_id uuid primary key references public.documents (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  fingerprint text not null,
  created_at timestamptz not null default now(),
  constraint document_fingerprints_format check (public.fingerprint_is_valid(fingerprint))
);

comment on table private.document_fingerprints is
  'Cheap fingerprints of documents created before their full MD5 was known (issue 19, late hash).';

-- Candidates by (user, fingerprint); the size is compared on the joined document.
create index document_fingerprints_user_fingerprint_idx on private.document_fingerprints (user_id, fingerprint);
-- Candidates without a fingerprint (documents created with the full hash): by (user, size).
create index documents_user_size_idx on public.documents (user_id, file_size)
  where status not in ('failed', 'cancelled');

-- No API role reads or writes it directly (grants: late_hash_grants); RLS on, no policies.
alter table private.document_fingerprints enable row level security;

-- A document resolved to an earlier one with the same content: its row is gone, this remembers
-- where it went, so the client's repeated PATCH (a lost answer) gets the same answer.
create table private.document_merges (
  document_id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  merged_into uuid not null references public.documents (id) on delete cascade,
  file_hash text not null,
  created_at timestamptz not null default now(),
  constraint document_merges_file_hash_md5 check (file_hash ~ '^[0-9a-f]{32}$'),
  constraint document_merges_not_self check (document_id <> merged_into)
);

comment on table private.document_merges is
  'Documents deleted because their late hash equalled an earlier document of the same user (issue 19).';

create index document_merges_merged_into_idx on private.document_merges (merged_into);

alter table private.document_merges enable row level security;

-- The hash is written once: NULL → MD5. (documents_before_write compares with <>, which lets a
-- NULL through either way; this closes the other direction.)
create or replace function public.documents_hash_set_once() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.file_hash is not null and new.file_hash is distinct from old.file_hash then
    raise exception 'the content hash of document % is already known and never changes', old.id
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

create trigger documents_hash_set_once
  before update of file_hash on public.documents
  for each row execute function public.documents_hash_set_once();

-- A document without a hash must have a fingerprint: checked at commit, so the document and its
-- fingerprint can be inserted in either order within one transaction.
create or replace function public.documents_hash_or_fingerprint() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.documents d
              where d.id = new.id and d.file_hash is null
                and not exists (select 1 from private.document_fingerprints f where f.document_id = d.id)) then
    raise exception 'document % has neither a content hash nor a fingerprint', new.id
      using errcode = 'check_violation', hint = 'send fileHash, or fingerprint (late hash)';
  end if;
  return null;
end
$$;

create constraint trigger documents_hash_or_fingerprint
  after insert or update of file_hash on public.documents
  deferrable initially deferred
  for each row when (new.file_hash is null)
  execute function public.documents_hash_or_fingerprint();

-- Create a document before its full hash is known, or say that one of the user's live documents
-- could be the same file (candidate = same size and, if it has a fingerprint, the same one).
-- Security definer, because the fingerprints are not the API roles' to read: everything it reads
-- and writes is scoped to auth.uid() (the same rows RLS would allow), the document is inserted as
-- `pending` under the caller's folder, exactly as the insert policy demands. Concurrent calls for the same user and
-- fingerprint are serialised (an advisory lock for the transaction), so a second tab sees the
-- first tab's document as a candidate instead of creating a second one.
-- Returns (document_id, false) for a new document, (NULL, true) for "candidate: send the hash".
create or replace function public.create_document_late_hash(
  p_filename text,
  p_content_type text,
  p_file_size bigint,
  p_fingerprint text,
  p_chunks_total integer default null
) returns table (document_id uuid, candidate boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  new_id uuid := gen_random_uuid();
begin
  if uid is null then
    raise exception 'not signed in' using errcode = 'insufficient_privilege';
  end if;
  if p_fingerprint is null or not public.fingerprint_is_valid(p_fingerprint) then
    raise exception 'fingerprint must be md5-ends-1m:<32 lower-case hex digits>' using errcode = 'check_violation';
  end if;

  perform pg_advisory_xact_lock(hashtextextended('late-hash:' || uid::text || ':' || p_fingerprint, 0));

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
  insert into private.document_fingerprints (document_id, user_id, fingerprint) values (new_id, uid, p_fingerprint);
  return query select new_id, false;
end
$$;

-- How long an uploaded document may wait for its hash before the sweep fails it.
create or replace function public.hash_pending_after() returns interval
language sql immutable parallel safe
as $$ select interval '1 hour' $$;

comment on function public.hash_pending_after() is
  'How long an uploaded document may wait for its late hash before sweep_hash_pending fails it.';

-- Service only. Fails documents whose bytes landed (status uploaded) more than p_older_than ago
-- and whose hash never arrived (the client crashed or went away between transfer and hash), with
-- error_code hash_missing and the usual status_change + error feed rows. Documents still
-- pending/uploading without a hash are the abandoned-upload sweep's (24 hours, TUS can resume).
-- Returns how many it failed.
create or replace function public.sweep_hash_pending(p_older_than interval default public.hash_pending_after())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  swept integer;
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'p_older_than must be a non-negative interval, not %', p_older_than
      using errcode = 'invalid_parameter_value';
  end if;

  with failed as (
    update public.documents d
       set status = 'failed',
           error_code = 'hash_missing',
           error_message = 'The file arrived but its content hash never did, so it could not be checked for duplicates. Add the file again to upload it.',
           last_progress_at = now()
      from (select id from public.documents
             where status = 'uploaded' and file_hash is null
               and coalesce(last_progress_at, updated_at) < now() - p_older_than
             for update skip locked) before
     where d.id = before.id
       and d.status = 'uploaded' and d.file_hash is null
       and coalesce(d.last_progress_at, d.updated_at) < now() - p_older_than
    returning d.id, d.user_id, d.error_code, d.error_message
  ), rows as (
    insert into public.realtime_progress_updates (user_id, document_id, payload, created_at)
    select f.user_id, f.id, p.payload, now()
      from failed f
     cross join lateral (values
       (1, jsonb_build_object('documentId', f.id, 'type', 'status_change', 'from', 'uploaded',
                              'to', 'failed', 'status', 'failed', 'stage', 'upload')),
       (2, jsonb_build_object('documentId', f.id, 'type', 'error', 'status', 'failed', 'stage', 'upload',
                              'code', f.error_code, 'message', f.error_message))
     ) as p(n, payload)
     order by f.id, p.n
    returning 1
  )
  select count(*)::integer into swept from failed;
  return swept;
end
$$;

comment on function public.sweep_hash_pending(interval) is
  'Fails uploaded documents whose late hash did not arrive within p_older_than (default hash_pending_after()) with error_code hash_missing; returns the count. Service only.';

-- Scheduled with the abandoned-upload sweep: the pg_cron job 'sweep-abandoned-uploads' (every 15
-- minutes, migration pg_cron_schedules) and the local stack's timer both run
-- sweep_abandoned_uploads(), which now also runs sweep_hash_pending() (with its own one-hour bound)
-- and returns the sum. Its own part is unchanged (copied from migration 017).
create or replace function public.sweep_abandoned_uploads(p_older_than interval default public.upload_abandoned_after())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  swept integer;
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'p_older_than must be a non-negative interval, not %', p_older_than
      using errcode = 'invalid_parameter_value';
  end if;

  with failed as (
    update public.documents d
       set status = 'failed',
           error_code = 'upload_abandoned',
           error_message = 'The upload stopped and was not resumed before it expired. Add the file again to upload it.',
           last_progress_at = now()
      from (select id, status from public.documents
             where status in ('pending', 'uploading')
               and coalesce(last_progress_at, updated_at) < now() - p_older_than
             for update skip locked) before
     where d.id = before.id
       -- re-checked on the row as it is now (a concurrent progress report wins)
       and d.status in ('pending', 'uploading')
       and coalesce(d.last_progress_at, d.updated_at) < now() - p_older_than
    returning d.id, d.user_id, before.status as from_status, d.error_code, d.error_message
  ), rows as (
    insert into public.realtime_progress_updates (user_id, document_id, payload, created_at)
    select f.user_id, f.id, p.payload, now()
      from failed f
     cross join lateral (values
       (1, jsonb_build_object('documentId', f.id, 'type', 'status_change', 'from', f.from_status,
                              'to', 'failed', 'status', 'failed', 'stage', 'upload')),
       (2, jsonb_build_object('documentId', f.id, 'type', 'error', 'status', 'failed', 'stage', 'upload',
                              'code', f.error_code, 'message', f.error_message))
     ) as p(n, payload)
     order by f.id, p.n
    returning 1
  )
  select count(*)::integer into swept from failed;
  -- Late hash (issue 19): uploaded documents whose hash never came, on their own, shorter bound.
  return swept + public.sweep_hash_pending();
end
$$;

