import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CUSTOMER_KINDS } from '#libs/domain';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database.js';
import { LedgerLog } from '../../../test/fixtures/ledger-log.fixture.js';

const at = (iso: string) => new Date(iso);

describe('ledger projection: customers, promises and the promise ledger', () => {
  let db: TestDatabase;
  let log: LedgerLog;
  beforeAll(async () => {
    db = await createTestDatabase();
    log = await LedgerLog.open(db.url);
  });
  afterAll(async () => {
    await log.close();
    await db.drop();
  });

  it('projects a customer and a promise with its original due date, amendments, at-risk flag and version', async () => {
    const c = await log.customer('RESELLER', { region: 'EMEA', email: 'buyer@example.com' });
    const p = await log.promise(c, '2026-03-01T00:00:00.000Z', { kind: 'SERVICE', touchPoint: 'PRODUCT', description: 'call back' });
    await log.amend(p, '2026-03-01T00:00:00.000Z', '2026-03-05T00:00:00.000Z');
    await log.amend(p, '2026-03-05T00:00:00.000Z', '2026-03-09T00:00:00.000Z');
    await log.flagAtRisk(p, '2026-03-09T00:00:00.000Z');
    await log.project();

    expect(await log.queries.customers.customer(c)).toEqual({
      id: c, name: `Customer ${c}`, kind: 'RESELLER', region: 'EMEA', email: 'buyer@example.com', registeredAt: at('2026-01-01T00:00:00.000Z'), version: 0,
      erased: false, erasedAt: null,
    });
    expect(await log.queries.promises.promise(p)).toEqual({
      id: p, customerId: c, kind: 'SERVICE', touchPoint: 'PRODUCT', description: 'call back', madeAt: at('2026-01-02T00:00:00.000Z'),
      dueBy: at('2026-03-09T00:00:00.000Z'), originalDueBy: at('2026-03-01T00:00:00.000Z'), amendments: 2, status: 'OPEN',
      keptAt: null, brokenAt: null, brokenReason: null, fulfilledAt: null, releasedAt: null, atRisk: true, version: 3,
      // Made before risk levels: around the clock, its clock dueBy − madeAt, flagged AT_RISK for its due date.
      calendar: null, clockMs: 66 * 86_400_000, paused: false, pausedAt: null, pausedMs: 0, risk: 'AT_RISK',
    });
  });

  it('clears the at-risk flag when the promise is amended to a new due date or settled', async () => {
    const c = await log.customer();
    const amended = await log.promise(c, '2026-03-01T00:00:00.000Z');
    await log.flagAtRisk(amended, '2026-03-01T00:00:00.000Z');
    await log.amend(amended, '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z');
    const kept = await log.promise(c, '2026-03-01T00:00:00.000Z');
    await log.flagAtRisk(kept, '2026-03-01T00:00:00.000Z');
    await log.keep(kept, '2026-02-28T00:00:00.000Z');
    await log.project();

    expect(await log.queries.promises.promise(amended)).toMatchObject({ atRisk: false, amendments: 1, version: 2 });
    expect(await log.queries.promises.promise(kept)).toMatchObject({ atRisk: false, status: 'KEPT', keptAt: at('2026-02-28T00:00:00.000Z') });
  });

  it('counts a promise kept after its due date as broken at the due date, and restarts the kept streak there', async () => {
    const c = await log.customer();
    const keptEarly = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.keep(keptEarly, '2026-01-10T00:00:00.000Z');
    const keptLate = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.breakPromise(keptLate, '2026-02-01T00:00:00.000Z', { fulfilledAt: '2026-02-03T00:00:00.000Z' });
    const keptAfter = await log.promise(c, '2026-02-10T00:00:00.000Z');
    await log.keep(keptAfter, '2026-02-05T00:00:00.000Z');
    const keptLater = await log.promise(c, '2026-03-10T00:00:00.000Z');
    await log.keep(keptLater, '2026-03-01T00:00:00.000Z');
    const released = await log.promise(c, '2026-03-10T00:00:00.000Z');
    await log.release(released, '2026-02-20T00:00:00.000Z');
    await log.promise(c, '2026-04-01T00:00:00.000Z');
    await log.project();

    expect(await log.queries.promises.promise(keptLate)).toMatchObject({
      status: 'BROKEN', brokenAt: at('2026-02-01T00:00:00.000Z'), brokenReason: 'LATE', fulfilledAt: at('2026-02-03T00:00:00.000Z'), keptAt: null,
    });
    const ledger = await log.queries.ledgers.customerLedger(c);
    expect(ledger).toMatchObject({
      made: 6, open: 1, kept: 3, broken: 1, released: 1, keptRate: 0.75, neverBroken: false,
      lastBrokenAt: at('2026-02-01T00:00:00.000Z'),
      keptStreak: 2, // kept on 02-05 and 03-01; the keep of 01-10 came before the break
    });
  });

  it('keeps a broken promise broken when it is fulfilled late, and ignores a second settlement', async () => {
    const c = await log.customer();
    const p = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.breakPromise(p, '2026-02-01T00:00:00.000Z', { reason: 'DEADLINE_PASSED' });
    await log.fulfilLate(p, '2026-02-04T00:00:00.000Z');
    await log.keep(p, '2026-02-05T00:00:00.000Z');
    await log.project();

    expect(await log.queries.promises.promise(p)).toMatchObject({
      status: 'BROKEN', brokenReason: 'DEADLINE_PASSED', fulfilledAt: at('2026-02-04T00:00:00.000Z'), keptAt: null, version: 3,
    });
    expect(await log.queries.ledgers.customerLedger(c)).toMatchObject({ made: 1, kept: 0, broken: 1, keptRate: 0, neverBroken: false, keptStreak: 0 });
  });

  it('answers a ledger with no settled promise with a null kept rate and a clean record', async () => {
    const c = await log.customer();
    await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.project();

    const ledger = await log.queries.ledgers.customerLedger(c);
    expect(ledger).toMatchObject({ made: 1, open: 1, kept: 0, broken: 0, released: 0, keptRate: null, neverBroken: true, lastBrokenAt: null, keptStreak: 0 });
    expect(await log.queries.ledgers.customerLedger('no-such-customer')).toMatchObject({ made: 0, keptRate: null, neverBroken: true });
  });

  it('answers asOf a moment before a promise was broken as the ledger recorded it then', async () => {
    const c = await log.customer();
    const before = new Date(Date.now() - 60_000);
    const kept = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.keep(kept, '2026-01-20T00:00:00.000Z');
    const doomed = await log.promise(c, '2026-02-01T00:00:00.000Z');
    const beforeBreach = await log.lastRecordedAt();
    await log.breakPromise(doomed, '2026-02-01T00:00:00.000Z', { reason: 'DEADLINE_PASSED' });
    await log.project();

    expect(await log.queries.ledgers.customerLedger(c, beforeBreach)).toEqual({
      made: 2, open: 1, kept: 1, broken: 0, released: 0, keptRate: 1, neverBroken: true, lastBrokenAt: null, keptStreak: 1, asOf: beforeBreach,
    });
    expect(await log.queries.ledgers.customerLedger(c)).toMatchObject({ made: 2, open: 0, kept: 1, broken: 1, neverBroken: false, keptStreak: 0 });
    expect(await log.queries.ledgers.customerLedger(c, before)).toMatchObject({ made: 0, open: 0, neverBroken: true });
  });

  it('ignores event types it does not know and events of promises the log never made', async () => {
    const c = await log.customer();
    await log.append(`customer-${c}`, { type: 'CustomerLoyaltyTierChanged', data: { customerId: c, tier: 'GOLD' } });
    await log.append('promise-never-made', { type: 'PromiseKept', data: { promiseId: 'never-made', customerId: c, keptAt: '2026-01-01T00:00:00.000Z' } });
    await log.project();

    expect(await log.queries.promises.promise('never-made')).toBeNull();
    expect(await log.queries.ledgers.customerLedger(c)).toMatchObject({ made: 0, kept: 0 });
    expect(await log.queries.customers.customer(c)).toMatchObject({ version: 0 });
  });
});

