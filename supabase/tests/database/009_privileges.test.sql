-- The API roles' privileges in public are exactly what migration api_role_grants grants: the
-- backend works on a project without default grants, and nothing more is exposed on one with
-- them. Also the shape the database is built in: `postgres` (who runs migrations and tests) is
-- not a superuser, as on hosted Supabase.
begin;
\ir ../helpers.psql
select plan(49);

select is((select rolsuper from pg_roles where rolname = current_user), false,
  'the tests run as a role that is not a superuser (postgres, as on hosted Supabase)');
select is((select tableowner::text from pg_tables where schemaname = 'public' and tablename = 'documents'), 'postgres',
  'migrations ran as postgres');

-- Tables ----------------------------------------------------------------------------------
select table_privs_are('public', 'documents', 'anon', array[]::text[], 'anon: nothing on documents');
select table_privs_are('public', 'documents', 'authenticated', array['SELECT', 'INSERT'],
  'authenticated: read and create documents (updates are column grants)');
select column_privs_are('public', 'documents', 'upload_progress', 'authenticated', array['SELECT', 'INSERT', 'UPDATE'],
  'authenticated: may update progress columns');
select column_privs_are('public', 'documents', 'filename', 'authenticated', array['SELECT', 'INSERT'],
  'authenticated: may not rename a document');
select column_privs_are('public', 'documents', 'user_id', 'authenticated', array['SELECT', 'INSERT'],
  'authenticated: may not change a document''s owner');
select table_privs_are('public', 'documents', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  'service_role: the pipeline owns documents');

select table_privs_are('public', 'document_status_transitions', 'anon', array[]::text[], 'anon: nothing on transitions');
select table_privs_are('public', 'document_status_transitions', 'authenticated', array['SELECT'], 'authenticated: reads transitions');
select table_privs_are('public', 'document_status_transitions', 'service_role', array['SELECT'], 'service_role: reads transitions');

select table_privs_are('public', 'feature_flags', 'anon', array[]::text[], 'anon: nothing on flags');
select table_privs_are('public', 'feature_flags', 'authenticated', array[]::text[], 'authenticated: flags only through my_feature_enabled()');
select table_privs_are('public', 'feature_flags', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'], 'service_role: manages flags');

select table_privs_are('public', 'realtime_progress_updates', 'anon', array[]::text[], 'anon: nothing on the feed');
select table_privs_are('public', 'realtime_progress_updates', 'authenticated', array['SELECT', 'INSERT'],
  'authenticated: reads (Realtime needs it) and adds to the feed');
select table_privs_are('public', 'realtime_progress_updates', 'service_role', array['SELECT', 'INSERT'],
  'service_role: reads and adds to the feed');

select table_privs_are('public', 'webhook_events', 'anon', array[]::text[], 'anon: nothing on webhook events');
select table_privs_are('public', 'webhook_events', 'authenticated', array[]::text[], 'authenticated: nothing on webhook events');
select table_privs_are('public', 'webhook_events', 'service_role', array['SELECT', 'INSERT', 'UPDATE'],
  'service_role: records webhooks, never deletes them');

select table_privs_are('public', v, r, case when r = 'anon' then array[]::text[] else array['SELECT'] end,
  format('%s: %s on view %s', r, case when r = 'anon' then 'nothing' else 'SELECT only' end, v))
  from unnest(array['document_processing_stats', 'failed_documents', 'stuck_documents', 'user_upload_stats']) v,
       unnest(array['anon', 'authenticated', 'service_role']) r;

select is(
  (select count(*)::integer from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S'
      and (has_sequence_privilege('anon', c.oid, 'USAGE') or has_sequence_privilege('authenticated', c.oid, 'USAGE'))),
  0, 'no sequence in public is usable by anon or authenticated');

-- Functions -------------------------------------------------------------------------------
select function_privs_are('public', 'create_document', array['text', 'text', 'bigint', 'text', 'integer'], r,
  case when r = 'authenticated' then array['EXECUTE'] else array[]::text[] end,
  format('create_document: %s', case when r = 'authenticated' then 'authenticated may call it' else r || ' may not' end))
  from unnest(array['anon', 'authenticated', 'service_role']) r;
select function_privs_are('public', 'my_feature_enabled', array['text'], r,
  case when r = 'anon' then array[]::text[] else array['EXECUTE'] end, format('my_feature_enabled: %s', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;
select function_privs_are('public', f, a, r, case when r = 'service_role' then array['EXECUTE'] else array[]::text[] end,
  format('%s: service only (%s)', f, r))
  from (values ('is_feature_enabled', array['text', 'uuid']), ('cleanup_realtime_progress_updates', array['interval']),
               ('sweep_abandoned_uploads', array['interval'])) as t(f, a),
       unnest(array['anon', 'authenticated', 'service_role']) r;

select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'EXECUTE')),
  null, 'anon may execute no function in public (PUBLIC''s default EXECUTE is revoked)');

select * from finish();
rollback;
