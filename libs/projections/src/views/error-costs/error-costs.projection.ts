import type pg from 'pg';
import { ERASED_TEXT, formatMoney, moneyFromJson, priceError, unreachable, type CostPolicy, type ErrorStatus, type Money, type MoneyJson } from '#libs/domain';
import { loadRows, writeRows } from '../../sql/row-batch.writer.js';
import { CustomerKinds } from '../shared/batch-context.js';
import type { LedgerRecord } from '../shared/ledger-record.js';
import type { ViewProjection, ViewBatch } from '../shared/view-projection.js';
import { errorCostsMigrations } from './error-costs.migrations.js';
import { ERROR_COLUMNS, POLICY_COLUMNS, type CostPolicyRow, type ErrorRow } from './error.rows.js';

type Row = ErrorRow<string>;

/**
 * Error incidents (rm_errors), each priced when recorded by the cost policies recorded before
 * it, and those policies (rm_cost_policies). A policy set later never re-prices an error, so the
 * view owns everything its prices depend on. rm_error_cost_months rolls the errors up by month
 * (occurred and recorded), so that reports need not read every error (error-costs.migrations.ts).
 */
export const errorCostsProjection: ViewProjection = {
  name: 'error-costs',
  tables: ['rm_errors', 'rm_cost_policies', 'rm_error_cost_months'],
  reads: ['rm_customers'], // the customer's kind, through BatchContext
  migrations: errorCostsMigrations,
  async begin(events, context) {
    const created = new Set<string>();
    const changed = new Set<string>();
    for (const e of events) {
      if (e.type === 'ErrorRecorded') created.add(e.data.errorId);
      else if ('errorId' in e.data && !created.has(e.data.errorId)) changed.add(e.data.errorId);
    }
    const rows = await loadRows<Row>(context.client, 'rm_errors', ERROR_COLUMNS, changed);
    const pricing = created.size > 0;
    const policies = pricing ? await loadPolicies(context.client) : [];
    const kinds = pricing ? await context.customerKindsBeforeBatch() : new Map();
    return new ErrorCostsBatch(rows, policies, new CustomerKinds(kinds));
  },
};

class ErrorCostsBatch implements ViewBatch {
  private readonly touched = new Map<string, Row>();
  private readonly newPolicies: CostPolicyRow<string>[] = [];
  /** Roll-up deltas: +1 when an error is recorded, −1 when its void is recorded, each in its recorded month. */
  private readonly deltas = new MonthDeltas();

  constructor(
    private readonly rows: Map<string, Row>,
    private readonly policies: CostPolicy[],
    private readonly kinds: CustomerKinds,
  ) {}

  private readonly erased = new Set<string>();

  apply(event: LedgerRecord): void {
    const version = Number(event.revision);
    const recordedAt = event.recordedAt.toISOString();
    switch (event.type) {
      case 'CustomerRegistered':
        this.kinds.register(event.data.customerId, event.data.kind);
        return;
      case 'CustomerErased':
        this.erased.add(event.data.customerId);
        return;
      case 'ErrorRecorded': {
        const d = event.data;
        const kind = this.kinds.of(d.customerId);
        // Priced once, when recorded, by the policies recorded before it: a later one never re-prices it.
        const cost = d.cost ? readMoney(d.cost) : kind === 'UNKNOWN' ? null : priceError(this.policies, kind, d.type, new Date(d.occurredAt));
        const row: Row = {
          id: d.errorId, customer_id: d.customerId, customer_kind: kind, type: d.type, status: 'OPEN', occurred_at: d.occurredAt,
          reference: d.reference ?? null, description: d.description ?? null, cost_minor: cost ? cost.minor.toString() : null,
          currency: cost?.currency ?? null, version, recorded_at: recordedAt, voided_recorded_at: null,
        };
        this.rows.set(row.id, row);
        this.touched.set(row.id, row);
        this.deltas.add(row, recordedAt, 1);
        return;
      }
      case 'ErrorResolved':
        return this.change(event.data.errorId, version, (row) => resolved(row.status));
      case 'ErrorVoided':
        return this.change(event.data.errorId, version, (row) => {
          const change = voided(row.status, recordedAt);
          if (change.status === 'VOIDED') this.deltas.add(row, recordedAt, -1); // it stops counting as of the void
          return change;
        });
      case 'ErrorCostPolicySet': {
        const { customerKind, errorType, costPerError, effectiveFrom } = event.data;
        const amount = readMoney(costPerError);
        if (!amount) return; // unreadable: it could never price anything
        this.policies.push({ customerKind, errorType, costPerError, effectiveFrom });
        this.newPolicies.push({
          position: event.position.toString(), customer_kind: customerKind, error_type: errorType, amount_minor: amount.minor.toString(),
          currency: amount.currency, effective_from: effectiveFrom, recorded_at: recordedAt,
        });
        return;
      }
      case 'PromiseMade':
      case 'PromiseAmended':
      case 'PromiseKept':
      case 'PromiseBroken':
      case 'PromiseReleased':
      case 'PromiseFulfilledLate':
      case 'PromiseAtRisk':
      case 'PromisePaused':
      case 'PromiseResumed':
      case 'BusinessCalendarSet':
        return;
      default:
        return unreachable(event);
    }
  }

