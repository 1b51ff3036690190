import type pg from 'pg';
import { ERASED_TEXT, SYSTEM_BREAK_REASONS, unreachable, type RiskLevel } from '#libs/domain';
import { loadRows, writeRows } from '../../sql/row-batch.writer.js';
import { CustomerKinds } from '../shared/batch-context.js';
import type { LedgerRecord } from '../shared/ledger-record.js';
import type { ViewProjection, ViewBatch } from '../shared/view-projection.js';
import { BrandLedgerCounters, type Settlement } from './brand-ledger.counters.js';
import { promisesMigrations } from './promises.migrations.js';
import { PROMISE_COLUMNS, type PromiseRow } from './promise.rows.js';

type Row = PromiseRow<string>;

/**
 * Promises (rm_promises) and the brand ledger's counters per customer kind (rm_brand_ledger),
 * which move with the promises' transitions. Each promise keeps the recorded time of when it was
 * made and of its one ledger-relevant change (leaving OPEN): that is all asOf needs.
 */
export const promisesProjection: ViewProjection = {
  name: 'promises',
  tables: ['rm_promises', 'rm_brand_ledger'],
  reads: ['rm_customers'], // the customer's kind, through BatchContext
  migrations: promisesMigrations,
  async begin(events, context) {
    const created = new Set<string>();
    const changed = new Set<string>();
    for (const e of events) {
      if (e.type === 'PromiseMade') created.add(e.data.promiseId);
      else if ('promiseId' in e.data && !created.has(e.data.promiseId)) changed.add(e.data.promiseId);
    }
    const rows = await loadRows<Row>(context.client, 'rm_promises', PROMISE_COLUMNS, changed);
    const kinds = created.size ? await context.customerKindsBeforeBatch() : new Map();
    return new PromisesBatch(rows, new CustomerKinds(kinds));
  },
};

/** The recorded risk level and the next moment the watcher records, from the row's other columns. */
function withRisk(row: Row): Row {
  const running = row.status === 'OPEN' && row.paused_at === null;
  const next = !running || row.at_risk_at === null ? null : row.risk_flag === null ? row.at_risk_at : row.risk_flag === 'AT_RISK' ? row.critical_at : null;
  return { ...row, risk: riskOf(row), next_risk_at: next };
}

function riskOf(row: Row): RiskLevel {
  switch (row.status) {
    case 'KEPT':
    case 'RELEASED':
      return 'SETTLED';
    case 'BROKEN':
      return 'BREACHED';
    case 'OPEN':
      if (row.paused_at !== null) return 'PAUSED';
      // Flagged before risk levels: AT_RISK for the due date it was flagged for.
      return row.risk_flag ?? (row.at_risk_for !== null && Date.parse(row.at_risk_for) === Date.parse(row.due_by) ? 'AT_RISK' : 'ON_TRACK');
    default:
      return unreachable(row.status);
  }
}

class PromisesBatch implements ViewBatch {
  private readonly touched = new Map<string, Row>();
  private readonly brand = new BrandLedgerCounters();
  private readonly erased = new Set<string>();

