import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { MoneyInput } from '../common/money.type.js';
import { RegisterCustomerInput } from '../customers/register-customer.input.js';
import { RecordErrorInput, ResolveErrorInput, VoidErrorInput } from '../errors/error-incident.type.js';
import {
  AmendPromiseInput,
  BreakPromiseInput,
  FulfilPromiseLateInput,
  KeepPromiseInput,
  MakePromiseInput,
  PausePromiseInput,
  ReleasePromiseInput,
  ResumePromiseInput,
} from '../promises/promise.inputs.js';
import { AppendEventsInput, IntegrationEventInput, type IntegrationEventType } from './append-events.types.js';
import { toIntegrationItem, toIntegrationItems } from './integration-payload.mapping.js';
import { compilePayloadCheck, type InputClass } from './integration-payload.validator.js';

const at = (iso: string) => new Date(iso);
const item = (type: IntegrationEventType, payload: unknown, externalId = 'x-1') => ({ externalId, type, payload });

/** One acceptable payload per type (dates as the mapping hands them to the check: parsed). */
// Four entries in each row: jest would take a missing fourth argument for a `done` callback.
const GOOD: [IntegrationEventType, InputClass, Record<string, unknown>, Record<string, InputClass>][] = [
  ['CUSTOMER_REGISTERED', RegisterCustomerInput, { id: 'C-1', name: 'Acme', kind: 'DISTRIBUTOR', region: 'EU', email: 'ops@acme.example' }, {}],
  ['PROMISE_MADE', MakePromiseInput, { id: 'P-1', customerId: 'C-1', kind: 'DELIVERY', touchPoint: 'SYSTEM', description: 'ship', dueBy: at('2030-01-01T00:00:00Z'), madeAt: at('2029-01-01T00:00:00Z') }, {}],
  ['PROMISE_AMENDED', AmendPromiseInput, { id: 'P-1', dueBy: at('2030-01-01T00:00:00Z'), reason: 'late truck', expectedVersion: 0 }, {}],
  ['PROMISE_KEPT', KeepPromiseInput, { id: 'P-1', keptAt: at('2029-06-01T00:00:00Z'), evidence: 'POD', expectedVersion: 3 }, {}],
  ['PROMISE_BROKEN', BreakPromiseInput, { id: 'P-1', reason: 'strike' }, {}],
  ['PROMISE_RELEASED', ReleasePromiseInput, { id: 'P-1', reason: 'dropped' }, {}],
  ['PROMISE_FULFILLED_LATE', FulfilPromiseLateInput, { id: 'P-1', fulfilledAt: at('2031-01-01T00:00:00Z'), evidence: 'late POD' }, {}],
  ['PROMISE_PAUSED', PausePromiseInput, { id: 'P-1', reason: 'waiting on the customer', expectedVersion: 2 }, {}],
  ['PROMISE_RESUMED', ResumePromiseInput, { id: 'P-1', expectedVersion: 3 }, {}],
  ['ERROR_RECORDED', RecordErrorInput, { id: 'E-1', customerId: 'C-1', type: 'BILLING', occurredAt: at('2029-01-01T00:00:00Z'), reference: 'INV-9', description: 'twice', cost: { amount: '1.00', currency: 'USD' } }, { cost: MoneyInput }],
  ['ERROR_RESOLVED', ResolveErrorInput, { id: 'E-1', resolution: 'credited', expectedVersion: 1 }, {}],
  ['ERROR_VOIDED', VoidErrorInput, { id: 'E-1', reason: 'duplicate' }, {}],
];

const FIELDS = [
  'id', 'customerId', 'name', 'kind', 'region', 'email', 'touchPoint', 'description', 'dueBy', 'madeAt', 'reason', 'keptAt',
  'evidence', 'fulfilledAt', 'expectedVersion', 'type', 'occurredAt', 'reference', 'cost', 'resolution',
];
const ABSENT = Symbol('absent');
const VALUES: unknown[] = [
  ABSENT, null, '', 'x', ...[39, 40, 41, 99, 100, 101, 199, 200, 201, 320, 321, 2000, 2001].map((n) => 'x'.repeat(n)),
  '😀'.repeat(100), '😀'.repeat(101), '😀'.repeat(200), '\uFE0F', 'a\uFE0F'.repeat(150), '\uD800', 0, -1, 1.5, 7, Number.NaN, true, {}, [],
  at('2030-01-01T00:00:00Z'), new Date(Number.NaN), 'DELIVERY', 'BILLING', 'SYSTEM', 'END_USER', 'a@b.co', 'not-mail', 'USD',
  { amount: '1.00', currency: 'USD' }, { amount: '1.00', currency: 'USD', extra: 1 }, { amount: 5, currency: 'USD' }, { amount: '1.00' },
  { amount: '1.00', currency: 'EURO' }, [{ amount: '1.00', currency: 'USD' }], Object.assign(Object.create(null), { amount: '1.00', currency: 'USD' }),
];
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false };

