-- Inspection facts (issue 20, migration document_inspections): the table, its limits, facts
-- written once by the owner through record_document_inspection, read through
-- document_inspections_of (own documents only; any for the service), cascade on delete, and the
-- API roles' privileges.
begin;
\ir ../helpers.psql
select plan(43);

select tests.create_supabase_user('inspector') as inspector_id \gset
select tests.create_supabase_user('nosy') as nosy_id \gset
select tests.make_document('inspector') as pdf_doc \gset
select tests.make_document('inspector') as bare_doc \gset
select tests.make_document('nosy') as nosy_doc \gset

-- Schema ------------------------------------------------------------------------------------
select has_table('private', 'document_inspections', 'private.document_inspections exists (not exposed by the Data API)');
select columns_are('private', 'document_inspections',
  array['document_id', 'kind', 'page_count', 'word_count', 'text_layer', 'encrypted', 'inspected_at'],
  'the facts and when they were recorded');
select col_is_pk('private', 'document_inspections', 'document_id', 'one set of facts per document');
select col_type_is('private', 'document_inspections', 'page_count', 'integer', 'page_count is an integer');
select col_type_is('private', 'document_inspections', 'word_count', 'integer', 'word_count is an integer');
select col_is_null('private', 'document_inspections', 'page_count', 'page_count may be unknown');
select col_is_null('private', 'document_inspections', 'word_count', 'word_count may be unknown');
select col_not_null('private', 'document_inspections', 'kind', 'kind is required');
select col_not_null('private', 'document_inspections', 'encrypted', 'encrypted is required');
select fk_ok('private', 'document_inspections', 'document_id', 'public', 'documents', 'id', 'facts belong to a document');
select is((select confdeltype::text from pg_constraint
            where conrelid = 'private.document_inspections'::regclass and contype = 'f'), 'c',
  'and go with it (on delete cascade)');
select tests.rls_enabled('private');
select columns_are('public', 'documents',
  array['id', 'user_id', 'filename', 'content_type', 'file_size', 'file_hash', 'storage_bucket', 'storage_path', 'status',
        'upload_progress', 'bytes_uploaded', 'processing_progress', 'processing_stage', 'chunks_total', 'chunks_uploaded',
        'llama_parse_job_id', 'error_code', 'error_message', 'retry_count', 'last_progress_at', 'created_at', 'updated_at'],
  'public.documents keeps the seed''s columns');

