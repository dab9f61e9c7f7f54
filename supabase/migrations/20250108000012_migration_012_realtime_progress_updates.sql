-- Migration 012 (Phase 3): realtime_progress_updates, the feed clients follow over Supabase
-- Realtime (postgres_changes INSERT, filtered by user_id, RLS-checked per subscriber).
--
-- The table is the seed's DDL; `users(id)` there is Supabase's auth.users.
CREATE TABLE realtime_progress_updates (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    document_id UUID NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

-- The four update types of the seed; clients switch on payload.type.
alter table public.realtime_progress_updates
  add constraint realtime_progress_updates_payload_type check (
    jsonb_typeof(payload) = 'object'
    and payload ->> 'type' in ('progress_update', 'status_change', 'error', 'complete')
  );

-- A row always belongs to the owner of its document (so RLS by user_id is RLS by document).
create or replace function public.realtime_progress_updates_owner_check() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.documents d where d.id = new.document_id and d.user_id = new.user_id) then
    raise exception 'progress update user % does not own document %', new.user_id, new.document_id
      using errcode = 'foreign_key_violation';
  end if;
  return new;
end
$$;
create trigger realtime_progress_updates_owner_check
  before insert or update on public.realtime_progress_updates
  for each row execute function public.realtime_progress_updates_owner_check();

create index realtime_progress_updates_user_created_idx on public.realtime_progress_updates (user_id, created_at desc);
create index realtime_progress_updates_document_created_idx on public.realtime_progress_updates (document_id, created_at desc);
create index realtime_progress_updates_created_idx on public.realtime_progress_updates (created_at);

alter table public.realtime_progress_updates enable row level security;

create policy "users read their own progress updates"
  on public.realtime_progress_updates for select to authenticated
  using (user_id = (select auth.uid()));

-- upload-handler (acting as the user) reports upload progress on the user's own documents.
create policy "users add progress updates to their own documents"
  on public.realtime_progress_updates for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.documents d where d.id = document_id and d.user_id = (select auth.uid()))
  );

revoke all on public.realtime_progress_updates from anon;
revoke update, delete, truncate on public.realtime_progress_updates from authenticated;

alter table public.realtime_progress_updates replica identity full;
alter publication supabase_realtime add table public.realtime_progress_updates;

-- Retention: progress rows are a live feed, not history; keep 24 hours.
create or replace function public.cleanup_realtime_progress_updates(p_older_than interval default interval '24 hours')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  delete from public.realtime_progress_updates where created_at < now() - p_older_than;
  get diagnostics removed = row_count;
  return removed;
end
$$;
revoke execute on function public.cleanup_realtime_progress_updates(interval) from public, anon, authenticated;
grant execute on function public.cleanup_realtime_progress_updates(interval) to service_role;

-- Hourly, where pg_cron is installed (hosted Supabase: enable it under Database → Extensions).
do $do$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('cleanup-realtime-progress-updates', '17 * * * *',
                          $cron$select public.cleanup_realtime_progress_updates()$cron$);
  end if;
end
$do$;
