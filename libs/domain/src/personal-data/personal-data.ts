import { unreachable } from '../shared/decider.js';
import type { LedgerEvent } from '../ledger-event.js';
import { SYSTEM_BREAK_REASONS } from '../promise/promise.decider.js';

/** What a personal text reads as once its customer is erased. */
export const ERASED_TEXT = '[erased]';

/**
 * The fields of an event that hold a customer's personal data: the name and e-mail, and the free
 * text an agent typed about them. Ids, kinds, dates, amounts, statuses, references and system
 * codes stay clear, so the ledger's figures never need a key. Listed per type, exhaustively: a new
 * event does not compile until it says which of its fields are personal.
 */
export function personalFieldsOf(event: LedgerEvent): readonly string[] {
  switch (event.type) {
    case 'CustomerRegistered':
      return ['name', 'email'];
    case 'PromiseMade':
      return ['description'];
    case 'PromiseAmended':
      return ['reason'];
    case 'PromiseKept':
    case 'PromiseFulfilledLate':
      return ['evidence'];
    case 'PromiseBroken':
      // DEADLINE_PASSED and LATE are the system's codes (an agent may not type them).
      return SYSTEM_BREAK_REASONS.includes(event.data.reason) ? ['evidence'] : ['reason', 'evidence'];
    case 'PromiseReleased':
      return ['reason'];
    case 'ErrorRecorded':
      return ['description'];
    case 'ErrorResolved':
      return ['resolution'];
    case 'ErrorVoided':
    case 'PromisePaused':
    case 'PromiseResumed': // repeats the pause's reason, for the timeline
      return ['reason'];
    case 'PromiseAtRisk':
    case 'ErrorCostPolicySet':
    case 'BusinessCalendarSet':
    case 'CustomerErased': // its reason and requester are about the erasure, written after the key is gone
      return [];
    default:
      return unreachable(event);
  }
}

/** The customer whose data key protects an event's personal fields (none for cost policies). */
export function dataSubjectOf(event: LedgerEvent): string | undefined {
  return 'customerId' in event.data ? event.data.customerId : undefined;
}

/**
 * The event as it reads once its customer is erased: every personal field it holds reads
 * `[erased]`. Readers without the customer's key see exactly this, and read models clear their
 * copies to exactly this, so a rebuild after an erasure gives the same rows.
 */
export function redactPersonalData<E extends LedgerEvent>(event: E): E {
  const fields = personalFieldsOf(event).filter((f) => (event.data as Record<string, unknown>)[f] !== undefined);
  if (fields.length === 0) return event;
  const data: Record<string, unknown> = { ...event.data };
  for (const field of fields) data[field] = ERASED_TEXT;
  return { ...event, data } as E;
}
