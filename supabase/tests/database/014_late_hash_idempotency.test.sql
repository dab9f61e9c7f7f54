-- Late hash (issue 19), migration late_hash_idempotency: the fingerprint POST's idempotency key.
-- A repeat with the same key answers the same document (not `candidate`), per user, race-safe;
-- the same key for another file is refused; without a key nothing changed.
begin;
\ir ../helpers.psql
create extension if not exists dblink with schema extensions;
select plan(32);

select tests.create_supabase_user('keyed') as keyed_id \gset
select tests.create_supabase_user('stranger') as stranger_id \gset
select gen_random_uuid() as k1, gen_random_uuid() as k2, gen_random_uuid() as k3 \gset
select 'md5-ends-1m:' || md5('idem-1') as fp1, 'md5-ends-1m:' || md5('idem-2') as fp2, 'md5-ends-1m:' || md5('idem-3') as fp3 \gset

-- Schema ------------------------------------------------------------------------------------
select has_column('private', 'document_fingerprints', 'idempotency_key', 'the key is kept with the fingerprint');
select col_type_is('private', 'document_fingerprints', 'idempotency_key', 'uuid', 'a key is a uuid');
select col_is_null('private', 'document_fingerprints', 'idempotency_key', 'the key is optional');
select has_index('private', 'document_fingerprints', 'document_fingerprints_user_idempotency_key_idx', 'keys by (user, key)');
select ok((select indisunique from pg_index where indexrelid = 'private.document_fingerprints_user_idempotency_key_idx'::regclass),
  'a key names at most one document of a user');
select has_function('public', 'create_document_late_hash', array['text', 'text', 'bigint', 'text', 'integer', 'uuid'],
  'create_document_late_hash takes the key');
select has_function('public', 'create_document_late_hash', array['text', 'text', 'bigint', 'text', 'integer'],
  'the call without a key is kept (upload-handler deployments older than this migration)');

-- The same key again -----------------------------------------------------------------------
select tests.authenticate_as('keyed');
select document_id as d1, candidate as d1_cand
  from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, :'fp1', 1, :'k1'::uuid) \gset
select is(:'d1_cand'::boolean, false, 'a new document with a key');
select results_eq(format($$select document_id, candidate from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L, 1, %L::uuid)$$, :'fp1', :'k1'),
  format($$values (%L::uuid, false)$$, :'d1'),
  'the same key again (the answer was lost): the same document, not candidate');
select results_eq(format($$select document_id, candidate from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L, 1, %L::uuid)$$, :'fp1', upper(:'k1')),
  format($$values (%L::uuid, false)$$, :'d1'),
  'a key in upper case is the same key');
select is((select count(*)::integer from public.documents), 1, 'still one document');
select results_eq(format($$select document_id, candidate from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L, 1, %L::uuid)$$, :'fp1', :'k2'),
  $$values (null::uuid, true)$$, 'another key for the same file: candidate, as before');
select results_eq(format($$select document_id, candidate from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L, 1, null)$$, :'fp1'),
  $$values (null::uuid, true)$$, 'no key: candidate, as before');
select results_eq(format($$select document_id, candidate from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L)$$, :'fp1'),
  $$values (null::uuid, true)$$, 'the call without a key parameter: candidate, as before');
select is((select count(*)::integer from public.documents), 1, 'and still one document');

-- The same key for another file: refused, nothing written.
select throws_ok(format($$select * from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L, 1, %L::uuid)$$, :'fp2', :'k1'),
  '22023', format('idempotency key %s was already used for another file', :'k1'), 'the same key with another fingerprint is refused');
select throws_ok(format($$select * from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7001, %L, 1, %L::uuid)$$, :'fp1', :'k1'),
  '22023', null, 'the same key with another size is refused');
select throws_ok(format($$select * from public.create_document_late_hash('other-name.pdf', 'application/pdf', 7000, %L, 1, %L::uuid)$$, :'fp1', :'k1'),
  '22023', null, 'the same key with another file name is refused');
select is((select count(*)::integer from public.documents), 1, 'nothing was written by the refused calls');
select tests.clear_authentication();

-- Keys are per user.
select tests.authenticate_as('stranger');
select document_id as s1, candidate as s1_cand
  from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, :'fp1', 1, :'k1'::uuid) \gset