  constructor(
    private readonly rows: Map<string, Row>,
    private readonly kinds: CustomerKinds,
  ) {}

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
      case 'PromiseMade': {
        const d = event.data;
        const row: Row = {
          id: d.promiseId, customer_id: d.customerId, customer_kind: this.kinds.of(d.customerId), kind: d.kind,
          touch_point: d.touchPoint, description: d.description, made_at: d.madeAt, due_by: d.dueBy, original_due_by: d.dueBy,
          amendments: 0, status: 'OPEN', kept_at: null, broken_at: null, broken_reason: null, fulfilled_at: null, released_at: null,
          at_risk_for: null, version, made_recorded_at: recordedAt, settled_recorded_at: null,
          calendar_id: d.calendar?.id ?? null, calendar_version: d.calendar?.version ?? null, clock_ms: d.clockMs ?? null,
          paused_at: null, paused_ms: 0, at_risk_at: d.atRiskAt ?? null, critical_at: d.criticalAt ?? null, risk_flag: null,
          risk: 'ON_TRACK', next_risk_at: d.atRiskAt ?? null,
        };
        this.rows.set(row.id, row);
        this.touched.set(row.id, row);
        this.brand.made(row.customer_kind);
        return;
      }
      case 'PromiseAmended': {
        const d = event.data;
        // The decider forgets the recorded risk levels: the new date is measured afresh.
        return this.change(d.promiseId, version, (row) => ({
          due_by: d.dueBy, amendments: row.amendments + 1, risk_flag: null, at_risk_at: d.atRiskAt ?? null, critical_at: d.criticalAt ?? null,
          clock_ms: d.clockMs ?? (row.clock_ms === null ? null : Number(row.clock_ms) + Date.parse(d.dueBy) - Date.parse(row.due_by)),
        }));
      }
      case 'PromiseKept':
        return this.settle(event.data.promiseId, version, 'KEPT', { kept_at: event.data.keptAt, settled_recorded_at: recordedAt });
      case 'PromiseBroken': {
        const d = event.data;
        const change = { broken_at: d.brokenAt, broken_reason: d.reason, fulfilled_at: d.fulfilledAt ?? null, settled_recorded_at: recordedAt };
        return this.settle(d.promiseId, version, 'BROKEN', change);
      }
      case 'PromiseReleased':
        return this.settle(event.data.promiseId, version, 'RELEASED', { released_at: event.data.releasedAt, settled_recorded_at: recordedAt });
      case 'PromiseFulfilledLate':
        return this.change(event.data.promiseId, version, () => ({ fulfilled_at: event.data.fulfilledAt }));
      case 'PromiseAtRisk': {
        const level = event.data.level;
        if (!level) return this.change(event.data.promiseId, version, () => ({ at_risk_for: event.data.dueBy }));
        return this.change(event.data.promiseId, version, (row) => ({ risk_flag: row.risk_flag === 'CRITICAL' ? 'CRITICAL' : level }));
      }
      case 'PromisePaused':
        return this.change(event.data.promiseId, version, () => ({ paused_at: event.data.pausedAt }));
      case 'PromiseResumed': {
        const d = event.data;
        return this.change(d.promiseId, version, (row) => ({
          paused_at: null, paused_ms: Number(row.paused_ms) + d.pausedMs, due_by: d.dueBy, at_risk_at: d.atRiskAt, critical_at: d.criticalAt, clock_ms: d.clockMs,
        }));
      }
      case 'BusinessCalendarSet':
        return;
      case 'ErrorRecorded':
      case 'ErrorResolved':
      case 'ErrorVoided':
      case 'ErrorCostPolicySet':
        return;
      default:
        return unreachable(event);
    }
  }

  async write(client: pg.ClientBase): Promise<void> {
    await writeRows(client, 'rm_promises', PROMISE_COLUMNS, [...this.touched.values()], 'upsert');
    await this.brand.write(client);
    if (this.erased.size === 0) return;
    // What a reader without the customer's key reads (redactPersonalData: a system break reason
    // is a code, not personal), so a rebuild gives the same rows.
    await client.query(
      `update rm_promises
          set description = $2,
              broken_reason = case when broken_reason is null or broken_reason = any($3::text[]) then broken_reason else $2 end
        where customer_id = any($1::text[])`,
      [[...this.erased], ERASED_TEXT, SYSTEM_BREAK_REASONS],
    );
  }

  private change(id: string, version: number, change: (row: Row) => Partial<Row> | null): void {
    const current = this.rows.get(id);
    if (!current) return; // a promise the log never made: nothing to change
    const next: Row = withRisk({ ...current, ...change(current), version });
    this.rows.set(id, next);
    this.touched.set(id, next);
  }

  /** A promise leaves OPEN once; the decider refuses a second settlement, and so does the read model. */
  private settle(id: string, version: number, status: Settlement, change: Partial<Row>): void {
    this.change(id, version, (row) => {
      switch (row.status) {
        case 'OPEN':
          this.brand.settled(row.customer_kind, status);
          return { ...change, status };
        case 'KEPT':
        case 'BROKEN':
        case 'RELEASED':
          return null;
        default:
          return unreachable(row.status);
      }
    });
  }
}