/** Every payload one change away from a good one: each field set to each value, or one more key. */
function variants(good: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [good];
  for (const field of FIELDS) {
    for (const value of VALUES) {
      const payload = { ...good };
      if (value === ABSENT) delete payload[field];
      else payload[field] = value;
      out.push(payload);
    }
  }
  for (const key of ['surprise', 'constructor', 'toString', '__proto__']) out.push({ ...good, ...JSON.parse(`{"${key}": 1}`) });
  return out;
}

describe('compilePayloadCheck', () => {
  it.each(GOOD)('%s: is certain of a good payload, and never of one class-validator refuses', async (_type, input, good, nested) => {
    const check = compilePayloadCheck(input, nested);
    expect(check(good)).toBe(true);
    let certain = 0;
    for (const payload of variants(good)) {
      if (!check(payload)) continue;
      certain++;
      const errors = await validate(plainToInstance(input as new () => object, payload), OPTIONS);
      expect([payload, errors]).toEqual([payload, []]);
    }
    // It must stay useful, not only safe: most one-field changes of a good payload are still certain.
    expect(certain).toBeGreaterThan(20);
  });

  it('is certain of a batch envelope only when class-validator accepts it too', async () => {
    const check = compilePayloadCheck(AppendEventsInput, { events: IntegrationEventInput });
    const event = { externalId: 'e-1', type: 'PROMISE_BROKEN', payload: { id: 'P-1', reason: 'x' } };
    const envelopes: Record<string, unknown>[] = [
      { source: 'sap', events: [event] },
      { source: 'sap', events: [] },
      { source: 'sap', events: Array.from({ length: 1_000 }, () => event) },
      { source: 'sap', events: Array.from({ length: 1_001 }, () => event) },
      { source: '', events: [event] },
      { source: 's'.repeat(101), events: [event] },
      { source: 'sap', events: [{ ...event, externalId: '' }] },
      { source: 'sap', events: [{ ...event, externalId: 'e'.repeat(201) }] },
      { source: 'sap', events: [{ ...event, type: 'NOT_A_TYPE' }] },
      { source: 'sap', events: [{ ...event, payload: null }] },
      { source: 'sap', events: [{ ...event, extra: true }] },
      { source: 'sap', events: [event, 'not an event'] },
      { source: 'sap', events: event },
    ];
    const certain = [];
    for (const envelope of envelopes) {
      const errors = await validate(plainToInstance(AppendEventsInput, envelope), OPTIONS);
      if (check(envelope)) {
        certain.push(envelope);
        expect(errors).toEqual([]);
      }
    }
    expect(certain).toEqual(envelopes.slice(0, 3));
  });
});

