-- The document state machine: every allowed transition passes, every other one raises,
-- and signed-in users can make only the client-side ones.
begin;
\ir ../helpers.psql
select plan(101);

select tests.create_supabase_user('owner') as owner_id \gset

-- Try moving a fresh document from one status to another as a role; returns 'ok' or the SQLSTATE.
create function tests.try_transition(from_s public.document_status, to_s public.document_status, as_role text)
returns text
language plpgsql
as $$
declare
  doc uuid := tests.make_document('owner', from_s);
begin
  begin
    if as_role = 'authenticated' then
      perform tests.authenticate_as('owner');
    else
      perform tests.authenticate_as_service_role();
    end if;
    update public.documents set status = to_s where id = doc;
    perform tests.as_owner();
    return 'ok';
  exception when others then
    return sqlstate;
  end;
end
$$;

-- The expected machine, written out independently of public.document_status_transitions.
create temp table expected (from_s public.document_status, to_s public.document_status, by_user boolean);
insert into expected values
  ('pending', 'uploading', true), ('pending', 'cancelled', true), ('uploading', 'cancelled', true),
  ('uploading', 'pending', true), ('failed', 'pending', true),
  ('pending', 'uploaded', false), ('uploading', 'uploaded', false),
  ('uploaded', 'processing', false), ('uploaded', 'parsing', false),
  ('processing', 'parsing', false), ('processing', 'embedding', false), ('processing', 'completed', false),
  ('parsing', 'embedding', false), ('parsing', 'completed', false), ('embedding', 'completed', false),
  ('processing', 'uploaded', false), ('parsing', 'uploaded', false), ('embedding', 'uploaded', false),
  ('failed', 'uploaded', false),
  ('pending', 'failed', false), ('uploading', 'failed', false), ('uploaded', 'failed', false),
  ('processing', 'failed', false), ('parsing', 'failed', false), ('embedding', 'failed', false);
grant select on expected to public;

-- 72 pairs as the service: allowed → ok, anything else → check_violation (23514).
select is(
  tests.try_transition(f, t, 'service_role'),
  case when e.from_s is null then '23514' else 'ok' end,
  format('service: %s -> %s %s', f, t, case when e.from_s is null then 'is refused' else 'is allowed' end))
from unnest(enum_range(null::public.document_status)) f
cross join unnest(enum_range(null::public.document_status)) t
left join expected e on e.from_s = f and e.to_s = t
where f <> t
order by f, t;

-- 25 allowed transitions as the owning user: client-side ones pass, the rest need the service (42501).
select is(
  tests.try_transition(e.from_s, e.to_s, 'authenticated'),
  case when e.by_user then 'ok' else '42501' end,
  format('user: %s -> %s %s', e.from_s, e.to_s, case when e.by_user then 'is allowed' else 'needs the service' end))
from expected e
order by e.from_s, e.to_s;

select is((select count(*)::integer from public.document_status_transitions), 25,
  'the transition table has exactly the expected transitions');

select tests.make_document('owner', 'completed') as done_doc \gset
select throws_ok(format($$update public.documents set status = 'pending' where id = %L$$, :'done_doc'),
  '23514', null, 'completed is final');
select lives_ok(format($$update public.documents set processing_progress = 100 where id = %L$$, :'done_doc'),
  'an update that keeps the status is not a transition');
select throws_ok(format($$update public.documents set file_size = 5 where id = %L$$, :'done_doc'),
  '23514', null, 'the size of a document never changes');

select * from finish();
rollback;
