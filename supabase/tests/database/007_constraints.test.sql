-- The documents table refuses what no client may store, whoever inserts it.
begin;
\ir ../helpers.psql
select plan(14);

select tests.create_supabase_user('c') as cid \gset

create function tests.insert_doc(p_filename text, p_type text, p_size bigint, p_hash text) returns void
language sql as $$
  insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (tests.get_supabase_uid('c'), p_filename, p_type, p_size, p_hash,
          tests.get_supabase_uid('c')::text || '/' || gen_random_uuid() || '/' || coalesce(p_filename, 'x'))
$$;

select lives_ok($$select tests.insert_doc('ok.pdf', 'application/pdf', 52428800, md5('max'))$$, 'exactly 50 MiB is accepted');
select throws_ok($$select tests.insert_doc('big.pdf', 'application/pdf', 52428801, md5('big'))$$, '23514', null, 'one byte over 50 MiB is refused');
select throws_ok($$select tests.insert_doc('zero.pdf', 'application/pdf', 0, md5('zero'))$$, '23514', null, 'zero bytes is refused');
select throws_ok($$select tests.insert_doc('neg.pdf', 'application/pdf', -5, md5('neg'))$$, '23514', null, 'a negative size is refused');
select throws_ok($$select tests.insert_doc('x.exe', 'application/x-msdownload', 10, md5('exe'))$$, '23514', null, 'an unknown type is refused');
select throws_ok($$select tests.insert_doc('x.doc', 'application/msword', 10, md5('doc'))$$, '23514', null, 'legacy .doc is not one of the accepted types');
select lives_ok($$select tests.insert_doc('x.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 10, md5('docx'))$$, 'DOCX is accepted');
select lives_ok($$select tests.insert_doc('x.txt', 'text/plain', 10, md5('txt'))$$, 'TXT is accepted');
select throws_ok($$select tests.insert_doc('h.pdf', 'application/pdf', 10, 'not-a-hash')$$, '23514', null, 'a malformed hash is refused');
select throws_ok($$select tests.insert_doc('h.pdf', 'application/pdf', 10, upper(md5('upper')))$$, '23514', null, 'hashes are lower-case hex');
select throws_ok($$select tests.insert_doc('h.pdf', 'application/pdf', 10, md5('short') || 'a')$$, '23514', null, 'a 33-character hash is refused');
select throws_ok($$select tests.insert_doc('a' || chr(10) || 'b.pdf', 'application/pdf', 10, md5('ctl'))$$, '23514', null, 'control characters in names are refused');
select throws_ok($$select tests.insert_doc(repeat('é', 130) || '.pdf', 'application/pdf', 10, md5('long'))$$, '23514', null, 'names over 255 bytes are refused');
select throws_ok(format($$insert into public.documents (user_id, filename, content_type, file_size, file_hash, storage_path)
  values (%L, 'p.pdf', 'application/pdf', 10, md5('path'), 'someone-else/p.pdf')$$, :'cid'),
  '23514', null, 'a document is stored under its owner''s folder');

select * from finish();
rollback;
