import type pg from 'pg';
import { formatMoney, multiplyMoneyRatio, type Money as DomainMoney } from '#libs/domain';
import { decodeCursor, encodeCursor } from './cursor.js';
import type {
  CustomerView,
  ErrorCostForecastView,
  ErrorCostGrouping,
  ErrorCostPolicyView,
  ErrorCostRowView,
  ErrorCostSummaryView,
  ErrorIncidentView,
  LedgerView,
  Money,
  Page,
  PromiseFilterInput,
  PromiseView,
  TimelineEntryView,
} from './views.js';

const DAY_MS = 86_400_000;

/** Builds a parameterised WHERE clause. */
class Where {
  readonly parts: string[] = [];
  constructor(readonly params: unknown[] = []) {}
  add(sql: (p: string) => string, value: unknown): this {
    if (value === undefined || value === null) return this;
    this.params.push(value instanceof Date ? value.toISOString() : value);
    this.parts.push(sql(`$${this.params.length}`));
    return this;
  }
  /** Adds a parameter used by hand; returns its placeholder. */
  push(value: unknown): string {
    this.params.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.params.length}`;
  }
  raw(sql: string): this {
    this.parts.push(sql);
    return this;
  }
  toString(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

const toCustomer = (r: any): CustomerView => ({
  id: r.id, name: r.name, kind: r.kind, region: r.region, email: r.email, registeredAt: r.registered_at, version: r.version,
});

const toPromise = (r: any): PromiseView => ({
  id: r.id, customerId: r.customer_id, kind: r.kind, touchPoint: r.touch_point, description: r.description, madeAt: r.made_at,
  dueBy: r.due_by, originalDueBy: r.original_due_by, amendments: r.amendments, status: r.status, keptAt: r.kept_at,
  brokenAt: r.broken_at, brokenReason: r.broken_reason, fulfilledAt: r.fulfilled_at, releasedAt: r.released_at,
  atRisk: r.status === 'OPEN' && r.at_risk_for !== null && r.at_risk_for.getTime() === r.due_by.getTime(), version: r.version,
});

const money = (minor: string | bigint, currency: string): Money => formatMoney({ minor: BigInt(minor), currency });

const toError = (r: any): ErrorIncidentView => ({
  id: r.id, customerId: r.customer_id, type: r.type, status: r.status, occurredAt: r.occurred_at, reference: r.reference,
  description: r.description, cost: r.cost_minor === null ? null : money(r.cost_minor, r.currency), version: r.version,
});

// Flagged for its current due date (an amendment moves the date and so clears the flag); null-safe for `not`.
const toLedger = (r: any, asOf: Date): LedgerView => ({
  made: r.made,
  open: r.open,
  kept: r.kept,
  broken: r.broken,
  released: r.released,
  keptRate: r.kept + r.broken === 0 ? null : r.kept / (r.kept + r.broken),
  neverBroken: r.broken === 0,
  lastBrokenAt: r.last_broken_at,
  keptStreak: r.kept_streak,
  asOf,
});

const PROMISE_AT_RISK = `(status = 'OPEN' and at_risk_for is not distinct from due_by)`;

/** Read-side queries over the projections' tables. Every view takes asOf where the contract does. */
export class LedgerQueries {
  constructor(private readonly pool: pg.Pool) {}

  async customer(id: string): Promise<CustomerView | null> {
    const { rows } = await this.pool.query('select * from rm_customers where id = $1', [id]);
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  /** In the order of `ids` (for DataLoader), one query. */
  async customersByIds(ids: readonly string[]): Promise<(CustomerView | null)[]> {
    const { rows } = await this.pool.query('select * from rm_customers where id = any($1)', [ids]);
    const byId = new Map(rows.map((r) => [r.id as string, toCustomer(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  customers(args: { kind?: string; first: number; after?: string }): Promise<Page<CustomerView>> {
    const where = new Where().add((p) => `kind = ${p}`, args.kind);
    return this.page('rm_customers', where, ['registered_at', 'id'], args, toCustomer, (c) => [c.registeredAt.toISOString(), c.id]);
  }

  async promise(id: string): Promise<PromiseView | null> {
    const { rows } = await this.pool.query('select * from rm_promises where id = $1', [id]);
    return rows[0] ? toPromise(rows[0]) : null;
  }

  promises(args: { filter?: PromiseFilterInput; first: number; after?: string }): Promise<Page<PromiseView>> {
    const f = args.filter ?? {};
    const where = new Where()
      .add((p) => `customer_id = ${p}`, f.customerId)
      .add((p) => `status = ${p}`, f.status)
      .add((p) => `kind = ${p}`, f.kind)
      .add((p) => `due_by < ${p}`, f.dueBefore)
      .add((p) => `due_by >= ${p}`, f.dueAfter);
    if (f.atRisk !== undefined) where.raw(f.atRisk ? PROMISE_AT_RISK : `not ${PROMISE_AT_RISK}`);
    return this.page('rm_promises', where, ['due_by', 'id'], args, toPromise, (p) => [p.dueBy.toISOString(), p.id]);
  }

  /** Open promises due at or before `now`, after a (dueBy, id) key (the partial index on open due dates serves it). */
  async findDuePromises(now: Date, limit: number, after?: { dueBy: Date; id: string }): Promise<{ id: string; dueBy: Date }[]> {
    const { rows } = await this.pool.query(
      `select id, due_by from rm_promises
        where status = 'OPEN' and due_by <= $1 and ($3::timestamptz is null or (due_by, id) > ($3::timestamptz, $4::text))
        order by due_by, id limit $2`,
      [now.toISOString(), limit, after?.dueBy.toISOString() ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({ id: r.id, dueBy: r.due_by }));
  }

  /** Open promises due within (now, until] not yet flagged at risk for their current due date. */
  async findPromisesAtRisk(now: Date, until: Date, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query(
      `select id from rm_promises
        where status = 'OPEN' and due_by > $1 and due_by <= $2 and at_risk_for is distinct from due_by
        order by due_by limit $3`,
      [now.toISOString(), until.toISOString(), limit],
    );
    return rows.map((r) => r.id);
  }

  async errorIncident(id: string): Promise<ErrorIncidentView | null> {
    const { rows } = await this.pool.query('select * from rm_errors where id = $1', [id]);
    return rows[0] ? toError(rows[0]) : null;
  }

  errors(args: { customerId: string; status?: string; first: number; after?: string }): Promise<Page<ErrorIncidentView>> {
    const where = new Where().add((p) => `customer_id = ${p}`, args.customerId).add((p) => `status = ${p}`, args.status);
    return this.page('rm_errors', where, ['occurred_at', 'id'], args, toError, (e) => [e.occurredAt.toISOString(), e.id]);
  }

  customerLedger(customerId: string, asOf?: Date): Promise<LedgerView> {
    return this.ledger(new Where().add((p) => `customer_id = ${p}`, customerId), asOf);
  }

  /**
   * Every customer's promises, or those of one kind. Now: from the counters per kind plus two
   * index lookups per kind. As of a past moment: one pass over the promises (of that kind).
   */
  async brandLedger(args: { customerKind?: string; asOf?: Date }): Promise<LedgerView> {
    const where = new Where().add((p) => `customer_kind = ${p}`, args.customerKind);
    if (args.asOf) return this.ledger(where, args.asOf);
    const { rows } = await this.pool.query(
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
    return toLedger(rows[0], new Date());
  }

  async errorCostSummary(args: { customerId: string; from?: Date; to?: Date; asOf?: Date }): Promise<ErrorCostSummaryView> {
    const where = this.errorRows(args.asOf)
      .add((p) => `customer_id = ${p}`, args.customerId)
      .add((p) => `occurred_at >= ${p}`, args.from)
      .add((p) => `occurred_at < ${p}`, args.to);
    const { rows } = await this.pool.query(
      `select currency, count(*)::int as errors, count(*) filter (where type = 'BILLING')::int as billing,
              count(*) filter (where type = 'SHIPPING')::int as shipping, sum(cost_minor)::text as total
         from rm_errors ${where} group by currency order by currency collate "C" nulls first`,
      where.params,
    );
    const summary: ErrorCostSummaryView = { errors: 0, billingErrors: 0, shippingErrors: 0, unpricedErrors: 0, cost: [] };
    for (const r of rows) {
      summary.errors += r.errors;
      summary.billingErrors += r.billing;
      summary.shippingErrors += r.shipping;
      if (r.currency === null) summary.unpricedErrors += r.errors;
      else summary.cost.push(money(r.total, r.currency));
    }
    return summary;
  }

  async errorCosts(args: { groupBy: ErrorCostGrouping; from?: Date; to?: Date; customerKind?: string; asOf?: Date }): Promise<ErrorCostRowView[]> {
    const key = {
      CUSTOMER: 'customer_id',
      CUSTOMER_KIND: 'customer_kind',
      ERROR_TYPE: 'type',
      MONTH: `to_char(occurred_at at time zone 'UTC', 'YYYY-MM')`,
    }[args.groupBy];
    const where = this.errorRows(args.asOf)
      .add((p) => `occurred_at >= ${p}`, args.from)
      .add((p) => `occurred_at < ${p}`, args.to)
      .add((p) => `customer_kind = ${p}`, args.customerKind);
    const { rows } = await this.pool.query(
      `select ${key} as key, currency, count(*)::int as errors, sum(cost_minor)::text as total
         from rm_errors ${where} group by 1, 2 order by ${key} collate "C", currency collate "C" nulls first`,
      where.params,
    );
    const byKey = new Map<string, ErrorCostRowView>();
    for (const r of rows) {
      const row: ErrorCostRowView = byKey.get(r.key) ?? { key: r.key, errors: 0, unpricedErrors: 0, cost: [] };
      row.errors += r.errors;
      if (r.currency === null) row.unpricedErrors += r.errors;
      else row.cost.push(money(r.total, r.currency));
      byKey.set(r.key, row);
    }
    return [...byKey.values()];
  }

  /**
   * Cost of the errors that occurred in [now − windowDays, now], × 365 / windowDays per currency
   * (rounded half up to minor units): the yearly saving if they stopped. `asOf` limits what is
   * known (recorded time), `now` places the window; to forecast as of a past moment pass both.
   */
  async errorCostForecast(args: { customerId?: string; windowDays: number; now: Date; asOf?: Date }): Promise<ErrorCostForecastView> {
    const where = this.errorRows(args.asOf)
      .add((p) => `customer_id = ${p}`, args.customerId)
      .add((p) => `occurred_at >= ${p}`, new Date(args.now.getTime() - args.windowDays * DAY_MS))
      .add((p) => `occurred_at <= ${p}`, args.now);
    const { rows } = await this.pool.query(
      `select currency, count(*)::int as errors, sum(cost_minor)::text as total from rm_errors ${where} group by currency order by currency collate "C"`,
      where.params,
    );
    let errorsInWindow = 0;
    const annualCost: Money[] = [];
    for (const r of rows) {
      errorsInWindow += r.errors;
      if (r.currency === null) continue;
      const total: DomainMoney = { minor: BigInt(r.total), currency: r.currency };
      annualCost.push(formatMoney(multiplyMoneyRatio(total, 365n, BigInt(args.windowDays))));
    }
    return { windowDays: args.windowDays, errorsInWindow, annualCost };
  }

  /** Policies in force, latest setting per (kind, type, effectiveFrom), as recorded up to asOf. */
  async errorCostPolicies(asOf?: Date): Promise<ErrorCostPolicyView[]> {
    const where = new Where().add((p) => `recorded_at <= ${p}`, asOf);
    const { rows } = await this.pool.query(
      `select distinct on (customer_kind, error_type, effective_from) customer_kind, error_type, amount_minor::text, currency, effective_from
         from rm_cost_policies ${where}
        order by customer_kind, error_type, effective_from, position desc`,
      where.params,
    );
    return rows.map((r) => ({
      customerKind: r.customer_kind,
      errorType: r.error_type,
      costPerError: money(r.amount_minor, r.currency),
      effectiveFrom: r.effective_from,
    }));
  }

  /** Every event about the customer, oldest first (by log position). */
  async timeline(args: { customerId: string; first: number; after?: string }): Promise<Page<TimelineEntryView>> {
    const where = new Where().add((p) => `customer_id = ${p}`, args.customerId);
    const countParams = [...where.params];
    if (args.after !== undefined) where.add((p) => `position > ${p}::bigint`, decodeCursor(args.after, ['position'])[0]);
    const limit = where.push(args.first + 1);
    const [{ rows }, count] = await Promise.all([
      this.pool.query(
        `select position::text, type, occurred_at, recorded_at, summary, data from rm_timeline ${where} order by rm_timeline.position limit ${limit}`,
        where.params,
      ),
      this.pool.query<{ n: number }>('select count(*)::int as n from rm_timeline where customer_id = $1', countParams),
    ]);
    const nodes = rows.slice(0, args.first).map((r) => ({
      position: r.position, type: r.type, occurredAt: r.occurred_at, recordedAt: r.recorded_at, summary: r.summary, data: r.data,
    }));
    const last = nodes.at(-1);
    return {
      nodes,
      totalCount: count.rows[0]!.n,
      hasNextPage: rows.length > args.first,
      endCursor: last ? encodeCursor([last.position]) : null,
    };
  }

  /** Error rows that count as of `asOf` (default: now): recorded by then and not voided by then. */
  private errorRows(asOf?: Date): Where {
    if (!asOf) return new Where().raw('voided_recorded_at is null');
    return new Where().add((p) => `recorded_at <= ${p} and (voided_recorded_at is null or voided_recorded_at > ${p})`, asOf);
  }

  /**
   * A promise leaves OPEN at most once, so as of T it exists if made by T, and has its current
   * status if it was settled by T (else it was still OPEN). Settlement time, for the streak, is
   * keptAt or brokenAt: a promise kept late broke at its deadline.
   */
  private async ledger(where: Where, asOf?: Date): Promise<LedgerView> {
    const cut = asOf ? `${where.push(asOf)}::timestamptz` : `'infinity'::timestamptz`;
    const { rows } = await this.pool.query(
      `with p as (
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
         from agg`,
      where.params,
    );
    return toLedger(rows[0], asOf ?? new Date());
  }

  private async page<T>(
    table: string,
    where: Where,
    order: [string, string],
    args: { first: number; after?: string },
    map: (row: any) => T,
    keyOf: (node: T) => [string, string],
  ): Promise<Page<T>> {
    const countParams = [...where.params];
    const countSql = `select count(*)::int as n from ${table} ${where}`;
    if (args.after !== undefined) {
      const [a, b] = decodeCursor(args.after, ['time', 'string']);
      where.params.push(a, b);
      where.raw(`(${order[0]}, ${order[1]}) > ($${where.params.length - 1}::timestamptz, $${where.params.length})`);
    }
    where.params.push(args.first + 1);
    const [{ rows }, count] = await Promise.all([
      this.pool.query(`select * from ${table} ${where} order by ${order[0]}, ${order[1]} limit $${where.params.length}`, where.params),
      this.pool.query<{ n: number }>(countSql, countParams),
    ]);
    const nodes = rows.slice(0, args.first).map(map);
    const last = nodes.at(-1);
    return {
      nodes,
      totalCount: count.rows[0]!.n,
      hasNextPage: rows.length > args.first,
      endCursor: last ? encodeCursor(keyOf(last)) : null,
    };
  }
}
