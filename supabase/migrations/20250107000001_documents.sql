-- V2 documents: one row per uploaded file, from the first request to "completed".
--
-- The lifecycle is a state machine kept by a trigger: only the transitions listed in
-- public.document_status_transitions are accepted, and signed-in users (role
-- `authenticated`) may only make the few that a client can honestly claim (start
-- uploading, cancel, retry). Everything that needs proof from Storage or a processor
-- (uploaded, parsing, embedding, completed, failed) is done by the service role, i.e. the
-- Edge Functions acting on a verified webhook.

create type public.document_status as enum (
  'pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding',
  'completed', 'failed', 'cancelled'
);

-- 50 MiB: the seed's `maxFileSize: 52428800`, also the hosted Free plan's upload cap.
create or replace function public.max_document_size() returns bigint
language sql immutable parallel safe
as $$ select 52428800::bigint $$;

create table public.documents (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  filename text not null,
  content_type text not null,
  file_size bigint not null,
  file_hash text not null,
  storage_bucket text not null default 'documents',
  storage_path text not null,
  status public.document_status not null default 'pending',
  upload_progress numeric(5, 2) not null default 0,
  bytes_uploaded bigint not null default 0,
  processing_progress numeric(5, 2) not null default 0,
  processing_stage text,
  chunks_total integer,
  chunks_uploaded integer not null default 0,
  llama_parse_job_id text,
  error_code text,
  error_message text,
  retry_count integer not null default 0,
  last_progress_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),

  constraint documents_file_size_range check (file_size > 0 and file_size <= public.max_document_size()),
  constraint documents_content_type_known check (content_type in (
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'text/plain'
  )),
  constraint documents_file_hash_md5 check (file_hash ~ '^[0-9a-f]{32}$'),
  -- Names are validated and normalised by upload-handler; the database keeps the hard limits:
  -- no path separators, no control characters, at most 255 bytes, not "." or "..".
  constraint documents_filename_safe check (
    octet_length(filename) between 1 and 255
    and filename !~ '[/\\[:cntrl:]]'
    and filename not in ('.', '..')
  ),
  constraint documents_storage_path_owned check (storage_path like user_id::text || '/%'),
  constraint documents_upload_progress_range check (upload_progress between 0 and 100),
  constraint documents_processing_progress_range check (processing_progress between 0 and 100),
  constraint documents_bytes_uploaded_range check (bytes_uploaded between 0 and file_size),
  constraint documents_chunks_range check (
    chunks_uploaded >= 0 and (chunks_total is null or (chunks_total > 0 and chunks_uploaded <= chunks_total))
  ),
  constraint documents_retry_count_range check (retry_count >= 0),
  constraint documents_storage_path_unique unique (storage_bucket, storage_path)
);

comment on table public.documents is 'V2 upload pipeline: one row per uploaded document.';

-- Duplicate detection: one live document per (user, content hash). Failed and cancelled
-- rows do not count, so a file that failed can be uploaded again. A unique index (not a
-- check-then-insert) is what makes detection safe under concurrent requests.
create unique index documents_user_hash_live_key on public.documents (user_id, file_hash)
  where status not in ('failed', 'cancelled');

create index documents_user_created_idx on public.documents (user_id, created_at desc);
create index documents_active_progress_idx on public.documents (last_progress_at)
  where status in ('pending', 'uploading', 'uploaded', 'processing', 'parsing', 'embedding');

-- The allowed transitions, as data so that tests and clients can read them.
create table public.document_status_transitions (
  from_status public.document_status not null,
  to_status public.document_status not null,
  -- true when a signed-in user (not only the service) may make this transition.
  user_allowed boolean not null default false,
  primary key (from_status, to_status)
);

insert into public.document_status_transitions (from_status, to_status, user_allowed) values
  -- the client starts sending bytes, or gives up
  ('pending',    'uploading',  true),
  ('pending',    'cancelled',  true),
  ('uploading',  'cancelled',  true),
  -- an expired upload URL: the client re-initialises and starts over
  ('uploading',  'pending',    true),
  -- a retry after a failure starts again from the beginning
  ('failed',     'pending',    true),
  -- Storage confirmed the object (a single PUT may finish before any progress report)
  ('pending',    'uploaded',   false),
  ('uploading',  'uploaded',   false),
  -- the pipeline
  ('uploaded',   'processing', false),
  ('uploaded',   'parsing',    false),
  ('processing', 'parsing',    false),
  ('processing', 'embedding',  false),
  ('processing', 'completed',  false),
  ('parsing',    'embedding',  false),
  ('parsing',    'completed',  false),
  ('embedding',  'completed',  false),
  -- reset for a retry of processing (progress-tracker DELETE): the bytes are stored
  ('processing', 'uploaded',   false),
  ('parsing',    'uploaded',   false),
  ('embedding',  'uploaded',   false),
  ('failed',     'uploaded',   false),
  -- anything in flight can fail
  ('pending',    'failed',     false),
  ('uploading',  'failed',     false),
  ('uploaded',   'failed',     false),
  ('processing', 'failed',     false),
  ('parsing',    'failed',     false),
  ('embedding',  'failed',     false);

