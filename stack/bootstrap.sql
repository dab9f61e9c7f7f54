-- What a Supabase project's database already has before any migration runs, for a plain
-- PostgreSQL 15 cluster on a machine without Docker. NOT a migration: hosted Supabase and
-- `supabase start` ship all of this, so it lives outside supabase/migrations.
--
-- Definitions follow Supabase's own (supabase/postgres init scripts, supabase/auth and
-- supabase/storage migrations), reduced to the columns and functions our migrations,
-- policies and the local stack use. Idempotent: safe to run on every start.

-- Run as the platform superuser `supabase_admin` (the cluster's bootstrap user), before any
-- migration, with psql variable `legacy` (true: a project from before default grants were
-- switched off). Roles and privileges follow Supabase's database image; where Supabase relies on
-- its `supautils` extension to let `postgres` do something, the closest plain-Postgres grant is
-- made here and named as such (stack/README.md, "Differences from hosted Supabase").

-- Roles ----------------------------------------------------------------------------------
-- Every login role has the local password "postgres" (scripts/lib/pg.mjs DB_PASSWORD).
do $$
declare
  r record;
begin
  for r in select * from (values
      -- name, attributes
      ('postgres', 'login createrole createdb replication bypassrls'),
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'login noinherit'),
      ('supabase_auth_admin', 'login noinherit createrole'),
      ('supabase_storage_admin', 'login noinherit createrole'),
      ('supabase_realtime_admin', 'nologin noinherit replication bypassrls'),
      ('dashboard_user', 'nologin createrole createdb replication')
    ) as t(name, attrs)
  loop
    if not exists (select from pg_roles where rolname = r.name) then
      execute format('create role %I %s', r.name, r.attrs);
    end if;
    if r.attrs like 'login%' then
      execute format('alter role %I with %s password %L', r.name, r.attrs, 'postgres');
    end if;
  end loop;
end
$$;
-- `postgres` is not a superuser on Supabase: it is what migrations, the SQL editor and
-- SUPABASE_DB_URL log in as.
alter role postgres nosuperuser;
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres with admin option;
grant anon, authenticated, service_role to supabase_storage_admin;
-- supautils emulation: on hosted, `postgres` may create policies and triggers on storage
-- tables it does not own. Plain Postgres lets only the owner do that, so `postgres` is a member
-- of the owner role; the event trigger v2_platform.guard_platform_schemas (below) refuses any
-- other DDL on the storage and auth schemas from `postgres`, as hosted does.
grant supabase_storage_admin to postgres;
-- supautils emulation: the only superuser-only setting our SQL changes.
grant set on parameter session_replication_role to postgres;

alter database postgres owner to postgres;

-- Schemas --------------------------------------------------------------------------------
create schema if not exists extensions;
grant usage, create on schema extensions to postgres with grant option;
create schema if not exists auth authorization supabase_auth_admin;
create schema if not exists storage authorization supabase_storage_admin;
create schema if not exists realtime;

grant usage on schema public, extensions to anon, authenticated, service_role;
grant usage on schema auth, storage to anon, authenticated, service_role, postgres, dashboard_user;
grant usage on schema realtime to anon, authenticated, service_role, postgres;

create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
-- Vault is enabled on every hosted project (our stand-in: stack/extensions/supabase_vault).
create extension if not exists supabase_vault;

do $$
begin
  execute format('alter database %I set search_path to "$user", public, extensions', current_database());
end
$$;

-- Default privileges on `public`. A project created since 2026-05-30 (all projects since
-- 2026-10-30) grants nothing by default to the API roles on new tables, sequences and
-- functions: migrations must grant what they mean to expose. Older projects (--legacy) grant all.
\if :legacy
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
\else
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke all on functions from anon, authenticated, service_role;
\endif

-- auth -----------------------------------------------------------------------------------
create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  -- GoTrue scans these token columns into Go strings: they must be '' rather than NULL.
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  reauthentication_token varchar(255) default '',
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  phone text unique default null,
  phone_confirmed_at timestamptz,
  banned_until timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where (is_sso_user = false);
create index if not exists users_instance_id_email_idx on auth.users (instance_id, lower(email));

-- One row per way a user signs in (GoTrue writes one for every email user).
create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid primary key default gen_random_uuid(),
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  not_after timestamptz,
  user_agent text,
  ip inet
);

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);

-- auth.uid(), auth.role(), auth.jwt() exactly as Supabase defines them: the legacy
-- per-claim setting first, then the `request.jwt.claims` JSON that PostgREST sets.
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.jwt() to anon, authenticated, service_role, postgres;

