-- One home for "fail these documents and tell their owners".
--
-- sweep_abandoned_uploads() (migration 017, redefined by late_hash) and sweep_hash_pending()
-- (late_hash) each carried their own copy of the same rule: move the document to `failed` with an
-- error code and message, then write the two feed rows every failure gets (`status_change`, then
-- `error`). The rule now lives in private.fail_documents(); both sweeps only choose their
-- documents and call it. Their signatures, comments, privileges, return values and behaviour are
-- unchanged (supabase/tests/database 008, 012 and 013 hold them to it).

-- Internal: fails the given documents that are still in the upload (pending, uploading or
-- uploaded), the stage the feed rows name; any other document in p_ids (processing or later,
-- completed, failed, cancelled, unknown) is left alone and not counted. Each failed document
-- moves to `failed` through the state machine trigger (a service transition) with
-- error_code p_code and error_message p_message, its last_progress_at is now(), and its owner gets
-- two realtime_progress_updates rows, in this order: `status_change` from its previous status,
-- then `error` with the code and message. Waits for documents another transaction holds (a caller
-- that must not wait, such as a sweep, locks its selection with SKIP LOCKED first and passes only
-- what it holds). Returns how many documents it failed; a repeat returns 0.
-- Not callable by any API role (nor by PUBLIC); the sweeps reach it as its owner.
create or replace function private.fail_documents(p_ids uuid[], p_code text, p_message text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  n integer;
begin
  if nullif(p_code, '') is null or nullif(p_message, '') is null then
    raise exception 'a failed document needs an error code and an error message'
      using errcode = 'invalid_parameter_value';
  end if;

  with failed as (
    update public.documents d
       set status = 'failed',
           error_code = p_code,
           error_message = p_message,
           last_progress_at = now()
      from (select id, status from public.documents
             where id = any(p_ids) and status in ('pending', 'uploading', 'uploaded')
             order by id
             for update) before
     where d.id = before.id
       -- re-checked on the row as it is now
       and d.status in ('pending', 'uploading', 'uploaded')
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
  select count(*)::integer into n from failed;
  return n;
end
$$;

comment on function private.fail_documents(uuid[], text, text) is
  'Fails the given documents still in the upload (pending/uploading/uploaded) with p_code and p_message and writes their status_change + error feed rows; returns the count. Internal (the sweeps).';

revoke execute on function private.fail_documents(uuid[], text, text) from public, anon, authenticated, service_role;

-- The hash-pending sweep (late_hash): chooses uploaded documents whose hash did not come within
-- p_older_than and fails them with hash_missing. The selection is locked (SKIP LOCKED: a document
-- another transaction holds is the next run's), so the documents stay as checked here until
-- fail_documents has failed them: a hash or progress report committed before the lock is seen by
-- the check, one after it waits.
create or replace function public.sweep_hash_pending(p_older_than interval default public.hash_pending_after())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ids uuid[];
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'p_older_than must be a non-negative interval, not %', p_older_than
      using errcode = 'invalid_parameter_value';
  end if;

  select array_agg(s.id) into ids
    from (select id from public.documents
           where status = 'uploaded' and file_hash is null
             and coalesce(last_progress_at, updated_at) < now() - p_older_than
           for update skip locked) s;

  return private.fail_documents(ids, 'hash_missing',
    'The file arrived but its content hash never did, so it could not be checked for duplicates. Add the file again to upload it.');
end
$$;

-- The abandoned-upload sweep (migration 017): chooses pending/uploading documents without
-- progress for longer than p_older_than (locked as above: a concurrent progress report wins or
-- waits) and fails them with upload_abandoned; then runs sweep_hash_pending() (its own one-hour
-- bound) and returns the sum.
create or replace function public.sweep_abandoned_uploads(p_older_than interval default public.upload_abandoned_after())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ids uuid[];
  swept integer;
begin
  if p_older_than is null or p_older_than < interval '0' then
    raise exception 'p_older_than must be a non-negative interval, not %', p_older_than
      using errcode = 'invalid_parameter_value';
  end if;

  select array_agg(s.id) into ids
    from (select id from public.documents
           where status in ('pending', 'uploading')
             and coalesce(last_progress_at, updated_at) < now() - p_older_than
           for update skip locked) s;

  swept := private.fail_documents(ids, 'upload_abandoned',
    'The upload stopped and was not resumed before it expired. Add the file again to upload it.');
  -- Late hash (issue 19): uploaded documents whose hash never came, on their own, shorter bound.
  return swept + public.sweep_hash_pending();
end
$$;
