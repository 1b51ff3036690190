import { describe, expect, it } from '@jest/globals';
import { LEDGER_EVENT_TYPES } from '../ledger-event.js';
import { WEBHOOK_EVENT_TYPES, webhookEventTypeOf } from './webhook-event-type.js';

describe('webhook event types', () => {
  it('maps the events receivers subscribe to, and nothing else', () => {
    const mapped = Object.fromEntries(LEDGER_EVENT_TYPES.flatMap((type) => (webhookEventTypeOf(type) ? [[type, webhookEventTypeOf(type)]] : [])));
    expect(mapped).toEqual({
      PromiseMade: 'PROMISE_MADE',
      PromiseAtRisk: 'PROMISE_AT_RISK',
      PromiseBroken: 'PROMISE_BROKEN',
      PromiseKept: 'PROMISE_KEPT',
      ErrorRecorded: 'ERROR_RECORDED',
      ErrorVoided: 'ERROR_VOIDED',
      CustomerErased: 'CUSTOMER_ERASED',
    });
    for (const type of Object.values(mapped)) expect(WEBHOOK_EVENT_TYPES).toContain(type);
  });
});
