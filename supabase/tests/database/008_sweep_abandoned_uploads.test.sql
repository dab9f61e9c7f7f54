-- The abandoned-upload sweep (migration 017). now() is fixed for the whole transaction, so
-- every "ago" below is exact relative to the frozen "now" the sweep also sees.
begin;
\ir ../helpers.psql
select plan(23);

select tests.create_supabase_user('sweeper') as sweeper_id \gset
select tests.create_supabase_user('neighbour') as neighbour_id \gset

-- Past the 24 h expiry: swept.
select tests.make_document('sweeper', 'pending', null, now() - interval '24 hours 1 second') as pending_over \gset
select tests.make_document('sweeper', 'uploading', null, now() - interval '3 days') as uploading_over \gset
select tests.make_document('neighbour', 'uploading', null, now() - interval '25 hours') as neighbour_over \gset
-- No progress ever recorded: updated_at is the last sign of life.
select tests.make_document('sweeper', 'pending', null, null) as never_progressed \gset
set local session_replication_role = replica;
update public.documents set updated_at = now() - interval '30 hours' where id = :'never_progressed';
set local session_replication_role = origin;

-- At or under the expiry: left alone.
select tests.make_document('sweeper', 'uploading', null, now() - interval '24 hours') as uploading_boundary \gset
select tests.make_document('sweeper', 'pending', null, now() - interval '23 hours 59 minutes 59 seconds') as pending_under \gset
select tests.make_document('neighbour', 'uploading', null, now() - interval '1 minute') as neighbour_fresh \gset
-- Old, but past the upload (or closed): never the sweep's business.
select tests.make_document('sweeper', 'uploaded', null, now() - interval '3 days') as uploaded_old \gset
select tests.make_document('sweeper', 'processing', null, now() - interval '3 days') as processing_old \gset
select tests.make_document('sweeper', 'parsing', null, now() - interval '3 days') as parsing_old \gset
select tests.make_document('sweeper', 'embedding', null, now() - interval '3 days') as embedding_old \gset
select tests.make_document('sweeper', 'completed', null, now() - interval '3 days') as completed_old \gset
select tests.make_document('sweeper', 'cancelled', null, now() - interval '3 days') as cancelled_old \gset
select tests.make_document('sweeper', 'failed', null, now() - interval '3 days') as failed_old \gset
update public.documents set error_code = 'parse_failed', error_message = 'it was encrypted' where id = :'failed_old';

create temporary table before_sweep on commit drop as
  select id, status, error_code, updated_at, last_progress_at from public.documents;
grant select on before_sweep to service_role;

-- Who may run it.
select tests.clear_authentication();
select throws_ok($$select public.sweep_abandoned_uploads()$$, '42501', null, 'anon cannot run the sweep');
select tests.authenticate_as('sweeper');
select throws_ok($$select public.sweep_abandoned_uploads()$$, '42501', null, 'a signed-in user cannot run the sweep');
select throws_ok($$select public.sweep_abandoned_uploads(interval '0')$$, '42501', null, 'nor with an interval of their own');
select tests.as_owner();
select is((select status from public.documents where id = :'pending_over'), 'pending'::public.document_status,
  'the refused calls changed nothing');

select tests.authenticate_as_service_role();
select throws_ok($$select public.sweep_abandoned_uploads(interval '-1 second')$$, '22023', null, 'a negative interval is refused');
select throws_ok($$select public.sweep_abandoned_uploads(null)$$, '22023', null, 'a null interval is refused');
select is(public.upload_abandoned_after(), interval '24 hours', 'the default expiry is 24 hours (TUS uploads live up to 24 h on hosted Storage)');
select is(public.sweep_abandoned_uploads(), 4, 'the service sweep fails the four pending/uploading documents quiet for more than 24 h');
select tests.as_owner();

select results_eq(
  $$select d.id from public.documents d join before_sweep b using (id)
     where d.status is distinct from b.status order by 1$$,
  format($$select unnest(array[%L, %L, %L, %L]::uuid[]) order by 1$$, :'pending_over', :'uploading_over', :'neighbour_over', :'never_progressed'),
  'exactly those four changed status: every user''s abandoned uploads, nothing else');
select results_eq(
  format($$select distinct status::text, error_code, error_message from public.documents where id in (%L, %L, %L, %L)$$,
         :'pending_over', :'uploading_over', :'neighbour_over', :'never_progressed'),
  $$values ('failed', 'upload_abandoned', 'The upload stopped and was not resumed before it expired. Add the file again to upload it.')$$,
  'each is failed with error code upload_abandoned and a message that says what to do');
select is_empty(
  format($$select 1 from public.documents d join before_sweep b using (id)
            where d.id not in (%L, %L, %L, %L)
              and (d.status, d.error_code, d.updated_at, d.last_progress_at)
                  is distinct from (b.status, b.error_code, b.updated_at, b.last_progress_at)$$,
         :'pending_over', :'uploading_over', :'neighbour_over', :'never_progressed'),
  'every other document (under or at the expiry, uploaded, processing, parsing, embedding, completed, cancelled, failed, seed data) is untouched');
