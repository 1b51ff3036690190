import type pg from 'pg';
import { Where, pageOf, queryPrepared, type Page, type PageArgs } from '../shared/query-sql.js';
import { CUSTOMER_COLUMNS, toCustomer, type CustomerRow, type CustomerView } from '../customers/customer.rows.js';
import { toPromise, type PromiseFilterInput, type PromiseRow, type PromiseView } from './promise.rows.js';

/** AT_RISK or CRITICAL as recorded (an amendment clears the flags; a paused promise is PAUSED). */
const PROMISE_AT_RISK = `(risk in ('AT_RISK', 'CRITICAL'))`;

/** A promise of a page, with its customer as it stands (null: not in rm_customers). */
export type PromiseOnPage = PromiseView & { customer: CustomerView | null };

/** What the promises view answers about promises (its ledgers: promise-ledger.queries.ts). */
export interface PromiseReads {
  promise(id: string): Promise<PromiseView | null>;
  /**
   * With `asOf`: as the ledger knew them then (only events recorded by that moment count); the
   * customers are read in the same statement, as they stand (a page shows their names).
   */
  promises(args: { filter?: PromiseFilterInput; asOf?: Date } & PageArgs): Promise<Page<PromiseOnPage>>;
}

// The page's customers, in the statement that reads the page: a page of promises is shown with
// their customers' names, which took a query of their own.
const CUSTOMER_JOIN = {
  sql: 'left join rm_customers c on c.id = page.customer_id',
  columns: CUSTOMER_COLUMNS.map(([name]) => `c.${name} as customer__${name}`).join(', '),
};
type CustomerColumns = { [K in keyof CustomerRow as `customer__${K}`]: CustomerRow[K] | null };

const toPromiseOnPage = (r: PromiseRow & CustomerColumns): PromiseOnPage => ({
  ...toPromise(r),
  customer:
    r.customer__id === null
      ? null
      : toCustomer({
          id: r.customer__id, name: r.customer__name, kind: r.customer__kind!, region: r.customer__region, email: r.customer__email,
          registered_at: r.customer__registered_at!, version: r.customer__version!, erased_at: r.customer__erased_at,
        }),
});

/**
 * rm_promises as recorded up to the cut ($1), for one customer ($2) or all (null): made by the cut,
 * settled only if settled by it; the due date, amendments, risk flag and late fulfilment from the
 * timeline's events recorded by it; the version less the promise's events recorded after it.
 */
