-- Row level security: two users (alice, bob), anon and the service role over every table,
-- view and the storage bucket; read, insert, update and delete.
begin;
\ir ../helpers.psql
select plan(49);

select tests.create_supabase_user('alice') as alice_id, tests.create_supabase_user('bob') as bob_id \gset
select tests.make_document('alice', 'uploading', md5('alice-1')) as alice_doc \gset
select tests.make_document('bob', 'uploading', md5('bob-1')) as bob_doc \gset
insert into public.realtime_progress_updates (user_id, document_id, payload)
values (tests.get_supabase_uid('alice'), :'alice_doc', '{"type":"progress_update","progress":10}'),
       (tests.get_supabase_uid('bob'), :'bob_doc', '{"type":"progress_update","progress":20}');
insert into public.webhook_events (webhook_id, source, document_id, payload)
values ('msg_alice', 'storage', :'alice_doc', '{}');
insert into storage.objects (bucket_id, name)
values ('documents', tests.get_supabase_uid('alice')::text || '/' || :'alice_doc' || '/a.pdf'),
       ('documents', tests.get_supabase_uid('bob')::text || '/' || :'bob_doc' || '/b.pdf');

-- documents --------------------------------------------------------------------------------
select tests.authenticate_as('alice');
select results_eq($$select id from public.documents$$, array[:'alice_doc'::uuid], 'alice reads only her document');
select is_empty(format($$select id from public.documents where id = %L$$, :'bob_doc'), 'alice cannot read bob''s document');
select is_empty(format($$update public.documents set upload_progress = 99 where id = %L returning id$$, :'bob_doc'),
  'alice cannot update bob''s document');
select results_eq(format($$update public.documents set upload_progress = 42, bytes_uploaded = 430 where id = %L returning upload_progress$$, :'alice_doc'),
  $$values (42.00::numeric(5,2))$$, 'alice updates the progress of her own document');
select throws_ok(format($$update public.documents set file_hash = md5('x') where id = %L$$, :'alice_doc'),
  '42501', null, 'alice cannot rewrite the hash of her document (column privilege)');
select throws_ok(format($$update public.documents set user_id = %L where id = %L$$, tests.get_supabase_uid('bob'), :'alice_doc'),
  '42501', null, 'alice cannot give her document to bob');
select throws_ok(format($$delete from public.documents where id = %L$$, :'alice_doc'),
  '42501', null, 'alice cannot delete documents');
select throws_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (%L, 'x.pdf', 'application/pdf', 10, md5('x'), %L)$$, tests.get_supabase_uid('bob'), tests.get_supabase_uid('bob')::text || '/x/x.pdf'),
  '42501', null, 'alice cannot insert a document for bob');
select throws_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (%L, 'x.pdf', 'application/pdf', 10, md5('x'), %L)$$, tests.get_supabase_uid('alice'), tests.get_supabase_uid('bob')::text || '/x/x.pdf'),
  '42501', null, 'alice cannot insert a document stored in bob''s folder');
select lives_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (%L, 'mine.pdf', 'application/pdf', 10, md5('mine'), %L)$$, tests.get_supabase_uid('alice'), tests.get_supabase_uid('alice')::text || '/m/mine.pdf'),
  'alice inserts her own document');

select tests.authenticate_as('bob');
select results_eq($$select id from public.documents$$, array[:'bob_doc'::uuid], 'bob reads only his document');

select tests.clear_authentication();
select throws_ok($$select * from public.documents$$, '42501', null, 'anon cannot read documents');
select throws_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (%L, 'x.pdf', 'application/pdf', 10, md5('anon'), %L)$$, tests.get_supabase_uid('alice'), tests.get_supabase_uid('alice')::text || '/x/x.pdf'),
  '42501', null, 'anon cannot insert documents');
select throws_ok(format($$update public.documents set upload_progress = 1 where id = %L$$, :'alice_doc'), '42501', null, 'anon cannot update documents');
select throws_ok(format($$delete from public.documents where id = %L$$, :'alice_doc'), '42501', null, 'anon cannot delete documents');
select throws_ok($$select * from public.create_document('a.pdf', 'application/pdf', 10, md5('a'))$$, '42501', null, 'anon cannot create documents through the function');

select tests.authenticate_as_service_role();
select ok((select count(*) from public.documents) >= 3, 'the service role reads every document');

-- realtime_progress_updates ----------------------------------------------------------------
select tests.authenticate_as('alice');
select results_eq($$select payload ->> 'progress' from public.realtime_progress_updates$$, $$values ('10')$$,
  'alice reads only her progress updates');
select lives_ok(format($$insert into public.realtime_progress_updates (user_id, document_id, payload)
  values (%L, %L, '{"type":"progress_update","progress":50}')$$, tests.get_supabase_uid('alice'), :'alice_doc'),
  'alice adds a progress update to her own document');
select throws_ok(format($$insert into public.realtime_progress_updates (user_id, document_id, payload)
  values (%L, %L, '{"type":"progress_update","progress":50}')$$, tests.get_supabase_uid('alice'), :'bob_doc'),
  '23503', null, 'alice cannot add progress to bob''s document');
