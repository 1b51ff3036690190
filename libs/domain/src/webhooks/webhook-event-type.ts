import type { LedgerEvent } from '../ledger-event.js';
import { unreachable } from '../shared/decider.js';

/** What a webhook may subscribe to (GraphQL `WebhookEventType`, derived from this array). */
export const WEBHOOK_EVENT_TYPES = [
  'PROMISE_MADE',
  'PROMISE_AT_RISK',
  'PROMISE_CRITICAL',
  'PROMISE_BROKEN',
  'PROMISE_KEPT',
  'PROMISE_PAUSED',
  'PROMISE_RESUMED',
  'ERROR_RECORDED',
  'ERROR_VOIDED',
  'CUSTOMER_ERASED',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * The webhook event an event of the log is delivered as, if any. Exhaustive: a new event type
 * does not compile until it is decided here whether (and as what) other systems hear of it.
 */
export function webhookEventTypeOf(event: Pick<LedgerEvent, 'type' | 'data'>): WebhookEventType | undefined {
  const type = event.type;
  switch (type) {
    case 'PromiseMade':
      return 'PROMISE_MADE';
    case 'PromiseAtRisk':
      // One event type records both crossings; older events carry no level (they were at-risk flags).
      return (event.data as { level?: string }).level === 'CRITICAL' ? 'PROMISE_CRITICAL' : 'PROMISE_AT_RISK';
    case 'PromisePaused':
      return 'PROMISE_PAUSED';
    case 'PromiseResumed':
      return 'PROMISE_RESUMED';
    case 'PromiseBroken':
      return 'PROMISE_BROKEN';
    case 'PromiseKept':
      return 'PROMISE_KEPT';
    case 'ErrorRecorded':
      return 'ERROR_RECORDED';
    case 'ErrorVoided':
      return 'ERROR_VOIDED';
    case 'CustomerErased':
      return 'CUSTOMER_ERASED';
    // Not (yet) a webhook event: bookkeeping that other systems have not asked to hear about.
    case 'CustomerRegistered':
    case 'PromiseAmended':
    case 'PromiseReleased':
    case 'PromiseFulfilledLate':
    case 'ErrorResolved':
    case 'ErrorCostPolicySet':
    case 'BusinessCalendarSet':
      return undefined;
    default:
      return unreachable(type);
  }
}
