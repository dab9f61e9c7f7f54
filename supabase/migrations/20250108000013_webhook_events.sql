-- Every webhook processing-webhook accepted, keyed by its webhook id: the idempotency record
-- (a replayed id is answered 200 with no second effect) and an audit trail.
create table public.webhook_events (
  id uuid primary key default gen_random_uuid(),
  webhook_id text not null unique,
  source text not null,
  document_id uuid references public.documents (id) on delete set null,
  received_at timestamptz not null default now(),
  payload jsonb not null,
  outcome text not null default 'received',
  constraint webhook_events_source_known check (source in ('llamaparse', 'storage', 'embedding', 'internal')),
  constraint webhook_events_outcome_known check (outcome in ('received', 'applied', 'ignored', 'rejected', 'failed')),
  constraint webhook_events_webhook_id_length check (char_length(webhook_id) between 1 and 255)
);

create index webhook_events_document_idx on public.webhook_events (document_id, received_at desc);
create index webhook_events_received_idx on public.webhook_events (received_at);

-- Webhooks are the service's business only.
alter table public.webhook_events enable row level security;
revoke all on public.webhook_events from anon, authenticated;