-- The auth schema belongs to GoTrue's role; `postgres` may read and write its tables (the
-- dashboard and seeds do), the API roles may not.
do $$
declare
  t record;
begin
  for t in select c.oid::regclass as rel from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'auth' and c.relkind in ('r', 'S')
  loop
    execute format('alter table %s owner to supabase_auth_admin', t.rel);
  end loop;
end
$$;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant all on all tables in schema auth to postgres, dashboard_user;
grant all on all sequences in schema auth to postgres, dashboard_user;

-- storage --------------------------------------------------------------------------------
create table if not exists storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  type text not null default 'STANDARD'
);
create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
-- Storage's own migrations grant its tables to the API roles (the Storage server acts as them)
-- and to `postgres`; the tables belong to supabase_storage_admin.
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;

create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable
as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end
$$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable
as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end
$$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable
as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end
$$;

grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
  to anon, authenticated, service_role;
alter function storage.foldername(text) owner to supabase_storage_admin;
alter function storage.filename(text) owner to supabase_storage_admin;
alter function storage.extension(text) owner to supabase_storage_admin;

-- realtime -------------------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
-- Hosted: `postgres` owns the publication, so migrations can add their tables to it.
alter publication supabase_realtime owner to postgres;

-- The Supabase CLI records applied migrations here; our scripts do the same.
create schema if not exists supabase_migrations authorization postgres;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);
alter table supabase_migrations.schema_migrations owner to postgres;

-- Platform event triggers (supautils emulation) ---------------------------------------
create schema if not exists v2_platform;
revoke all on schema v2_platform from public;

-- After `postgres` creates an extension Supabase manages, give it what hosted gives it (the
-- dashboard/supautils after-create scripts): pg_cron's schema and tables, pg_net's functions.
create or replace function v2_platform.after_create_extension() returns event_trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  cmd record;
begin
  for cmd in select * from pg_event_trigger_ddl_commands() where command_tag = 'CREATE EXTENSION'
  loop
    if cmd.object_identity = 'pg_cron' then
      grant usage on schema cron to postgres with grant option;
      grant all on all tables in schema cron to postgres with grant option;
      grant all on all sequences in schema cron to postgres with grant option;
      grant all on all functions in schema cron to postgres with grant option;
    elsif cmd.object_identity = 'pg_net' then
      grant usage on schema net to postgres, service_role;
      grant execute on all functions in schema net to postgres, service_role;
      grant all on all tables in schema net to postgres;
      grant select on all tables in schema net to service_role;
    end if;
  end loop;
end
$$;
drop event trigger if exists v2_platform_after_create_extension;
create event trigger v2_platform_after_create_extension on ddl_command_end
  when tag in ('CREATE EXTENSION') execute function v2_platform.after_create_extension();

-- `postgres` may add policies and triggers to storage and auth tables (through its membership
-- in supabase_storage_admin, granted above in place of supautils) but nothing else there.
create or replace function v2_platform.guard_platform_schemas() returns event_trigger
language plpgsql
set search_path = ''
as $$
declare
  cmd record;
begin
  if current_user <> 'postgres' then
    return;
  end if;
  for cmd in select * from pg_event_trigger_ddl_commands()
  loop
    if cmd.schema_name in ('auth', 'storage') and cmd.command_tag not in
       ('CREATE POLICY', 'ALTER POLICY', 'CREATE TRIGGER', 'COMMENT', 'GRANT', 'REVOKE') then
      raise exception 'permission denied: % on %.% (the % schema belongs to Supabase)',
        cmd.command_tag, cmd.schema_name, cmd.object_identity, cmd.schema_name
        using errcode = 'insufficient_privilege';
    end if;
  end loop;
end
$$;
drop event trigger if exists v2_platform_guard_platform_schemas;
create event trigger v2_platform_guard_platform_schemas on ddl_command_end
  execute function v2_platform.guard_platform_schemas();

create or replace function v2_platform.guard_platform_drops() returns event_trigger
language plpgsql
set search_path = ''
as $$
declare
  obj record;
begin
  if current_user <> 'postgres' then
    return;
  end if;
  for obj in select * from pg_event_trigger_dropped_objects()
  loop
    if obj.schema_name in ('auth', 'storage') and obj.object_type not in ('policy', 'trigger') and not obj.is_temporary
       and obj.original then
      raise exception 'permission denied: dropping % % (the % schema belongs to Supabase)',
        obj.object_type, obj.object_identity, obj.schema_name
        using errcode = 'insufficient_privilege';
    end if;
  end loop;
end
$$;
drop event trigger if exists v2_platform_guard_platform_drops;
create event trigger v2_platform_guard_platform_drops on sql_drop
  execute function v2_platform.guard_platform_drops();
