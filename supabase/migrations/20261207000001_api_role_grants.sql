-- Every privilege the API roles (anon, authenticated, service_role) have in public, in one place.
--
-- Supabase projects created since 2026-05-30 (and every project since 2026-10-30) no longer grant
-- new tables, sequences and functions in public to the API roles by default; older projects
-- granted everything and left it to RLS. This migration first takes everything away, whatever
-- the project's default privileges were, then grants exactly what the backend uses, so both kinds
-- of project end up with the same privileges. supabase/tests/database/009_privileges.test.sql
-- asserts the result: a missing or an extra grant fails it.
--
-- Who uses what:
--   authenticated  PostgREST/Realtime as a signed-in user and the functions acting for one
--                  (upload-handler, progress-tracker): RLS limits every row to its owner.
--   service_role   the functions acting as the service (processing-webhook, processors) and
--                  operators with the secret key.
--   anon           nothing.

revoke all on table
  public.documents, public.document_status_transitions, public.feature_flags,
  public.realtime_progress_updates, public.webhook_events,
  public.document_processing_stats, public.failed_documents, public.stuck_documents, public.user_upload_stats
  from anon, authenticated, service_role;

-- documents: users create rows (create_document runs as them) and read their own; they may change
-- only progress and client-side state; the service owns the rest of the pipeline.
grant select, insert on public.documents to authenticated;
grant update (status, upload_progress, bytes_uploaded, chunks_total, chunks_uploaded,
              processing_progress, processing_stage, last_progress_at, error_code, error_message,
              retry_count)
  on public.documents to authenticated;
grant select, insert, update, delete on public.documents to service_role;

-- The state machine's table is read by the status trigger as the caller.
grant select on public.document_status_transitions to authenticated, service_role;

-- Flags are toggled by operators with the secret key; users ask through my_feature_enabled().
grant select, insert, update, delete on public.feature_flags to service_role;

-- The progress feed: users read their own rows (Realtime checks this SELECT grant and RLS per
-- subscriber) and add upload progress for their own documents; the service adds pipeline rows.
-- Retention runs as the function owner (cleanup_realtime_progress_updates).
grant select, insert on public.realtime_progress_updates to authenticated;
grant select, insert on public.realtime_progress_updates to service_role;

-- Webhook idempotency records and audit trail: the service's alone, never deleted through the API.
grant select, insert, update on public.webhook_events to service_role;

-- Monitoring views (security_invoker: the caller's RLS applies to the rows behind them).
grant select on public.document_processing_stats, public.failed_documents, public.stuck_documents,
                public.user_upload_stats
  to authenticated, service_role;

-- Functions: PostgreSQL lets PUBLIC execute every new function; take that away too.
revoke execute on all functions in schema public from public, anon, authenticated, service_role;
-- RPC for users (upload-handler calls it as the user).
grant execute on function public.create_document(text, text, bigint, text, integer) to authenticated;
grant execute on function public.my_feature_enabled(text) to authenticated, service_role;
-- Service-only RPC.
grant execute on function public.is_feature_enabled(text, uuid) to service_role;
grant execute on function public.cleanup_realtime_progress_updates(interval) to service_role;
grant execute on function public.sweep_abandoned_uploads(interval) to service_role;
-- Called as the caller from a constraint, a security-invoker function, views or a default.
grant execute on function public.max_document_size() to authenticated, service_role;
grant execute on function public.storage_safe_name(text) to authenticated, service_role;
grant execute on function public.document_is_active(public.document_status) to authenticated, service_role;
grant execute on function public.document_stuck_threshold() to authenticated, service_role;
grant execute on function public.upload_abandoned_after() to service_role;
