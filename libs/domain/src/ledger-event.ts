import type { CustomerEvent } from './customer/customer.events.js';
import type { PromiseEvent } from './promise/promise.events.js';
import type { ErrorIncidentEvent } from './error-incident/error-incident.events.js';
import type { CostPolicyEvent } from './cost-policy/cost-policy.events.js';
import type { BusinessCalendarEvent } from './calendar/business-calendar.events.js';

/** Every event the ledger records. */
export type LedgerEvent = CustomerEvent | PromiseEvent | ErrorIncidentEvent | CostPolicyEvent | BusinessCalendarEvent;

export const LEDGER_EVENT_TYPES = [
  'CustomerRegistered',
  'CustomerErased',
  'PromiseMade',
  'PromiseAmended',
  'PromiseKept',
  'PromiseBroken',
  'PromiseReleased',
  'PromiseFulfilledLate',
  'PromiseAtRisk',
  'PromisePaused',
  'PromiseResumed',
  'ErrorRecorded',
  'ErrorResolved',
  'ErrorVoided',
  'ErrorCostPolicySet',
  'BusinessCalendarSet',
] as const satisfies readonly LedgerEvent['type'][];

// Every type of LedgerEvent is listed above (readers skip types not listed as written by a newer
// version): adding an event to the union without listing it fails to compile here.
type Unlisted = Exclude<LedgerEvent['type'], (typeof LEDGER_EVENT_TYPES)[number]>;
const EVERY_TYPE_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;
void EVERY_TYPE_LISTED;

/**
 * Version of the events' stored shapes, in each event's metadata (`schemaVersion`): 1 = personal
 * data in clear, 2 = personal data sealed under the customer's data key. Readers turn every
 * version into the domain's shape in one place (the event codec's upcasters).
 */
export const EVENT_SCHEMA_VERSION = 2;
