import type pg from 'pg';
import { formatMoney, multiplyMoneyRatio, type CustomerKind, type ErrorCostGroup, type ErrorStatus, type ErrorType, type Money as DomainMoney } from '#libs/domain';
import { Where, money, pageOf, type Money, type Page, type PageArgs } from '../shared/query-sql.js';
import { toError, type CostPolicyRow, type ErrorIncidentView, type ErrorRow } from './error.rows.js';

const DAY_MS = 86_400_000;

export interface ErrorCostSummaryView {
  errors: number;
  billingErrors: number;
  shippingErrors: number;
  unpricedErrors: number;
  cost: Money[];
}

export interface ErrorCostRowView {
  key: string;
  errors: number;
  unpricedErrors: number;
  cost: Money[];
}

export interface ErrorCostForecastView {
  windowDays: number;
  errorsInWindow: number;
  annualCost: Money[];
}

export interface ErrorCostPolicyView {
  customerKind: CustomerKind;
  errorType: ErrorType;
  costPerError: Money;
  effectiveFrom: Date;
}

/** What the error-costs view answers. Every cost takes asOf where the contract does. */
export interface ErrorCostReads {
  errorIncident(id: string): Promise<ErrorIncidentView | null>;
  /** With `asOf`: as the ledger knew them then (only events recorded by that moment count). */
  errors(args: { customerId: string; status?: ErrorStatus; asOf?: Date } & PageArgs): Promise<Page<ErrorIncidentView>>;
  errorCostSummary(args: { customerId: string; from?: Date; to?: Date; asOf?: Date }): Promise<ErrorCostSummaryView>;
  errorCosts(args: { groupBy: ErrorCostGrouping; from?: Date; to?: Date; customerKind?: CustomerKind; asOf?: Date }): Promise<ErrorCostRowView[]>;
  /** Depends on `now` (the clock): never cached. */
  errorCostForecast(args: { customerId?: string; windowDays: number; now: Date; asOf?: Date }): Promise<ErrorCostForecastView>;
  errorCostPolicies(asOf?: Date): Promise<ErrorCostPolicyView[]>;
}

type CurrencyTotal = { currency: string | null; errors: number; total: string | null };

/** The SQL of each grouping's key (the groupings are the domain's ERROR_COST_GROUPS). */
const GROUP_KEY: Record<ErrorCostGroup, string> = {
  CUSTOMER: 'customer_id',
  CUSTOMER_KIND: 'customer_kind',
  ERROR_TYPE: 'type',
  MONTH: `to_char(occurred_at at time zone 'UTC', 'YYYY-MM')`,
};

export type ErrorCostGrouping = ErrorCostGroup;

/**
 * rm_errors of one customer ($2) as recorded up to the cut ($1): recorded by then, voided or
 * resolved only if that was recorded by then (the timeline has when), the version less the
 * error's events recorded after it. Costs are priced when recorded, so they stand.
 */
const ERRORS_AS_OF = `(
  with events as (
         select data->>'errorId' as id, type, recorded_at <= $1::timestamptz as known
           from rm_timeline where customer_id = $2 and type in ('ErrorResolved', 'ErrorVoided')),
       later as (select id, count(*)::int as n from events where not known group by id),
       resolved as (select distinct id from events where known and type = 'ErrorResolved')
  select e.id, e.customer_id, e.customer_kind, e.type,
         case when e.voided_recorded_at <= $1::timestamptz then 'VOIDED' when r.id is not null then 'RESOLVED' else 'OPEN' end as status,
         e.occurred_at, e.reference, e.description, e.cost_minor, e.currency, e.version - coalesce(l.n, 0) as version,
         e.recorded_at, e.voided_recorded_at
    from rm_errors e
    left join later l on l.id = e.id
    left join resolved r on r.id = e.id
   where e.customer_id = $2 and e.recorded_at <= $1::timestamptz
) as rm_errors`;

export class ErrorCostQueries implements ErrorCostReads {
  constructor(private readonly pool: pg.Pool) {}