describe('toIntegrationItem', () => {
  // What each bad item is refused with: the messages class-validator has always written.
  const REFUSALS: [string, IntegrationEventType, unknown, string][] = [
    ['payload not an object', 'ERROR_VOIDED', 'void it', 'payload must be an object'],
    ['payload an array', 'ERROR_VOIDED', [{ id: 'E-1' }], 'payload must be an object'],
    ['required text missing', 'PROMISE_MADE', { customerId: 'C-1', kind: 'DELIVERY', dueBy: '2030-01-01T00:00:00Z' },
      'description: description must be shorter than or equal to 2000 characters; description: description must be longer than or equal to 1 characters; description: description must be a string'],
    ['empty id', 'PROMISE_BROKEN', { id: '', reason: 'x' }, 'id: id must be longer than or equal to 1 characters'],
    ['id too long', 'PROMISE_BROKEN', { id: 'p'.repeat(101), reason: 'x' }, 'id: id must be shorter than or equal to 100 characters'],
    ['not one of the kinds', 'CUSTOMER_REGISTERED', { name: 'Acme', kind: 'WHOLESALER' },
      'kind: kind must be one of the following values: DISTRIBUTOR, RESELLER, END_USER'],
    ['date not RFC 3339', 'ERROR_RECORDED', { customerId: 'C-1', type: 'BILLING', occurredAt: 'yesterday' }, 'occurredAt: must be an RFC 3339 date-time with offset'],
    ['required date missing', 'PROMISE_AMENDED', { id: 'P-1', reason: 'x' }, 'dueBy: dueBy must be a Date instance'],
    ['pause without a reason', 'PROMISE_PAUSED', { id: 'P-1' },
      'reason: reason must be shorter than or equal to 2000 characters; reason: reason must be longer than or equal to 1 characters; reason: reason must be a string'],
    ['resume with a reason', 'PROMISE_RESUMED', { id: 'P-1', reason: 'x' }, 'reason: property reason should not exist'],
    ['unknown field', 'PROMISE_BROKEN', { id: 'P-1', reason: 'x', surprise: true }, 'surprise: property surprise should not exist'],
    ['negative expectedVersion', 'PROMISE_RELEASED', { id: 'P-1', reason: 'x', expectedVersion: -1 }, 'expectedVersion: expectedVersion must not be less than 0'],
    ['fractional expectedVersion', 'ERROR_VOIDED', { id: 'E-1', reason: 'x', expectedVersion: 1.5 }, 'expectedVersion: expectedVersion must be an integer number'],
    ['expectedVersion as text', 'ERROR_RESOLVED', { id: 'E-1', resolution: 'x', expectedVersion: '2' },
      'expectedVersion: expectedVersion must not be less than 0; expectedVersion: expectedVersion must be an integer number'],
    ['not an email', 'CUSTOMER_REGISTERED', { name: 'Acme', kind: 'RESELLER', email: 'acme' }, 'email: email must be an email'],
    ['cost not an object', 'ERROR_RECORDED', { customerId: 'C-1', type: 'SHIPPING', cost: 'free' }, 'cost: nested property cost must be either object or array'],
    ['cost amount a number', 'ERROR_RECORDED', { customerId: 'C-1', type: 'SHIPPING', cost: { amount: 5, currency: 'USD' } },
      'cost.amount: amount must be shorter than or equal to 40 characters; cost.amount: amount must be a string'],
    ['cost with an unknown field', 'ERROR_RECORDED', { customerId: 'C-1', type: 'SHIPPING', cost: { amount: '1.00', currency: 'USD', rate: 1 } },
      'cost.rate: property rate should not exist'],
    ['cost amount not a decimal', 'ERROR_RECORDED', { customerId: 'C-1', type: 'BILLING', cost: { amount: '1e3', currency: 'USD' } },
      'cost.amount: must be a non-negative decimal with 2 decimal places for USD, e.g. "250.00"'],
    ['name of 201 characters counted as validator.js does', 'CUSTOMER_REGISTERED', { name: '😀'.repeat(201), kind: 'END_USER' },
      'name: name must be shorter than or equal to 200 characters'],
  ];

  it.each(REFUSALS)('refuses %s with its message', async (_name, type, payload, message) => {
    const result = await toIntegrationItem('sap', item(type, payload));
    expect(result.rejection).toEqual({ code: 'BAD_USER_INPUT', message });
    expect(result.action).toBeUndefined();
  });

  it('accepts what class-validator accepts where the compiled check is not certain (200 emoji are 200 characters)', async () => {
    const result = await toIntegrationItem('sap', item('CUSTOMER_REGISTERED', { id: 'C-9', name: '😀'.repeat(200), kind: 'END_USER' }));
    expect(result.rejection).toBeUndefined();
    expect(result.action).toMatchObject({ aggregate: 'customer', command: { type: 'RegisterCustomer', customerId: 'C-9' } });
  });

  it('maps a good item at once (no promise) to its command, deriving a missing id from (source, externalId)', () => {
    const result = toIntegrationItem('sap', item('ERROR_RECORDED', { customerId: 'C-1001', type: 'BILLING', cost: { currency: 'USD', amount: '1.00' } }, 'inv-9'));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({
      externalId: 'inv-9',
      contentHash: 'b96834738a9b1919476b455f2857000bc613c58dca7fb74a29b8dd11b1440109',
      action: {
        aggregate: 'error',
        requiresCustomer: 'C-1001',
        newStream: true,
        command: {
          type: 'RecordError',
          errorId: '81307202-a610-563d-ae0e-d3e15986c2de',
          customerId: 'C-1001',
          errorType: 'BILLING',
          occurredAt: undefined,
          reference: undefined,
          description: undefined,
          cost: { minor: 100n, currency: 'USD' },
        },
      },
    });
  });

  it('hashes content exactly as before, so items recorded by earlier versions stay duplicates, not conflicts', async () => {
    const payload = { id: 'PO-77', customerId: 'C-1001', kind: 'DELIVERY', description: 'ship PO 77 — “fast” ✓', dueBy: '2030-01-15T17:00:00Z', n: [1, null, { b: 2, a: [true, false, 0, ''] }] };
    expect((await toIntegrationItem('sap', item('PROMISE_MADE', payload, 'po-77'))).contentHash).toBe('7220253ad5ecc450e6572e99393a5b14abde24268861b3989a38c4d065eb36ae');
    expect((await toIntegrationItem('sap', item('ERROR_VOIDED', 'void it'))).contentHash).toBe('ddff1222cee535b3803414b8d9a58d51b2f9649cf3c85f9a054ae0caf4c5f24b');
  });

  it('keeps a batch in input order when some items need class-validator and others do not', async () => {
    const items = await toIntegrationItems('sap', [
      item('PROMISE_BROKEN', { id: 'P-1', reason: 'x' }, 'a'),
      item('PROMISE_BROKEN', { id: 'P-1', reason: 'x', surprise: 1 }, 'b'),
      item('PROMISE_BROKEN', { id: 'P-2', reason: 'y' }, 'c'),
    ]);
    expect(items.map((i) => [i.externalId, i.rejection?.code ?? 'ok'])).toEqual([['a', 'ok'], ['b', 'BAD_USER_INPUT'], ['c', 'ok']]);
  });
});