alter table public.document_status_transitions enable row level security;
create policy "anyone signed in can read the transition table"
  on public.document_status_transitions for select to authenticated using (true);
revoke insert, update, delete, truncate on public.document_status_transitions from anon, authenticated;

create or replace function public.documents_before_write() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  allowed record;
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' and current_user = 'authenticated' then
      raise exception 'a new document starts as pending, not %', new.status
        using errcode = 'check_violation', hint = 'insert with status pending';
    end if;
    new.created_at := coalesce(new.created_at, now());
    new.updated_at := now();
    return new;
  end if;

  if new.id <> old.id or new.user_id <> old.user_id or new.file_hash <> old.file_hash
     or new.file_size <> old.file_size or new.storage_path <> old.storage_path
     or new.storage_bucket <> old.storage_bucket or new.created_at <> old.created_at then
    raise exception 'id, owner, hash, size, storage location and creation time of a document never change'
      using errcode = 'check_violation';
  end if;

  if new.status is distinct from old.status then
    select t.user_allowed into allowed
      from public.document_status_transitions t
     where t.from_status = old.status and t.to_status = new.status;
    if not found then
      raise exception 'document % cannot go from % to %', old.id, old.status, new.status
        using errcode = 'check_violation', hint = 'see public.document_status_transitions';
    end if;
    if current_user = 'authenticated' and not allowed.user_allowed then
      raise exception 'only the service may move a document from % to %', old.status, new.status
        using errcode = 'insufficient_privilege';
    end if;
  end if;

  new.updated_at := now();
  return new;
end
$$;

create trigger documents_before_write
  before insert or update on public.documents
  for each row execute function public.documents_before_write();

-- Row level security: a user sees and changes only their own documents; anon nothing.
alter table public.documents enable row level security;

create policy "users read their own documents"
  on public.documents for select to authenticated
  using (user_id = (select auth.uid()));

create policy "users create their own documents"
  on public.documents for insert to authenticated
  with check (user_id = (select auth.uid()) and storage_path like (select auth.uid())::text || '/%');

create policy "users update their own documents"
  on public.documents for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- Users never delete rows (the history feeds the stats views); the service may.
revoke all on public.documents from anon;
revoke delete, truncate on public.documents from authenticated;
-- Only progress and client-side state are writable by users; the rest is the service's.
revoke update on public.documents from authenticated;
grant update (status, upload_progress, bytes_uploaded, chunks_total, chunks_uploaded,
              processing_progress, processing_stage, last_progress_at, error_code, error_message,
              retry_count)
  on public.documents to authenticated;

-- The object name a file gets in Storage. Supabase Storage accepts only a narrow ASCII set in
-- object keys (non-ASCII names are refused as "Invalid key"), so the stored name is an ASCII
-- rendering of the file name: accents dropped, anything else outside [A-Za-z0-9._-] replaced by
-- "_", at most 120 characters. The real name stays in documents.filename.
create or replace function public.storage_safe_name(p_filename text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(nullif(left(regexp_replace(regexp_replace(normalize(p_filename, NFKD), '[\u0300-\u036f]', '', 'g'),
                                             '[^A-Za-z0-9._-]+', '_', 'g'), 120), ''), 'file')
$$;

-- Create a document, or find the live one with the same content (deduplication).
-- Runs as the caller (security invoker), so RLS applies. Race-safe: a concurrent insert of
-- the same (user, hash) waits on the unique index, does nothing, and then reads the winner.
create or replace function public.create_document(
  p_filename text,
  p_content_type text,
  p_file_size bigint,
  p_file_hash text,
  p_chunks_total integer default null
) returns table (document_id uuid, duplicate boolean)
language plpgsql
security invoker
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  new_id uuid := gen_random_uuid();
begin
  if uid is null then
    raise exception 'not signed in' using errcode = 'insufficient_privilege';
  end if;

  begin
    insert into public.documents (id, user_id, filename, content_type, file_size, file_hash,
                                  storage_path, chunks_total, last_progress_at)
    values (new_id, uid, p_filename, p_content_type, p_file_size, p_file_hash,
            uid::text || '/' || new_id::text || '/' || public.storage_safe_name(p_filename), p_chunks_total, now())
    on conflict (user_id, file_hash) where status not in ('failed', 'cancelled') do nothing;
  exception when foreign_key_violation then
    -- A still-valid token of a deleted user: the session is no good, not the request.
    raise exception 'the signed-in user no longer exists' using errcode = 'invalid_authorization_specification';
  end;

  if found then
    return query select new_id, false;
    return;
  end if;

  return query
    select d.id, true
      from public.documents d
     where d.user_id = uid and d.file_hash = p_file_hash
       and d.status not in ('failed', 'cancelled');
end
$$;

revoke execute on function public.create_document(text, text, bigint, text, integer) from public, anon;
grant execute on function public.create_document(text, text, bigint, text, integer) to authenticated;
