import type { Migration } from '#libs/postgres';

/**
 * Registrations are configuration, not ledger facts: a table of their own (see the architecture
 * notes). Deliveries are the durable outbox the worker fills from the log, one row per
 * (webhook, event), in the transaction that moves its checkpoint.
 */
export const webhookMigrations: Migration[] = [
  {
    id: '0500_webhooks',
    sql: `
create table webhooks (
  id text primary key,
  url text not null,
  events text[] not null,
  -- The signing secret (whsec_…), kept so deliveries can be signed; cleared when the webhook is deleted.
  secret text,
  active boolean not null default true,
  created_at timestamptz not null,
  deleted_at timestamptz,
  -- Events at or before this log position are not delivered: those happened before it existed.
  from_position bigint not null
);

create table webhook_deliveries (
  id text primary key,
  webhook_id text not null references webhooks (id),
  event_id text not null,
  event_type text not null,
  stream text not null,
  position bigint not null,
  customer_id text,
  -- The exact body sent (and signed) on every attempt; cleared once delivered.
  payload text,
  status text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts int not null default 0,
  -- Attempts and start of the current series (retryWebhookDelivery starts a new one).
  series_attempts int not null default 0,
  series_started_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code int,
  last_error text,
  next_attempt_at timestamptz not null,
  -- A sender is trying it until then (no other process takes it meanwhile).
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  unique (webhook_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (webhook_id, next_attempt_at, position) where status = 'PENDING';
create index webhook_deliveries_leased on webhook_deliveries (webhook_id) where status = 'PENDING' and lease_until is not null;
-- Log order per stream and webhook: a delivery waits while an earlier one of its stream is pending.
create index webhook_deliveries_stream_pending on webhook_deliveries (webhook_id, stream, position) where status = 'PENDING';
create index webhook_deliveries_by_webhook on webhook_deliveries (webhook_id, position desc, id);
`,
  },
];