select is((select status from public.documents where id = :'uploading_boundary'), 'uploading'::public.document_status,
  'exactly 24 h without progress is not yet abandoned');
select is((select status from public.documents where id = :'pending_under'), 'pending'::public.document_status,
  '23:59:59 without progress is not abandoned');
select is((select error_code from public.documents where id = :'failed_old'), 'parse_failed',
  'an earlier failure keeps its own error code');

-- The feed: each swept document tells its owner, like any other failure.
select results_eq(
  format($$select document_id, user_id, payload ->> 'type', payload ->> 'from', payload ->> 'code'
             from public.realtime_progress_updates where document_id in (%L, %L, %L, %L)
            order by document_id, payload ->> 'type' desc$$,
         :'pending_over', :'uploading_over', :'neighbour_over', :'never_progressed'),
  format($$select * from (values
      (%L::uuid, %L::uuid, 'status_change', 'uploading', null::text), (%L::uuid, %L::uuid, 'error', null, 'upload_abandoned'),
      (%L, %L, 'status_change', 'pending', null), (%L, %L, 'error', null, 'upload_abandoned'),
      (%L, %L, 'status_change', 'pending', null), (%L, %L, 'error', null, 'upload_abandoned'),
      (%L, %L, 'status_change', 'uploading', null), (%L, %L, 'error', null, 'upload_abandoned')
    ) v(document_id, user_id, type, "from", code) order by document_id, type desc$$,
    :'uploading_over', :'sweeper_id', :'uploading_over', :'sweeper_id',
    :'pending_over', :'sweeper_id', :'pending_over', :'sweeper_id',
    :'never_progressed', :'sweeper_id', :'never_progressed', :'sweeper_id',
    :'neighbour_over', :'neighbour_id', :'neighbour_over', :'neighbour_id'),
  'each swept document gets a status_change (from its old status) and an error row, for its own owner');

-- Idempotent.
select tests.authenticate_as_service_role();
select is(public.sweep_abandoned_uploads(), 0, 'a second run finds nothing to sweep');
select tests.as_owner();
select is((select count(*)::integer from public.realtime_progress_updates where payload ->> 'code' = 'upload_abandoned'), 4,
  'and writes no second error row');

-- A shorter interval (an operator's choice) sweeps younger uploads too, still only uploads.
select tests.make_document('sweeper', 'uploading', null, now() - interval '2 hours') as two_hours \gset
select tests.make_document('sweeper', 'processing', null, now() - interval '2 hours') as processing_two_hours \gset
select tests.authenticate_as_service_role();
select is(public.sweep_abandoned_uploads(interval '1 hour'), 3,
  'an explicit interval of 1 hour sweeps the 2-hour-old upload and the two left at 24 h and 23:59:59');
select tests.as_owner();
select results_eq(
  format($$select id, status::text from public.documents where id in (%L, %L, %L, %L, %L) order by id$$,
         :'two_hours', :'processing_two_hours', :'uploading_boundary', :'pending_under', :'neighbour_fresh'),
  format($$select * from (values (%L::uuid, 'failed'), (%L, 'processing'), (%L, 'failed'), (%L, 'failed'), (%L, 'uploading')) v order by 1$$,
         :'two_hours', :'processing_two_hours', :'uploading_boundary', :'pending_under', :'neighbour_fresh'),
  'and not the processing document of the same age, nor the upload with progress a minute ago');

-- The state machine still decides: with the transition removed, the sweep cannot fail the document.
select tests.make_document('sweeper', 'uploading', null, now() - interval '2 days') as guarded \gset
delete from public.document_status_transitions where from_status = 'uploading' and to_status = 'failed';
select tests.authenticate_as_service_role();
select throws_ok($$select public.sweep_abandoned_uploads()$$, '23514', null,
  'the sweep goes through the status trigger (without uploading → failed it is refused)');
select tests.as_owner();
insert into public.document_status_transitions (from_status, to_status, user_allowed) values ('uploading', 'failed', false);

-- The user comes back with the same file: a swept document is no longer live, so the same hash
-- makes a new document instead of answering "duplicate" with the failed one.
select tests.authenticate_as('sweeper');
select results_eq(
  format($$select document_id <> %L, duplicate from public.create_document('again.pdf', 'application/pdf', 1024, %L)$$,
         :'uploading_over', (select file_hash from public.documents where id = :'uploading_over')),
  $$values (true, false)$$,
  'after the sweep the same file (same hash) creates a new document, not a duplicate of the failed one');
select is((select status from public.documents where id = :'uploading_over'), 'failed'::public.document_status,
  'the swept document stays failed, visible to its owner');
select is_empty(format($$select 1 from public.documents where id = %L$$, :'neighbour_over'),
  'the neighbour''s swept document stays invisible to this user');

select * from finish();
rollback;
