import { describe, expect, it } from '@jest/globals';
import { spec, stateAfter } from '../shared/decider.spec-helpers.js';
import { customerDecider } from './customer.decider.js';
import type { CustomerCommand } from './customer.commands.js';
import type { CustomerEvent } from './customer.events.js';

const given = spec(customerDecider);
const now = new Date('2026-11-23T10:00:00Z');
const register = (over: Record<string, unknown> = {}) =>
  ({ type: 'RegisterCustomer', customerId: 'c1', name: 'Acme', kind: 'DISTRIBUTOR', now, ...over }) as CustomerCommand;
const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  data: { customerId: 'c1', name: 'Acme', kind: 'DISTRIBUTOR', registeredAt: '2026-11-23T10:00:00.000Z' },
};
const withContact: CustomerEvent = { ...registered, data: { ...registered.data, region: 'EMEA', email: 'a@b.example' } };

describe('customer decider', () => {
  it('registers a customer, registeredAt = now', () => given([]).when(register()).then([registered]));

  it('keeps region and email when given', () => given([]).when(register({ region: 'EMEA', email: 'a@b.example' })).then([withContact]));

  it('trims the name, and treats a blank region or email as not given', () =>
    given([]).when(register({ name: '  Acme ', region: ' ', email: '' })).then([registered]));

  it('accepts a name of exactly 200 characters', () =>
    given([]).when(register({ name: 'n'.repeat(200) })).then([{ ...registered, data: { ...registered.data, name: 'n'.repeat(200) } }]));

  it('accepts an e-mail of exactly 320 characters', () => {
    const email = `${'a'.repeat(310)}@b.example`;
    given([]).when(register({ email })).then([{ ...registered, data: { ...registered.data, email } }]);
  });

  it('is REGISTERED with its details afterwards', () =>
    expect(stateAfter(customerDecider, [withContact])).toEqual({ status: 'REGISTERED', ...withContact.data }));

  it('is idempotent for the same content, even at a later now', () =>
    given([withContact]).when(register({ region: 'EMEA', email: 'a@b.example', now: new Date('2026-11-24T00:00:00Z') })).then([]));

  it.each([[{ name: 'Other' }], [{ kind: 'RESELLER' }], [{ region: 'APAC' }], [{ email: 'x@y.example' }]])(
    'refuses the same id with other content %p',
    (over) => given([registered]).when(register(over)).thenRefused('CONFLICT'),
  );

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'n'.repeat(201) }, 'name'],
    [{ kind: 'VIP' }, 'kind'],
    [{ email: 'nope' }, 'email'],
    [{ email: 'a b@c.example' }, 'email'],
    [{ email: 'a@localhost' }, 'email'],
    [{ email: `${'a'.repeat(311)}@b.example` }, 'email'], // 321 characters
    [{ region: 'r'.repeat(101) }, 'region'],
    [{ customerId: '' }, 'id'],
    [{ customerId: 'i'.repeat(101) }, 'id'],
    [{ customerId: 'c1 ' }, 'id'],
  ])('refuses %p', (over, field) => given([]).when(register(over)).thenRefused('BAD_USER_INPUT', field));

  it('refuses an unknown command type', () => given([]).when({ type: 'DeleteCustomer', customerId: 'c1', now } as never).thenRefused('BAD_USER_INPUT'));

  describe('forgetting', () => {
    const forget = (over: Record<string, unknown> = {}) =>
      ({ type: 'ForgetCustomer', customerId: 'c1', reason: 'asked by e-mail', requestedBy: 'admin-1', now, ...over }) as CustomerCommand;
    const erased: CustomerEvent = {
      type: 'CustomerErased',
      data: { customerId: 'c1', reason: 'asked by e-mail', requestedBy: 'admin-1', erasedAt: '2026-11-23T10:00:00.000Z' },
    };

    it('erases a registered customer, with the reason and who asked', () => given([withContact]).when(forget()).then([erased]));

    it('is ERASED afterwards, without name or e-mail', () =>
      expect(stateAfter(customerDecider, [withContact, erased])).toEqual({
        status: 'ERASED', customerId: 'c1', kind: 'DISTRIBUTOR', region: 'EMEA', registeredAt: '2026-11-23T10:00:00.000Z', erasedAt: '2026-11-23T10:00:00.000Z',
      }));

    it('forgets twice as once', () => given([withContact, erased]).when(forget({ reason: 'again' })).then([]));

    it('refuses a customer that does not exist', () => given([]).when(forget()).thenRefused('NOT_FOUND', 'customerId'));

    it.each([[{ reason: ' ' }, 'reason'], [{ reason: 'r'.repeat(2_001) }, 'reason'], [{ requestedBy: '' }, 'requestedBy']])('refuses %p', (over, field) =>
      given([withContact]).when(forget(over)).thenRefused('BAD_USER_INPUT', field));

    it('refuses to register an erased customer again, even with the original content', () =>
      given([withContact, erased]).when(register({ region: 'EMEA', email: 'a@b.example' })).thenRefused('CONFLICT'));
  });
});
