import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { gql, type GraphQLResponse } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const server = useLedgerServer();

const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const PROMISE_FIELDS = `id kind touchPoint description madeAt dueBy originalDueBy amendments status keptAt brokenAt
  brokenReason fulfilledAt releasedAt version customer { id name }`;
const ERROR_FIELDS = 'id type status occurredAt reference description cost { amount currency } version customer { id kind }';


const call = (query: string, variables?: Record<string, unknown>) => gql(server.baseUrl, query, variables);
const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

async function registerCustomer(input: Record<string, unknown> = {}) {
  const res = await call(
    'mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id name kind region registeredAt version } }',
    { input: { name: 'Acme Distribution', kind: 'DISTRIBUTOR', ...input } },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.registerCustomer;
}

async function makePromise(customerId: string, input: Record<string, unknown> = {}) {
  return call(`mutation($input: MakePromiseInput!) { makePromise(input: $input) { ${PROMISE_FIELDS} } }`, {
    input: { customerId, kind: 'DELIVERY', description: 'deliver order 4411', dueBy: iso(7 * DAY), ...input },
  });
}

async function transition(mutation: string, inputType: string, input: Record<string, unknown>) {
  return call(`mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${PROMISE_FIELDS} } }`, { input });
}

async function recordError(customerId: string, input: Record<string, unknown> = {}) {
  return call(`mutation($input: RecordErrorInput!) { recordError(input: $input) { ${ERROR_FIELDS} } }`, {
    input: { customerId, type: 'BILLING', reference: 'INV-1', ...input },
  });
}

describe('registerCustomer', () => {
  it('registers a customer and returns it from the read model', async () => {
    const customer = await registerCustomer({ region: 'EMEA', email: 'ops@acme.example' });
    expect(customer).toMatchObject({ name: 'Acme Distribution', kind: 'DISTRIBUTOR', region: 'EMEA', version: 0 });
    expect(new Date(customer.registeredAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const read = await call('query($id: ID!) { customer(id: $id) { id name } }', { id: customer.id });
    expect(read.data!.customer).toEqual({ id: customer.id, name: 'Acme Distribution' });
  });

  it('is idempotent for a client id with the same content and refuses other content with CONFLICT', async () => {
    const id = `cust-${randomUUID()}`;
    const first = await registerCustomer({ id });
    const again = await registerCustomer({ id });
    expect(again).toEqual(first);
    const changed = await call('mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', {
      input: { id, name: 'Someone Else', kind: 'RESELLER' },
    });
    expect(codeOf(changed)).toBe('CONFLICT');
    const { rows } = await server.pool.query('select count(*)::int as n from es_events where stream_id = $1', [`customer-${id}`]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    ['an empty name', { name: '' }, 'name'],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
    ['an id over 100 characters', { id: 'i'.repeat(101) }, 'id'],
    ['a malformed email', { email: 'not-an-email' }, 'email'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_label, input, field) => {
    const res = await call('mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', {
      input: { name: 'Acme', kind: 'DISTRIBUTOR', ...input },
    });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(Object.keys(res.errors![0]!.extensions!.fields ?? {})).toContain(field);
  });

  it('refuses an unknown kind with BAD_USER_INPUT', async () => {
    const res = await call('mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', {
      input: { name: 'Acme', kind: 'WHOLESALER' },
    });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });
});

describe('promises', () => {
  let customerId: string;
  beforeAll(async () => {
    customerId = (await registerCustomer()).id;
  });

  it('makes a promise: OPEN, HUMAN touch point by default, version 0, with its customer', async () => {
    const res = await makePromise(customerId);
    expect(res.errors).toBeUndefined();
    const promise = res.data!.makePromise;
    expect(promise).toMatchObject({
      kind: 'DELIVERY',
      touchPoint: 'HUMAN',
      status: 'OPEN',
      amendments: 0,
      version: 0,
      keptAt: null,
      brokenAt: null,
      customer: { id: customerId, name: 'Acme Distribution' },
    });
    expect(promise.originalDueBy).toBe(promise.dueBy);
  });

  it('is idempotent for a client id, and CONFLICT for the same id with other content', async () => {
    const id = `p-${randomUUID()}`;
    const dueBy = iso(3 * DAY);
    const first = await makePromise(customerId, { id, dueBy });
    const again = await makePromise(customerId, { id, dueBy });
    expect(again.data!.makePromise).toEqual(first.data!.makePromise);
    expect(codeOf(await makePromise(customerId, { id, dueBy, description: 'something else' }))).toBe('CONFLICT');
  });

  it('refuses a promise for an unknown customer with NOT_FOUND', async () => {
    expect(codeOf(await makePromise(`nobody-${randomUUID()}`))).toBe('NOT_FOUND');
  });

  it.each([
    ['dueBy before madeAt', { madeAt: iso(-DAY), dueBy: iso(-2 * DAY) }],
    ['a date that is not RFC 3339', { dueBy: 'next tuesday' }],
    ['a date without an offset', { dueBy: '2030-01-01T10:00:00' }],
    ['a description over 2,000 characters', { description: 'd'.repeat(2_001) }],
    ['an empty description', { description: '' }],
  ])('refuses %s with BAD_USER_INPUT', async (_label, input) => {
    expect(codeOf(await makePromise(customerId, input))).toBe('BAD_USER_INPUT');
  });

  it('amends before the due date, keeping the original on record', async () => {
    const made = (await makePromise(customerId)).data!.makePromise;
    const newDue = iso(10 * DAY);
    const res = await transition('amendPromise', 'AmendPromiseInput', { id: made.id, dueBy: newDue, reason: 'customer asked', expectedVersion: 0 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.amendPromise).toMatchObject({ amendments: 1, version: 1, originalDueBy: made.dueBy, status: 'OPEN' });
    expect(new Date(res.data!.amendPromise.dueBy).toISOString()).toBe(newDue);
  });

  it('refuses a stale expectedVersion with CONFLICT', async () => {
    const made = (await makePromise(customerId)).data!.makePromise;
    await transition('amendPromise', 'AmendPromiseInput', { id: made.id, dueBy: iso(9 * DAY), reason: 'one' });
    const stale = await transition('amendPromise', 'AmendPromiseInput', { id: made.id, dueBy: iso(8 * DAY), reason: 'two', expectedVersion: 0 });
    expect(codeOf(stale)).toBe('CONFLICT');
  });

  it('refuses to amend a promise whose due date has passed with INVALID_STATE', async () => {
    const made = (await makePromise(customerId, { madeAt: iso(-3 * DAY), dueBy: iso(-DAY) })).data!.makePromise;
    const res = await transition('amendPromise', 'AmendPromiseInput', { id: made.id, dueBy: iso(5 * DAY), reason: 'late' });
    expect(codeOf(res)).toBe('INVALID_STATE');
  });

  it('keeps a promise on time', async () => {
    const made = (await makePromise(customerId)).data!.makePromise;
    const res = await transition('keepPromise', 'KeepPromiseInput', { id: made.id, evidence: 'POD 1' });
    expect(res.data!.keepPromise).toMatchObject({ status: 'KEPT', brokenAt: null, version: 1 });
    expect(res.data!.keepPromise.keptAt).not.toBeNull();
    expect(codeOf(await transition('breakPromise', 'BreakPromiseInput', { id: made.id, reason: 'x' }))).toBe('INVALID_STATE');
    expect(codeOf(await transition('releasePromise', 'ReleasePromiseInput', { id: made.id, reason: 'x' }))).toBe('INVALID_STATE');
  });

  it('records a keep after dueBy as broken late: brokenAt = dueBy, fulfilledAt = keptAt', async () => {
    const dueBy = iso(-2 * DAY);
    const keptAt = iso(-DAY);
    const made = (await makePromise(customerId, { madeAt: iso(-5 * DAY), dueBy })).data!.makePromise;
    const res = await transition('keepPromise', 'KeepPromiseInput', { id: made.id, keptAt });
    expect(res.errors).toBeUndefined();
    const kept = res.data!.keepPromise;
    expect(kept.status).toBe('BROKEN');
    expect(new Date(kept.brokenAt).toISOString()).toBe(dueBy);
    expect(new Date(kept.fulfilledAt).toISOString()).toBe(keptAt);
  });

  it('breaks, then fulfils late; a broken promise stays broken', async () => {
    const made = (await makePromise(customerId)).data!.makePromise;
    const broken = (await transition('breakPromise', 'BreakPromiseInput', { id: made.id, reason: 'truck failed' })).data!.breakPromise;
    expect(broken).toMatchObject({ status: 'BROKEN', brokenReason: 'truck failed', fulfilledAt: null });
    const late = await transition('fulfilPromiseLate', 'FulfilPromiseLateInput', { id: made.id, evidence: 'POD 2' });
    expect(late.data!.fulfilPromiseLate.status).toBe('BROKEN');
    expect(late.data!.fulfilPromiseLate.fulfilledAt).not.toBeNull();
  });

  it('releases an open promise, and refuses to fulfil an open one late', async () => {
    const made = (await makePromise(customerId)).data!.makePromise;
    expect(codeOf(await transition('fulfilPromiseLate', 'FulfilPromiseLateInput', { id: made.id }))).toBe('INVALID_STATE');
    const released = await transition('releasePromise', 'ReleasePromiseInput', { id: made.id, reason: 'customer dropped it' });
    expect(released.data!.releasePromise).toMatchObject({ status: 'RELEASED' });
    expect(released.data!.releasePromise.releasedAt).not.toBeNull();
    expect(codeOf(await transition('keepPromise', 'KeepPromiseInput', { id: made.id }))).toBe('INVALID_STATE');
  });

  it('refuses a transition of an unknown promise with NOT_FOUND', async () => {
    expect(codeOf(await transition('keepPromise', 'KeepPromiseInput', { id: `nope-${randomUUID()}` }))).toBe('NOT_FOUND');
  });

  it('stores exactly one terminal event when 20 agents keep and break one promise at once', async () => {
    const made = (await makePromise(customerId)).data!.makePromise;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? transition('keepPromise', 'KeepPromiseInput', { id: made.id })
          : transition('breakPromise', 'BreakPromiseInput', { id: made.id, reason: `agent ${i}` }),
      ),
    );
    const succeeded = results.filter((r) => !r.errors);
    const codes = results.filter((r) => r.errors).map(codeOf);
    expect(succeeded).toHaveLength(1);
    for (const code of codes) expect(['CONFLICT', 'INVALID_STATE']).toContain(code);
    const { rows } = await server.pool.query(
      `select event_type from es_events where stream_id = $1 order by revision`,
      [`promise-${made.id}`],
    );
    expect(rows.map((r) => r.event_type)).toEqual(['PromiseMade', expect.stringMatching(/^Promise(Kept|Broken)$/)]);
  });
});

describe('errors and cost policy', () => {
  let customerId: string;
  beforeAll(async () => {
    customerId = (await registerCustomer()).id;
  });

  it('records an error priced by the default policy (a distributor: 250.00 USD)', async () => {
    const res = await recordError(customerId, { type: 'SHIPPING', reference: 'SHP-9' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordError).toMatchObject({
      type: 'SHIPPING',
      status: 'OPEN',
      reference: 'SHP-9',
      cost: { amount: '250.00', currency: 'USD' },
      version: 0,
      customer: { id: customerId, kind: 'DISTRIBUTOR' },
    });
  });

  it('records an explicit cost, and an unpriced error for a kind without policy', async () => {
    const explicit = await recordError(customerId, { cost: { amount: '99.95', currency: 'EUR' } });
    expect(explicit.data!.recordError.cost).toEqual({ amount: '99.95', currency: 'EUR' });
    const endUser = (await registerCustomer({ kind: 'END_USER' })).id;
    const unpriced = await recordError(endUser);
    expect(unpriced.data!.recordError.cost).toBeNull();
  });

  it.each([['250'], ['250.5'], ['-1'], ['1e3'], ['abc'], ['250.001']])('refuses the amount %p with BAD_USER_INPUT', async (amount) => {
    expect(codeOf(await recordError(customerId, { cost: { amount, currency: 'USD' } }))).toBe('BAD_USER_INPUT');
  });

  it.each([['usd'], ['US'], ['DOLLAR']])('refuses the currency %p with BAD_USER_INPUT', async (currency) => {
    expect(codeOf(await recordError(customerId, { cost: { amount: '1.00', currency } }))).toBe('BAD_USER_INPUT');
  });

  it('refuses an error for an unknown customer with NOT_FOUND, and one in the future with BAD_USER_INPUT', async () => {
    expect(codeOf(await recordError(`nobody-${randomUUID()}`))).toBe('NOT_FOUND');
    expect(codeOf(await recordError(customerId, { occurredAt: iso(DAY) }))).toBe('BAD_USER_INPUT');
  });

  it('resolves and voids errors; a voided error refuses everything', async () => {
    const a = (await recordError(customerId)).data!.recordError;
    const resolved = await call(`mutation($input: ResolveErrorInput!) { resolveError(input: $input) { ${ERROR_FIELDS} } }`, {
      input: { id: a.id, resolution: 'credit note CN-1', expectedVersion: 0 },
    });
    expect(resolved.data!.resolveError).toMatchObject({ status: 'RESOLVED', version: 1 });
    const b = (await recordError(customerId)).data!.recordError;
    const voided = await call(`mutation($input: VoidErrorInput!) { voidError(input: $input) { ${ERROR_FIELDS} } }`, {
      input: { id: b.id, reason: 'recorded twice' },
    });
    expect(voided.data!.voidError).toMatchObject({ status: 'VOIDED' });
    const again = await call('mutation($input: ResolveErrorInput!) { resolveError(input: $input) { id } }', {
      input: { id: b.id, resolution: 'x' },
    });
    expect(codeOf(again)).toBe('INVALID_STATE');
    const stale = await call('mutation($input: VoidErrorInput!) { voidError(input: $input) { id } }', {
      input: { id: a.id, reason: 'x', expectedVersion: 0 },
    });
    expect(codeOf(stale)).toBe('CONFLICT');
  });

  it('sets a cost policy, and refuses a malformed one', async () => {
    const res = await call(
      'mutation($input: SetErrorCostPolicyInput!) { setErrorCostPolicy(input: $input) { customerKind errorType costPerError { amount currency } effectiveFrom } }',
      { input: { customerKind: 'RESELLER', errorType: 'BILLING', costPerError: { amount: '75.00', currency: 'USD' }, effectiveFrom: '2020-01-01T00:00:00Z' } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.setErrorCostPolicy).toEqual({
      customerKind: 'RESELLER',
      errorType: 'BILLING',
      costPerError: { amount: '75.00', currency: 'USD' },
      effectiveFrom: '2020-01-01T00:00:00.000Z',
    });
    const bad = await call('mutation($input: SetErrorCostPolicyInput!) { setErrorCostPolicy(input: $input) { customerKind } }', {
      input: { customerKind: 'RESELLER', errorType: 'BILLING', costPerError: { amount: '75', currency: 'USD' }, effectiveFrom: '2020-01-01T00:00:00Z' },
    });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });
});

describe('malformed requests', () => {
  it.each([
    ['a syntax error', '{ customer(id: "x") { id '],
    ['an unknown field', '{ nothingHere }'],
    ['a missing required argument', '{ customer { id } }'],
    ['a literal of the wrong type', 'mutation { registerCustomer(input: { name: 1, kind: DISTRIBUTOR }) { id } }'],
  ])('answers %s with BAD_USER_INPUT and no stack trace', async (_label, query) => {
    const res = await call(query);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.js:\d+/);
  });

  it('answers a body that is not JSON without a 500', async () => {
    const res = await fetch(`${server.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBeLessThan(500);
  });
});
