-- Duplicate detection: one live document per (user, MD5), race-safe.
begin;
\ir ../helpers.psql
create extension if not exists dblink with schema extensions;
select plan(14);

select tests.create_supabase_user('dup') as dup_id \gset

-- Sequential: the second create of the same content is a duplicate of the first.
select tests.authenticate_as('dup');
select document_id as first_id, duplicate as first_dup
  from public.create_document('a.pdf', 'application/pdf', 100, md5('same bytes')) \gset
select is(:'first_dup'::boolean, false, 'the first upload of a file creates a document');
select results_eq(
  $$select document_id, duplicate from public.create_document('renamed.pdf', 'application/pdf', 100, md5('same bytes'))$$,
  format($$values (%L::uuid, true)$$, :'first_id'),
  'the same content again (even renamed) is a duplicate of the first document');
select is((select count(*)::integer from public.documents where file_hash = md5('same bytes')), 1, 'no second row was made');
select is((select storage_path from public.documents where id = :'first_id'),
  :'dup_id' || '/' || :'first_id' || '/a.pdf', 'the storage path is <uid>/<document id>/<filename>');

select is(public.storage_safe_name('Résumé 2024 (final).pdf'), 'Resume_2024_final_.pdf',
  'storage names are ASCII: accents dropped, other characters replaced');
select is(public.storage_safe_name('报告.pdf'), '_.pdf', 'a name with no ASCII letters keeps its extension');

-- A failed or cancelled document does not count: the file may be uploaded again.
select tests.authenticate_as_service_role();
update public.documents set status = 'failed' where id = :'first_id';
select tests.authenticate_as('dup');
select results_eq(
  $$select duplicate from public.create_document('a.pdf', 'application/pdf', 100, md5('same bytes'))$$,
  $$values (false)$$, 'after a failure the same file makes a new document');

-- A token of a deleted user (claims name no auth.users row) is an authorization error, not a crash.
select set_config('request.jwt.claims', json_build_object('sub', gen_random_uuid(), 'role', 'authenticated')::text, true);
select throws_ok($$select * from public.create_document('ghost.pdf', 'application/pdf', 10, md5('ghost'))$$,
  '28000', null, 'a user that no longer exists cannot create documents');
select tests.authenticate_as('dup');

-- Another user's identical file is not a duplicate of yours.
select tests.as_owner();
select tests.create_supabase_user('other') as other_id \gset
select tests.authenticate_as('other');
select results_eq(
  $$select duplicate from public.create_document('a.pdf', 'application/pdf', 100, md5('same bytes'))$$,
  $$values (false)$$, 'the same content from another user is not a duplicate');
select tests.as_owner();

-- Concurrent: two sessions create the same (user, hash) at the same time. Session B must
-- wait for A, then get A's document as a duplicate; exactly one row exists.
select format('host=127.0.0.1 port=%s dbname=%s user=%s password=%s', current_setting('port'), current_database(), current_user, :'db_password') as conninfo \gset
select gen_random_uuid() as race_uid \gset
select dblink_connect('setup', :'conninfo');
select dblink_exec('setup', format($$insert into auth.users (id, aud, role, email) values (%L, 'authenticated', 'authenticated', %L)$$,
  :'race_uid', :'race_uid' || '@race.invalid'));
select dblink_connect('a', :'conninfo');
select dblink_connect('b', :'conninfo');
select dblink_exec(c, format($$begin; set local role authenticated; set local request.jwt.claims to %L$$,
  json_build_object('sub', :'race_uid', 'role', 'authenticated')::text))
  from unnest(array['a', 'b']) c;

select document_id as race_a, duplicate as race_a_dup
  from dblink('a', $$select document_id, duplicate from public.create_document('race.pdf', 'application/pdf', 10, md5('race'))$$)
    as t(document_id uuid, duplicate boolean) \gset
select is(:'race_a_dup'::boolean, false, 'session A creates the document (not yet committed)');
select dblink_send_query('b', $$select document_id, duplicate from public.create_document('race.pdf', 'application/pdf', 10, md5('race'))$$);
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 1, 'session B waits on the unique index while A is open');
select dblink_exec('a', 'commit');
select results_eq(
  $$select document_id, duplicate from dblink_get_result('b') as t(document_id uuid, duplicate boolean)$$,
  format($$values (%L::uuid, true)$$, :'race_a'),
  'session B then gets session A''s document as a duplicate');
select count(*) as drained from dblink_get_result('b') as t(document_id uuid, duplicate boolean) \gset
select dblink_exec('b', 'commit');
select results_eq(
  format($$select n from dblink('setup', %L) as t(n integer)$$,
    format('select count(*)::integer from public.documents where user_id = %L', :'race_uid')),
  $$values (1)$$, 'exactly one document exists after the race');

-- Without the function, a raw second insert of a live duplicate is refused by the index.
select tests.authenticate_as('dup');
select throws_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (%L, 'b.pdf', 'application/pdf', 100, md5('same bytes'), %L)$$, :'dup_id', :'dup_id' || '/x/b.pdf'),
  '23505', null, 'a raw insert of a live duplicate violates documents_user_hash_live_key');
select tests.as_owner();

select dblink_exec('setup', format($$delete from auth.users where id = %L$$, :'race_uid'));
select dblink_disconnect(c) from unnest(array['setup', 'a', 'b']) c;
select * from finish();
rollback;
