import { describe, it } from '@jest/globals';
import { spec } from '../shared/decider.spec-helpers.js';
import { errorIncidentDecider } from './error-incident.decider.js';
import type { ErrorIncidentEvent } from './error-incident.events.js';

const given = spec(errorIncidentDecider);
const now = new Date('2026-11-23T10:00:00Z');
const record = (over: Record<string, unknown> = {}) => ({ type: 'RecordError' as const, errorId: 'e1', customerId: 'c1', errorType: 'BILLING' as const, reference: 'INV-1', now, ...over });
const recorded: ErrorIncidentEvent = { type: 'ErrorRecorded', data: { errorId: 'e1', customerId: 'c1', type: 'BILLING', occurredAt: '2026-11-23T10:00:00.000Z', reference: 'INV-1' } };
const resolved: ErrorIncidentEvent = { type: 'ErrorResolved', data: { errorId: 'e1', customerId: 'c1', resolution: 'credited', resolvedAt: '2026-11-23T10:00:00.000Z' } };
const voided: ErrorIncidentEvent = { type: 'ErrorVoided', data: { errorId: 'e1', customerId: 'c1', reason: 'twice', voidedAt: '2026-11-23T10:00:00.000Z' } };

describe('error incident decider', () => {
  it('records an error, occurredAt defaulting to now', () => given([]).when(record()).then([recorded]));
  it('records an explicit cost as a decimal string', () =>
    given([]).when(record({ cost: { minor: 9995n, currency: 'EUR' } })).then([{ ...recorded, data: { ...recorded.data, cost: { amount: '99.95', currency: 'EUR' } } } as ErrorIncidentEvent]));
  it('refuses an error in the future, an unknown type, a long reference', () => {
    given([]).when(record({ occurredAt: new Date('2026-11-24T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'occurredAt');
    given([]).when(record({ errorType: 'TYPO' })).thenRefused('BAD_USER_INPUT', 'type');
    given([]).when(record({ reference: 'r'.repeat(201) })).thenRefused('BAD_USER_INPUT', 'reference');
  });
  it('is idempotent for the same content and refuses other content', () => {
    given([recorded]).when(record()).then([]);
    given([recorded]).when(record({ reference: 'INV-2' })).thenRefused('CONFLICT');
  });
  it('resolves an open error, and refuses resolving twice', () => {
    given([recorded]).when({ type: 'ResolveError', errorId: 'e1', resolution: 'credited', now }).then([resolved]);
    given([recorded, resolved]).when({ type: 'ResolveError', errorId: 'e1', resolution: 'again', now }).thenRefused('INVALID_STATE');
  });
  it('voids an open or resolved error; a voided one refuses everything', () => {
    given([recorded]).when({ type: 'VoidError', errorId: 'e1', reason: 'twice', now }).then([voided]);
    given([recorded, resolved]).when({ type: 'VoidError', errorId: 'e1', reason: 'twice', now }).then([voided]);
    given([recorded, voided]).when({ type: 'VoidError', errorId: 'e1', reason: 'x', now }).thenRefused('INVALID_STATE');
    given([recorded, voided]).when({ type: 'ResolveError', errorId: 'e1', resolution: 'x', now }).thenRefused('INVALID_STATE');
  });
  it('refuses transitions of an unknown error', () => given([]).when({ type: 'VoidError', errorId: 'e1', reason: 'x', now }).thenRefused('NOT_FOUND'));
});
