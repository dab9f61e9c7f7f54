-- Feature flags for gradual rollout (the seed's `UPDATE feature_flags SET rollout_percentage = …`).
--
-- A user is in a flag's rollout when the flag is enabled and either the user is targeted
-- or the user's bucket is below rollout_percentage. The bucket is the first 32 bits of
-- md5(flag_name || ':' || user_id) modulo 100: deterministic (same user and flag, same
-- answer, on every server and in any language), independent between flags, and uniform.

create table public.feature_flags (
  id uuid primary key default gen_random_uuid(),
  flag_name text not null unique,
  is_enabled boolean not null default false,
  rollout_percentage integer not null default 0,
  target_user_ids uuid[] not null default '{}',
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint feature_flags_name_format check (flag_name ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint feature_flags_rollout_range check (rollout_percentage between 0 and 100)
);

create or replace function public.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger feature_flags_touch before update on public.feature_flags
  for each row execute function public.touch_updated_at();

-- The flags an app needs out of the box. Uploads and realtime progress are on for everyone;
-- LlamaParse needs an account and a webhook, so it starts off (turn it on per user or by %).
insert into public.feature_flags (flag_name, is_enabled, rollout_percentage, description) values
  ('supabase_v2_upload', true, 100, 'V2 upload pipeline (upload-handler); off answers 403 feature_disabled'),
  ('realtime_progress', true, 100, 'Server-side progress pushed over Supabase Realtime; off means clients poll progress-tracker'),
  ('llama_parse_integration', false, 0, 'Parse uploaded documents with LlamaParse before embedding')
on conflict (flag_name) do nothing;

-- Flags are configuration: only the service (and migrations) read or write the table.
-- Users ask is_feature_enabled() about themselves.
alter table public.feature_flags enable row level security;
revoke all on public.feature_flags from anon, authenticated;

create or replace function public.feature_bucket(p_flag_name text, p_user_id uuid) returns integer
language sql immutable parallel safe
set search_path = ''
as $$
  select (('x' || substr(md5(p_flag_name || ':' || p_user_id::text), 1, 8))::bit(32)::bigint % 100)::integer
$$;

create or replace function public.is_feature_enabled(p_flag_name text, p_user_id uuid) returns boolean
language sql stable
security definer
set search_path = ''
as $$
  select coalesce((
    select f.is_enabled
           and p_user_id is not null
           and (p_user_id = any (f.target_user_ids)
                or public.feature_bucket(f.flag_name, p_user_id) < f.rollout_percentage)
      from public.feature_flags f
     where f.flag_name = p_flag_name
  ), false)
$$;

comment on function public.is_feature_enabled(text, uuid) is
  'True when the flag exists, is enabled, and the user is targeted or within rollout_percentage (md5 bucketing).';

-- A signed-in user may only ask about themselves; the service about anyone.
create or replace function public.my_feature_enabled(p_flag_name text) returns boolean
language sql stable
security definer
set search_path = ''
as $$ select public.is_feature_enabled(p_flag_name, auth.uid()) $$;

revoke execute on function public.is_feature_enabled(text, uuid) from public, anon, authenticated;
grant execute on function public.is_feature_enabled(text, uuid) to service_role;
revoke execute on function public.my_feature_enabled(text) from public, anon;
grant execute on function public.my_feature_enabled(text) to authenticated, service_role;
