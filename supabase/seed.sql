-- Local demo data (`supabase db reset` and our local stack load it after the migrations).
-- Two demo users with the password "password123", and documents in several states so
-- every view and screen has something to show.
--
-- The users are written as GoTrue writes them, so real Supabase Auth can sign them in: GoTrue
-- finds users by instance_id = the nil UUID, scans the token columns into strings (NULL makes
-- the sign-in fail with "Database error querying schema"), and every email user has an
-- auth.identities row.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change,
                        email_change_token_current, phone_change, phone_change_token, reauthentication_token,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
values
  ('00000000-0000-0000-0000-000000000000', '11111111-1111-4111-8111-111111111111', 'authenticated', 'authenticated',
   'alice@example.com', extensions.crypt('password123', extensions.gen_salt('bf')), now(),
   '', '', '', '', '', '', '', '',
   '{"provider":"email","providers":["email"]}', '{"name":"Alice (demo)"}', now(), now(), false, false),
  ('00000000-0000-0000-0000-000000000000', '22222222-2222-4222-8222-222222222222', 'authenticated', 'authenticated',
   'bob@example.com', extensions.crypt('password123', extensions.gen_salt('bf')), now(),
   '', '', '', '', '', '', '', '',
   '{"provider":"email","providers":["email"]}', '{"name":"Bob (demo)"}', now(), now(), false, false)
on conflict (id) do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       'email', now(), now(), now()
  from auth.users u
 where u.id in ('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222')
on conflict (provider_id, provider) do nothing;

-- Alice has LlamaParse on, so the demo shows the parsing stage for her and not for Bob.
update public.feature_flags
   set target_user_ids = array['11111111-1111-4111-8111-111111111111']::uuid[]
 where flag_name = 'llama_parse_integration' and is_enabled = false and target_user_ids = '{}';
update public.feature_flags set is_enabled = true
 where flag_name = 'llama_parse_integration' and rollout_percentage = 0;

insert into public.documents (id, user_id, filename, content_type, file_size, file_hash, storage_path,
                              status, upload_progress, bytes_uploaded, processing_progress,
                              processing_stage, last_progress_at, created_at)
values
  ('aaaaaaaa-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'handbook.pdf',
   'application/pdf', 2480000, '0cc175b9c0f1b6a831c399e269772661',
   '11111111-1111-4111-8111-111111111111/aaaaaaaa-0000-4000-8000-000000000001/handbook.pdf',
   'pending', 0, 0, 0, null, now() - interval '2 days', now() - interval '2 days'),
  ('aaaaaaaa-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'notes.txt',
   'text/plain', 1200, '92eb5ffee6ae2fec3ad71c777531578f',
   '11111111-1111-4111-8111-111111111111/aaaaaaaa-0000-4000-8000-000000000002/notes.txt',
   'pending', 0, 0, 0, null, now() - interval '1 day', now() - interval '1 day'),
  ('bbbbbbbb-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222', 'contract.docx',
   'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 48213,
   '4a8a08f09d37b73795649038408b5f33',
   '22222222-2222-4222-8222-222222222222/bbbbbbbb-0000-4000-8000-000000000001/contract.docx',
   'pending', 0, 0, 0, null, now() - interval '3 hours', now() - interval '3 hours')
on conflict (id) do nothing;

-- Walk the demo documents through the pipeline the way the functions would (as the service).
update public.documents set status = 'uploaded', upload_progress = 100, bytes_uploaded = file_size
 where id in ('aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002',
              'bbbbbbbb-0000-4000-8000-000000000001') and status = 'pending';
update public.documents set status = 'parsing', processing_stage = 'parsing', processing_progress = 40
 where id = 'aaaaaaaa-0000-4000-8000-000000000001' and status = 'uploaded';
update public.documents set status = 'embedding', processing_stage = 'embedding', processing_progress = 80
 where id = 'aaaaaaaa-0000-4000-8000-000000000001' and status = 'parsing';
update public.documents set status = 'completed', processing_stage = 'completed', processing_progress = 100
 where id = 'aaaaaaaa-0000-4000-8000-000000000001' and status = 'embedding';
update public.documents set status = 'processing', processing_stage = 'processing', processing_progress = 10
 where id = 'aaaaaaaa-0000-4000-8000-000000000002' and status = 'uploaded';
update public.documents set status = 'failed', error_code = 'parse_failed',
       error_message = 'The document could not be parsed: it is password protected.'
 where id = 'bbbbbbbb-0000-4000-8000-000000000001' and status = 'uploaded';

insert into public.realtime_progress_updates (user_id, document_id, payload, created_at)
select '11111111-1111-4111-8111-111111111111', 'aaaaaaaa-0000-4000-8000-000000000001',
       '{"type":"complete","status":"completed","progress":100}', now() - interval '1 hour'
 where not exists (select 1 from public.realtime_progress_updates
                    where document_id = 'aaaaaaaa-0000-4000-8000-000000000001');
