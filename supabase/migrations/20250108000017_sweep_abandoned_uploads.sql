-- Abandoned uploads: nothing stays in pending/uploading forever.
--
-- A document waits in `pending`/`uploading` while its bytes travel. If the client goes away
-- (tab closed, laptop asleep, user gave up) and never comes back, the row would stay there for
-- ever, counted as active and listed as stuck. The sweep marks such a document `failed` with
-- the stable code `upload_abandoned` once no upload started for it can still finish.
--
-- The expiry is 24 hours without progress, the longest anything a client holds stays usable:
--   - a signed upload URL (the PUT plan) lives 2 hours on hosted Storage, but the client can
--     always ask upload-handler for a fresh plan of the same live document (POST with the same
--     hash answers `duplicate` with a new `upload`), so the URL's expiry does not end the upload;
--   - a TUS upload keeps its received bytes until TUS_URL_EXPIRY_MS (up to 24 hours on hosted
--     Storage), and a client resuming it within that time continues from its offset.
-- After 24 quiet hours neither is possible any more, so failing the document loses nothing.
-- Failed documents leave the deduplication index, so the same file uploads again as a new
-- document (upload-handler POST answers 201 with a new plan, not `duplicate`).
--
-- "Progress" is coalesce(last_progress_at, updated_at), as in public.stuck_documents.

create or replace function public.upload_abandoned_after() returns interval
language sql immutable parallel safe
as $$ select interval '24 hours' $$;

comment on function public.upload_abandoned_after() is
  'How long a pending/uploading document may go without progress before sweep_abandoned_uploads fails it.';

-- Service only. Each swept document moves pending|uploading → failed through the state machine
-- trigger (a service transition) and gets the same realtime_progress_updates rows as any other
-- failure (`status_change`, then `error`), so clients following the feed see it. Runs under READ
-- COMMITTED: a document that receives progress while the sweep runs is re-checked against the
-- new row and left alone. Returns how many documents it failed; a second run returns 0.
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
  return swept;
end
$$;

comment on function public.sweep_abandoned_uploads(interval) is
  'Fails pending/uploading documents without progress for longer than p_older_than (default upload_abandoned_after()) with error_code upload_abandoned; returns the count. Service only.';

revoke execute on function public.sweep_abandoned_uploads(interval) from public, anon, authenticated;
grant execute on function public.sweep_abandoned_uploads(interval) to service_role;

-- Every 15 minutes, where pg_cron is installed (hosted Supabase: enable it under Database →
-- Extensions). The local stack runs the same function on a timer (stack/src/stack.mjs).
do $do$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('sweep-abandoned-uploads', '*/15 * * * *',
                          $cron$select public.sweep_abandoned_uploads()$cron$);
  end if;
end
$do$;