  async write(client: pg.ClientBase): Promise<void> {
    await writeRows(client, 'rm_errors', ERROR_COLUMNS, [...this.touched.values()], 'upsert');
    await writeRows(client, 'rm_cost_policies', POLICY_COLUMNS, this.newPolicies, 'insert');
    await this.deltas.write(client);
    if (this.erased.size === 0) return;
    // What a reader without the customer's key reads (redactPersonalData), so a rebuild gives the same rows.
    await client.query(
      `update rm_errors set description = $2 where customer_id = any($1::text[]) and description is not null and description <> $2`,
      [[...this.erased], ERASED_TEXT],
    );
  }

  private change(id: string, version: number, change: (row: Row) => Partial<Row>): void {
    const current = this.rows.get(id);
    if (!current) return; // an error the log never recorded: nothing to change
    const next: Row = { ...current, ...change(current), version };
    this.rows.set(id, next);
    this.touched.set(id, next);
  }
}

/**
 * The roll-up's deltas of a batch, written with one statement that adds them to the stored rows
 * (no read first: a row is a sum, and the batch's transaction makes the addition happen once).
 * Months are cut in SQL, from the same timestamps rm_errors stores, as the migration's backfill does.
 */
class MonthDeltas {
  private readonly occurred: string[] = [];
  private readonly kinds: string[] = [];
  private readonly types: string[] = [];
  private readonly currencies: (string | null)[] = [];
  private readonly recorded: string[] = [];
  private readonly signs: number[] = [];
  private readonly costs: string[] = [];

  add(row: Row, recordedAt: string, sign: 1 | -1): void {
    this.occurred.push(row.occurred_at);
    this.kinds.push(row.customer_kind);
    this.types.push(row.type);
    this.currencies.push(row.currency);
    this.recorded.push(recordedAt);
    this.signs.push(sign);
    this.costs.push(row.currency === null ? '0' : (row.cost_minor ?? '0'));
  }

  async write(client: pg.ClientBase): Promise<void> {
    if (this.signs.length === 0) return;
    await client.query(
      `insert into rm_error_cost_months as m (key, occurred_month, customer_kind, error_type, currency, recorded_month, errors, cost_minor)
       select to_char(om, 'YYYY-MM') || '|' || kind || '|' || type || '|' || coalesce(currency, '') || '|' || to_char(rm, 'YYYY-MM'),
              om, kind, type, currency, rm, sum(n), sum(n * cost)
         from (select date_trunc('month', o at time zone 'UTC')::date as om, kind, type, currency, date_trunc('month', r at time zone 'UTC')::date as rm, n, cost
                 from unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::numeric[]) as d(o, kind, type, currency, r, n, cost)) d
        group by om, kind, type, currency, rm
       on conflict (key) do update set errors = m.errors + excluded.errors, cost_minor = m.cost_minor + excluded.cost_minor`,
      [this.occurred, this.kinds, this.types, this.currencies, this.recorded, this.signs, this.costs],
    );
  }
}

/** Resolving closes an open error; a resolved or voided one stays as it is (its version moves). */
function resolved(status: ErrorStatus): Partial<Row> {
  switch (status) {
    case 'OPEN':
      return { status: 'RESOLVED' };
    case 'RESOLVED':
    case 'VOIDED':
      return {};
    default:
      return unreachable(status);
  }
}

/** An error is voided once: it stops counting as of that recorded time. */
function voided(status: ErrorStatus, recordedAt: string): Partial<Row> {
  switch (status) {
    case 'OPEN':
    case 'RESOLVED':
      return { status: 'VOIDED', voided_recorded_at: recordedAt };
    case 'VOIDED':
      return {};
    default:
      return unreachable(status);
  }
}

/** Every policy recorded so far, in log order: what prices an error recorded now. */
async function loadPolicies(client: pg.ClientBase): Promise<CostPolicy[]> {
  const { rows } = await client.query<CostPolicyRow>(
    'select customer_kind, error_type, amount_minor, currency, effective_from from rm_cost_policies order by position',
  );
  return rows.map((r) => ({
    customerKind: r.customer_kind,
    errorType: r.error_type,
    costPerError: formatMoney({ minor: BigInt(r.amount_minor), currency: r.currency }),
    effectiveFrom: r.effective_from.toISOString(),
  }));
}

/**
 * The log only holds money the domain accepted; should an unreadable amount get in anyway, the
 * error counts as unpriced instead of stalling the read model on an event it can never apply.
 */
function readMoney(json: MoneyJson): Money | null {
  try {
    return moneyFromJson(json);
  } catch {
    return null;
  }
}
