import type { Migration } from '#libs/postgres';

export const promisesMigrations: readonly Migration[] = [
  {
    // The brand ledger without asOf reads counters per customer kind instead of every promise;
    // the last breach and the streak come from partial indexes of broken and kept promises.
    id: '0102_brand_ledger_counters',
    sql: `
create table rm_brand_ledger (
  customer_kind text primary key,
  made int not null,
  open int not null,
  kept int not null,
  broken int not null,
  released int not null
);
insert into rm_brand_ledger (customer_kind, made, open, kept, broken, released)
select customer_kind, count(*), count(*) filter (where status = 'OPEN'), count(*) filter (where status = 'KEPT'),
       count(*) filter (where status = 'BROKEN'), count(*) filter (where status = 'RELEASED')
  from rm_promises group by customer_kind;
-- A handful of rows: without statistics the planner guesses a thousand and prices the per-kind
-- lookups of the brand ledger as a big query (JIT compiling it costs 100 ms).
analyze rm_brand_ledger;

drop index rm_promises_ledger;
create index rm_promises_broken on rm_promises (customer_kind, broken_at) where status = 'BROKEN';
create index rm_promises_kept on rm_promises (customer_kind, kept_at) where status = 'KEPT';
`,
  },
  {
    // Issue 16: calendars, paused clocks and risk levels. The watcher's scans stay index ranges:
    // due dates of open promises whose clock runs, and the next risk moment to record.
    id: '0110_promise_clocks',
    sql: `
alter table rm_promises
  add column calendar_id text,
  add column calendar_version int,
  add column clock_ms bigint,
  add column paused_at timestamptz,
  add column paused_ms bigint not null default 0,
  add column at_risk_at timestamptz,
  add column critical_at timestamptz,
  add column risk_flag text,
  add column risk text not null default 'ON_TRACK',
  add column next_risk_at timestamptz;
update rm_promises set risk = case
  when status in ('KEPT', 'RELEASED') then 'SETTLED'
  when status = 'BROKEN' then 'BREACHED'
  when at_risk_for is not distinct from due_by then 'AT_RISK'
  else 'ON_TRACK' end
 where status <> 'OPEN' or at_risk_for is not distinct from due_by;
create index rm_promises_running_due on rm_promises (due_by, id) where status = 'OPEN' and paused_at is null;
create index rm_promises_next_risk on rm_promises (next_risk_at, id) where status = 'OPEN' and paused_at is null and next_risk_at is not null;
create index rm_promises_risk on rm_promises (risk, due_by, id);
`,
  },
];
