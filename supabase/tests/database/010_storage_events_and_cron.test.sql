-- How a landed object reaches processing-webhook on hosted Supabase: the Database Webhook on
-- storage.objects queues a pg_net request (URL and secret from Vault), the reconciliation job
-- sends again what was lost, and pg_cron has every schedule.
begin;
\ir ../helpers.psql
select plan(20);

select is(
  (select string_agg(format('%s %s %s', jobname, schedule, username), '; ' order by jobname) from cron.job),
  'cleanup-realtime-progress-updates 17 * * * * postgres; reconcile-landed-uploads * * * * * postgres; '
  || 'sweep-abandoned-uploads */15 * * * * postgres',
  'pg_cron has the three schedules, run as postgres');

select tests.create_supabase_user('events') as uid \gset
select gen_random_uuid() as doc \gset
select :'uid' || '/' || :'doc' || '/a.pdf' as path \gset
select tests.make_document('events', 'uploading') as doc2 \gset
select storage_path as path2 from public.documents where id = :'doc2' \gset

-- Without the Vault secrets nothing is sent, and the object is stored all the same.
select lives_ok(
  format($$insert into storage.objects (bucket_id, name, owner, metadata) values ('documents', %L, %L, '{"size": 1}')$$, :'path', :'uid'),
  'an object lands even when Vault has no webhook URL yet');
select is((select count(*)::integer from net.http_request_queue), 0, 'no Vault secrets: no request queued');

select vault.create_secret('http://127.0.0.1:9/functions/v1/processing-webhook?source=storage', 'processing_webhook_url') is not null
  as url_secret \gset
select vault.create_secret('s3cret-for-tests', 'processing_webhook_secret') is not null as shared_secret \gset

insert into storage.objects (bucket_id, name, owner, version, metadata)
values ('documents', :'path2', :'uid', 'v1', '{"size": 1024, "eTag": "\"abc\"", "mimetype": "application/pdf"}');
select is((select count(*)::integer from net.http_request_queue), 1, 'an object in documents queues one request');
select is((select method || ' ' || url from net.http_request_queue),
  'POST http://127.0.0.1:9/functions/v1/processing-webhook?source=storage', 'POSTed to the URL from Vault');
select is((select headers from net.http_request_queue),
  '{"Content-Type": "application/json", "x-webhook-secret": "s3cret-for-tests"}'::jsonb,
  'with the shared secret from Vault as a static header');
select is((select timeout_milliseconds from net.http_request_queue), 5000, 'with a 5 s timeout');
select is((select convert_from(body, 'UTF8')::jsonb - 'record' from net.http_request_queue),
  '{"type": "INSERT", "table": "objects", "schema": "storage", "old_record": null}'::jsonb,
  'the body is a Database Webhook payload');
select is((select convert_from(body, 'UTF8')::jsonb #>> '{record,name}' from net.http_request_queue), :'path2',
  'the record is the object row');

delete from net.http_request_queue;
insert into storage.buckets (id, name) values ('avatars', 'avatars');
insert into storage.objects (bucket_id, name, metadata) values ('avatars', 'x/y.png', '{}');
select is((select count(*)::integer from net.http_request_queue), 0, 'objects of other buckets send nothing');

update storage.objects set last_accessed_at = now() + interval '1 minute' where name = :'path2';
select is((select count(*)::integer from net.http_request_queue), 0, 'reading an object (last_accessed_at) sends nothing');
update storage.objects set version = 'v2', metadata = '{"size": 2048}' where name = :'path2';
select is((select convert_from(body, 'UTF8')::jsonb ->> 'type' from net.http_request_queue), 'UPDATE',
  'an overwrite (new version) sends an UPDATE');
select is((select convert_from(body, 'UTF8')::jsonb #>> '{old_record,version}' from net.http_request_queue), 'v1',
  'with the previous row as old_record');

-- Reconciliation: documents still waiting whose object landed more than the grace period ago.
delete from net.http_request_queue;
select is(public.reconcile_landed_uploads(), 0, 'an object that just landed is left to its own event');
update storage.objects set created_at = now() - interval '10 minutes', updated_at = now() - interval '10 minutes'
 where name = :'path2';
select is(public.reconcile_landed_uploads(), 1, 'a document still uploading whose object landed minutes ago gets its event again');
select is((select convert_from(body, 'UTF8')::jsonb ->> 'type' from net.http_request_queue), 'UPDATE',
  'sent as an UPDATE of the row onto itself (not a replay of the INSERT)');
update public.documents set status = 'uploaded' where id = :'doc2';
delete from net.http_request_queue;
select is(public.reconcile_landed_uploads(), 0, 'a document that moved on is not sent again');

select tests.authenticate_as('events');
select throws_ok($$select public.reconcile_landed_uploads()$$, '42501', null, 'users may not run the reconciliation');
select throws_ok($$select count(*) from vault.decrypted_secrets$$, '42501', null, 'users cannot read Vault');
select throws_ok($$select net.http_post('http://127.0.0.1:9/', '{}'::jsonb)$$, '42501', null, 'users cannot call pg_net');

select * from finish();
rollback;
