import { describe, it } from '@jest/globals';
import { spec } from '../shared/decider.spec-helpers.js';
import { customerDecider } from './customer.decider.js';

const given = spec(customerDecider);
const now = new Date('2026-11-23T10:00:00Z');
const register = (over: Record<string, unknown> = {}) => ({ type: 'RegisterCustomer' as const, customerId: 'c1', name: 'Acme', kind: 'DISTRIBUTOR' as const, now, ...over });
const registered = { type: 'CustomerRegistered' as const, data: { customerId: 'c1', name: 'Acme', kind: 'DISTRIBUTOR' as const, registeredAt: '2026-11-23T10:00:00.000Z' } };

describe('customer decider', () => {
  it('registers a customer', () => given([]).when(register()).then([registered]));
  it('keeps region and email when given', () =>
    given([]).when(register({ region: 'EMEA', email: 'a@b.example' })).then([{ ...registered, data: { ...registered.data, region: 'EMEA', email: 'a@b.example' } }]));
  it('is idempotent for the same content and refuses other content', () => {
    given([registered]).when(register()).then([]);
    given([registered]).when(register({ name: 'Other' })).thenRefused('CONFLICT');
  });
  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'n'.repeat(201) }, 'name'],
    [{ kind: 'VIP' }, 'kind'],
    [{ email: 'nope' }, 'email'],
    [{ region: 'r'.repeat(101) }, 'region'],
    [{ customerId: 'i'.repeat(101) }, 'id'],
  ])('refuses %p', (over, field) => given([]).when(register(over)).thenRefused('BAD_USER_INPUT', field));
});
