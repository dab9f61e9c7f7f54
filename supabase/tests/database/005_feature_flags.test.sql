-- Feature flags: deterministic bucketing, rollout accuracy, targeting, disabled flags.
begin;
\ir ../helpers.psql
select plan(11);

insert into public.feature_flags (flag_name, is_enabled, rollout_percentage, target_user_ids)
values ('quarter', true, 25, array['00000000-0000-4000-8000-00000000beef']::uuid[]),
       ('disabled', false, 100, array['00000000-0000-4000-8000-00000000beef']::uuid[]),
       ('everyone', true, 100, '{}'),
       ('nobody', true, 0, '{}');

create temp table synthetic as
  select gen_random_uuid() as user_id from generate_series(1, 10000);

select is(
  (select count(*)::integer from synthetic
    where public.is_feature_enabled('quarter', user_id) is distinct from public.is_feature_enabled('quarter', user_id)),
  0, 'the same user and flag always get the same answer');
select is(public.feature_bucket('quarter', '00000000-0000-4000-8000-000000000001'),
  (('x' || substr(md5('quarter:00000000-0000-4000-8000-000000000001'), 1, 8))::bit(32)::bigint % 100)::integer,
  'the bucket is the documented md5 formula (reproducible in any language)');
select ok(
  (select count(*) filter (where public.is_feature_enabled('quarter', user_id))::numeric / count(*) * 100
     from synthetic) between 23 and 27,
  '10,000 synthetic users at 25% rollout land within 25 ± 2%');
select ok(
  (select count(*) filter (where public.is_feature_enabled('quarter', user_id)) = count(*) filter (where public.feature_bucket('quarter', user_id) < 25)
     from synthetic),
  'exactly the users whose bucket is below the rollout are in');
select ok(
  (select count(distinct public.feature_bucket('quarter', user_id) - public.feature_bucket('other', user_id)) from synthetic) > 50,
  'buckets differ between flags (a user is not always first in every rollout)');
select is(public.is_feature_enabled('quarter', '00000000-0000-4000-8000-00000000beef'), true,
  'a targeted user is always on, whatever the bucket');
select is(
  (select count(*)::integer from synthetic where public.is_feature_enabled('disabled', user_id))
  + public.is_feature_enabled('disabled', '00000000-0000-4000-8000-00000000beef')::integer,
  0, 'a disabled flag is off for everyone, targeted users included');
select is((select count(*)::integer from synthetic where public.is_feature_enabled('everyone', user_id)), 10000,
  '100% means everyone');
select is((select count(*)::integer from synthetic where public.is_feature_enabled('nobody', user_id)), 0,
  '0% means nobody (unless targeted)');
select is(public.is_feature_enabled('no_such_flag', gen_random_uuid()), false, 'an unknown flag is off');
select throws_ok($$update public.feature_flags set rollout_percentage = 101 where flag_name = 'quarter'$$,
  '23514', null, 'rollout_percentage stays within 0–100');

select * from finish();
rollback;
