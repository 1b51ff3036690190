import type pg from 'pg';
import { ERASED_TEXT, formatMoney, moneyFromJson, priceError, unreachable, type CostPolicy, type ErrorStatus, type Money, type MoneyJson } from '#libs/domain';
import { loadRows, writeRows } from '../../sql/row-batch.writer.js';
import { CustomerKinds } from '../shared/batch-context.js';
import type { LedgerRecord } from '../shared/ledger-record.js';
import type { ViewProjection, ViewBatch } from '../shared/view-projection.js';
import { ERROR_COLUMNS, POLICY_COLUMNS, type CostPolicyRow, type ErrorRow } from './error.rows.js';

type Row = ErrorRow<string>;

/**
 * Error incidents (rm_errors), each priced when recorded by the cost policies recorded before
 * it, and those policies (rm_cost_policies). A policy set later never re-prices an error, so the
 * view owns everything its prices depend on.
 */
export const errorCostsProjection: ViewProjection = {
  name: 'error-costs',
  tables: ['rm_errors', 'rm_cost_policies'],
  reads: ['rm_customers'], // the customer's kind, through BatchContext
  migrations: [],
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
        return;
      }
      case 'ErrorResolved':
        return this.change(event.data.errorId, version, (row) => resolved(row.status));
      case 'ErrorVoided':
        return this.change(event.data.errorId, version, (row) => voided(row.status, recordedAt));
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
