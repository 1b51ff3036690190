import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const server = useLedgerServer();

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const ahead = (days: number) => new Date(Date.now() + days * DAY).toISOString();


async function ok(query: string, variables?: Record<string, unknown>) {
  const res = await gql(server.baseUrl, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

const customer = async (kind = 'DISTRIBUTOR', name = 'Acme') =>
  (await ok('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { name, kind } })).registerCustomer.id as string;
const promise = async (customerId: string, extra: Record<string, unknown> = {}) =>
  (await ok('mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
    i: { customerId, kind: 'DELIVERY', description: 'deliver', dueBy: ahead(5), ...extra },
  })).makePromise.id as string;
const act = (mutation: string, type: string, input: Record<string, unknown>) =>
  ok(`mutation($i: ${type}!) { ${mutation}(input: $i) { id status } }`, { i: input });
const error = async (customerId: string, extra: Record<string, unknown> = {}) =>
  (await ok('mutation($i: RecordErrorInput!) { recordError(input: $i) { id cost { amount currency } } }', {
    i: { customerId, type: 'BILLING', ...extra },
  })).recordError as { id: string; cost: { amount: string; currency: string } | null };
const ledger = async (customerId: string, asOf?: string) =>
  (await ok('query($id: ID!, $asOf: DateTime) { customer(id: $id) { ledger(asOf: $asOf) { made open kept broken released keptRate neverBroken lastBrokenAt keptStreak asOf } } }', {
    id: customerId,
    asOf,
  })).customer.ledger;
/** Read-model queries run so far (the ledger_read_queries_total metric), by what they read. */
const readQueries = async () => {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const count = (query: string) => Number(new RegExp(`ledger_read_queries_total{query="${query}"} (\\d+)`).exec(text)?.[1] ?? 0);
  return {
    customers: count('customersByIds') + count('customer'),
    promises: count('promises'),
    customerLedger: count('customerLedger'),
    customerWithLedger: count('customerWithLedger'),
  };
};
const setPolicy = (customerKind: string, errorType: string, amount: string, effectiveFrom: string, currency = 'USD') =>
  ok('mutation($i: SetErrorCostPolicyInput!) { setErrorCostPolicy(input: $i) { effectiveFrom } }', {
    i: { customerKind, errorType, costPerError: { amount, currency }, effectiveFrom },
  });

describe('promise ledger', () => {
  it('counts made, open, kept, broken, released; kept rate, streak, last broken, as of any moment', async () => {
    const c = await customer();
    const empty = await ledger(c);
    expect(empty).toMatchObject({ made: 0, keptRate: null, neverBroken: true, lastBrokenAt: null, keptStreak: 0 });

    // Settled before the breach (by business time), so not part of the streak after it.
    const p1 = await promise(c, { madeAt: ago(12), dueBy: ago(1) });
    await act('keepPromise', 'KeepPromiseInput', { id: p1, keptAt: ago(8) });
    const beforeBreach = new Date().toISOString();
    // Kept late: broken at its due date, then two kept on time after it.
    const late = await promise(c, { madeAt: ago(10), dueBy: ago(6) });
    await act('keepPromise', 'KeepPromiseInput', { id: late, keptAt: ago(5) });
    const p3 = await promise(c);
    await act('keepPromise', 'KeepPromiseInput', { id: p3 });
    const p4 = await promise(c);
    await act('keepPromise', 'KeepPromiseInput', { id: p4 });
    const p5 = await promise(c);
    await act('releasePromise', 'ReleasePromiseInput', { id: p5, reason: 'dropped' });
    await promise(c);

    const now = await ledger(c);
    expect(now).toMatchObject({ made: 6, open: 1, kept: 3, broken: 1, released: 1, keptRate: 0.75, neverBroken: false, keptStreak: 2 });
    expect(now.lastBrokenAt.slice(0, 10)).toBe(ago(6).slice(0, 10));

    const then = await ledger(c, beforeBreach);
    expect(then).toMatchObject({ made: 1, kept: 1, broken: 0, neverBroken: true, keptStreak: 1, keptRate: 1 });
    expect(then.asOf).toBe(new Date(beforeBreach).toISOString());
  });

  it('answers the brand ledger overall and per customer kind', async () => {
    const reseller = await customer('RESELLER', 'Resell Co');
    const p = await promise(reseller);
    await act('breakPromise', 'BreakPromiseInput', { id: p, reason: 'no stock' });
    const all = (await ok('{ brandLedger { made broken } }')).brandLedger;
    const resellers = (await ok('{ brandLedger(customerKind: RESELLER) { made broken neverBroken } }')).brandLedger;
    expect(resellers).toEqual({ made: 1, broken: 1, neverBroken: false });
    expect(all.made).toBeGreaterThan(resellers.made);
  });
});

describe('error costs', () => {
  it('prices the seed scenario: four distributor errors are 1,000.00 USD and keep their price after a new policy', async () => {
    const c = await customer();
    for (const type of ['BILLING', 'BILLING', 'SHIPPING', 'SHIPPING']) await error(c, { type, occurredAt: ago(10) });
    const costs = () =>
      ok('query($id: ID!) { customer(id: $id) { errorCosts { errors billingErrors shippingErrors unpricedErrors cost { amount currency } } } }', { id: c });
    expect((await costs()).customer.errorCosts).toEqual({
      errors: 4, billingErrors: 2, shippingErrors: 2, unpricedErrors: 0, cost: [{ amount: '1000.00', currency: 'USD' }],
    });
    const beforePolicy = new Date().toISOString();
    await setPolicy('DISTRIBUTOR', 'BILLING', '300.00', ago(5));
    await setPolicy('DISTRIBUTOR', 'SHIPPING', '300.00', ago(5));
    // Even a policy reaching back before them does not re-price errors already recorded.
    await setPolicy('DISTRIBUTOR', 'BILLING', '999.00', ago(30));
    expect((await costs()).customer.errorCosts.cost).toEqual([{ amount: '1000.00', currency: 'USD' }]);
    const fresh = await error(c, { type: 'SHIPPING', occurredAt: ago(2) });
    expect(fresh.cost).toEqual({ amount: '300.00', currency: 'USD' });
    expect((await costs()).customer.errorCosts.cost).toEqual([{ amount: '1300.00', currency: 'USD' }]);

    const policiesThen = (await ok(`{ errorCostPolicies { customerKind errorType costPerError { amount } effectiveFrom } }`)).errorCostPolicies;
    expect(policiesThen.length).toBeGreaterThanOrEqual(5);
    const asOfBefore = await ok('query($id: ID!, $asOf: DateTime) { customer(id: $id) { errorCosts(asOf: $asOf) { errors cost { amount } } } }', {
      id: c,
      asOf: beforePolicy,
    });
    expect(asOfBefore.customer.errorCosts).toEqual({ errors: 4, cost: [{ amount: '1000.00' }] });
  });

  it('excludes voided errors, counts unpriced ones, totals per currency', async () => {
    const c = await customer('RESELLER', 'Multi');
    await error(c, { cost: { amount: '10.00', currency: 'EUR' } });
    await error(c, { cost: { amount: '5.50', currency: 'EUR' } });
    await error(c, { cost: { amount: '1000', currency: 'JPY' } });
    await error(c); // a reseller has no default policy: unpriced
    const voided = await error(c, { cost: { amount: '99.00', currency: 'EUR' } });
    await act('voidError', 'VoidErrorInput', { id: voided.id, reason: 'duplicate' });
    const summary = (await ok('query($id: ID!) { customer(id: $id) { errorCosts { errors unpricedErrors cost { amount currency } } } }', { id: c }))
      .customer.errorCosts;
    expect(summary).toEqual({
      errors: 4,
      unpricedErrors: 1,
      cost: [
        { amount: '15.50', currency: 'EUR' },
        { amount: '1000', currency: 'JPY' },
      ],
    });
  });

  it('groups by month in UTC at month boundaries, by kind, by type and by customer', async () => {
    const c = await customer('END_USER', 'Boundary');
    await error(c, { occurredAt: '2025-01-31T23:59:59.999Z', cost: { amount: '1.00', currency: 'USD' } });
    await error(c, { occurredAt: '2025-02-01T00:00:00+01:00', cost: { amount: '2.00', currency: 'USD' } }); // 2025-01-31T23:00Z
    await error(c, { occurredAt: '2025-02-01T00:00:00Z', type: 'SHIPPING', cost: { amount: '4.00', currency: 'USD' } });
    const byMonth = (await ok(`{ errorCosts(groupBy: MONTH, customerKind: END_USER, from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z")
      { key errors unpricedErrors cost { amount currency } } }`)).errorCosts;
    expect(byMonth).toEqual([
      { key: '2025-01', errors: 2, unpricedErrors: 0, cost: [{ amount: '3.00', currency: 'USD' }] },
      { key: '2025-02', errors: 1, unpricedErrors: 0, cost: [{ amount: '4.00', currency: 'USD' }] },
    ]);
    const byType = (await ok(`{ errorCosts(groupBy: ERROR_TYPE, customerKind: END_USER, from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z") { key errors } }`))
      .errorCosts;
    expect(byType).toEqual([{ key: 'BILLING', errors: 2 }, { key: 'SHIPPING', errors: 1 }]);
    const byCustomer = (await ok(`{ errorCosts(groupBy: CUSTOMER, from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z") { key errors } }`)).errorCosts;
    expect(byCustomer).toContainEqual({ key: c, errors: 3 });
    const byKind = (await ok(`{ errorCosts(groupBy: CUSTOMER_KIND, from: "2025-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z") { key errors } }`)).errorCosts;
    expect(byKind).toContainEqual({ key: 'END_USER', errors: 3 });
  });

  it('forecasts the yearly run-rate from the last windowDays', async () => {
    const c = await customer('END_USER', 'Forecast');
    await error(c, { occurredAt: ago(10), cost: { amount: '100.00', currency: 'GBP' } });
    await error(c, { occurredAt: ago(40), cost: { amount: '50.00', currency: 'GBP' } });
    await error(c, { occurredAt: ago(200), cost: { amount: '1000.00', currency: 'GBP' } });
    const forecast = (await ok('query($id: ID) { errorCostForecast(customerId: $id, windowDays: 90) { windowDays errorsInWindow annualCost { amount currency } } }', { id: c }))
      .errorCostForecast;
    // (100 + 50) × 365 / 90 = 608.333… → 608.33
    expect(forecast).toEqual({ windowDays: 90, errorsInWindow: 2, annualCost: [{ amount: '608.33', currency: 'GBP' }] });
    const bad = await gql(server.baseUrl, '{ errorCostForecast(windowDays: 0) { windowDays } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('lists and timeline', () => {
  it('pages promises with stable cursors and totalCount, and filters them', async () => {
    const c = await customer('END_USER', 'Pager');
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push(await promise(c, { dueBy: ahead(i), kind: i % 2 ? 'DELIVERY' : 'SERVICE' }));
    const page = (after?: string) =>
      ok('query($f: PromiseFilter, $after: String) { promises(filter: $f, first: 2, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }', {
        f: { customerId: c },
        after,
      });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { promises } = await page(after);
      expect(promises.totalCount).toBe(5);
      seen.push(...promises.nodes.map((n: { id: string }) => n.id));
      if (!promises.pageInfo.hasNextPage) break;
      after = promises.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    const services = (await ok('query($f: PromiseFilter) { promises(filter: $f) { totalCount } }', { f: { customerId: c, kind: 'SERVICE' } })).promises;
    expect(services.totalCount).toBe(2);
    const dueSoon = (await ok('query($f: PromiseFilter) { promises(filter: $f) { totalCount } }', { f: { customerId: c, dueBefore: ahead(2.5) } })).promises;
    expect(dueSoon.totalCount).toBe(2);
  });

  it('refuses first over 500 and a forged cursor with BAD_USER_INPUT', async () => {
    const tooMany = await gql(server.baseUrl, '{ customers(first: 501) { totalCount } }');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await gql(server.baseUrl, '{ customers(after: "not-a-cursor") { totalCount } }');
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows the timeline oldest first with one-line summaries', async () => {
    const c = await customer('DISTRIBUTOR', 'Timeline Co');
    const p = await promise(c, { description: 'deliver order 4411' });
    await act('keepPromise', 'KeepPromiseInput', { id: p });
    await error(c, { reference: 'INV-9' });
    const t = (await ok('query($id: ID!) { customer(id: $id) { timeline(first: 10) { nodes { position type summary occurredAt recordedAt data } pageInfo { hasNextPage } } } }', { id: c }))
      .customer.timeline;
    expect(t.nodes.map((n: { type: string }) => n.type)).toEqual(['CustomerRegistered', 'PromiseMade', 'PromiseKept', 'ErrorRecorded']);
    expect(t.nodes[1].summary).toMatch(/^Promise made: deliver order 4411 by \d{4}-\d{2}-\d{2}$/);
    expect(t.nodes[3].summary).toBe('Billing error recorded: INV-9');
    expect(BigInt(t.nodes[0].position) < BigInt(t.nodes[1].position)).toBe(true);
    expect(t.pageInfo.hasNextPage).toBe(false);
  });

  it('reads the customers of a page of promises with the page: one query in all, none per customer', async () => {
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await customer('END_USER', `Loader ${i}`));
    const kind = 'BILLING';
    const tag = `loader-${randomUUID()}`;
    for (const id of ids) await promise(id, { kind, description: tag });
    const before = await readQueries();
    const res = await ok(`{ promises(first: 8, filter: { status: OPEN, kind: ${kind} }) { totalCount nodes { description customer { id name } } } }`);
    const after = await readQueries();
    const mine = res.promises.nodes.filter((n: { description: string }) => n.description === tag);
    expect(mine.map((n: { customer: { id: string; name: string } }) => n.customer)).toEqual(ids.map((id, i) => ({ id, name: `Loader ${i}` })));
    expect(after.promises - before.promises).toBe(1);
    expect(after.customers - before.customers).toBe(0);
    // A promise read on its own still finds its customer (through the per-request loader).
    const one = await ok('query($id: ID!) { promise(id: $id) { customer { id name } } }', { id: (await ok('{ promises(first: 1, filter: { status: OPEN, kind: BILLING }) { nodes { id } } }')).promises.nodes[0].id });
    expect(one.promise.customer).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String) }));
  });

  it("reads a customer and its ledger now in one query, the same ledger as asked apart; asOf still reads it as of then", async () => {
    const c = await customer('RESELLER', 'Ledger In One');
    const [p1, p2] = [await promise(c), await promise(c)];
    await promise(c);
    await act('keepPromise', 'KeepPromiseInput', { id: p1, evidence: 'done' });
    await act('breakPromise', 'BreakPromiseInput', { id: p2, reason: 'late' });
    const before = await readQueries();
    const both = (await ok('query($id: ID!) { customer(id: $id) { id name kind ledger { made open kept broken released keptRate neverBroken lastBrokenAt keptStreak asOf } } }', { id: c })).customer;
    const after = await readQueries();
    expect(after.customerWithLedger - before.customerWithLedger).toBe(1);
    expect(after.customers - before.customers).toBe(0);
    expect(after.customerLedger - before.customerLedger).toBe(0);
    expect(both).toMatchObject({ id: c, name: 'Ledger In One', kind: 'RESELLER' });
    const apart = await ledger(c, undefined);
    expect({ ...both.ledger, asOf: undefined }).toEqual({ ...apart, asOf: undefined });
    expect(both.ledger).toMatchObject({ made: 3, open: 1, kept: 1, broken: 1, released: 0, neverBroken: false, keptStreak: 0 });
    expect(Number.isNaN(Date.parse(both.ledger.asOf))).toBe(false);
    const then = (await ok('query($id: ID!, $t: DateTime) { customer(id: $id) { ledger { made } past: ledger(asOf: $t) { made } } }', { id: c, t: '2000-01-01T00:00:00.000Z' })).customer;
    expect(then).toEqual({ ledger: { made: 3 }, past: { made: 0 } });
    expect((await ok('{ customer(id: "no-such-customer") { id ledger { made } } }')).customer).toBeNull();
  });
});

describe("a customer's promises, errors and timeline as of a moment", () => {
  // The cut is the recorded time of the newest event so far, as the server's clock wrote it.
  const newestRecordedAt = async (c: string) =>
    (await ok('query($id: ID!) { customer(id: $id) { timeline(first: 1, newestFirst: true) { nodes { recordedAt } } } }', { id: c })).customer.timeline.nodes[0]
      .recordedAt as string;
  const AS_OF = `query($id: ID!, $asOf: DateTime) { customer(id: $id) {
    promises(asOf: $asOf) { totalCount nodes { id status dueBy amendments keptAt brokenAt releasedAt atRisk version } }
    open: promises(asOf: $asOf, status: OPEN) { totalCount }
    errors(asOf: $asOf) { totalCount nodes { id status version } }
    timeline(asOf: $asOf, first: 50) { nodes { type } }
  } }`;

  it('answers as recorded then: later promises, amendments, settlements, resolutions and events do not show', async () => {
    const c = await customer('DISTRIBUTOR', 'Back Then Ltd');
    const kept = await promise(c, { dueBy: ahead(3) });
    const amended = await promise(c, { dueBy: ahead(4) });
    const resolved = await error(c, { reference: 'INV-1' });
    const cut = await newestRecordedAt(c);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await act('keepPromise', 'KeepPromiseInput', { id: kept });
    await ok('mutation($i: AmendPromiseInput!) { amendPromise(input: $i) { id } }', { i: { id: amended, dueBy: ahead(9), reason: 'customer asked' } });
    const released = await promise(c);
    await act('releasePromise', 'ReleasePromiseInput', { id: released, reason: 'dropped' });
    await ok('mutation($i: ResolveErrorInput!) { resolveError(input: $i) { id } }', { i: { id: resolved.id, resolution: 'credited' } });
    await error(c, { reference: 'INV-2' });

    const then = (await ok(AS_OF, { id: c, asOf: cut })).customer;
    expect(then.promises.totalCount).toBe(2);
    const byId = Object.fromEntries(then.promises.nodes.map((p: { id: string }) => [p.id, p]));
    expect(byId[kept]).toMatchObject({ status: 'OPEN', keptAt: null, amendments: 0, version: 0 });
    expect(byId[amended]).toMatchObject({ status: 'OPEN', amendments: 0, version: 0 });
    expect(new Date(byId[amended].dueBy).getTime()).toBeLessThan(Date.parse(ahead(5)));
    expect(then.open.totalCount).toBe(2);
    expect(then.errors).toEqual({ totalCount: 1, nodes: [{ id: resolved.id, status: 'OPEN', version: 0 }] });
    expect(then.timeline.nodes.map((n: { type: string }) => n.type)).toEqual(['CustomerRegistered', 'PromiseMade', 'PromiseMade', 'ErrorRecorded']);

    // Paged as of the moment, the cursor carries on where the first page ended.
    const PAGE = 'query($id: ID!, $asOf: DateTime, $after: String) { customer(id: $id) { promises(asOf: $asOf, first: 1, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }';
    const first = (await ok(PAGE, { id: c, asOf: cut })).customer.promises;
    const second = (await ok(PAGE, { id: c, asOf: cut, after: first.pageInfo.endCursor })).customer.promises;
    expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);
    expect([...first.nodes, ...second.nodes].map((p: { id: string }) => p.id)).toEqual([kept, amended]);

    const now = (await ok(AS_OF, { id: c })).customer;
    expect(now.promises.totalCount).toBe(3);
    expect(now.open.totalCount).toBe(1);
    expect(now.promises.nodes.find((p: { id: string }) => p.id === amended)).toMatchObject({ amendments: 1, version: 1 });
    expect(now.errors.nodes.find((e: { id: string }) => e.id === resolved.id)).toMatchObject({ status: 'RESOLVED', version: 1 });
    expect(now.timeline.nodes).toHaveLength(10);
  });

  it('pages the timeline newest first with cursors', async () => {
    const c = await customer('RESELLER', 'Newest First');
    for (let i = 0; i < 5; i++) await promise(c, { description: `promise ${i}` });
    const page = (after?: string) =>
      ok('query($id: ID!, $after: String) { customer(id: $id) { timeline(first: 2, after: $after, newestFirst: true) { nodes { position } pageInfo { hasNextPage endCursor } } } }', {
        id: c,
        after,
      });
    const seen: bigint[] = [];
    let after: string | undefined;
    for (;;) {
      const { timeline } = (await page(after)).customer;
      seen.push(...timeline.nodes.map((n: { position: string }) => BigInt(n.position)));
      if (!timeline.pageInfo.hasNextPage) break;
      after = timeline.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(6);
    expect([...seen].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(seen);
  });
});
