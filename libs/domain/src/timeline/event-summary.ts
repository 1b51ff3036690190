import { unreachable } from '../shared/decider.js';
import type { LedgerEvent } from '../ledger-event.js';

const day = (iso: string) => iso.slice(0, 10);
const money = (m?: { amount: string; currency: string }) => (m ? ` (${m.amount} ${m.currency})` : '');
const label = (type: string) => type.charAt(0) + type.slice(1).toLowerCase();

/** One human line per event, for the customer timeline. */
export function summarizeEvent(event: LedgerEvent): string {
  switch (event.type) {
    case 'CustomerRegistered':
      return `Customer registered: ${event.data.name} (${event.data.kind.toLowerCase().replace('_', ' ')})`;
    case 'PromiseMade':
      return `Promise made: ${event.data.description} by ${day(event.data.dueBy)}`;
    case 'PromiseAmended':
      return `Promise amended: due ${day(event.data.previousDueBy)} → ${day(event.data.dueBy)} (${event.data.reason})`;
    case 'PromiseKept':
      return `Promise kept on ${day(event.data.keptAt)}`;
    case 'PromiseBroken':
      if (event.data.reason === 'DEADLINE_PASSED') return `Promise broken: deadline ${day(event.data.brokenAt)} passed`;
      if (event.data.fulfilledAt) return `Promise broken: kept late on ${day(event.data.fulfilledAt)}, due ${day(event.data.brokenAt)}`;
      return `Promise broken: ${event.data.reason}`;
    case 'PromiseReleased':
      return `Promise released: ${event.data.reason}`;
    case 'PromiseFulfilledLate':
      return `Broken promise fulfilled late on ${day(event.data.fulfilledAt)}`;
    case 'PromiseAtRisk':
      return `Promise at risk: due ${event.data.dueBy.slice(0, 16).replace('T', ' ')} UTC`;
    case 'ErrorRecorded':
      return `${label(event.data.type)} error recorded${event.data.reference ? `: ${event.data.reference}` : ''}${money(event.data.cost)}`;
    case 'ErrorResolved':
      return `Error resolved: ${event.data.resolution}`;
    case 'ErrorVoided':
      return `Error voided: ${event.data.reason}`;
    case 'ErrorCostPolicySet':
      return `Cost policy: ${event.data.customerKind} ${event.data.errorType} = ${event.data.costPerError.amount} ${event.data.costPerError.currency} from ${day(event.data.effectiveFrom)}`;
    default:
      return unreachable(event);
  }
}

/** The business time of an event (when it happened), for the timeline's occurredAt. */
export function occurredAt(event: LedgerEvent): string {
  switch (event.type) {
    case 'CustomerRegistered':
      return event.data.registeredAt;
    case 'PromiseMade':
      return event.data.madeAt;
    case 'PromiseAmended':
      return event.data.amendedAt;
    case 'PromiseKept':
      return event.data.keptAt;
    case 'PromiseBroken':
      return event.data.fulfilledAt ?? event.data.reportedAt;
    case 'PromiseReleased':
      return event.data.releasedAt;
    case 'PromiseFulfilledLate':
      return event.data.fulfilledAt;
    case 'PromiseAtRisk':
      return event.data.flaggedAt;
    case 'ErrorRecorded':
      return event.data.occurredAt;
    case 'ErrorResolved':
      return event.data.resolvedAt;
    case 'ErrorVoided':
      return event.data.voidedAt;
    case 'ErrorCostPolicySet':
      return event.data.setAt;
    default:
      return unreachable(event);
  }
}
