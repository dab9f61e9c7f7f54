-- private.fail_documents (migration fail_documents): the one home of "fail these documents and
-- tell their owners", used by sweep_abandoned_uploads() and sweep_hash_pending() (whose own
-- behaviour 008 and 012 keep testing). now() is fixed for the whole transaction.
begin;
\ir ../helpers.psql
select plan(27);

select tests.create_supabase_user('failer') as failer_id \gset
select tests.create_supabase_user('bystander') as bystander_id \gset

-- Shape and privileges ----------------------------------------------------------------------
select has_function('private', 'fail_documents', array['uuid[]', 'text', 'text'], 'private.fail_documents(uuid[], text, text) exists');
select function_returns('private', 'fail_documents', array['uuid[]', 'text', 'text'], 'integer', 'it returns the count');
select is_definer('private', 'fail_documents', array['uuid[]', 'text', 'text'], 'it is security definer');
select is((select proconfig from pg_proc where oid = 'private.fail_documents(uuid[], text, text)'::regprocedure),
  array['search_path=""'], 'with an empty search_path');
select ok(
  (select proacl is not null and not exists (select 1 from aclexplode(proacl) a where a.grantee = 0)
     from pg_proc where oid = 'private.fail_documents(uuid[], text, text)'::regprocedure),
  'PUBLIC may not execute it');
