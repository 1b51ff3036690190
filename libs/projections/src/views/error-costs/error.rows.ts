import type { CustomerKind, ErrorStatus, ErrorType } from '#libs/domain';
import type { Columns } from '../../sql/row-batch.writer.js';
import type { RecordedKind } from '../shared/batch-context.js';
import { money, type Money } from '../shared/query-sql.js';

/** A row of rm_errors; times are Date when read, ISO strings when a projection writes them. */
export type ErrorRow<Time = Date> = {
  id: string;
  customer_id: string;
  customer_kind: RecordedKind;
  type: ErrorType;
  status: ErrorStatus;
  occurred_at: Time;
  reference: string | null;
  description: string | null;
  /** Priced when recorded: bigint minor units as text; null with currency null = unpriced. */
  cost_minor: string | null;
  currency: string | null;
  version: number;
  recorded_at: Time;
  voided_recorded_at: Time | null;
};

export const ERROR_COLUMNS: Columns<ErrorRow> = [
  ['id', 'text'], ['customer_id', 'text'], ['customer_kind', 'text'], ['type', 'text'], ['status', 'text'], ['occurred_at', 'timestamptz'],
  ['reference', 'text'], ['description', 'text'], ['cost_minor', 'bigint'], ['currency', 'text'], ['version', 'int'],
  ['recorded_at', 'timestamptz'], ['voided_recorded_at', 'timestamptz'],
];

/** A row of rm_cost_policies: one per ErrorCostPolicySet event, by its log position. */
export type CostPolicyRow<Time = Date> = {
  position: string;
  customer_kind: CustomerKind;
  error_type: ErrorType;
  amount_minor: string;
  currency: string;
  effective_from: Time;
  recorded_at: Time;
};

export const POLICY_COLUMNS: Columns<CostPolicyRow> = [
  ['position', 'bigint'], ['customer_kind', 'text'], ['error_type', 'text'], ['amount_minor', 'bigint'], ['currency', 'text'],
  ['effective_from', 'timestamptz'], ['recorded_at', 'timestamptz'],
];

export interface ErrorIncidentView {
  id: string;
  customerId: string;
  type: ErrorType;
  status: ErrorStatus;
  occurredAt: Date;
  reference: string | null;
  description: string | null;
  cost: Money | null;
  version: number;
}

export const toError = (r: ErrorRow): ErrorIncidentView => ({
  id: r.id, customerId: r.customer_id, type: r.type, status: r.status, occurredAt: r.occurred_at, reference: r.reference,
  description: r.description, cost: r.cost_minor === null || r.currency === null ? null : money(r.cost_minor, r.currency), version: r.version,
});
