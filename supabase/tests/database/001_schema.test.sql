begin;
\ir ../helpers.psql
select plan(22);

select has_table('public', 'documents', 'documents exists');
select has_table('public', 'feature_flags', 'feature_flags exists');
select has_table('public', 'realtime_progress_updates', 'realtime_progress_updates exists (migration 012)');
select has_table('public', 'webhook_events', 'webhook_events exists');
select has_view('public', 'document_processing_stats', 'document_processing_stats exists');
select has_view('public', 'failed_documents', 'failed_documents exists');
select has_view('public', 'stuck_documents', 'stuck_documents exists');
select has_view('public', 'user_upload_stats', 'user_upload_stats exists');
select tests.rls_enabled('public');

select columns_are('public', 'realtime_progress_updates',
  array['id', 'user_id', 'document_id', 'payload', 'created_at'],
  'realtime_progress_updates has exactly the seed''s columns');

select columns_are('public', 'documents', array[
  'id', 'user_id', 'filename', 'content_type', 'file_size', 'file_hash', 'storage_bucket', 'storage_path',
  'status', 'upload_progress', 'bytes_uploaded', 'processing_progress', 'processing_stage', 'chunks_total',
  'chunks_uploaded', 'llama_parse_job_id', 'error_code', 'error_message', 'retry_count', 'last_progress_at',
  'created_at', 'updated_at'], 'documents has the V2 columns');

select enum_has_labels('public', 'document_status',
  array['pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding', 'completed', 'failed', 'cancelled'],
  'document_status has the pipeline states in order');

select ok(
  (select bool_and(reloptions @> array['security_invoker=true']) from pg_class
    where oid in ('public.document_processing_stats'::regclass, 'public.failed_documents'::regclass,
                  'public.stuck_documents'::regclass, 'public.user_upload_stats'::regclass)),
  'every monitoring view is security_invoker');

select ok(
  exists (select 1 from pg_publication_tables
           where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'realtime_progress_updates'),
  'realtime_progress_updates is published to supabase_realtime');

select has_index('public', 'realtime_progress_updates', 'realtime_progress_updates_user_created_idx', 'index for user queries');
select has_index('public', 'realtime_progress_updates', 'realtime_progress_updates_document_created_idx', 'index for document queries');
select has_index('public', 'realtime_progress_updates', 'realtime_progress_updates_created_idx', 'index for time queries');

select results_eq(
  $$select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'documents'$$,
  $$values (false, 52428800::bigint,
            array['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain'])$$,
  'bucket documents: private, 50 MB, PDF/DOCX/TXT');

select results_eq(
  $$select flag_name from public.feature_flags order by flag_name$$,
  $$values ('llama_parse_integration'), ('realtime_progress'), ('supabase_v2_upload')$$,
  'the three flags are seeded');

select ok(
  exists (select 1 from supabase_migrations.schema_migrations where name like '%migration_012%'),
  'migration 012 is recorded by name');

select col_is_unique('public', 'webhook_events', 'webhook_id', 'webhook ids are unique (idempotency)');

select is(
  (select count(*)::integer from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prosecdef
      and not coalesce(array_to_string(p.proconfig, ',') like '%search_path=%', false)),
  0, 'every security definer function in public pins its search_path');

select * from finish();
rollback;