select function_privs_are('private', 'fail_documents', array['uuid[]', 'text', 'text'], r, array[]::text[],
  format('fail_documents: nothing for %s', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;

-- Documents in every status, and one of another user.
select tests.make_document('failer', 'pending', null, now() - interval '1 hour') as pending_doc \gset
select tests.make_document('failer', 'uploading', null, now() - interval '1 hour') as uploading_doc \gset
select tests.make_document('failer', 'uploaded', null, now() - interval '1 hour') as uploaded_doc \gset
select tests.make_document('bystander', 'uploading', null, null) as bystander_doc \gset
select tests.make_document('failer', 'processing', null, now() - interval '1 hour') as processing_doc \gset
select tests.make_document('failer', 'parsing', null, now() - interval '1 hour') as parsing_doc \gset
select tests.make_document('failer', 'embedding', null, now() - interval '1 hour') as embedding_doc \gset
select tests.make_document('failer', 'completed', null, now() - interval '1 hour') as completed_doc \gset
select tests.make_document('failer', 'cancelled', null, now() - interval '1 hour') as cancelled_doc \gset
select tests.make_document('failer', 'failed', null, now() - interval '1 hour') as failed_doc \gset
update public.documents set error_code = 'parse_failed', error_message = 'it was encrypted' where id = :'failed_doc';

create temporary table before_fail on commit drop as
  select id, status, error_code, error_message, updated_at, last_progress_at from public.documents;
select array[:'pending_doc', :'uploading_doc', :'uploaded_doc', :'bystander_doc', :'processing_doc', :'parsing_doc',
             :'embedding_doc', :'completed_doc', :'cancelled_doc', :'failed_doc', gen_random_uuid()]::uuid[]::text as all_ids \gset

-- Who may call it: no API role.
select tests.clear_authentication();
select throws_ok(format($$select private.fail_documents(%L, 'x', 'y')$$, :'all_ids'), '42501', null, 'anon cannot call it');
select tests.authenticate_as('failer');
select throws_ok(format($$select private.fail_documents(%L, 'x', 'y')$$, :'all_ids'), '42501', null, 'a signed-in user cannot call it');
select tests.authenticate_as_service_role();
select throws_ok(format($$select private.fail_documents(%L, 'x', 'y')$$, :'all_ids'), '42501', null,
  'nor the service role directly (it runs the sweeps)');
select tests.as_owner();
select is_empty($$select 1 from public.documents d join before_fail b using (id) where d.status <> b.status$$,
  'the refused calls changed nothing');

select throws_ok(format($$select private.fail_documents(%L, null, 'y')$$, :'all_ids'), '22023', null, 'an error code is required');
select throws_ok(format($$select private.fail_documents(%L, 'x', '')$$, :'all_ids'), '22023', null, 'and an error message');

-- What it does --------------------------------------------------------------------------------
select is(private.fail_documents(:'all_ids', 'test_code', 'Test message.'), 4,
  'of all the ids given, it fails the four documents still in the upload, any owner, and counts them');
select results_eq(
  $$select d.id from public.documents d join before_fail b using (id) where d.status is distinct from b.status order by 1$$,
  format($$select unnest(array[%L, %L, %L, %L]::uuid[]) order by 1$$, :'pending_doc', :'uploading_doc', :'uploaded_doc', :'bystander_doc'),
  'exactly the pending, uploading and uploaded ones changed status');
select results_eq(
  format($$select distinct status::text, error_code, error_message, last_progress_at = now() from public.documents where id in (%L, %L, %L, %L)$$,
         :'pending_doc', :'uploading_doc', :'uploaded_doc', :'bystander_doc'),
  $$values ('failed', 'test_code', 'Test message.', true)$$,
  'each is failed with the given code and message, its last progress now');
select is_empty(
  format($$select 1 from public.documents d join before_fail b using (id)
            where d.id not in (%L, %L, %L, %L)
              and (d.status, d.error_code, d.error_message, d.updated_at, d.last_progress_at)
                  is distinct from (b.status, b.error_code, b.error_message, b.updated_at, b.last_progress_at)$$,
         :'pending_doc', :'uploading_doc', :'uploaded_doc', :'bystander_doc'),
  'processing, parsing, embedding, completed, cancelled and failed documents (and everything else) are untouched');

-- The feed: exactly the rows the sweeps always wrote, for each document's own owner.
select results_eq(
  format($$select document_id, user_id, payload, created_at = now() from public.realtime_progress_updates
            where document_id in (%L, %L, %L, %L) order by document_id, payload ->> 'type' desc$$,
         :'pending_doc', :'uploading_doc', :'uploaded_doc', :'bystander_doc'),
  format($$select d, u, p, true from (values %s) v(d, u, f, n, p) order by d, n$$,
    (select string_agg(format($v$(%L::uuid, %L::uuid, %L, 1, jsonb_build_object('documentId', %L::uuid, 'type', 'status_change', 'from', %L,
                                   'to', 'failed', 'status', 'failed', 'stage', 'upload')),
                                 (%L, %L, %L, 2, jsonb_build_object('documentId', %L::uuid, 'type', 'error', 'status', 'failed', 'stage', 'upload',
                                   'code', 'test_code', 'message', 'Test message.'))$v$,
                              id, uid, st, id, st, id, uid, st, id), ', ')
       from (values (:'pending_doc'::uuid, :'failer_id'::uuid, 'pending'), (:'uploading_doc', :'failer_id', 'uploading'),
                    (:'uploaded_doc', :'failer_id', 'uploaded'), (:'bystander_doc', :'bystander_id', 'uploading')) t(id, uid, st))),
  'each failed document gets a status_change (from its old status) and an error row, these payloads exactly, for its owner');
select is_empty(
  format($$select 1 from public.realtime_progress_updates where document_id not in (%L, %L, %L, %L)
             and (payload ->> 'code' = 'test_code' or payload ->> 'to' = 'failed')$$,
         :'pending_doc', :'uploading_doc', :'uploaded_doc', :'bystander_doc'),
  'no feed rows for the documents it left alone');

select is(private.fail_documents(:'all_ids', 'test_code', 'Test message.'), 0, 'a repeat fails nothing');
select is((select count(*)::integer from public.realtime_progress_updates where payload ->> 'code' = 'test_code'), 4,
  'and writes no second error row');
select is(private.fail_documents(null, 'test_code', 'Test message.') + private.fail_documents('{}', 'test_code', 'Test message.'), 0,
  'no ids, nothing failed');

-- The state machine still decides.
select tests.make_document('failer', 'uploading', null, now()) as guarded \gset
delete from public.document_status_transitions where from_status = 'uploading' and to_status = 'failed';
select throws_ok(format($$select private.fail_documents(array[%L]::uuid[], 'x', 'y')$$, :'guarded'), '23514', null,
  'it goes through the status trigger (without uploading → failed it is refused)');
insert into public.document_status_transitions (from_status, to_status, user_allowed) values ('uploading', 'failed', false);

-- The sweeps use it and keep no copy of the rule; their descriptions are unchanged.
select ok(
  (select bool_and(pg_get_functiondef(f) like '%private.fail_documents(%'
                   and pg_get_functiondef(f) not like '%realtime_progress_updates%'
                   and pg_get_functiondef(f) not like '%update public.documents%')
     from unnest(array['public.sweep_abandoned_uploads(interval)'::regprocedure, 'public.sweep_hash_pending(interval)'::regprocedure]) f),
  'sweep_abandoned_uploads and sweep_hash_pending fail documents through private.fail_documents only');
select is(obj_description('public.sweep_abandoned_uploads(interval)'::regprocedure, 'pg_proc'),
  'Fails pending/uploading documents without progress for longer than p_older_than (default upload_abandoned_after()) with error_code upload_abandoned; returns the count. Service only.',
  'sweep_abandoned_uploads keeps its comment');
select is(obj_description('public.sweep_hash_pending(interval)'::regprocedure, 'pg_proc'),
  'Fails uploaded documents whose late hash did not arrive within p_older_than (default hash_pending_after()) with error_code hash_missing; returns the count. Service only.',
  'sweep_hash_pending keeps its comment');

select * from finish();
rollback;
