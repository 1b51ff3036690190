import { describe, expect, it } from '@jest/globals';
import { spec, stateAfter } from '../shared/decider.spec-helpers.js';
import { errorIncidentDecider } from './error-incident.decider.js';
import type { ErrorIncidentCommand } from './error-incident.commands.js';
import type { ErrorIncidentEvent } from './error-incident.events.js';

const given = spec(errorIncidentDecider);
const now = new Date('2026-11-23T10:00:00Z');
const ref = { errorId: 'e1', customerId: 'c1' };
type Over = Record<string, unknown>;
const record = (over: Over = {}) =>
  ({ type: 'RecordError', errorId: 'e1', customerId: 'c1', errorType: 'BILLING', reference: 'INV-1', now, ...over }) as ErrorIncidentCommand;
const resolve = (over: Over = {}) => ({ type: 'ResolveError', errorId: 'e1', resolution: 'credited', now, ...over }) as ErrorIncidentCommand;
const voidIt = (over: Over = {}) => ({ type: 'VoidError', errorId: 'e1', reason: 'recorded twice', now, ...over }) as ErrorIncidentCommand;

const recorded: ErrorIncidentEvent = { type: 'ErrorRecorded', data: { ...ref, type: 'BILLING', occurredAt: '2026-11-23T10:00:00.000Z', reference: 'INV-1' } };
const resolved: ErrorIncidentEvent = { type: 'ErrorResolved', data: { ...ref, resolution: 'credited', resolvedAt: '2026-11-23T10:00:00.000Z' } };
const voided: ErrorIncidentEvent = { type: 'ErrorVoided', data: { ...ref, reason: 'recorded twice', voidedAt: '2026-11-23T10:00:00.000Z' } };

describe('error incident decider', () => {
  describe('RecordError', () => {
    it('records an error, occurredAt defaulting to now', () => given([]).when(record()).then([recorded]));

    it('records a shipping error that occurred earlier, with a description', () =>
      given([]).when(record({ errorType: 'SHIPPING', occurredAt: new Date('2026-11-20T08:00:00Z'), reference: undefined, description: 'wrong pallet' })).then([
        { type: 'ErrorRecorded', data: { ...ref, type: 'SHIPPING', occurredAt: '2026-11-20T08:00:00.000Z', description: 'wrong pallet' } },
      ]));

    it('records an explicit cost as a decimal string', () =>
      given([]).when(record({ cost: { minor: 9995n, currency: 'EUR' } })).then([
        { ...recorded, data: { ...recorded.data, cost: { amount: '99.95', currency: 'EUR' } } } as ErrorIncidentEvent,
      ]));

    it('accepts occurredAt equal to now', () => given([]).when(record({ occurredAt: now })).then([recorded]));

    it('is OPEN with its details afterwards', () =>
      expect(stateAfter(errorIncidentDecider, [recorded])).toEqual({ status: 'OPEN', ...ref, errorType: 'BILLING', occurredAt: '2026-11-23T10:00:00.000Z', reference: 'INV-1' }));

    it.each([
      [{ occurredAt: new Date('2026-11-24T00:00:00Z') }, 'occurredAt'],
      [{ occurredAt: new Date('nonsense') }, 'occurredAt'],
      [{ errorType: 'TYPO' }, 'type'],
      [{ reference: 'r'.repeat(201) }, 'reference'],
      [{ description: 'd'.repeat(2_001) }, 'description'],
      [{ cost: { minor: -1n, currency: 'USD' } }, 'cost'],
      [{ cost: { minor: 100n, currency: 'usd' } }, 'cost'],
      [{ errorId: '' }, 'id'],
      [{ errorId: 'e'.repeat(101) }, 'id'],
      [{ customerId: '' }, 'customerId'],
    ])('refuses %p', (over, field) => given([]).when(record(over)).thenRefused('BAD_USER_INPUT', field));

    it('is idempotent for the same content', () => given([recorded]).when(record({ occurredAt: new Date('2026-11-23T10:00:00Z') })).then([]));

    it('is idempotent for a retry without occurredAt at a later now', () =>
      given([recorded]).when(record({ now: new Date('2026-11-25T00:00:00Z') })).then([]));

    it.each([
      [{ reference: 'INV-2' }],
      [{ reference: undefined }],
      [{ errorType: 'SHIPPING' }],
      [{ customerId: 'c2' }],
      [{ description: 'more' }],
      [{ cost: { minor: 100n, currency: 'USD' } }],
      [{ occurredAt: new Date('2026-11-22T00:00:00Z') }],
    ])('refuses the same id with other content %p', (over) => given([recorded]).when(record(over)).thenRefused('CONFLICT'));
  });

  describe('ResolveError', () => {
    it('resolves an open error', () => given([recorded]).when(resolve()).then([resolved]));

    it('is RESOLVED with the resolution afterwards', () =>
      expect(stateAfter(errorIncidentDecider, [recorded, resolved])).toMatchObject({ status: 'RESOLVED', resolution: 'credited', resolvedAt: '2026-11-23T10:00:00.000Z', reference: 'INV-1' }));

    it.each([[''], ['r'.repeat(2_001)]])('refuses the resolution %p', (resolution) =>
      given([recorded]).when(resolve({ resolution })).thenRefused('BAD_USER_INPUT', 'resolution'));

    it('refuses resolving twice', () => given([recorded, resolved]).when(resolve()).thenRefused('INVALID_STATE'));

    it('refuses a voided error', () => given([recorded, voided]).when(resolve()).thenRefused('INVALID_STATE'));

    it('refuses an unknown error', () => given([]).when(resolve()).thenRefused('NOT_FOUND'));
  });

  describe('VoidError', () => {
    it('voids an open error', () => given([recorded]).when(voidIt()).then([voided]));

    it('voids a resolved error recorded by mistake', () => given([recorded, resolved]).when(voidIt()).then([voided]));

    it('is VOIDED with the reason afterwards', () =>
      expect(stateAfter(errorIncidentDecider, [recorded, voided])).toMatchObject({ status: 'VOIDED', voidReason: 'recorded twice', voidedAt: '2026-11-23T10:00:00.000Z' }));

    it('refuses an empty reason', () => given([recorded]).when(voidIt({ reason: ' ' })).thenRefused('BAD_USER_INPUT', 'reason'));

    it('refuses voiding twice', () => given([recorded, voided]).when(voidIt()).thenRefused('INVALID_STATE'));

    it('refuses an unknown error', () => given([]).when(voidIt()).thenRefused('NOT_FOUND'));
  });

  it('refuses an unknown command type', () => given([recorded]).when({ type: 'ReopenError', errorId: 'e1', now } as never).thenRefused('BAD_USER_INPUT'));
});
