-- processing-webhook finds the document of a LlamaParse event by its job id.
create unique index if not exists documents_llama_parse_job_id_key
  on public.documents (llama_parse_job_id) where llama_parse_job_id is not null;
