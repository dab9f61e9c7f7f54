-- Document inspection facts (issue 20): what the client learned about a file before sending it
-- (kind, pages, words, text layer, encryption), sent with upload-handler's start POST (classic
-- `fileHash` and fingerprint starts alike) and kept with the document for processing and its ETA.
--
-- Where the facts live: a table of their own in schema `private`, one row per document, not new
-- columns of public.documents. public.documents keeps the seed's columns (late_hash kept its
-- fingerprints the same way, in private.document_fingerprints): the facts are optional (a client
-- that did not inspect sends none, and documents from before this migration have none), they are
-- written once at the start and never by the status machinery that updates documents, and a
-- table in `private` is not exposed by the Data API, so no API role can write facts directly.
-- The row goes with its document (on delete cascade).
--
-- Rules:
--   * The facts are written once, by the start that created the document or, for a document
--     started without facts, by the first start that brings them (a duplicate answer or an
--     idempotent repeat of the same file). A later start never overwrites them: the same content
--     (the same MD5, or the same idempotency key for the same file) has the same facts, and the
--     first answer is the one processing may already have used. (insert … on conflict do nothing)
--   * kind agrees with the document's content type (pdf = application/pdf, docx = the Word type,
--     txt = text/plain); upload-handler checks it first (422 validation_failed), the function
--     checks it again.
--   * pageCount ≤ 100000, wordCount ≤ 50000000, both ≥ 0 or unknown (NULL).
--   * An encrypted document is refused by upload-handler (422 document_encrypted) before anything
--     is written; the column is kept so that the facts are complete if another writer (a
--     processor, a later policy) records one.

create schema if not exists private;

create table private.document_inspections (
  document_id uuid primary key references public.documents (id) on delete cascade,
  kind text not null,
  page_count integer,
  word_count integer,
  text_layer text not null,
  encrypted boolean not null,
  inspected_at timestamptz not null default now(),
  constraint document_inspections_kind check (kind in ('pdf', 'docx', 'txt')),
  constraint document_inspections_page_count check (page_count between 0 and 100000),
  constraint document_inspections_word_count check (word_count between 0 and 50000000),
  constraint document_inspections_text_layer check (text_layer in ('text', 'image-only', 'mixed', 'none'))
);

comment on table private.document_inspections is
  'What the client''s inspection learned about a document before upload (issue 20): written once by upload-handler''s start POST, read with the document.';

-- No API role reads or writes it directly (grants below); RLS on, no policies.
alter table private.document_inspections enable row level security;

-- The content type each kind must have (the same mapping as upload-handler's TYPES_BY_EXTENSION).
create or replace function public.inspection_kind_type(p_kind text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select case p_kind
    when 'pdf' then 'application/pdf'
    when 'docx' then 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
    when 'txt' then 'text/plain'
  end
$$;

-- Record the facts of one of the caller's documents, unless it already has facts (they are never
-- overwritten). Security definer because the table is not the API roles' to write: it writes only
-- for a document of auth.uid() (another user's, or an unknown id, is refused the same way), after
-- checking kind against the document's content type; the table's CHECKs do the rest.
-- Returns true when the facts were stored now, false when the document already had facts.
create or replace function public.record_document_inspection(
  p_document_id uuid,
  p_kind text,
  p_page_count integer,
  p_word_count integer,
  p_text_layer text,
  p_encrypted boolean
) returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  doc_type text;
  stored integer;
begin
  if uid is null then
    raise exception 'not signed in' using errcode = 'insufficient_privilege';
  end if;
  select d.content_type into doc_type from public.documents d where d.id = p_document_id and d.user_id = uid;
  if not found then
    raise exception 'no document % of yours', p_document_id using errcode = 'no_data_found';
  end if;
  if public.inspection_kind_type(p_kind) is distinct from doc_type then
    raise exception 'inspection kind % does not match the document''s type %', p_kind, doc_type
      using errcode = 'invalid_parameter_value', constraint = 'inspection_kind_mismatch';
  end if;
  insert into private.document_inspections (document_id, kind, page_count, word_count, text_layer, encrypted)
  values (p_document_id, p_kind, p_page_count, p_word_count, p_text_layer, p_encrypted)
  on conflict (document_id) do nothing;
  get diagnostics stored = row_count;
  return stored = 1;
end
$$;

comment on function public.record_document_inspection(uuid, text, integer, integer, text, boolean) is
  'Issue 20: store the inspection facts of one of the caller''s documents once (never overwritten); true if stored now. Authenticated only, as the user.';

-- The facts of the given documents that the caller may see: its own (auth.uid()), or any when
-- called as the service. Security definer for the same reason; one call for a whole list.
create or replace function public.document_inspections_of(p_document_ids uuid[])
returns table (document_id uuid, kind text, page_count integer, word_count integer, text_layer text,
               encrypted boolean, inspected_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select i.document_id, i.kind, i.page_count, i.word_count, i.text_layer, i.encrypted, i.inspected_at
    from private.document_inspections i
    join public.documents d on d.id = i.document_id
   where i.document_id = any (p_document_ids)
     and (d.user_id = auth.uid() or auth.role() = 'service_role')
$$;

comment on function public.document_inspections_of(uuid[]) is
  'Issue 20: the inspection facts of these documents, the caller''s own only (any for the service).';

-- Privileges, the way late_hash_grants sets them: take everything away, grant what is used.
--   authenticated  upload-handler POST (runs as the user) calls record_document_inspection;
--                  upload-handler GET and the POST answers call document_inspections_of.
--   service_role   document_inspections_of (late-hash delivery answers as the service); direct
--                  SELECT on the table for processing.
--   anon           nothing.
revoke all on table private.document_inspections from public, anon, authenticated, service_role;
grant select on private.document_inspections to service_role;

revoke execute on function
  public.inspection_kind_type(text),
  public.record_document_inspection(uuid, text, integer, integer, text, boolean),
  public.document_inspections_of(uuid[])
  from public, anon, authenticated, service_role;
grant execute on function public.record_document_inspection(uuid, text, integer, integer, text, boolean) to authenticated;
grant execute on function public.document_inspections_of(uuid[]) to authenticated, service_role;
