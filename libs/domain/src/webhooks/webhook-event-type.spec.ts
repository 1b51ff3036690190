import { describe, expect, it } from '@jest/globals';
import { LEDGER_EVENT_TYPES } from '../ledger-event.js';
import { WEBHOOK_EVENT_TYPES, webhookEventTypeOf } from './webhook-event-type.js';

describe('webhook event types', () => {
  it('maps the events receivers subscribe to, and nothing else', () => {
    const of = (type: (typeof LEDGER_EVENT_TYPES)[number]) => webhookEventTypeOf({ type, data: {} } as never);
    const mapped = Object.fromEntries(LEDGER_EVENT_TYPES.flatMap((type) => (of(type) ? [[type, of(type)]] : [])));
    expect(mapped).toEqual({
      PromiseMade: 'PROMISE_MADE',
      PromiseAtRisk: 'PROMISE_AT_RISK',
      PromiseBroken: 'PROMISE_BROKEN',
      PromiseKept: 'PROMISE_KEPT',
      ErrorRecorded: 'ERROR_RECORDED',
      ErrorVoided: 'ERROR_VOIDED',
      CustomerErased: 'CUSTOMER_ERASED',
      PromisePaused: 'PROMISE_PAUSED',
      PromiseResumed: 'PROMISE_RESUMED',
    });
    for (const type of Object.values(mapped)) expect(WEBHOOK_EVENT_TYPES).toContain(type);
  });

  it('tells a critical crossing from an at-risk one by the level PromiseAtRisk records', () => {
    expect(webhookEventTypeOf({ type: 'PromiseAtRisk', data: { level: 'CRITICAL' } } as never)).toBe('PROMISE_CRITICAL');
    expect(webhookEventTypeOf({ type: 'PromiseAtRisk', data: { level: 'AT_RISK' } } as never)).toBe('PROMISE_AT_RISK');
    expect(webhookEventTypeOf({ type: 'PromiseAtRisk', data: {} } as never)).toBe('PROMISE_AT_RISK');
  });
});
