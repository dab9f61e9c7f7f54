-- Realtime for the local stack: how row changes reach stack/src/realtime.mjs. NOT a migration:
-- hosted Supabase streams changes by logical replication; the local stack has no Realtime
-- server, so startStack runs this file after the migrations (every start; idempotent).
--
-- Every table in publication `supabase_realtime` gets an AFTER INSERT/UPDATE/DELETE FOR EACH
-- ROW trigger that sends one NOTIFY on channel `realtime_local_changes` per changed row:
--
--   {seq, schema, table, relid, type, commit_timestamp, pk: [key column names],
--    key: {key values}, record, old_record, truncated?}
--
-- `record` is to_jsonb(new) (INSERT, UPDATE); `old_record` is what the table's REPLICA IDENTITY
-- allows (FULL: to_jsonb(old); DEFAULT/INDEX: the key columns; NOTHING: {}). NOTIFY payloads
-- must stay under 8000 bytes: when the message would not fit, record and old_record are left
-- out (`truncated: true`, old_record = the key) and the service re-reads the row by its key.
-- NOTIFY is delivered at commit, so rolled-back changes are never sent.
--
-- `select realtime_local.install_triggers()` (re)installs the triggers for the tables in the
-- publication and removes them from tables that left it. An event trigger calls it after every
-- CREATE/ALTER PUBLICATION, so `alter publication supabase_realtime add table …` is enough.

create schema if not exists realtime_local;
revoke all on schema realtime_local from public;
comment on schema realtime_local is
  'Local stack only: row-change triggers feeding the Realtime service (stack/realtime.sql).';

-- NOTIFY collapses identical payloads within one transaction; a sequence number keeps two
-- identical changes (same row, same values, same millisecond) apart.
create sequence if not exists realtime_local.change_seq;

create or replace function realtime_local.notify_change() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  -- pg_notify refuses payloads of 8000 bytes or more.
  max_bytes constant integer := 7999;
  key_cols text[];
  ident_cols text[];
  ident "char";
  rec jsonb;
  full_old jsonb;
  old_rec jsonb;
  key_vals jsonb;
  msg jsonb;
  body text;
begin
  select coalesce(array_agg(a.attname::text order by k.ord), '{}')
    into key_cols
    from pg_index i
   cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
   where i.indrelid = tg_relid and i.indisprimary;

  select c.relreplident into ident from pg_class c where c.oid = tg_relid;

  if tg_op <> 'DELETE' then
    rec := to_jsonb(new);
  end if;

  if tg_op <> 'INSERT' then
    full_old := to_jsonb(old);
    if ident = 'f' then
      old_rec := full_old;
    elsif ident = 'n' then
      old_rec := '{}';
    else
      ident_cols := key_cols;
      if ident = 'i' then
        select coalesce(array_agg(a.attname::text order by k.ord), '{}')
          into ident_cols
          from pg_index i
         cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
         where i.indrelid = tg_relid and i.indisreplident;
      end if;
      select coalesce(jsonb_object_agg(c, full_old -> c), '{}') into old_rec from unnest(ident_cols) as c;
    end if;
  end if;

  select coalesce(jsonb_object_agg(c, coalesce(rec, full_old) -> c), '{}')
    into key_vals
    from unnest(key_cols) as c;

  msg := jsonb_build_object(
    'seq', nextval('realtime_local.change_seq'),
    'schema', tg_table_schema,
    'table', tg_table_name,
    'relid', tg_relid::bigint,
    'type', tg_op,
    'commit_timestamp', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'pk', to_jsonb(key_cols),
    'key', key_vals,
    'record', rec,
    'old_record', old_rec
  );
  body := msg::text;

  if octet_length(body) > max_bytes then
    msg := msg || jsonb_build_object(
      'record', null,
      'old_record', case when tg_op = 'INSERT' then null else key_vals end,
      'truncated', true
    );
    body := msg::text;
    if octet_length(body) > max_bytes then
      -- Never fail the writer's transaction because of Realtime.
      raise warning 'realtime_local: change on %.% not sent: its key does not fit in a NOTIFY',
        tg_table_schema, tg_table_name;
      return null;
    end if;
  end if;

  perform pg_notify('realtime_local_changes', body);
  return null;
end
$$;

revoke all on function realtime_local.notify_change() from public;

create or replace function realtime_local.install_triggers() returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  r record;
  installed integer := 0;
begin
  for r in
    select c.oid::regclass as rel
      from pg_publication_tables pt
      join pg_namespace ns on ns.nspname = pt.schemaname
      join pg_class c on c.relnamespace = ns.oid and c.relname = pt.tablename
     where pt.pubname = 'supabase_realtime'
  loop
    execute format(
      'create or replace trigger realtime_local_notify
         after insert or update or delete on %s
         for each row execute function realtime_local.notify_change()',
      r.rel);
    installed := installed + 1;
  end loop;

  for r in
    select t.tgrelid::regclass as rel
      from pg_trigger t
     where t.tgname = 'realtime_local_notify'
       and t.tgparentid = 0
       and not exists (
         select 1
           from pg_publication_tables pt
           join pg_namespace ns on ns.nspname = pt.schemaname
           join pg_class c on c.relnamespace = ns.oid and c.relname = pt.tablename
          where pt.pubname = 'supabase_realtime' and c.oid = t.tgrelid)
  loop
    execute format('drop trigger realtime_local_notify on %s', r.rel);
  end loop;

  return installed;
end
$$;

revoke all on function realtime_local.install_triggers() from public;

create or replace function realtime_local.on_publication_change() returns event_trigger
language plpgsql
as $$
begin
  perform realtime_local.install_triggers();
exception when others then
  raise warning 'realtime_local: could not install the change triggers: %', sqlerrm;
end
$$;

drop event trigger if exists realtime_local_publication_changed;
create event trigger realtime_local_publication_changed
  on ddl_command_end
  when tag in ('CREATE PUBLICATION', 'ALTER PUBLICATION')
  execute function realtime_local.on_publication_change();

select realtime_local.install_triggers();