const PROMISES_AS_OF = `(
  with events as (
         select data->>'promiseId' as id, type, (data->>'dueBy')::timestamptz as due_by, recorded_at <= $1::timestamptz as known, position,
                data->>'level' as level, (data->>'pausedAt')::timestamptz as paused_at, (data->>'pausedMs')::bigint as paused_ms
           from rm_timeline
          where ($2::text is null or customer_id = $2) and type like 'Promise%'),
       amended as (select id, count(*)::int as n from events where known and type = 'PromiseAmended' group by id),
       -- An amendment or a resume moves dueBy: the last one known then gives it.
       moved as (
         select distinct on (id) id, due_by
           from events where known and type in ('PromiseAmended', 'PromiseResumed') order by id, position desc),
       later as (
         select id, count(*)::int as n, bool_or(type = 'PromiseFulfilledLate') as fulfilled_late
           from events where not known group by id),
       flagged as (
         select id, due_by, bool_or(coalesce(level, 'AT_RISK') = 'CRITICAL') as critical
           from events where known and type = 'PromiseAtRisk' group by id, due_by),
       -- The clock as it stood: paused when the last pause or resume known then was a pause.
       pauses as (
         select id,
                (array_agg(paused_at order by position desc) filter (where type in ('PromisePaused', 'PromiseResumed')))[1] as last_paused_at,
                (array_agg(type order by position desc) filter (where type in ('PromisePaused', 'PromiseResumed')))[1] as last_type,
                coalesce(sum(paused_ms) filter (where type = 'PromiseResumed'), 0) as paused_ms
           from events where known and type in ('PromisePaused', 'PromiseResumed') group by id)
  select p.id, p.customer_id, p.customer_kind, p.kind, p.touch_point, p.description, p.made_at,
         coalesce(m.due_by, p.original_due_by) as due_by, p.original_due_by, coalesce(a.n, 0) as amendments,
         case when s.settled then p.status else 'OPEN' end as status,
         case when s.settled then p.kept_at end as kept_at,
         case when s.settled then p.broken_at end as broken_at,
         case when s.settled then p.broken_reason end as broken_reason,
         case when s.settled and not coalesce(l.fulfilled_late, false) then p.fulfilled_at end as fulfilled_at,
         case when s.settled then p.released_at end as released_at,
         f.due_by as at_risk_for,
         p.version - coalesce(l.n, 0) as version, p.made_recorded_at, p.settled_recorded_at,
         p.calendar_id, p.calendar_version, p.clock_ms,
         case when not s.settled and z.last_type = 'PromisePaused' then z.last_paused_at end as paused_at,
         coalesce(z.paused_ms, 0) as paused_ms, p.at_risk_at, p.critical_at,
         case when f.id is null then null when f.critical then 'CRITICAL' else 'AT_RISK' end as risk_flag,
         case when s.settled then (case when p.status = 'BROKEN' then 'BREACHED' else 'SETTLED' end)
              when z.last_type = 'PromisePaused' then 'PAUSED'
              when f.critical then 'CRITICAL'
              when f.id is not null then 'AT_RISK'
              else 'ON_TRACK' end as risk,
         null::timestamptz as next_risk_at
    from rm_promises p
    cross join lateral (select coalesce(p.settled_recorded_at <= $1::timestamptz, false) as settled) s
    left join amended a on a.id = p.id
    left join later l on l.id = p.id
    left join moved m on m.id = p.id
    left join flagged f on f.id = p.id and f.due_by = coalesce(m.due_by, p.original_due_by)
    left join pauses z on z.id = p.id
   where ($2::text is null or p.customer_id = $2) and p.made_recorded_at <= $1::timestamptz
) as rm_promises`;

export class PromiseQueries implements PromiseReads {
  constructor(private readonly pool: pg.Pool) {}

  async promise(id: string): Promise<PromiseView | null> {
    const { rows } = await queryPrepared<PromiseRow>(this.pool, 'select * from rm_promises where id = $1', [id]);
    return rows[0] ? toPromise(rows[0]) : null;
  }

  promises(args: { filter?: PromiseFilterInput; asOf?: Date } & PageArgs): Promise<Page<PromiseOnPage>> {
    const f = args.filter ?? {};
    const where = new Where(args.asOf ? [args.asOf.toISOString(), f.customerId ?? null] : [])
      .add((p) => `customer_id = ${p}`, f.customerId)
      .add((p) => `status = ${p}`, f.status)
      .add((p) => `kind = ${p}`, f.kind)
      .add((p) => `due_by < ${p}`, f.dueBefore)
      .add((p) => `due_by >= ${p}`, f.dueAfter)
      .add((p) => `risk = ${p}`, f.risk);
    if (f.paused !== undefined) where.raw(f.paused ? `(status = 'OPEN' and paused_at is not null)` : `(paused_at is null)`);
    if (f.atRisk !== undefined) where.raw(f.atRisk ? PROMISE_AT_RISK : `not ${PROMISE_AT_RISK}`);
    return pageOf<PromiseRow & CustomerColumns, PromiseOnPage>(
      this.pool,
      {
        table: args.asOf ? PROMISES_AS_OF : 'rm_promises', join: CUSTOMER_JOIN, where, order: ['due_by', 'id'], map: toPromiseOnPage,
        keyOf: (p) => [p.dueBy.toISOString(), p.id],
      },
      args,
    );
  }
}
