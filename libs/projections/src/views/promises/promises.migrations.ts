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
];
