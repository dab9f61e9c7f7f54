-- Retention of realtime_progress_updates and stuck detection. now() is fixed for the whole
-- transaction, so every timestamp below is exact relative to the frozen "now".
begin;
\ir ../helpers.psql
select plan(8);

select tests.create_supabase_user('clock') as clock_id \gset
select tests.make_document('clock', 'uploading') as doc \gset

insert into public.realtime_progress_updates (user_id, document_id, payload, created_at) values
  (:'clock_id', :'doc', '{"type":"progress_update","n":1}', now() - interval '3 days'),
  (:'clock_id', :'doc', '{"type":"progress_update","n":2}', now() - interval '24 hours 1 second'),
  (:'clock_id', :'doc', '{"type":"progress_update","n":3}', now() - interval '24 hours'),
  (:'clock_id', :'doc', '{"type":"progress_update","n":4}', now() - interval '23 hours 59 minutes'),
  (:'clock_id', :'doc', '{"type":"progress_update","n":5}', now());

select tests.authenticate_as('clock');
select throws_ok($$select public.cleanup_realtime_progress_updates()$$, '42501', null, 'users cannot run the cleanup');
select tests.authenticate_as_service_role();
-- the seed's demo rows are younger than 24 h, so only this test's rows are in play
select is(public.cleanup_realtime_progress_updates(), 2, 'cleanup reports the two rows older than 24 h');
select results_eq(format($$select (payload ->> 'n')::integer from public.realtime_progress_updates where document_id = %L order by 1$$, :'doc'),
  $$values (3), (4), (5)$$, 'exactly the rows older than 24 h are gone; the 24 h boundary row stays');
select is(public.cleanup_realtime_progress_updates(), 0, 'a second run removes nothing');
select tests.as_owner();

-- Stuck: an active document with no progress for more than 30 minutes.
select tests.make_document('clock', 'uploading', null, now() - interval '30 minutes 1 second') as stuck_uploading \gset
select tests.make_document('clock', 'parsing', null, now() - interval '2 hours') as stuck_parsing \gset
select tests.make_document('clock', 'embedding', null, now() - interval '30 minutes') as fresh_boundary \gset
select tests.make_document('clock', 'processing', null, now() - interval '5 minutes') as fresh \gset
select tests.make_document('clock', 'completed', null, now() - interval '3 days') as done_old \gset
select tests.make_document('clock', 'failed', null, now() - interval '3 days') as failed_old \gset
select tests.make_document('clock', 'cancelled', null, now() - interval '3 days') as cancelled_old \gset

select results_eq(format($$select id from public.stuck_documents where user_id = %L order by id$$, :'clock_id'),
  format($$select unnest(array[%L, %L]::uuid[]) as id order by 1$$, :'stuck_uploading', :'stuck_parsing'),
  'stuck_documents lists exactly the active documents quiet for more than 30 minutes');
select results_eq(format($$select minutes_since_progress from public.stuck_documents where id = %L$$, :'stuck_parsing'),
  $$values (120)$$, 'stuck_documents says how long the document has been quiet');
update public.documents set last_progress_at = now() where id = :'stuck_parsing';
select is_empty(format($$select 1 from public.stuck_documents where id = %L$$, :'stuck_parsing'),
  'progress clears the stuck state');
select is(public.document_stuck_threshold(), interval '30 minutes', 'the threshold is 30 minutes');

select * from finish();
rollback;
