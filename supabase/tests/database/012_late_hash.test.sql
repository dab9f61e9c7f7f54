-- Late hash (issue 19, migrations late_hash and late_hash_grants): documents created with a
-- fingerprint before their MD5 is known, candidates, the hash written once, no processing without
-- a hash, the hash-pending sweep, and the API roles' privileges on all of it.
begin;
\ir ../helpers.psql
select plan(48);

select tests.create_supabase_user('late') as late_id \gset
select tests.create_supabase_user('other') as other_id \gset

-- Schema ------------------------------------------------------------------------------------
select has_table('private', 'document_fingerprints', 'private.document_fingerprints exists (not exposed by the Data API)');
select has_table('private', 'document_merges', 'private.document_merges exists');
select col_is_null('public', 'documents', 'file_hash', 'file_hash may be NULL (content hash not known yet)');
select has_index('private', 'document_fingerprints', 'document_fingerprints_user_fingerprint_idx', 'candidates by (user, fingerprint)');
select has_index('public', 'documents', 'documents_user_size_idx', 'candidates by (user, size)');
select tests.rls_enabled('public');

-- Fingerprint format ------------------------------------------------------------------------
select ok(public.fingerprint_is_valid('md5-ends-1m:' || md5('x')), 'md5-ends-1m:<32 hex> is a fingerprint');
select ok(not public.fingerprint_is_valid('md5-ends-1m:' || upper(md5('x'))), 'upper-case hex is not');
select ok(not public.fingerprint_is_valid('sha1:' || md5('x')), 'an unknown algorithm is not');
select ok(not public.fingerprint_is_valid(md5('x')), 'a bare MD5 is not');

-- create_document_late_hash as the user ---------------------------------------------------------
select tests.authenticate_as('late');
select document_id as fp_doc, candidate as fp_cand
  from public.create_document_late_hash('late.pdf', 'application/pdf', 5000, 'md5-ends-1m:' || md5('fp1')) \gset
select is(:'fp_cand'::boolean, false, 'no candidate: a new document');
select results_eq(format($$select file_hash, status::text from public.documents where id = %L$$, :'fp_doc'),
  $$values (null::text, 'pending')$$, 'it is pending with its hash not known yet');
reset role;
select is((select fingerprint from private.document_fingerprints where document_id = :'fp_doc'),
  'md5-ends-1m:' || md5('fp1'), 'its fingerprint is recorded');
select tests.authenticate_as('late');
select results_eq($$select document_id, candidate from public.create_document_late_hash('again.pdf', 'application/pdf', 5000, 'md5-ends-1m:' || md5('fp1'))$$,
  $$values (null::uuid, true)$$, 'the same size and fingerprint again: candidate, nothing created');
select is((select count(*)::integer from public.documents), 1, 'still one document');
select is((select candidate from public.create_document_late_hash('b.pdf', 'application/pdf', 5001, 'md5-ends-1m:' || md5('fp1'))),
  false, 'the same fingerprint with another size is not a candidate');
select tests.clear_authentication();

-- A document created with its full hash (no fingerprint) of the same size is a candidate.
select tests.make_document('late', 'completed', md5('classic')) as classic_doc \gset
select tests.authenticate_as('late');
select is((select candidate from public.create_document_late_hash('c.pdf', 'application/pdf', 1024, 'md5-ends-1m:' || md5('fp2'))),
  true, 'a document of the same size without a fingerprint could be the same file: candidate');
select throws_ok($$select * from public.create_document_late_hash('d.pdf', 'application/pdf', 10, 'md5-ends-1m:nothex')$$,
  '23514', null, 'a malformed fingerprint is refused');
-- Users cannot write the hash themselves, nor see other users' fingerprints.
select throws_ok(format($$update public.documents set file_hash = md5('mine') where id = %L$$, :'fp_doc'),
  '42501', null, 'a user cannot set the late hash directly (upload-handler PATCH does)');
select tests.clear_authentication();
select tests.authenticate_as('other');
select throws_ok($$select count(*) from private.document_fingerprints$$, '42501', null, 'users cannot read fingerprints at all');
select is((select candidate from public.create_document_late_hash('o.pdf', 'application/pdf', 5000, 'md5-ends-1m:' || md5('fp1'))),
  false, 'another user''s documents are never candidates');
select tests.clear_authentication();

-- Rules on the row ----------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select throws_ok(format($$update public.documents set status = 'uploaded' where id = %L; update public.documents set status = 'processing' where id = %L$$, :'fp_doc', :'fp_doc'),
  '23514', null, 'no processing while the hash is not known');
select lives_ok(format($$update public.documents set status = 'uploaded' where id = %L$$, :'fp_doc'),
  'the bytes may land before the hash (uploaded, awaiting hash)');