  async errorIncident(id: string): Promise<ErrorIncidentView | null> {
    const { rows } = await this.pool.query<ErrorRow>('select * from rm_errors where id = $1', [id]);
    return rows[0] ? toError(rows[0]) : null;
  }

  errors(args: { customerId: string; status?: ErrorStatus; asOf?: Date } & PageArgs): Promise<Page<ErrorIncidentView>> {
    const where = new Where(args.asOf ? [args.asOf.toISOString(), args.customerId] : []).add((p) => `customer_id = ${p}`, args.customerId).add((p) => `status = ${p}`, args.status);
    return pageOf<ErrorRow, ErrorIncidentView>(
      this.pool,
      { table: args.asOf ? ERRORS_AS_OF : 'rm_errors', where, order: ['occurred_at', 'id'], map: toError, keyOf: (e) => [e.occurredAt.toISOString(), e.id] },
      args,
    );
  }

  async errorCostSummary(args: { customerId: string; from?: Date; to?: Date; asOf?: Date }): Promise<ErrorCostSummaryView> {
    const where = errorRows(args.asOf)
      .add((p) => `customer_id = ${p}`, args.customerId)
      .add((p) => `occurred_at >= ${p}`, args.from)
      .add((p) => `occurred_at < ${p}`, args.to);
    const { rows } = await this.pool.query<CurrencyTotal & { billing: number; shipping: number }>(
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
      if (r.currency === null || r.total === null) summary.unpricedErrors += r.errors;
      else summary.cost.push(money(r.total, r.currency));
    }
    return summary;
  }

