import { unreachable } from '../shared/decider.js';
import type { LedgerEvent } from '../ledger-event.js';
import { DEADLINE_PASSED } from '../promise/promise.events.js';

const day = (iso: string) => iso.slice(0, 10);
const money = (m?: { amount: string; currency: string }) => (m ? ` (${m.amount} ${m.currency})` : '');
const label = (type: string) => type.charAt(0) + type.slice(1).toLowerCase();
const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
/** "2 h 30 min" of clock time (business time when a calendar applies). */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1_000)} s`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}
const words = (constant: string) => constant.toLowerCase().replaceAll('_', ' ');

/** One human line per event, for the customer timeline. */
export function summarizeEvent(event: LedgerEvent): string {
  switch (event.type) {
    case 'CustomerRegistered':
      // No name or e-mail: they are erasable personal data, and this line is stored in the timeline.
      return `Customer registered: ${words(event.data.kind)}${event.data.region ? `, ${event.data.region}` : ''}`;
    case 'CustomerErased':
      return `Customer's personal data erased at ${event.data.requestedBy}'s request: ${event.data.reason}`;
    case 'PromiseMade':
      if (event.data.dueInBusinessHours) {
        return `Promise made: ${event.data.description} within ${event.data.dueInBusinessHours} business hours of calendar ${event.data.calendar?.id ?? '?'}, by ${minute(event.data.dueBy)}`;
      }
      return `Promise made: ${event.data.description} by ${day(event.data.dueBy)}`;
    case 'PromiseAmended':
      return `Promise amended: due ${day(event.data.previousDueBy)} → ${day(event.data.dueBy)} (${event.data.reason})`;
    case 'PromiseKept':
      return `Promise kept on ${day(event.data.keptAt)}`;
    case 'PromiseBroken':
      if (event.data.reason === DEADLINE_PASSED) return `Promise broken: deadline ${day(event.data.brokenAt)} passed`;
      if (event.data.fulfilledAt) return `Promise broken: kept late on ${day(event.data.fulfilledAt)}, due ${day(event.data.brokenAt)}`;
      return `Promise broken: ${event.data.reason}`;
    case 'PromiseReleased':
      return `Promise released: ${event.data.reason}`;
    case 'PromiseFulfilledLate':
      return `Broken promise fulfilled late on ${day(event.data.fulfilledAt)}`;
    case 'PromiseAtRisk':
      return `Promise ${event.data.level === 'CRITICAL' ? 'critical' : 'at risk'}: due ${minute(event.data.dueBy)}`;
    case 'PromisePaused':
      return `Promise paused by ${event.data.pausedBy}: ${event.data.reason}`;
    case 'PromiseResumed':
      return `Promise resumed after ${formatDuration(event.data.pausedMs)} paused by ${event.data.pausedBy} (${event.data.reason}): due ${minute(event.data.previousDueBy)} → ${minute(event.data.dueBy)}`;
    case 'BusinessCalendarSet':
      return `Business calendar ${event.data.name} set (${event.data.timeZone})`;
    case 'ErrorRecorded':
      return `${label(event.data.type)} error recorded${event.data.reference ? `: ${event.data.reference}` : ''}${money(event.data.cost)}`;
    case 'ErrorResolved':
      return `Error resolved: ${event.data.resolution}`;
    case 'ErrorVoided':
      return `Error voided: ${event.data.reason}`;
    case 'ErrorCostPolicySet':
      return `Cost policy set: ${words(event.data.customerKind)} ${words(event.data.errorType)} errors cost ${event.data.costPerError.amount} ${event.data.costPerError.currency} from ${day(event.data.effectiveFrom)}`;
    default: {
      // Exhaustive at compile time; a type written by a newer version still gets a line: its name.
      const unknown: never = event;
      return String((unknown as { type?: unknown }).type);
    }
  }
}

/**
 * The business time of an event (when it happened), for the timeline's occurredAt. A late keep
 * happened when it was delivered; any other break when it was reported.
 */
export function occurredAt(event: LedgerEvent): string {
  switch (event.type) {
    case 'CustomerRegistered':
      return event.data.registeredAt;
    case 'CustomerErased':
      return event.data.erasedAt;
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
    case 'PromisePaused':
      return event.data.pausedAt;
    case 'PromiseResumed':
      return event.data.resumedAt;
    case 'BusinessCalendarSet':
      return event.data.setAt;
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