select lives_ok(format($$update public.documents set file_hash = md5('late content') where id = %L$$, :'fp_doc'),
  'the service records the late hash once');
select throws_ok(format($$update public.documents set file_hash = md5('other content') where id = %L$$, :'fp_doc'),
  '23514', null, 'a recorded hash never changes');
select throws_ok(format($$update public.documents set file_hash = null where id = %L$$, :'fp_doc'),
  '23514', null, 'a recorded hash is never taken away');
select lives_ok(format($$update public.documents set status = 'processing' where id = %L$$, :'fp_doc'),
  'with its hash known, processing may start');
select throws_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, storage_path)
                          values (%L, 'nohash.pdf', 'application/pdf', 10, %L || '/x/nohash.pdf'); set constraints all immediate$$, :'late_id', :'late_id'),
  '23514', null, 'a document needs a hash or a fingerprint');
set constraints all deferred;
select tests.clear_authentication();

-- The hash-pending sweep --------------------------------------------------------------------
select tests.make_document('late', 'uploaded', md5('placeholder-a'), now() - interval '61 minutes') as stale \gset
select tests.make_document('late', 'uploaded', md5('placeholder-b'), now() - interval '59 minutes') as fresh \gset
select tests.make_document('late', 'uploaded', md5('hash known'), now() - interval '3 hours') as hashed \gset
reset role;
set local session_replication_role = replica;
update public.documents set file_hash = null where id in (:'stale', :'fresh');
set local session_replication_role = origin;
select tests.clear_authentication();
select throws_ok($$select public.sweep_hash_pending()$$, '42501', null, 'anon cannot run the hash-pending sweep');
select tests.authenticate_as_service_role();
select is(public.sweep_hash_pending(), 1, 'one document waited more than an hour for its hash');
select results_eq(format($$select id, status::text, error_code from public.documents where id in (%L, %L, %L) order by status::text, id$$, :'stale', :'fresh', :'hashed'),
  format($$select * from (values (%L::uuid, 'uploaded', null::text), (%L::uuid, 'uploaded', null::text), (%L::uuid, 'failed', 'hash_missing')) v order by 2, 1$$,
         :'fresh', :'hashed', :'stale'),
  'it failed with hash_missing; one under the hour and one with its hash are left alone');
select is((select array_agg(payload ->> 'type' order by payload ->> 'type' desc) from public.realtime_progress_updates where document_id = :'stale'),
  array['status_change', 'error'], 'the feed says so');
select is(public.sweep_hash_pending(), 0, 'a second run finds nothing');
reset role;
update public.documents set last_progress_at = now() - interval '2 hours' where id = :'fresh';
select tests.authenticate_as_service_role();
select is(public.sweep_abandoned_uploads(), 1, 'the scheduled sweep (sweep_abandoned_uploads) fails it too');
reset role;
select ok(exists (select 1 from cron.job where jobname = 'sweep-abandoned-uploads')
          and pg_get_functiondef('public.sweep_abandoned_uploads(interval)'::regprocedure) like '%public.sweep_hash_pending()%',
  'the scheduled abandoned-upload sweep also runs the hash-pending sweep');

-- Privileges --------------------------------------------------------------------------------
select table_privs_are('private', 'document_fingerprints', 'anon', array[]::text[], 'anon: nothing on fingerprints');
select table_privs_are('private', 'document_fingerprints', 'authenticated', array[]::text[], 'authenticated: nothing on fingerprints (only through create_document_late_hash)');
select table_privs_are('private', 'document_fingerprints', 'service_role', array['SELECT', 'INSERT', 'DELETE'], 'service_role: fingerprints');
select table_privs_are('private', 'document_merges', 'anon', array[]::text[], 'anon: nothing on merges');
select table_privs_are('private', 'document_merges', 'authenticated', array[]::text[], 'authenticated: nothing on merges');
select table_privs_are('private', 'document_merges', 'service_role', array['SELECT', 'INSERT'], 'service_role: records merges');
select ok(not has_schema_privilege('anon', 'private', 'USAGE') and not has_schema_privilege('authenticated', 'private', 'USAGE'),
  'the API roles cannot use schema private');

select function_privs_are('public', 'create_document_late_hash', array['text', 'text', 'bigint', 'text', 'integer'], r,
  case when r = 'authenticated' then array['EXECUTE'] else array[]::text[] end, format('create_document_late_hash: %s', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;
select function_privs_are('public', 'sweep_hash_pending', array['interval'], r,
  case when r = 'service_role' then array['EXECUTE'] else array[]::text[] end, format('sweep_hash_pending: service only (%s)', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;

select * from finish();
rollback;
