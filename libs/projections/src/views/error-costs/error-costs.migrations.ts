import type { Migration } from '#libs/postgres';

/** The error-costs view's own migrations (ids and SQL never change once released). */
export const errorCostsMigrations: readonly Migration[] = [
  {
    // Monthly roll-ups, so that a whole-history cost report reads a few rows per month instead of
    // every error ever recorded. Each row is a delta in the bucket of the month it was recorded
    // (UTC): an error adds 1 and its cost when recorded, and takes them back when its void is
    // recorded. Summing every bucket gives now; the buckets before asOf's month plus rm_errors'
    // own rows of that month (by recorded_at, voided_recorded_at) give any asOf exactly. The key
    // is the other columns joined with '|' (currency '' = unpriced), written by the projection.
    id: '0120_error_cost_months',
    sql: `
create table rm_error_cost_months (
  key text primary key,
  occurred_month date not null,
  customer_kind text not null,
  error_type text not null,
  currency text,
  recorded_month date not null,
  errors bigint not null,
  cost_minor numeric not null
);
create index rm_errors_recorded on rm_errors (recorded_at);
create index rm_errors_voided on rm_errors (voided_recorded_at) where voided_recorded_at is not null;

insert into rm_error_cost_months (key, occurred_month, customer_kind, error_type, currency, recorded_month, errors, cost_minor)
select to_char(occurred_month, 'YYYY-MM') || '|' || customer_kind || '|' || type || '|' || coalesce(currency, '') || '|' || to_char(recorded_month, 'YYYY-MM'),
       occurred_month, customer_kind, type, currency, recorded_month, sum(n), sum(cost)
  from (select date_trunc('month', occurred_at at time zone 'UTC')::date as occurred_month, customer_kind, type, currency,
               date_trunc('month', recorded_at at time zone 'UTC')::date as recorded_month, 1 as n, coalesce(cost_minor, 0)::numeric as cost
          from rm_errors
        union all
        select date_trunc('month', occurred_at at time zone 'UTC')::date, customer_kind, type, currency,
               date_trunc('month', voided_recorded_at at time zone 'UTC')::date, -1, -coalesce(cost_minor, 0)::numeric
          from rm_errors where voided_recorded_at is not null) d
 group by occurred_month, customer_kind, type, currency, recorded_month;
`,
  },
];
