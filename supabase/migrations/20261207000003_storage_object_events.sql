-- A landed object reaches processing-webhook the way hosted Supabase allows: Storage sends no
-- webhooks of its own, so a trigger on storage.objects (a Database Webhook) posts the row with
-- pg_net. The function URL and the shared secret live in Vault, put there once per project:
--
--   select vault.create_secret('https://<ref>.supabase.co/functions/v1/processing-webhook?source=storage',
--                              'processing_webhook_url');
--   select vault.create_secret('<the WEBHOOK_SHARED_SECRET of the functions>', 'processing_webhook_secret');
--
-- pg_net sends each request once, after the transaction commits, and never retries. An event
-- that is lost (function down, timeout, network) would leave its document `uploading` until the
-- sweep fails it 24 hours later, so a reconciliation job sends the event again for documents
-- whose object has landed but that are still waiting for it.
create extension if not exists pg_net with schema extensions;

-- The Database Webhook payload ({type, table, schema, record, old_record}) for one object row,
-- posted to the URL in Vault with the shared secret as a static header. Returns pg_net's request
-- id, or NULL (with a warning, the upload itself is never refused) when Vault has no URL or secret.
create or replace function public.post_storage_object_event(p_type text, p_record jsonb, p_old_record jsonb)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_secret text;
begin
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'processing_webhook_url';
  select decrypted_secret into v_secret from vault.decrypted_secrets where name = 'processing_webhook_secret';
  if v_url is null or v_secret is null then
    raise warning 'storage object event not sent: put processing_webhook_url and processing_webhook_secret in Vault (see migration storage_object_events)';
    return null;
  end if;
  return net.http_post(
    url := v_url,
    body := jsonb_build_object('type', p_type, 'table', 'objects', 'schema', 'storage',
                               'record', p_record, 'old_record', p_old_record),
    headers := jsonb_build_object('Content-Type', 'application/json', 'x-webhook-secret', v_secret),
    timeout_milliseconds := 5000
  );
end
$$;

create or replace function public.storage_object_landed() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.post_storage_object_event(tg_op, to_jsonb(new),
                                           case when tg_op = 'UPDATE' then to_jsonb(old) end);
  return new;
end
$$;

-- Objects of the documents bucket only; an update only when the content changed (an overwrite
-- gets a new version and metadata; touching last_accessed_at is not an event).
create trigger documents_object_inserted
  after insert on storage.objects
  for each row when (new.bucket_id = 'documents')
  execute function public.storage_object_landed();
create trigger documents_object_updated
  after update on storage.objects
  for each row when (new.bucket_id = 'documents'
                     and (old.version is distinct from new.version or old.metadata is distinct from new.metadata))
  execute function public.storage_object_landed();

-- Documents still pending/uploading whose object has been in Storage for longer than p_grace:
-- their event was lost. Send it again (an UPDATE of the row onto itself, so processing-webhook
-- does not take it for a replay of the original) and return how many were sent. At most
-- p_limit per run; the next run takes the rest.
create or replace function public.reconcile_landed_uploads(p_grace interval default interval '2 minutes', p_limit integer default 100)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  sent integer := 0;
  o record;
begin
  if p_grace is null or p_grace < interval '0' or p_limit is null or p_limit < 1 then
    raise exception 'p_grace must be a non-negative interval and p_limit positive' using errcode = 'invalid_parameter_value';
  end if;
  for o in
    select to_jsonb(obj) as record
      from public.documents d
      join storage.objects obj on obj.bucket_id = d.storage_bucket and obj.name = d.storage_path
     where d.status in ('pending', 'uploading')
       and coalesce(obj.updated_at, obj.created_at) < now() - p_grace
     order by d.created_at
     limit p_limit
  loop
    if public.post_storage_object_event('UPDATE', o.record, o.record) is not null then
      sent := sent + 1;
    end if;
  end loop;
  return sent;
end
$$;

comment on function public.reconcile_landed_uploads(interval, integer) is
  'Sends the storage event again for pending/uploading documents whose object landed more than p_grace ago (pg_net never retries). Service only.';

revoke execute on function public.post_storage_object_event(text, jsonb, jsonb), public.storage_object_landed(),
  public.reconcile_landed_uploads(interval, integer) from public, anon, authenticated, service_role;
grant execute on function public.reconcile_landed_uploads(interval, integer) to service_role;

select cron.schedule('reconcile-landed-uploads', '* * * * *', $cron$select public.reconcile_landed_uploads()$cron$);
