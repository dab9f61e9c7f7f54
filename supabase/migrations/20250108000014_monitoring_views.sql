-- Monitoring views of the seed. All are security_invoker: they run with the caller's
-- rights, so RLS on documents applies and a user sees only their own rows (the service
-- role sees everyone's).

-- A document in an active state with no progress for longer than this is "stuck": long
-- enough for a slow parse of a 50 MB PDF, short enough that a person is still waiting.
create or replace function public.document_stuck_threshold() returns interval
language sql immutable parallel safe
as $$ select interval '30 minutes' $$;

create or replace function public.document_is_active(s public.document_status) returns boolean
language sql immutable parallel safe
as $$ select s in ('pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding') $$;

create view public.document_processing_stats with (security_invoker = true) as
select
  d.status,
  count(*)::integer as document_count,
  coalesce(sum(d.file_size), 0)::bigint as total_bytes,
  round(avg(d.file_size))::bigint as avg_file_size,
  -- time from creation to the last change, for documents that finished
  round(avg(extract(epoch from (d.updated_at - d.created_at)))
        filter (where d.status in ('completed', 'failed'))::numeric, 1) as avg_seconds_to_finish,
  sum(d.retry_count)::integer as total_retries,
  max(d.updated_at) as last_updated_at
from public.documents d
group by d.status;

create view public.failed_documents with (security_invoker = true) as
select
  d.id, d.user_id, d.filename, d.file_size, d.error_code, d.error_message, d.retry_count,
  d.processing_stage, d.created_at, d.updated_at
from public.documents d
where d.status = 'failed';

create view public.stuck_documents with (security_invoker = true) as
select
  d.id, d.user_id, d.filename, d.status, d.upload_progress, d.processing_progress,
  d.processing_stage,
  coalesce(d.last_progress_at, d.updated_at) as last_progress_at,
  round(extract(epoch from (now() - coalesce(d.last_progress_at, d.updated_at))) / 60)::integer
    as minutes_since_progress
from public.documents d
where public.document_is_active(d.status)
  and coalesce(d.last_progress_at, d.updated_at) < now() - public.document_stuck_threshold();

create view public.user_upload_stats with (security_invoker = true) as
select
  d.user_id,
  count(*)::integer as total_documents,
  (count(*) filter (where d.status = 'completed'))::integer as completed_documents,
  (count(*) filter (where d.status = 'failed'))::integer as failed_documents,
  (count(*) filter (where public.document_is_active(d.status)))::integer as active_documents,
  coalesce(sum(d.file_size) filter (where d.status = 'completed'), 0)::bigint as completed_bytes,
  max(d.created_at) as last_upload_at
from public.documents d
group by d.user_id;

revoke all on public.document_processing_stats, public.failed_documents,
              public.stuck_documents, public.user_upload_stats from anon;
revoke insert, update, delete, truncate on public.document_processing_stats, public.failed_documents,
              public.stuck_documents, public.user_upload_stats from authenticated;