-- Limits (as the owner: the table's own CHECKs) --------------------------------------------------
select throws_ok(format($$insert into private.document_inspections (document_id, kind, text_layer, encrypted) values (%L, 'rtf', 'text', false)$$, :'bare_doc'),
  '23514', null, 'an unknown kind is refused');
select throws_ok(format($$insert into private.document_inspections (document_id, kind, page_count, text_layer, encrypted) values (%L, 'pdf', -1, 'text', false)$$, :'bare_doc'),
  '23514', null, 'a negative page count is refused');
select throws_ok(format($$insert into private.document_inspections (document_id, kind, page_count, text_layer, encrypted) values (%L, 'pdf', 100001, 'text', false)$$, :'bare_doc'),
  '23514', null, 'more than 100000 pages is refused');
select throws_ok(format($$insert into private.document_inspections (document_id, kind, word_count, text_layer, encrypted) values (%L, 'pdf', 50000001, 'text', false)$$, :'bare_doc'),
  '23514', null, 'more than 50000000 words is refused');
select throws_ok(format($$insert into private.document_inspections (document_id, kind, text_layer, encrypted) values (%L, 'pdf', 'ocr', false)$$, :'bare_doc'),
  '23514', null, 'an unknown text layer is refused');

-- record_document_inspection as the owner --------------------------------------------------------
select tests.authenticate_as('inspector');
select is(public.record_document_inspection(:'pdf_doc', 'pdf', 12, null, 'text', false), true, 'the owner records the facts');
select is(public.record_document_inspection(:'pdf_doc', 'pdf', 99, 5, 'image-only', false), false, 'a second record stores nothing');
select results_eq(format($$select kind, page_count, word_count, text_layer, encrypted from public.document_inspections_of(array[%L]::uuid[])$$, :'pdf_doc'),
  $$values ('pdf'::text, 12, null::integer, 'text'::text, false)$$, 'the first facts stay (never overwritten)');
select throws_ok(format($$select public.record_document_inspection(%L, 'docx', 1, 1, 'text', false)$$, :'bare_doc'),
  '22023', 'inspection kind docx does not match the document''s type application/pdf', 'a kind that does not match the type is refused');
select throws_ok(format($$select public.record_document_inspection(%L, 'pdf', -5, null, 'text', false)$$, :'bare_doc'),
  '23514', null, 'a bad value is refused by the table''s CHECK');
select throws_ok(format($$select public.record_document_inspection(%L, 'pdf', 1, null, 'text', false)$$, :'nosy_doc'),
  'P0002', null, 'another user''s document: refused');
select throws_ok(format($$select public.record_document_inspection(%L, 'pdf', 1, null, 'text', false)$$, gen_random_uuid()),
  'P0002', null, 'an unknown document: refused the same way');
select throws_ok($$select count(*) from private.document_inspections$$, '42501', null, 'users cannot read the table directly');
select throws_ok(format($$insert into private.document_inspections (document_id, kind, text_layer, encrypted) values (%L, 'pdf', 'text', false)$$, :'bare_doc'),
  '42501', null, 'users cannot write facts directly');
select is((select count(*)::integer from public.document_inspections_of(array[:'pdf_doc', :'bare_doc']::uuid[])), 1,
  'document_inspections_of: the documents that have facts');
select tests.clear_authentication();

select tests.authenticate_as('nosy');
select is((select count(*)::integer from public.document_inspections_of(array[:'pdf_doc']::uuid[])), 0,
  'another user sees no facts of the inspector''s document');
select tests.clear_authentication();

select throws_ok(format($$select public.record_document_inspection(%L, 'pdf', 1, null, 'text', false)$$, :'bare_doc'),
  '42501', null, 'anon cannot record facts');

select tests.authenticate_as_service_role();
select is((select page_count from public.document_inspections_of(array[:'pdf_doc']::uuid[])), 12, 'the service reads any document''s facts');
select is((select page_count from private.document_inspections where document_id = :'pdf_doc'), 12, 'and the table, for processing');
select throws_ok(format($$update private.document_inspections set page_count = 1 where document_id = %L$$, :'pdf_doc'),
  '42501', null, 'the service does not change facts');
reset role;

-- Cascade ----------------------------------------------------------------------------------------
delete from public.documents where id = :'pdf_doc';
select is((select count(*)::integer from private.document_inspections where document_id = :'pdf_doc'), 0,
  'deleting the document deletes its facts');

-- Privileges -------------------------------------------------------------------------------------
select table_privs_are('private', 'document_inspections', 'anon', array[]::text[], 'anon: nothing on inspections');
select table_privs_are('private', 'document_inspections', 'authenticated', array[]::text[],
  'authenticated: nothing on inspections (only through the functions)');
select table_privs_are('private', 'document_inspections', 'service_role', array['SELECT'], 'service_role: reads inspections');
select function_privs_are('public', 'record_document_inspection', array['uuid', 'text', 'integer', 'integer', 'text', 'boolean'], r,
  case when r = 'authenticated' then array['EXECUTE'] else array[]::text[] end, format('record_document_inspection: %s', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;
select function_privs_are('public', 'document_inspections_of', array['uuid[]'], r,
  case when r = 'anon' then array[]::text[] else array['EXECUTE'] end, format('document_inspections_of: %s', r))
  from unnest(array['anon', 'authenticated', 'service_role']) r;

select * from finish();
rollback;
