-- The seed's demo users are rows real Supabase Auth (GoTrue) can sign in: found by the nil
-- instance_id, token columns that scan as strings, one email identity each.
begin;
\ir ../helpers.psql
select plan(4);

select is((select count(*)::integer from auth.users where email in ('alice@example.com', 'bob@example.com')
            and instance_id = '00000000-0000-0000-0000-000000000000'), 2,
  'demo users belong to the nil instance GoTrue looks users up in');
select is((select count(*)::integer from auth.users where email in ('alice@example.com', 'bob@example.com')
            and (confirmation_token is null or recovery_token is null or email_change_token_new is null
                 or email_change is null or email_change_token_current is null or phone_change is null
                 or phone_change_token is null or reauthentication_token is null)), 0,
  'no token column is NULL (GoTrue scans them into strings)');
select is((select count(*)::integer from auth.identities i join auth.users u on u.id = i.user_id
            where u.email in ('alice@example.com', 'bob@example.com') and i.provider = 'email'
              and i.provider_id = u.id::text and i.identity_data ->> 'email' = u.email), 2,
  'each demo user has an email identity');
select is((select count(*)::integer from auth.users where email in ('alice@example.com', 'bob@example.com')
            and encrypted_password = extensions.crypt('password123', encrypted_password)
            and email_confirmed_at is not null and created_at is not null and updated_at is not null), 2,
  'the demo password is a bcrypt hash, email confirmed, timestamps set');

select * from finish();
rollback;