describe('brand ledger', () => {
  let db: TestDatabase;
  let log: LedgerLog;
  beforeAll(async () => {
    db = await createTestDatabase();
    log = await LedgerLog.open(db.url);
  });
  afterAll(async () => {
    await log.close();
    await db.drop();
  });

  it('adds up every customer, or the customers of one kind, as of any moment', async () => {
    const distributor = await log.customer('DISTRIBUTOR');
    const reseller = await log.customer('RESELLER');
    const d1 = await log.promise(distributor, '2026-02-01T00:00:00.000Z');
    await log.keep(d1, '2026-01-15T00:00:00.000Z');
    const d2 = await log.promise(distributor, '2026-02-01T00:00:00.000Z');
    await log.keep(d2, '2026-01-16T00:00:00.000Z');
    const r1 = await log.promise(reseller, '2026-02-01T00:00:00.000Z');
    const beforeResellerBreach = await log.lastRecordedAt();
    await log.breakPromise(r1, '2026-02-01T00:00:00.000Z', { reason: 'DEADLINE_PASSED' });
    const r2 = await log.promise(reseller, '2026-03-01T00:00:00.000Z');
    await log.keep(r2, '2026-02-20T00:00:00.000Z');
    await log.project();

    expect(await log.queries.ledgers.brandLedger({})).toMatchObject({
      made: 4, open: 0, kept: 3, broken: 1, released: 0, keptRate: 0.75, neverBroken: false, lastBrokenAt: at('2026-02-01T00:00:00.000Z'), keptStreak: 1,
    });
    expect(await log.queries.ledgers.brandLedger({ customerKind: 'DISTRIBUTOR' })).toMatchObject({ made: 2, kept: 2, broken: 0, keptRate: 1, neverBroken: true, keptStreak: 2 });
    expect(await log.queries.ledgers.brandLedger({ customerKind: 'RESELLER' })).toMatchObject({ made: 2, kept: 1, broken: 1, keptRate: 0.5, keptStreak: 1 });
    expect(await log.queries.ledgers.brandLedger({ customerKind: 'END_USER' })).toMatchObject({ made: 0, keptRate: null, neverBroken: true });
    expect(await log.queries.ledgers.brandLedger({ asOf: beforeResellerBreach })).toMatchObject({ made: 3, open: 1, kept: 2, broken: 0, neverBroken: true, keptStreak: 2 });
    expect(await log.queries.ledgers.brandLedger({ customerKind: 'RESELLER', asOf: beforeResellerBreach })).toMatchObject({ made: 1, open: 1, kept: 0 });
    // Now comes from counters, a past moment from the promises themselves: the two must agree.
    const future = new Date(Date.now() + 3_600_000);
    for (const customerKind of [undefined, ...CUSTOMER_KINDS]) {
      expect(await log.queries.ledgers.brandLedger({ customerKind })).toEqual({ ...(await log.queries.ledgers.brandLedger({ customerKind, asOf: future })), asOf: expect.any(Date) });
    }
  });
});
