import type { CustomerEvent } from './customer/customer.events.js';
import type { PromiseEvent } from './promise/promise.events.js';
import type { ErrorIncidentEvent } from './error-incident/error-incident.events.js';
import type { CostPolicyEvent } from './cost-policy/cost-policy.events.js';

/** Every event the ledger records. */
export type LedgerEvent = CustomerEvent | PromiseEvent | ErrorIncidentEvent | CostPolicyEvent;

export const LEDGER_EVENT_TYPES = [
  'CustomerRegistered',
  'PromiseMade',
  'PromiseAmended',
  'PromiseKept',
  'PromiseBroken',
  'PromiseReleased',
  'PromiseFulfilledLate',
  'PromiseAtRisk',
  'ErrorRecorded',
  'ErrorResolved',
  'ErrorVoided',
  'ErrorCostPolicySet',
] as const satisfies readonly LedgerEvent['type'][];

/** Version of the events' data shapes, stored in each event's metadata (`schemaVersion`). */
export const EVENT_SCHEMA_VERSION = 1;
