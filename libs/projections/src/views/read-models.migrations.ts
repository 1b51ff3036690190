import type { Migration } from '#libs/postgres';

// The read models' first migrations, from before each view had a folder: they create and change
// the tables of several views at once (rm_customers, rm_promises, rm_errors, rm_cost_policies,
// rm_timeline), so they stay here, unchanged; a view's later migrations live in its folder.
export const readModelsMigrations: readonly Migration[] = [
  {
    id: '0100_read_models',
    sql: `
create table projection_checkpoints (
  name text primary key,
  position bigint not null default 0,
  updated_at timestamptz not null default now()
);

create table rm_customers (
  id text primary key,
  name text,
  kind text not null,
  region text,
  email text,
  registered_at timestamptz not null,
  version int not null
);
create index rm_customers_order on rm_customers (registered_at, id);
create index rm_customers_kind on rm_customers (kind, registered_at, id);

create table rm_promises (
  id text primary key,
  customer_id text not null,
  customer_kind text not null,
  kind text not null,
  touch_point text not null,
  description text not null,
  made_at timestamptz not null,
  due_by timestamptz not null,
  original_due_by timestamptz not null,
  amendments int not null,
  status text not null,
  kept_at timestamptz,
  broken_at timestamptz,
  broken_reason text,
  fulfilled_at timestamptz,
  released_at timestamptz,
  at_risk_for timestamptz,
  version int not null
);
create index rm_promises_customer on rm_promises (customer_id, due_by, id);
create index rm_promises_due on rm_promises (due_by, id);
create index rm_promises_status on rm_promises (status, due_by, id);
create index rm_promises_kind on rm_promises (kind, due_by, id);
create index rm_promises_customer_kind on rm_promises (customer_kind, status);
create index rm_promises_open_due on rm_promises (due_by) where status = 'OPEN';

create table rm_promise_versions (
  id text not null,
  customer_id text not null,
  customer_kind text not null,
  status text not null,
  kept_at timestamptz,
  broken_at timestamptz,
  valid_from timestamptz not null,
  valid_to timestamptz
);
create index rm_promise_versions_customer on rm_promise_versions (customer_id, valid_from);
create index rm_promise_versions_kind on rm_promise_versions (customer_kind, valid_from);
create index rm_promise_versions_open on rm_promise_versions (id) where valid_to is null;

create table rm_errors (
  id text primary key,
  customer_id text not null,
  customer_kind text not null,
  type text not null,
  status text not null,
  occurred_at timestamptz not null,
  reference text,
  description text,
  cost_minor bigint,
  currency text,
  version int not null
);
create index rm_errors_customer on rm_errors (customer_id, occurred_at, id);
create index rm_errors_occurred on rm_errors (occurred_at) where status <> 'VOIDED';
create index rm_errors_kind on rm_errors (customer_kind, occurred_at) where status <> 'VOIDED';

create table rm_error_versions (
  id text not null,
  customer_id text not null,
  customer_kind text not null,
  type text not null,
  status text not null,
  occurred_at timestamptz not null,
  cost_minor bigint,
  currency text,
  valid_from timestamptz not null,
  valid_to timestamptz
);
create index rm_error_versions_customer on rm_error_versions (customer_id, valid_from);
create index rm_error_versions_occurred on rm_error_versions (occurred_at, valid_from);
create index rm_error_versions_open on rm_error_versions (id) where valid_to is null;

create table rm_cost_policies (
  position bigint primary key,
  customer_kind text not null,
  error_type text not null,
  amount_minor bigint not null,
  currency text not null,
  effective_from timestamptz not null,
  recorded_at timestamptz not null
);

create table rm_timeline (
  position bigint primary key,
  customer_id text not null,
  type text not null,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  summary text not null,
  data jsonb not null
);
create index rm_timeline_customer on rm_timeline (customer_id, position);
`,
  },
  {
    // Time travel from recorded-time columns instead of version rows: a promise leaves OPEN at
    // most once and an error is voided at most once, so "as recorded up to T" needs only when each
    // row was created and when its one ledger-relevant change was recorded (docs/architecture.md,
    // "Read models and time travel"). Existing rows take those times from their version rows.
    id: '0101_read_models_recorded_times',
    sql: `
alter table rm_promises
  add column made_recorded_at timestamptz not null default now(),
  add column settled_recorded_at timestamptz;
update rm_promises p set made_recorded_at = v.made, settled_recorded_at = v.settled
  from (select id, min(valid_from) as made, min(valid_from) filter (where status <> 'OPEN') as settled
          from rm_promise_versions group by id) v
 where v.id = p.id;

alter table rm_errors
  add column recorded_at timestamptz not null default now(),
  add column voided_recorded_at timestamptz;
update rm_errors e set recorded_at = v.recorded, voided_recorded_at = v.voided
  from (select id, min(valid_from) as recorded, min(valid_from) filter (where status = 'VOIDED') as voided
          from rm_error_versions group by id) v
 where v.id = e.id;

drop table rm_promise_versions;
drop table rm_error_versions;

-- The brand ledger reads every promise (of a kind): an index-only scan of this is a fraction of the table.
drop index rm_promises_customer_kind;
create index rm_promises_ledger on rm_promises (customer_kind)
  include (status, made_recorded_at, settled_recorded_at, kept_at, broken_at);

-- Error costs filter on occurredAt, with or without a kind; voided rows are filtered after, as of asOf.
drop index rm_errors_occurred;
drop index rm_errors_kind;
create index rm_errors_occurred on rm_errors (occurred_at);
create index rm_errors_kind on rm_errors (customer_kind, occurred_at);
`,
  },
];