select throws_ok(format($$insert into public.realtime_progress_updates (user_id, document_id, payload)
  values (%L, %L, '{"type":"progress_update","progress":50}')$$, tests.get_supabase_uid('bob'), :'bob_doc'),
  '42501', null, 'alice cannot write progress rows as bob');
select throws_ok($$update public.realtime_progress_updates set payload = '{"type":"complete"}'$$, '42501', null, 'users cannot rewrite progress rows');
select throws_ok($$delete from public.realtime_progress_updates$$, '42501', null, 'users cannot delete progress rows');
select tests.authenticate_as('bob');
select results_eq($$select payload ->> 'progress' from public.realtime_progress_updates$$, $$values ('20')$$,
  'bob reads only his progress updates');
select tests.clear_authentication();
select throws_ok($$select * from public.realtime_progress_updates$$, '42501', null, 'anon cannot read progress updates');
select throws_ok(format($$insert into public.realtime_progress_updates (user_id, document_id, payload)
  values (%L, %L, '{"type":"progress_update"}')$$, tests.get_supabase_uid('alice'), :'alice_doc'), '42501', null, 'anon cannot write progress updates');

-- feature_flags, webhook_events, transitions -------------------------------------------------
select tests.authenticate_as('alice');
select throws_ok($$select * from public.feature_flags$$, '42501', null, 'users cannot read the flag table');
select throws_ok($$update public.feature_flags set rollout_percentage = 100$$, '42501', null, 'users cannot change flags');
select throws_ok(format($$select public.is_feature_enabled('supabase_v2_upload', %L)$$, tests.get_supabase_uid('bob')),
  '42501', null, 'users cannot ask about other users'' flags');
select is(public.my_feature_enabled('supabase_v2_upload'), true, 'users can ask about their own flags');
select throws_ok($$select * from public.webhook_events$$, '42501', null, 'users cannot read webhook events');
select throws_ok($$insert into public.webhook_events (webhook_id, source, payload) values ('x', 'internal', '{}')$$,
  '42501', null, 'users cannot write webhook events');
select isnt_empty($$select * from public.document_status_transitions$$, 'users can read the transition table');
select throws_ok($$insert into public.document_status_transitions values ('completed', 'pending', true)$$,
  '42501', null, 'users cannot add transitions');
select tests.clear_authentication();
select throws_ok($$select * from public.feature_flags$$, '42501', null, 'anon cannot read flags');
select throws_ok($$select public.my_feature_enabled('supabase_v2_upload')$$, '42501', null, 'anon cannot ask about flags');
select throws_ok($$select * from public.webhook_events$$, '42501', null, 'anon cannot read webhook events');

-- views -------------------------------------------------------------------------------------
select tests.authenticate_as('bob');
select results_eq($$select user_id from public.user_upload_stats$$, array[tests.get_supabase_uid('bob')], 'bob''s user_upload_stats shows only bob');
select results_eq($$select sum(document_count)::integer from public.document_processing_stats$$, $$values (1)$$,
  'bob''s document_processing_stats counts only his documents');
select tests.as_owner();
update public.documents set status = 'failed' where id in (:'alice_doc', :'bob_doc');
update public.documents set last_progress_at = now() - interval '2 hours'
 where user_id = tests.get_supabase_uid('alice') and id <> :'alice_doc';
select tests.authenticate_as('bob');
select results_eq($$select id from public.failed_documents$$, array[:'bob_doc'::uuid], 'bob''s failed_documents shows only his');
select tests.authenticate_as('alice');
select results_eq($$select id from public.failed_documents$$, array[:'alice_doc'::uuid], 'alice''s failed_documents shows only hers');
select results_eq($$select user_id from public.stuck_documents$$, array[tests.get_supabase_uid('alice')], 'alice''s stuck_documents shows only hers');
select tests.authenticate_as('bob');
select is_empty($$select * from public.stuck_documents$$, 'bob sees none of alice''s stuck documents');
select tests.clear_authentication();
select throws_ok($$select * from public.user_upload_stats$$, '42501', null, 'anon cannot read user_upload_stats');
select throws_ok($$select * from public.stuck_documents$$, '42501', null, 'anon cannot read stuck_documents');

-- storage.objects in the documents bucket -----------------------------------------------------
select tests.authenticate_as('alice');
select results_eq($$select (storage.foldername(name))[1] from storage.objects$$, array[tests.get_supabase_uid('alice')::text],
  'alice lists only her own files');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('documents', %L)$$,
  tests.get_supabase_uid('bob')::text || '/x/evil.pdf'), '42501', null, 'alice cannot upload into bob''s folder');
select lives_ok(format($$insert into storage.objects (bucket_id, name) values ('documents', %L)$$,
  tests.get_supabase_uid('alice')::text || '/x/ok.pdf'), 'alice uploads into her own folder');
select tests.clear_authentication();
select is_empty($$select * from storage.objects$$, 'anon lists no files');

select * from finish();
rollback;
