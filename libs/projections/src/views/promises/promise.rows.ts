import type { PromiseKind, PromiseStatus, RiskFlag, RiskLevel, TouchPoint } from '#libs/domain';
import type { Columns } from '../../sql/row-batch.writer.js';
import type { RecordedKind } from '../shared/batch-context.js';

/** A row of rm_promises; times are Date when read, ISO strings when a projection writes them. */
export type PromiseRow<Time = Date> = {
  id: string;
  customer_id: string;
  customer_kind: RecordedKind;
  kind: PromiseKind;
  touch_point: TouchPoint;
  description: string;
  made_at: Time;
  due_by: Time;
  original_due_by: Time;
  amendments: number;
  status: PromiseStatus;
  kept_at: Time | null;
  broken_at: Time | null;
  broken_reason: string | null;
  fulfilled_at: Time | null;
  released_at: Time | null;
  /** The due date it was flagged at risk for (an amendment moves the date and so clears the flag). */
  at_risk_for: Time | null;
  version: number;
  made_recorded_at: Time;
  settled_recorded_at: Time | null;
  /** The calendar the clock follows, at the version the promise was made with (null: around the clock). */
  calendar_id: string | null;
  calendar_version: number | null;
  /** Clock time promised, less the time paused (null: made before risk levels, dueBy − madeAt). */
  clock_ms: number | null;
  paused_at: Time | null;
  /** Clock time of the pauses that ended. */
  paused_ms: number;
  /** When the promise becomes AT_RISK and CRITICAL (null: made before risk levels). */
  at_risk_at: Time | null;
  critical_at: Time | null;
  /** The highest risk level recorded since it was made or amended. */
  risk_flag: RiskFlag | null;
  /** As recorded: the status, the pause and the flags (the watcher records each crossing within a second). */
  risk: RiskLevel;
  /** The next risk moment the watcher must record (null: none left); indexed for open, running promises. */
  next_risk_at: Time | null;
};

export const PROMISE_COLUMNS: Columns<PromiseRow> = [
  ['id', 'text'], ['customer_id', 'text'], ['customer_kind', 'text'], ['kind', 'text'], ['touch_point', 'text'], ['description', 'text'],
  ['made_at', 'timestamptz'], ['due_by', 'timestamptz'], ['original_due_by', 'timestamptz'], ['amendments', 'int'], ['status', 'text'],
  ['kept_at', 'timestamptz'], ['broken_at', 'timestamptz'], ['broken_reason', 'text'], ['fulfilled_at', 'timestamptz'],
  ['released_at', 'timestamptz'], ['at_risk_for', 'timestamptz'], ['version', 'int'], ['made_recorded_at', 'timestamptz'],
  ['settled_recorded_at', 'timestamptz'], ['calendar_id', 'text'], ['calendar_version', 'int'], ['clock_ms', 'bigint'],
  ['paused_at', 'timestamptz'], ['paused_ms', 'bigint'], ['at_risk_at', 'timestamptz'], ['critical_at', 'timestamptz'],
  ['risk_flag', 'text'], ['risk', 'text'], ['next_risk_at', 'timestamptz'],
];

export interface PromiseView {
  id: string;
  customerId: string;
  kind: PromiseKind;
  touchPoint: TouchPoint;
  description: string;
  madeAt: Date;
  dueBy: Date;
  originalDueBy: Date;
  amendments: number;
  status: PromiseStatus;
  keptAt: Date | null;
  brokenAt: Date | null;
  brokenReason: string | null;
  fulfilledAt: Date | null;
  releasedAt: Date | null;
  atRisk: boolean;
  version: number;
  calendar: { id: string; version: number } | null;
  clockMs: number;
  paused: boolean;
  pausedAt: Date | null;
  pausedMs: number;
  risk: RiskLevel;
}

export interface PromiseFilterInput {
  customerId?: string;
  status?: PromiseStatus;
  kind?: PromiseKind;
  dueBefore?: Date;
  dueAfter?: Date;
  atRisk?: boolean;
  risk?: RiskLevel;
  paused?: boolean;
}

export const toPromise = (r: PromiseRow): PromiseView => ({
  id: r.id, customerId: r.customer_id, kind: r.kind, touchPoint: r.touch_point, description: r.description, madeAt: r.made_at,
  dueBy: r.due_by, originalDueBy: r.original_due_by, amendments: r.amendments, status: r.status, keptAt: r.kept_at,
  brokenAt: r.broken_at, brokenReason: r.broken_reason, fulfilledAt: r.fulfilled_at, releasedAt: r.released_at,
  atRisk: r.risk === 'AT_RISK' || r.risk === 'CRITICAL', version: r.version,
  calendar: r.calendar_id === null ? null : { id: r.calendar_id, version: r.calendar_version ?? 0 },
  // bigint columns come back as text
  clockMs: r.clock_ms === null ? r.due_by.getTime() - r.made_at.getTime() : Number(r.clock_ms),
  paused: r.status === 'OPEN' && r.paused_at !== null, pausedAt: r.paused_at, pausedMs: Number(r.paused_ms), risk: r.risk,
});