select ok(not :'s1_cand'::boolean and :'s1' <> :'d1', 'another user''s key never matches: the stranger gets a document of its own');
select tests.clear_authentication();
reset role;
select is((select count(*)::integer from private.document_fingerprints where idempotency_key = :'k1'), 2,
  'two users may happen to choose the same key');

-- A closed document releases its key: the same request goes on as without a key.
select tests.authenticate_as('keyed');
update public.documents set status = 'cancelled' where id = :'d1';
select document_id as d2, candidate as d2_cand
  from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, :'fp1', 1, :'k1'::uuid) \gset
select ok(not :'d2_cand'::boolean and :'d2' <> :'d1', 'the key of a cancelled document: a new document');
select results_eq(format($$select document_id from public.create_document_late_hash('keyed.pdf', 'application/pdf', 7000, %L, 1, %L::uuid)$$, :'fp1', :'k1'),
  format($$values (%L::uuid)$$, :'d2'), 'which now holds the key');
select tests.clear_authentication();

-- Privileges, as late_hash_grants set them: the user calls both forms, nobody else.
select function_privs_are('public', 'create_document_late_hash', array['text', 'text', 'bigint', 'text', 'integer', 'uuid'], r,
  case when r = 'authenticated' then array['EXECUTE'] else array[]::text[] end, format('create_document_late_hash with a key: %s', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;

-- Concurrent: two sessions repeat the same POST with the same key at once. Session B waits for A
-- (the key's lock), then gets A's document; exactly one document.
reset role;
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
select format($$select document_id, candidate from public.create_document_late_hash('race.pdf', 'application/pdf', 9000, %L, 1, %L::uuid)$$, :'fp3', :'k3') as race_call \gset
select document_id as race_a
  from dblink('a', :'race_call') as t(document_id uuid, candidate boolean) \gset
select dblink_send_query('b', :'race_call');
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 1, 'session B waits while A holds the key');
select dblink_exec('a', 'commit');
select results_eq(
  $$select document_id, candidate from dblink_get_result('b') as t(document_id uuid, candidate boolean)$$,
  format($$values (%L::uuid, false)$$, :'race_a'),
  'session B then gets session A''s document, not candidate');
select count(*) as drained from dblink_get_result('b') as t(document_id uuid, candidate boolean) \gset
select dblink_exec('b', 'commit');
select results_eq(
  format($$select n from dblink('setup', %L) as t(n integer)$$,
    format('select count(*)::integer from public.documents where user_id = %L', :'race_uid')),
  $$values (1)$$, 'exactly one document exists after the race');

-- The same key for two different files at once: the key's lock makes B wait for A and then
-- refuses B (without it B would make a second document, or trip over the unique index).
select dblink_exec(c, format($$begin; set local role authenticated; set local request.jwt.claims to %L$$,
  json_build_object('sub', :'race_uid', 'role', 'authenticated')::text))
  from unnest(array['a', 'b']) c;
select gen_random_uuid() as k4 \gset
select document_id as race_c
  from dblink('a', format($$select document_id, candidate from public.create_document_late_hash('one.pdf', 'application/pdf', 9100, %L, 1, %L::uuid)$$, 'md5-ends-1m:' || md5('race-one'), :'k4'))
    as t(document_id uuid, candidate boolean) \gset
select dblink_send_query('b', format($$select document_id, candidate from public.create_document_late_hash('two.pdf', 'application/pdf', 9200, %L, 1, %L::uuid)$$, 'md5-ends-1m:' || md5('race-two'), :'k4'));
select pg_sleep(0.3);
select is(dblink_is_busy('b'), 1, 'a second file with the same key waits for the first (another fingerprint, so only the key''s lock holds it)');
select dblink_exec('a', 'commit');
select throws_ok($$select * from dblink_get_result('b') as t(document_id uuid, candidate boolean)$$,
  '22023', null, 'then it is refused: the key was used for another file');
select count(*) as drained from dblink_get_result('b') as t(document_id uuid, candidate boolean) \gset
select dblink_exec('b', 'rollback');
select results_eq(
  format($$select n from dblink('setup', %L) as t(n integer)$$,
    format('select count(*)::integer from public.documents where user_id = %L', :'race_uid')),
  $$values (2)$$, 'one document more (the race''s and the first file''s)');

select dblink_exec('setup', format($$delete from auth.users where id = %L$$, :'race_uid'));
select dblink_disconnect(c) from unnest(array['setup', 'a', 'b']) c;
select * from finish();
rollback;
