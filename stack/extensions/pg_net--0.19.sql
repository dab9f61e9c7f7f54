-- pg_net's SQL surface as the local stack needs it. Like pg_net: a request is a row in
-- net.http_request_queue, sent by a background worker only after the calling transaction
-- commits (a rolled-back transaction sends nothing), once, with a timeout and no retries; the
-- outcome is a row in net._http_response with the request's id.
create schema if not exists net;

create unlogged table net.http_request_queue (
  id bigserial primary key,
  method text not null check (method in ('GET', 'POST', 'DELETE')),
  url text not null,
  headers jsonb not null default '{}',
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index _http_response_created_idx on net._http_response (created);

create function net._encode_url_with_params(url text, params jsonb) returns text
language sql immutable
as $$
  select case when params is null or params = '{}'::jsonb then url
    else url || case when strpos(url, '?') > 0 then '&' else '?' end ||
      (select string_agg(key || '=' || value, '&') from jsonb_each_text(params))
  end
$$;

create function net._enqueue(method text, url text, headers jsonb, body bytea, timeout_milliseconds integer)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  request_id bigint;
begin
  if url is null or url !~* '^https?://' then
    raise exception 'pg_net: url must be an http(s) URL, not %', coalesce(url, 'NULL') using errcode = '22023';
  end if;
  if headers is not null and jsonb_typeof(headers) <> 'object' then
    raise exception 'pg_net: headers must be a JSON object' using errcode = '22023';
  end if;
  if timeout_milliseconds is null or timeout_milliseconds < 1 then
    raise exception 'pg_net: timeout_milliseconds must be positive' using errcode = '22023';
  end if;
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (method, url, coalesce(headers, '{}'), body, timeout_milliseconds)
  returning id into request_id;
  -- Delivered on commit only, like the queue row itself: wakes the sender.
  perform pg_notify('pg_net_request', request_id::text);
  return request_id;
end
$$;

create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql volatile
as $$
  select net._enqueue('POST', net._encode_url_with_params(url, params), headers,
                      convert_to(coalesce(body, 'null'::jsonb)::text, 'UTF8'), timeout_milliseconds)
$$;

create function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql volatile
as $$
  select net._enqueue('GET', net._encode_url_with_params(url, params), headers, null, timeout_milliseconds)
$$;

revoke all on all functions in schema net from public;
revoke all on schema net from public;
