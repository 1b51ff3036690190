import type pg from 'pg';
import { keptRate, type CustomerKind } from '#libs/domain';
import { columnList } from '../../sql/row-batch.writer.js';
import { Where, queryPrepared } from '../shared/query-sql.js';
import { CUSTOMER_COLUMNS, toCustomer, type CustomerRow, type CustomerView } from '../customers/customer.rows.js';

/** The promise ledger of a customer, a customer kind or the brand. */
export interface LedgerView {
  made: number;
  open: number;
  kept: number;
  broken: number;
  released: number;
  keptRate: number | null;
  neverBroken: boolean;
  lastBrokenAt: Date | null;
  keptStreak: number;
  asOf: Date;
}

type LedgerRow = { made: number; open: number; kept: number; broken: number; released: number; last_broken_at: Date | null; kept_streak: number };

const toLedger = (r: LedgerRow, asOf: Date): LedgerView => ({
  made: r.made,
  open: r.open,
  kept: r.kept,
  broken: r.broken,
  released: r.released,
  keptRate: keptRate(r.kept, r.broken),
  neverBroken: r.broken === 0,
  lastBrokenAt: r.last_broken_at,
  keptStreak: r.kept_streak,
  asOf,
});

/** What the promises view answers about ledgers. Every ledger takes asOf. */
export interface PromiseLedgerReads {
  customerLedger(customerId: string, asOf?: Date): Promise<LedgerView>;
  /** A customer and its ledger now, in one statement (null: no such customer). */
  customerWithLedger(customerId: string): Promise<{ customer: CustomerView; ledger: LedgerView } | null>;
  brandLedger(args: { customerKind?: CustomerKind; asOf?: Date }): Promise<LedgerView>;
}

const CUSTOMER_COLUMN_LIST = columnList(CUSTOMER_COLUMNS);
const NOW = `'infinity'::timestamptz`;

/**
 * A promise leaves OPEN at most once, so as of the cut it exists if made by then, and has its
 * current status if it was settled by then (else it was still OPEN). Settlement time, for the
 * streak, is keptAt or brokenAt: a promise kept late broke at its deadline.
 */
const ledgerSql = (where: Where, cut: string) => `
  with p as (
         select case when settled_recorded_at <= ${cut} then status else 'OPEN' end as status, kept_at, broken_at
           from rm_promises ${where.raw(`made_recorded_at <= ${cut}`)}),
       agg as (
         select count(*)::int as made,
                count(*) filter (where status = 'OPEN')::int as open,
                count(*) filter (where status = 'KEPT')::int as kept,
                count(*) filter (where status = 'BROKEN')::int as broken,
                count(*) filter (where status = 'RELEASED')::int as released,
                max(broken_at) filter (where status = 'BROKEN') as last_broken_at
           from p)
  select agg.*, (select count(*)::int from p where status = 'KEPT'
                   and (agg.last_broken_at is null or kept_at > agg.last_broken_at)) as kept_streak
    from agg`;

export class PromiseLedgerQueries implements PromiseLedgerReads {
  constructor(private readonly pool: pg.Pool) {}

  customerLedger(customerId: string, asOf?: Date): Promise<LedgerView> {
    return this.ledger(new Where().add((p) => `customer_id = ${p}`, customerId), asOf);
  }

  async customerWithLedger(customerId: string): Promise<{ customer: CustomerView; ledger: LedgerView } | null> {
    const where = new Where().add((p) => `customer_id = ${p}`, customerId);
    const { rows } = await queryPrepared<CustomerRow & LedgerRow>(
      this.pool,
      `select customer.*, ledger.*
         from (select ${CUSTOMER_COLUMN_LIST} from rm_customers where id = $1) customer
        cross join (${ledgerSql(where, NOW)}) ledger`,
      where.params,
    );
    return rows[0] ? { customer: toCustomer(rows[0]), ledger: toLedger(rows[0], new Date()) } : null;
  }

  /**
   * Every customer's promises, or those of one kind. Now: from the counters per kind plus two
   * index lookups per kind. As of a past moment: one pass over the promises (of that kind).
   */
  async brandLedger(args: { customerKind?: CustomerKind; asOf?: Date }): Promise<LedgerView> {
    const where = new Where().add((p) => `customer_kind = ${p}`, args.customerKind);
    if (args.asOf) return this.ledger(where, args.asOf);
    const { rows } = await this.pool.query<LedgerRow>(
      `with totals as (select * from rm_brand_ledger ${where}),
            last as (select max((select max(broken_at) from rm_promises p
                                  where p.status = 'BROKEN' and p.customer_kind = t.customer_kind)) as broken_at
                       from totals t)
       select coalesce(sum(made), 0)::int as made, coalesce(sum(open), 0)::int as open, coalesce(sum(kept), 0)::int as kept,
              coalesce(sum(broken), 0)::int as broken, coalesce(sum(released), 0)::int as released,
              (select broken_at from last) as last_broken_at,
              coalesce(sum(case when l.broken_at is null then t.kept
                                else (select count(*) from rm_promises p
                                       where p.status = 'KEPT' and p.customer_kind = t.customer_kind and p.kept_at > l.broken_at) end), 0)::int
                as kept_streak
         from totals t cross join last l`,
      where.params,
    );
    return toLedger(rows[0]!, new Date());
  }

  private async ledger(where: Where, asOf?: Date): Promise<LedgerView> {
    const { rows } = await queryPrepared<LedgerRow>(this.pool, ledgerSql(where, asOf ? `${where.push(asOf)}::timestamptz` : NOW), where.params);
    return toLedger(rows[0]!, asOf ?? new Date());
  }
}