  async errorCosts(args: { groupBy: ErrorCostGrouping; from?: Date; to?: Date; customerKind?: CustomerKind; asOf?: Date }): Promise<ErrorCostRowView[]> {
    const { sql, params } = fromRollUp(args) ?? fromErrors(args);
    const { rows } = await this.pool.query<CurrencyTotal & { key: string }>(sql, params);
    const byKey = new Map<string, ErrorCostRowView>();
    for (const r of rows) {
      const row: ErrorCostRowView = byKey.get(r.key) ?? { key: r.key, errors: 0, unpricedErrors: 0, cost: [] };
      row.errors += r.errors;
      if (r.currency === null || r.total === null) row.unpricedErrors += r.errors;
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
    const where = errorRows(args.asOf)
      .add((p) => `customer_id = ${p}`, args.customerId)
      .add((p) => `occurred_at >= ${p}`, new Date(args.now.getTime() - args.windowDays * DAY_MS))
      .add((p) => `occurred_at <= ${p}`, args.now);
    const { rows } = await this.pool.query<CurrencyTotal>(
      `select currency, count(*)::int as errors, sum(cost_minor)::text as total from rm_errors ${where} group by currency order by currency collate "C"`,
      where.params,
    );
    let errorsInWindow = 0;
    const annualCost: Money[] = [];
    for (const r of rows) {
      errorsInWindow += r.errors;
      if (r.currency === null || r.total === null) continue;
      const total: DomainMoney = { minor: BigInt(r.total), currency: r.currency };
      annualCost.push(formatMoney(multiplyMoneyRatio(total, 365n, BigInt(args.windowDays))));
    }
    return { windowDays: args.windowDays, errorsInWindow, annualCost };
  }

  /** Policies in force, latest setting per (kind, type, effectiveFrom), as recorded up to asOf. */
  async errorCostPolicies(asOf?: Date): Promise<ErrorCostPolicyView[]> {
    const where = new Where().add((p) => `recorded_at <= ${p}`, asOf);
    const { rows } = await this.pool.query<Pick<CostPolicyRow, 'customer_kind' | 'error_type' | 'amount_minor' | 'currency' | 'effective_from'>>(
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
}

type CostsArgs = Parameters<ErrorCostReads['errorCosts']>[0];

/** Every error that counts (errorRows), grouped: reads as many rows as the log recorded errors. */
function fromErrors(args: CostsArgs): { sql: string; params: unknown[] } {
  const key = GROUP_KEY[args.groupBy];
  const where = errorRows(args.asOf)
    .add((p) => `occurred_at >= ${p}`, args.from)
    .add((p) => `occurred_at < ${p}`, args.to)
    .add((p) => `customer_kind = ${p}`, args.customerKind);
  return {
    sql: `select ${key} as key, currency, count(*)::int as errors, sum(cost_minor)::text as total
            from rm_errors ${where} group by 1, 2 order by ${key} collate "C", currency collate "C" nulls first`,
    params: where.params,
  };
}

/** The roll-up's key of each grouping it can answer (CUSTOMER is not in it). */
const ROLL_UP_KEY: Partial<Record<ErrorCostGroup, string>> = {
  CUSTOMER_KIND: 'customer_kind',
  ERROR_TYPE: 'error_type',
  MONTH: `to_char(occurred_month, 'YYYY-MM')`,
};

const isMonthStart = (d: Date | undefined) =>
  d === undefined || (d.getUTCDate() === 1 && d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0);

/**
 * The same answer from rm_error_cost_months: a few rows per month however long the history.
 * Without asOf, every bucket; with asOf, the buckets of the months recorded before asOf's (UTC)
 * month, plus that month's part up to asOf from rm_errors itself (errors recorded in it, less
 * those voided in it), by the indexes on recorded_at and voided_recorded_at. Only for an
 * occurredAt range on UTC month boundaries (the buckets hold whole months); otherwise null.
 */
function fromRollUp(args: CostsArgs): { sql: string; params: unknown[] } | null {
  const rollUpKey = ROLL_UP_KEY[args.groupBy];
  if (!rollUpKey || !isMonthStart(args.from) || !isMonthStart(args.to)) return null;
  const key = GROUP_KEY[args.groupBy];
  const params: unknown[] = [];
  const param = (value: Date | string) => {
    params.push(value instanceof Date ? value.toISOString() : value);
    return `$${params.length}`;
  };
  const months: string[] = [];
  const errors: string[] = [];
  if (args.from) {
    const p = param(args.from);
    months.push(`occurred_month >= (${p}::timestamptz at time zone 'UTC')::date`);
    errors.push(`occurred_at >= ${p}::timestamptz`);
  }
  if (args.to) {
    const p = param(args.to);
    months.push(`occurred_month < (${p}::timestamptz at time zone 'UTC')::date`);
    errors.push(`occurred_at < ${p}::timestamptz`);
  }
  if (args.customerKind) {
    const p = param(args.customerKind);
    months.push(`customer_kind = ${p}`);
    errors.push(`customer_kind = ${p}`);
  }
  const parts = [`select ${rollUpKey} as key, currency, errors, cost_minor as total from rm_error_cost_months`];
  if (args.asOf) {
    const asOf = `${param(args.asOf)}::timestamptz`;
    const monthStart = `(date_trunc('month', ${asOf} at time zone 'UTC') at time zone 'UTC')`;
    months.push(`recorded_month < date_trunc('month', ${asOf} at time zone 'UTC')::date`);
    const and = errors.map((e) => ` and ${e}`).join('');
    parts.push(
      `select ${key}, currency, 1, coalesce(cost_minor, 0)::numeric from rm_errors where recorded_at >= ${monthStart} and recorded_at <= ${asOf}${and}`,
      `select ${key}, currency, -1, -coalesce(cost_minor, 0)::numeric from rm_errors where voided_recorded_at >= ${monthStart} and voided_recorded_at <= ${asOf}${and}`,
    );
  }
  if (months.length) parts[0] += ` where ${months.join(' and ')}`;
  return {
    sql: `select key, currency, sum(errors)::int as errors, case when currency is null then null else sum(total)::text end as total
            from (${parts.join(' union all ')}) d
           group by key, currency having sum(errors) <> 0
           order by key collate "C", currency collate "C" nulls first`,
    params,
  };
}

/** Error rows that count as of `asOf` (default: now): recorded by then and not voided by then. */
function errorRows(asOf?: Date): Where {
  if (!asOf) return new Where().raw('voided_recorded_at is null');
  return new Where().add((p) => `recorded_at <= ${p} and (voided_recorded_at is null or voided_recorded_at > ${p})`, asOf);
}
