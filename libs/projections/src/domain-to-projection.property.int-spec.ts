import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { NO_STREAM } from '#libs/event-store';
import { calendarClock } from '#libs/business-time';
import {
  aroundTheClock,
  businessCalendarDecider,
  calendarStream,
  type BusinessCalendarState,
  type OpeningHours,
  type PromiseClock,
  COST_POLICY_STREAM,
  CUSTOMER_KINDS,
  DomainError,
  EARLIEST_INSTANT,
  ERROR_TYPES,
  LATEST_INSTANT,
  LEDGER_EVENT_TYPES,
  PROMISE_KINDS,
  TOUCH_POINTS,
  costPolicyDecider,
  customerDecider,
  customerStream,
  dataSubjectOf,
  errorIncidentDecider,
  errorStream,
  foldEvents,
  occurredAt,
  promiseDecider,
  promiseStream,
  redactPersonalData,
  summarizeEvent,
  type CostPolicy,
  type CustomerState,
  type Decider,
  type ErrorIncidentState,
  type LedgerEvent,
  type Money,
  type MoneyJson,
  type PromiseState,
} from '#libs/domain';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerLog } from '../test/fixtures/ledger-log.fixture.js';
import type { ProjectionLog } from './projection.js';
import { ledgerProjections } from './views/registry.js';
import { rebuildProjections } from './rebuild.js';
import { InvalidCursorError, encodeCursor } from './views/shared/cursor.js';
import type { Page } from './views/shared/query-sql.js';

// Whatever the domain accepts, every projection applies: random commands over a few customers,
// promises, errors and cost policies, with values across the whole valid range (years 0001–9999,
// any storable text, money at the digit limit, every minor-digit class), go through the real
// deciders; what they accept is appended to a real PostgresEventStore and projected by the real
// runner. The read models must then agree with the deciders' own states.

const EARLIEST = EARLIEST_INSTANT.getTime();
const LATEST = LATEST_INSTANT.getTime();
const DAY = 86_400_000;

const instantArb = fc.oneof(fc.constantFrom(EARLIEST, LATEST, 0, LATEST - 1, EARLIEST + 1), fc.integer({ min: EARLIEST, max: LATEST }));
/** Around the clock (days either side), or anywhere in the range. */
const whenArb = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.constantFrom(0, 1, -1, DAY, -DAY), fc.integer({ min: -30 * DAY, max: 30 * DAY })).map((delta) => ({ delta })) },
  { weight: 1, arbitrary: instantArb.map((at) => ({ at })) },
);
type When = { delta: number } | { at: number };
const textArb = (max: number) =>
  fc.oneof(
    fc.constantFrom('Zéphyr Büro GmbH', 'שלום עולם — מסירה', 'تم التسليم', 'e\u0301\u0323 combining', '👩‍👩‍👧‍👦 family 🇫🇷', '  padded  ', 'x'.repeat(max), '😀'.repeat(Math.floor(max / 2)), `${'ñ'.repeat(max - 1)}\u0303`),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  );
const optionalTextArb = (max: number) => fc.option(textArb(max), { nil: undefined });
const CURRENCIES = ['USD', 'EUR', 'JPY', 'KRW', 'CLP', 'KWD', 'BHD', 'TND', 'CHF'];
const digitsOf = (currency: string) => (['JPY', 'KRW', 'CLP'].includes(currency) ? 0 : ['KWD', 'BHD', 'TND'].includes(currency) ? 3 : 2);
const moneyArb: fc.Arbitrary<Money> = fc
  .tuple(fc.oneof(fc.constantFrom(...CURRENCIES), fc.constantFrom(...Intl.supportedValuesOf('currency'))), fc.oneof(fc.constantFrom('max', 'zero'), fc.bigInt({ min: 0n, max: 10n ** 15n })))
  .map(([currency, size]) => {
    // Currencies outside the list get the domain's own digits when it parses them; stay below the smallest cap.
    const cap = 10n ** BigInt(15 + (CURRENCIES.includes(currency) ? digitsOf(currency) : 0));
    return { currency, minor: size === 'max' ? cap - 1n : size === 'zero' ? 0n : (size as bigint) % cap };
  });

const idx = (n: number) => fc.nat({ max: n - 1 });
const WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;
const HOURS: Record<string, OpeningHours[]> = {
  office: WEEK.map((day) => ({ day, opens: '09:00', closes: '17:00' })),
  split: WEEK.flatMap((day) => [{ day, opens: '08:00', closes: '12:30' }, { day, opens: '13:30', closes: '17:00' }]),
  night: (['SATURDAY', 'SUNDAY'] as const).map((day) => ({ day, opens: '01:00', closes: '24:00' })),
  overlapping: [{ day: 'MONDAY', opens: '09:00', closes: '12:00' }, { day: 'MONDAY', opens: '11:00', closes: '13:00' }],
  none: [],
};
const RISK = { riskThresholds: [0.75, 0.9] as const, atRiskWindowMs: DAY };
const commandArb = fc.oneof(
  fc.record({ t: fc.constant('register' as const), c: idx(3), name: textArb(200), kind: fc.constantFrom(...CUSTOMER_KINDS), region: optionalTextArb(100), email: fc.option(fc.constantFrom('ana@zephyr.example', 'ünï@cödé.de', `${'l'.repeat(300)}@d.com`), { nil: undefined }) }),
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('make' as const), p: idx(4), c: idx(3), kind: fc.constantFrom(...PROMISE_KINDS), touchPoint: fc.constantFrom(...TOUCH_POINTS), description: textArb(2_000), madeAt: fc.option(whenArb, { nil: undefined }), dueBy: whenArb }),
  },
  // Weighted up: pauses (an amendment waits for the resume) and erasures take many of its chances.
  { weight: 3, arbitrary: fc.record({ t: fc.constant('amend' as const), p: idx(4), dueBy: whenArb, reason: textArb(2_000) }) },
  fc.record({ t: fc.constant('keep' as const), p: idx(4), keptAt: fc.option(whenArb, { nil: undefined }), evidence: optionalTextArb(2_000) }),
  fc.record({ t: fc.constant('break' as const), p: idx(4), reason: textArb(2_000) }),
  fc.record({ t: fc.constant('deadline' as const), p: idx(4) }),
  fc.record({ t: fc.constant('release' as const), p: idx(4), reason: textArb(2_000) }),
  fc.record({ t: fc.constant('fulfil' as const), p: idx(4), fulfilledAt: fc.option(whenArb, { nil: undefined }), evidence: optionalTextArb(2_000) }),
  fc.record({ t: fc.constant('flag' as const), p: idx(4) }),
  { weight: 4, arbitrary: fc.record({ t: fc.constant('pause' as const), p: idx(4), reason: textArb(2_000) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('resume' as const), p: idx(4) }) },
  fc.record({
    t: fc.constant('calendar' as const), k: idx(2), name: textArb(200),
    timeZone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Mars/Olympus'),
    hours: fc.constantFrom(...Object.keys(HOURS)), holidays: fc.array(whenArb, { maxLength: 3 }),
  }),
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('makeOnCalendar' as const), p: idx(4), c: idx(3), k: idx(3), description: textArb(2_000), hours: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(0, -1, 100_001)), madeAt: fc.option(whenArb, { nil: undefined }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('record' as const), e: idx(3), c: idx(3), errorType: fc.constantFrom(...ERROR_TYPES), occurredAt: fc.option(whenArb, { nil: undefined }), reference: optionalTextArb(200), description: optionalTextArb(2_000), cost: fc.option(moneyArb, { nil: undefined }) }),
  },
  fc.record({ t: fc.constant('resolve' as const), e: idx(3), resolution: textArb(2_000) }),
  fc.record({ t: fc.constant('void' as const), e: idx(3), reason: textArb(2_000) }),
  fc.record({ t: fc.constant('forget' as const), c: idx(3), reason: textArb(2_000) }),
  fc.record({ t: fc.constant('policy' as const), kind: fc.constantFrom(...CUSTOMER_KINDS), errorType: fc.constantFrom(...ERROR_TYPES), cost: moneyArb, effectiveFrom: instantArb }),
);
type Spec = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;
const scenarioArb = fc.record({
  // Events created, changed and settled within one projection batch or across several.
  batchSize: fc.constantFrom(1, 2, 5, 1_000),
  start: fc.oneof(fc.constantFrom(EARLIEST, LATEST - 1_000 * DAY), fc.integer({ min: EARLIEST, max: LATEST - 1_000 * DAY })),
  // Customers first, so that most promises and errors have one.
  registers: fc.array(fc.record({ name: textArb(200), kind: fc.constantFrom(...CUSTOMER_KINDS), region: optionalTextArb(100) }), { minLength: 3, maxLength: 3 }),
  // A promise made on each slot first (still refused now and then), so that transitions have something to work on.
  makes: fc.array(
    fc.record({
      c: idx(3), kind: fc.constantFrom(...PROMISE_KINDS), touchPoint: fc.constantFrom(...TOUCH_POINTS), description: textArb(2_000),
      madeAt: fc.option(fc.oneof(fc.integer({ min: -400 * DAY, max: 0 }).map((delta) => ({ delta })), instantArb.map((at) => ({ at }))), { nil: undefined }),
      dueBy: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 20 * DAY }).map((delta) => ({ delta })) }, { weight: 1, arbitrary: fc.constant({ at: LATEST }) }),
    }),
    { minLength: 4, maxLength: 4 },
  ),
  steps: fc.array(fc.record({ advance: fc.oneof(fc.constant(0), fc.nat({ max: 3_600_000 }), fc.nat({ max: 10 * DAY })), spec: commandArb }), { maxLength: 30, size: 'max' }),
  // errorCosts queried as of a recorded moment of any run (or a UTC month's edge around it), over an occurredAt range (on month boundaries or not) and a kind.
  costProbes: fc.array(
    fc.record({
      moment: fc.noBias(fc.nat()), ofVoid: fc.boolean(), edge: fc.constantFrom('none', 'at', 'justBefore', 'monthStart', 'beforeMonthStart'),
      from: fc.option(fc.noBias(fc.nat()), { nil: undefined }), to: fc.option(fc.noBias(fc.nat()), { nil: undefined }), aligned: fc.boolean(),
      kind: fc.option(fc.constantFrom(...CUSTOMER_KINDS), { nil: undefined }),
    }),
    { minLength: 4, maxLength: 4 },
  ),
});

/** A naive reading of product.md's pricing: the policy with the latest effectiveFrom not after occurredAt, the later-set winning a tie. */
function priced(policies: readonly CostPolicy[], kind: string, type: string, occurredAt: string): MoneyJson | null {
  let best: CostPolicy | null = null;
  for (const p of policies) {
    if (p.customerKind !== kind || p.errorType !== type || Date.parse(p.effectiveFrom) > Date.parse(occurredAt)) continue;
    if (best === null || Date.parse(p.effectiveFrom) >= Date.parse(best.effectiveFrom)) best = p;
  }
  return best?.costPerError ?? null;
}

const date = (iso: string | undefined) => (iso === undefined ? null : new Date(iso));

type Made = Exclude<PromiseState, { status: 'NONE' }>;
type Recorded = { s: Exclude<ErrorIncidentState, { status: 'NONE' }>; cost: MoneyJson | null };

/** The ledger counted naively from the deciders' states: the streak is the promises kept after the latest break. */
function naiveLedger(promises: readonly Made[]) {
  const count = (status: string) => promises.filter((p) => p.status === status).length;
  const brokenAts = promises.flatMap((p) => (p.status === 'BROKEN' ? [Date.parse(p.brokenAt)] : []));
  const lastBroken = brokenAts.length ? Math.max(...brokenAts) : null;
  const kept = count('KEPT');
  const broken = count('BROKEN');
  return {
    made: promises.length, open: count('OPEN'), kept, broken, released: count('RELEASED'),
    keptRate: kept + broken === 0 ? null : kept / (kept + broken), neverBroken: broken === 0,
    lastBrokenAt: lastBroken === null ? null : new Date(lastBroken),
    keptStreak: promises.filter((p) => p.status === 'KEPT' && (lastBroken === null || Date.parse(p.keptAt) > lastBroken)).length,
  };
}

/** Error costs summed naively: voided errors excluded, unpriced ones counted, totals per currency in integer minor units. */
function naiveSummary(errors: readonly Recorded[]) {
  const live = errors.filter(({ s }) => s.status !== 'VOIDED');
  const totals = new Map<string, { minor: bigint; digits: number }>();
  for (const { cost } of live) {
    if (!cost) continue;
    const digits = cost.amount.split('.')[1]?.length ?? 0;
    totals.set(cost.currency, { minor: (totals.get(cost.currency)?.minor ?? 0n) + BigInt(cost.amount.replace('.', '')), digits });
  }
  return {
    errors: live.length,
    billingErrors: live.filter(({ s }) => s.errorType === 'BILLING').length,
    shippingErrors: live.filter(({ s }) => s.errorType === 'SHIPPING').length,
    unpricedErrors: live.filter(({ cost }) => cost === null).length,
    cost: [...totals.keys()].sort().map((currency) => {
      const { minor, digits } = totals.get(currency)!;
      const text = minor.toString().padStart(digits + 1, '0');
      return { amount: digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`, currency };
    }),
  };
}

/** Every node, following endCursor to the end; every page agrees on totalCount. */
async function allPages<T>(fetch: (after?: string) => Promise<Page<T>>): Promise<T[]> {
  const nodes: T[] = [];
  const counts = new Set<number>();
  let after: string | undefined;
  for (;;) {
    const page = await fetch(after);
    nodes.push(...page.nodes);
    counts.add(page.totalCount);
    if (!page.hasNextPage) break;
    after = page.endCursor!;
  }
  expect([...counts]).toEqual([nodes.length]);
  return nodes;
}

describe('whatever the domain accepts, every projection applies', () => {
  let db: TestDatabase;
  let log: LedgerLog;
  const streams = new Map<string, LedgerEvent[]>();
  const problems: string[] = [];
  const projectionLog: ProjectionLog = (level, message, fields) => {
    if (level !== 'info') problems.push(`${level}: ${message} ${JSON.stringify(fields ?? {})}`);
  };
  let head = 0n;
  /** The policies each error was recorded under (those recorded before it), every run. */
  const pricedWith = new Map<string, CostPolicy[]>();
  /** Every event appended, in log order. */
  const appended: LedgerEvent[] = [];
  let run = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    log = await LedgerLog.open(db.url);
    const seeded = await log.store.readStream(COST_POLICY_STREAM);
    streams.set(COST_POLICY_STREAM, seeded.map((e) => ({ type: e.type, data: e.data }) as LedgerEvent));
    head = seeded.at(-1)!.position;
  });

  afterAll(async () => {
    await log?.close();
    await db?.drop();
  });

  /** Decide on the stream's history; append what is accepted at the revision it was decided on. */
  async function handle<C, S, E extends LedgerEvent>(decider: Decider<C, S, E>, stream: string, command: C): Promise<'accepted' | 'refused'> {
    const history = streams.get(stream) ?? [];
    let events: E[];
    try {
      events = decider.decide(command, foldEvents(decider, history as E[]));
    } catch (error) {
      if (error instanceof DomainError) return 'refused';
      throw error;
    }
    // As the event codec stores them: an erased customer's new personal text is "[erased]".
    events = events.map((e) => (isErased(dataSubjectOf(e)) ? redactPersonalData(e) : e));
    if (events.length > 0) {
      const result = await log.store.appendToStream(
        stream,
        events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data })),
        { expectedRevision: history.length === 0 ? NO_STREAM : BigInt(history.length - 1) },
      );
      streams.set(stream, [...history, ...events]);
      appended.push(...events);
      if (result.position > head) head = result.position;
    }
    return 'accepted';
  }
  const stateOf = <S,>(decider: Decider<unknown, S, LedgerEvent>, stream: string): S => foldEvents(decider, streams.get(stream) ?? []);
  const isErased = (customerId: string | undefined) =>
    customerId !== undefined && (stateOf(customerDecider, customerStream(customerId)) as CustomerState).status === 'ERASED';
  /** A forgotten customer's events as every reader now reads them (without its key): personal fields "[erased]". */
  function forgetInHistory(customerId: string): void {
    const redact = (e: LedgerEvent) => (dataSubjectOf(e) === customerId ? redactPersonalData(e) : e);
    for (const [stream, events] of streams) streams.set(stream, events.map(redact));
    appended.splice(0, appended.length, ...appended.map(redact));
  }
  const eventsOf = (stream: string) => streams.get(stream) ?? [];

  it('projects every accepted event without error, and the read models agree with the deciders', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ batchSize, start, registers, makes, steps, costProbes }) => {
        run += 1;
        const runFrom = head;
        // Unicode ids, the last of each at the 100-code-unit limit.
        const ids = (prefix: string, n: number) =>
          Array.from({ length: n }, (_, i) => (i === n - 1 ? `${prefix}${i}-r${run}-😀${'ж'.repeat(100)}`.slice(0, 100) : `${prefix}${i}-r${run}-${'ид'.repeat(i)}😀`));
        const customers = ids('c', 3);
        const calendars = ids('k', 2);
        const promises = ids('p', 4);
        const errors = ids('e', 3);
        let now = start;
        const at = (w: When) => new Date('at' in w ? w.at : now + w.delta);
        const policies = () => (stateOf(costPolicyDecider, COST_POLICY_STREAM) as { policies?: CostPolicy[] }).policies ?? [];
        /** A calendar's clock at a version (the latest when omitted), as the application builds it; undefined when there is none. */
        const clockOf = (id: string, version?: number): PromiseClock | undefined => {
          const history = eventsOf(calendarStream(id));
          const at = version ?? history.length - 1;
          if (at < 0) return undefined;
          const state = foldEvents(businessCalendarDecider, history.slice(0, at + 1) as never) as BusinessCalendarState;
          return state.status === 'SET' ? calendarClock({ id, version: at }, state, RISK) : undefined;
        };
        /** The clock a promise follows: its calendar at the version it was made with, or around the clock. */
        const promiseClock = (promiseId: string): PromiseClock => {
          const s = stateOf(promiseDecider, promiseStream(promiseId)) as PromiseState;
          const calendar = s.status === 'NONE' ? undefined : s.calendar;
          return (calendar && clockOf(calendar.id, calendar.version)) ?? aroundTheClock(RISK.riskThresholds, RISK.atRiskWindowMs);
        };

        const initial: Spec[] = [
          ...registers.map((r, c) => ({ t: 'register' as const, c, ...r, email: undefined })),
          ...makes.map((m, p) => ({ t: 'make' as const, p, ...m })),
        ];
        for (const { advance, spec } of [...initial.map((spec) => ({ advance: 0, spec })), ...steps]) {
          now = Math.min(now + advance, LATEST);
          const n = new Date(now);
          let outcome: 'accepted' | 'refused';
          switch (spec.t) {
            case 'register':
              outcome = await handle(customerDecider, customerStream(customers[spec.c]!), {
                type: 'RegisterCustomer', customerId: customers[spec.c]!, name: spec.name, kind: spec.kind, region: spec.region, email: spec.email, now: n,
              });
              break;
            case 'make':
              // The application refuses a promise for a customer it does not know (NOT_FOUND).
              if (eventsOf(customerStream(customers[spec.c]!)).length === 0) {
                outcome = 'refused';
                break;
              }
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), {
                type: 'MakePromise', promiseId: promises[spec.p]!, customerId: customers[spec.c]!, kind: spec.kind, touchPoint: spec.touchPoint,
                description: spec.description, dueBy: at(spec.dueBy), ...(spec.madeAt ? { madeAt: at(spec.madeAt) } : {}), now: n,
              });
              break;
            case 'amend':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), {
                type: 'AmendPromise', promiseId: promises[spec.p]!, dueBy: at(spec.dueBy), reason: spec.reason, clock: promiseClock(promises[spec.p]!), now: n,
              });
              break;
            case 'pause':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), { type: 'PausePromise', promiseId: promises[spec.p]!, reason: spec.reason, pausedBy: 'agent', now: n });
              break;
            case 'resume':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), { type: 'ResumePromise', promiseId: promises[spec.p]!, clock: promiseClock(promises[spec.p]!), now: n });
              break;
            case 'calendar':
              outcome = await handle(businessCalendarDecider, calendarStream(calendars[spec.k]!), {
                type: 'SetBusinessCalendar', calendarId: calendars[spec.k]!, name: spec.name, timeZone: spec.timeZone, hours: HOURS[spec.hours]!,
                holidays: spec.holidays.map((w) => at(w).toISOString().slice(0, 10)), now: n,
              });
              break;
            case 'makeOnCalendar': {
              const clock = clockOf(calendars[spec.k]!);
              // The application refuses an unknown customer or calendar (NOT_FOUND).
              if (eventsOf(customerStream(customers[spec.c]!)).length === 0 || !clock) {
                outcome = 'refused';
                break;
              }
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), {
                type: 'MakePromise', promiseId: promises[spec.p]!, customerId: customers[spec.c]!, kind: 'SERVICE', touchPoint: 'HUMAN', description: spec.description,
                calendarId: calendars[spec.k]!, dueInBusinessHours: spec.hours, clock, ...(spec.madeAt ? { madeAt: at(spec.madeAt) } : {}), now: n,
              });
              break;
            }
            case 'keep':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), {
                type: 'KeepPromise', promiseId: promises[spec.p]!, ...(spec.keptAt ? { keptAt: at(spec.keptAt) } : {}), evidence: spec.evidence, now: n,
              });
              break;
            case 'break':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), { type: 'BreakPromise', promiseId: promises[spec.p]!, reason: spec.reason, now: n });
              break;
            case 'deadline':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), { type: 'BreakPromiseForDeadline', promiseId: promises[spec.p]!, now: n });
              break;
            case 'release':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), { type: 'ReleasePromise', promiseId: promises[spec.p]!, reason: spec.reason, now: n });
              break;
            case 'fulfil':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), {
                type: 'FulfilPromiseLate', promiseId: promises[spec.p]!, ...(spec.fulfilledAt ? { fulfilledAt: at(spec.fulfilledAt) } : {}), evidence: spec.evidence, now: n,
              });
              break;
            case 'flag':
              outcome = await handle(promiseDecider, promiseStream(promises[spec.p]!), { type: 'FlagPromiseAtRisk', promiseId: promises[spec.p]!, now: n });
              break;
            case 'record': {
              if (eventsOf(customerStream(customers[spec.c]!)).length === 0) {
                outcome = 'refused';
                break;
              }
              const errorId = errors[spec.e]!;
              const before = eventsOf(errorStream(errorId)).length;
              outcome = await handle(errorIncidentDecider, errorStream(errorId), {
                type: 'RecordError', errorId, customerId: customers[spec.c]!, errorType: spec.errorType, ...(spec.occurredAt ? { occurredAt: at(spec.occurredAt) } : {}),
                reference: spec.reference, description: spec.description, cost: spec.cost, now: n,
              });
              if (before === 0 && eventsOf(errorStream(errorId)).length > 0) pricedWith.set(errorId, policies());
              break;
            }
            case 'resolve':
              outcome = await handle(errorIncidentDecider, errorStream(errors[spec.e]!), { type: 'ResolveError', errorId: errors[spec.e]!, resolution: spec.resolution, now: n });
              break;
            case 'void':
              outcome = await handle(errorIncidentDecider, errorStream(errors[spec.e]!), { type: 'VoidError', errorId: errors[spec.e]!, reason: spec.reason, now: n });
              break;
            case 'forget': {
              const customerId = customers[spec.c]!;
              const before = eventsOf(customerStream(customerId)).length;
              outcome = await handle(customerDecider, customerStream(customerId), { type: 'ForgetCustomer', customerId, reason: spec.reason, requestedBy: 'admin', now: n });
              if (eventsOf(customerStream(customerId)).length > before) forgetInHistory(customerId);
              break;
            }
            case 'policy':
              outcome = await handle(costPolicyDecider, COST_POLICY_STREAM, {
                type: 'SetErrorCostPolicy', customerKind: spec.kind, errorType: spec.errorType, costPerError: spec.cost, effectiveFrom: new Date(spec.effectiveFrom), now: n,
              });
              break;
          }
          if (outcome === 'accepted') accepted++;
          else refused++;
        }

        // Recorded times spread over months and years (the error-cost roll-up buckets by recorded month): this run's events move
        // `run` × 1,000 days ahead, a week apart each, in log order (later runs later still), before anything projects them.
        await log.pool.query(
          `update es_events e set recorded_at = e.recorded_at + make_interval(days => $1 + 7 * x.n::int)
             from (select position, row_number() over (order by position) as n from es_events where position > $2) x
            where e.position = x.position`,
          [run * 1_000, runFrom.toString()],
        );
        problems.length = 0;
        const runner = log.runner({ log: projectionLog, batchSize });
        await runner.start();
        try {
          await runner.waitFor(head, 30_000);
        } finally {
          await runner.stop();
        }
        const { rows: checkpoints } = await log.pool.query<{ name: string; position: string }>('select name, position from projection_checkpoints order by name');
        const { rows: parked } = await log.pool.query('select projection, position::text, type, error from projection_parked');
        expect({ problems, parked, checkpoints }).toEqual({ problems: [], parked: [], checkpoints: [{ name: 'ledger', position: String(head) }, { name: 'timeline', position: String(head) }] });

        const customerKind = new Map<string, string>();
        for (const id of customers) {
          const s = stateOf(customerDecider, customerStream(id)) as CustomerState;
          const view = await log.queries.customers.customer(id);
          if (s.status === 'NONE') {
            expect(view).toBeNull();
            continue;
          }
          customerKind.set(id, s.kind);
          const common = { id, kind: s.kind, region: s.region ?? null, registeredAt: new Date(s.registeredAt), version: eventsOf(customerStream(id)).length - 1 };
          expect(view).toEqual(
            s.status === 'ERASED'
              ? { ...common, name: null, email: null, erased: true, erasedAt: new Date(s.erasedAt) }
              : { ...common, name: s.name, email: s.email ?? null, erased: false, erasedAt: null },
          );
        }

        const promiseStates: Made[] = [];
        for (const id of promises) {
          const s = stateOf(promiseDecider, promiseStream(id)) as PromiseState;
          const view = await log.queries.promises.promise(id);
          if (s.status === 'NONE') {
            expect(view).toBeNull();
            continue;
          }
          promiseStates.push(s);
          expect(view).toEqual({
            id, customerId: s.customerId, kind: s.kind, touchPoint: s.touchPoint, description: s.description, madeAt: new Date(s.madeAt),
            dueBy: new Date(s.dueBy), originalDueBy: new Date(s.originalDueBy), amendments: s.amendments, status: s.status,
            keptAt: s.status === 'KEPT' ? new Date(s.keptAt) : null,
            brokenAt: s.status === 'BROKEN' ? new Date(s.brokenAt) : null,
            brokenReason: s.status === 'BROKEN' ? s.brokenReason : null,
            fulfilledAt: s.status === 'BROKEN' ? date(s.fulfilledAt) : null,
            releasedAt: s.status === 'RELEASED' ? new Date(s.releasedAt) : null,
            atRisk: s.status === 'OPEN' && !s.pause && (s.flagged.length > 0 || s.atRiskFlaggedFor === s.dueBy),
            version: eventsOf(promiseStream(id)).length - 1,
            calendar: s.calendar ?? null, clockMs: s.clockMs, paused: s.status === 'OPEN' && s.pause !== undefined,
            pausedAt: s.pause ? new Date(s.pause.pausedAt) : null, pausedMs: s.pausedMs,
            risk: s.status === 'KEPT' || s.status === 'RELEASED' ? 'SETTLED' : s.status === 'BROKEN' ? 'BREACHED' : s.pause ? 'PAUSED'
              : s.flagged.includes('CRITICAL') ? 'CRITICAL' : s.flagged.includes('AT_RISK') || s.atRiskFlaggedFor === s.dueBy ? 'AT_RISK' : 'ON_TRACK',
          });
        }

        // Calendars: each at its latest version.
        for (const id of calendars) {
          const s = stateOf(businessCalendarDecider, calendarStream(id)) as BusinessCalendarState;
          const view = (await log.queries.calendars.businessCalendars()).find((c) => c.id === id);
          if (s.status === 'NONE') {
            expect(view).toBeUndefined();
            continue;
          }
          expect(view).toEqual({ id, name: s.name, version: s.version, timeZone: s.timeZone, hours: s.hours, holidays: s.holidays, setAt: new Date(s.setAt) });
        }

        const errorStates: Recorded[] = [];
        for (const id of errors) {
          const s = stateOf(errorIncidentDecider, errorStream(id)) as ErrorIncidentState;
          const view = await log.queries.errorCosts.errorIncident(id);
          if (s.status === 'NONE') {
            expect(view).toBeNull();
            continue;
          }
          const cost = s.cost ?? priced(pricedWith.get(id)!, customerKind.get(s.customerId)!, s.errorType, s.occurredAt);
          errorStates.push({ s, cost });
          expect(view).toEqual({
            id, customerId: s.customerId, type: s.errorType, status: s.status, occurredAt: new Date(s.occurredAt), reference: s.reference ?? null,
            description: s.description ?? null, cost, version: eventsOf(errorStream(id)).length - 1,
          });
        }

        for (const id of customerKind.keys()) {
          const mine = promiseStates.filter((p) => p.customerId === id);
          const ledger = await log.queries.ledgers.customerLedger(id);
          expect({ ...ledger, asOf: null }).toEqual({ ...naiveLedger(mine), asOf: null });
          const summary = await log.queries.errorCosts.errorCostSummary({ customerId: id });
          expect(summary).toEqual(naiveSummary(errorStates.filter(({ s }) => s.customerId === id)));

          // Paging by (dueBy, id) and (occurredAt, id) cursors, across the whole range of instants and unicode ids: nothing lost or repeated.
          const promisePages = await allPages((after) => log.queries.promises.promises({ filter: { customerId: id }, first: 2, after }));
          expect(promisePages.map((p) => p.id).sort()).toEqual(mine.map((p) => p.promiseId).sort());
          expect(promisePages.map((p) => p.dueBy.getTime())).toEqual(promisePages.map((p) => p.dueBy.getTime()).sort((x, y) => x - y));
          const errorPages = await allPages((after) => log.queries.errorCosts.errors({ customerId: id, first: 2, after }));
          const errorsOfCustomer = errorStates.filter(({ s }) => s.customerId === id);
          expect(errorPages.map((e) => e.id).sort()).toEqual(errorsOfCustomer.map(({ s }) => s.errorId).sort());
          expect(errorPages.map((e) => e.occurredAt.getTime())).toEqual(errorPages.map((e) => e.occurredAt.getTime()).sort((x, y) => x - y));

          // The timeline: every event about the customer, its promises and errors, in log order, each with its summary.
          const expectedTimeline = appended
            .filter((e) => (e.data as { customerId?: string }).customerId === id)
            .map((e) => ({ type: e.type, occurredAt: new Date(occurredAt(e)), summary: summarizeEvent(e), data: e.data }));
          const entries = await allPages((after) => log.queries.timeline.timeline({ customerId: id, first: 7, after }));
          expect(entries.map((e) => ({ type: e.type, occurredAt: e.occurredAt, summary: e.summary, data: e.data }))).toEqual(expectedTimeline);
        }

        // Time travel: as of moments around when this run's events were recorded, only what was recorded by then counts.
        const recorded = await log.store.readStreams([...promises.map(promiseStream), ...errors.map(errorStream)]);
        const times = [...new Set([...recorded.values()].flat().map((e) => e.recordedAt.getTime()))].sort((x, y) => x - y);
        const moments = [...new Set([times[0], times[Math.floor(times.length / 3)], times[Math.floor((2 * times.length) / 3)], times.at(-1)])]
          .filter((t): t is number => t !== undefined)
          .flatMap((t) => [t - 1, t]);
        const asOfState = <S,>(decider: Decider<unknown, S, LedgerEvent>, stream: string, t: number): S =>
          foldEvents(decider, (recorded.get(stream) ?? []).filter((e) => e.recordedAt.getTime() <= t).map((e) => ({ type: e.type, data: e.data }) as LedgerEvent));
        for (const t of moments) {
          const promisesThen = promises.map((p) => asOfState(promiseDecider, promiseStream(p), t) as PromiseState).filter((p): p is Made => p.status !== 'NONE');
          const errorsThen = errors
            .map((e) => ({ s: asOfState(errorIncidentDecider, errorStream(e), t) as ErrorIncidentState, cost: errorStates.find(({ s }) => s.errorId === e)?.cost ?? null }))
            .filter((e): e is Recorded => e.s.status !== 'NONE');
          for (const id of customerKind.keys()) {
            const asOf = new Date(t);
            const ledger = await log.queries.ledgers.customerLedger(id, asOf);
            expect({ asOf: t, ledger }).toEqual({ asOf: t, ledger: { ...naiveLedger(promisesThen.filter((p) => p.customerId === id)), asOf } });
            const summary = await log.queries.errorCosts.errorCostSummary({ customerId: id, asOf });
            expect({ asOf: t, summary }).toEqual({ asOf: t, summary: naiveSummary(errorsThen.filter(({ s }) => s.customerId === id)) });
          }
        }

        // Error costs by customer, kind, type and month span every run: a naive grouping of every error the deciders hold.
        const everyError = [...streams.keys()]
          .filter((stream) => stream.startsWith('error-'))
          .map((stream) => stateOf(errorIncidentDecider, stream) as Recorded['s'])
          .map((s) => {
            const kind = (stateOf(customerDecider, customerStream(s.customerId)) as Extract<CustomerState, { status: 'REGISTERED' }>).kind;
            return { s, kind, cost: s.cost ?? priced(pricedWith.get(s.errorId)!, kind, s.errorType, s.occurredAt) };
          });
        type Priced = (typeof everyError)[number];
        const keyOf = { CUSTOMER: (e: Priced) => e.s.customerId, CUSTOMER_KIND: (e: Priced) => e.kind, ERROR_TYPE: (e: Priced) => e.s.errorType, MONTH: (e: Priced) => e.s.occurredAt.slice(0, 7) };
        const naiveCosts = (list: readonly Priced[], groupBy: keyof typeof keyOf) => {
          const groups = new Map<string, Recorded[]>();
          for (const e of list) groups.set(keyOf[groupBy](e), [...(groups.get(keyOf[groupBy](e)) ?? []), e]);
          return [...groups.entries()]
            .map(([key, list]) => ({ key, summary: naiveSummary(list) }))
            .filter(({ summary }) => summary.errors > 0)
            .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
            .map(({ key, summary }) => ({ key, errors: summary.errors, unpricedErrors: summary.unpricedErrors, cost: summary.cost }));
        };
        for (const groupBy of ['CUSTOMER', 'CUSTOMER_KIND', 'ERROR_TYPE', 'MONTH'] as const) {
          expect({ groupBy, rows: await log.queries.errorCosts.errorCosts({ groupBy }) }).toEqual({ groupBy, rows: naiveCosts(everyError, groupBy) });
        }

        // …and as of any moment of any run (the roll-up's buckets before its month plus rm_errors of that month), over
        // occurredAt ranges on UTC month boundaries (the roll-up) or not (rm_errors), per kind: as the deciders knew them then.
        const recordedErrors = await log.store.readStreams(everyError.map((e) => errorStream(e.s.errorId)));
        const errorTimes = [...new Set([...recordedErrors.values()].flat().map((e) => e.recordedAt.getTime()))].sort((x, y) => x - y);
        // Voids most of all: as of the start of a void's month, an error recorded in an earlier month still counts.
        const voidTimes = [...recordedErrors.values()].flat().filter((e) => e.type === 'ErrorVoided').map((e) => e.recordedAt.getTime());
        const monthOf = (ms: number, add = 0) => {
          const d = new Date(ms);
          d.setUTCHours(0, 0, 0, 0);
          d.setUTCDate(1);
          d.setUTCMonth(d.getUTCMonth() + add);
          return d.getTime();
        };
        const occurredMonths = [...new Set(everyError.map((e) => monthOf(Date.parse(e.s.occurredAt))))].sort((x, y) => x - y);
        // This run's voids, as of the start of their month (an error recorded in an earlier month still counts) and just before them.
        const runVoids = voidTimes.filter((t) => errors.some((id) => (recordedErrors.get(errorStream(id)) ?? []).some((e) => e.recordedAt.getTime() === t)));
        const voidProbes = runVoids.flatMap((t) => [
          { moment: voidTimes.indexOf(t), ofVoid: true, edge: 'monthStart' as const, from: undefined, to: undefined, aligned: true, kind: undefined },
          { moment: voidTimes.indexOf(t), ofVoid: true, edge: 'justBefore' as const, from: undefined, to: undefined, aligned: true, kind: undefined },
        ]);
        for (const probe of [...costProbes, ...voidProbes]) {
          const times = probe.ofVoid && voidTimes.length ? voidTimes : errorTimes;
          const base = times[probe.moment % Math.max(times.length, 1)] ?? Date.now();
          const t = { none: undefined, at: base, justBefore: base - 1, monthStart: monthOf(base), beforeMonthStart: monthOf(base) - 1 }[probe.edge];
          const bound = (pick: number | undefined, add: number) =>
            pick === undefined || occurredMonths.length === 0 ? undefined : new Date(Math.min(LATEST, monthOf(occurredMonths[pick % occurredMonths.length]!, add) + (probe.aligned ? 0 : DAY / 2)));
          const [from, to] = [bound(probe.from, 0), bound(probe.to, 1)];
          const then = everyError
            .map((e) => ({
              ...e,
              s: (t === undefined ? e.s : foldEvents(errorIncidentDecider, (recordedErrors.get(errorStream(e.s.errorId)) ?? []).filter((r) => r.recordedAt.getTime() <= t).map((r) => ({ type: r.type, data: r.data }) as LedgerEvent))) as ErrorIncidentState,
            }))
            .filter((e): e is Priced => e.s.status !== 'NONE')
            .filter((e) => (!from || Date.parse(e.s.occurredAt) >= from.getTime()) && (!to || Date.parse(e.s.occurredAt) < to.getTime()) && (!probe.kind || e.kind === probe.kind));
          for (const groupBy of ['CUSTOMER', 'CUSTOMER_KIND', 'ERROR_TYPE', 'MONTH'] as const) {
            const args = { groupBy, from, to, customerKind: probe.kind, asOf: t === undefined ? undefined : new Date(t) };
            expect({ args, rows: await log.queries.errorCosts.errorCosts(args) }).toEqual({ args, rows: naiveCosts(then, groupBy) });
          }
        }

        // The brand ledger spans every run (shrinking included): from the counters, and as of a moment after everything was recorded.
        const everyPromise = [...streams.keys()]
          .filter((stream) => stream.startsWith('promise-'))
          .map((stream) => stateOf(promiseDecider, stream) as Exclude<PromiseState, { status: 'NONE' }>)
          .map((s) => ({ s, kind: (stateOf(customerDecider, customerStream(s.customerId)) as Extract<CustomerState, { status: 'REGISTERED' }>).kind }));
        for (const kind of CUSTOMER_KINDS) {
          const all = everyPromise.filter((p) => p.kind === kind).map((p) => p.s);
          const want = { made: all.length, open: 0, kept: 0, broken: 0, released: 0 } as Record<string, number>;
          for (const p of all) want[p.status.toLowerCase()]! += 1;
          const brokenAts = all.flatMap((p) => (p.status === 'BROKEN' ? [Date.parse(p.brokenAt)] : []));
          const lastBroken = brokenAts.length ? Math.max(...brokenAts) : null;
          want.keptStreak = all.filter((p) => p.status === 'KEPT' && (lastBroken === null || Date.parse(p.keptAt) > lastBroken)).length;
          const counters = await log.queries.ledgers.brandLedger({ customerKind: kind });
          const asOf = await log.queries.ledgers.brandLedger({ customerKind: kind, asOf: new Date(Date.now() + (run + 1) * 1_000 * DAY) }); // recorded times run ahead (see the update of es_events)
          const pick = (l: typeof counters) => ({ made: l.made, open: l.open, kept: l.kept, broken: l.broken, released: l.released, keptStreak: l.keptStreak, lastBrokenAt: l.lastBrokenAt });
          expect({ made: counters.made, open: counters.open, kept: counters.kept, broken: counters.broken, released: counters.released, keptStreak: counters.keptStreak }).toEqual(want);
          expect(counters.lastBrokenAt).toEqual(lastBroken === null ? null : new Date(lastBroken));
          expect(pick(asOf)).toEqual(pick(counters));
        }
      }),
      { seed: 20261212, numRuns: 80 },
    );
    // Any read model can be dropped and rebuilt from the log: rebuilt, every table is what the live runs left.
    const live = await log.checksums();
    const rollUp = async () => (await log.pool.query('select * from rm_error_cost_months order by key')).rows;
    const liveRollUp = await rollUp();
    // The runs spread the roll-up over many recorded months, some voids landing in a later month than their error.
    expect(new Set(liveRollUp.map((r: { recorded_month: Date }) => r.recorded_month.getTime())).size).toBeGreaterThan(10);
    expect(liveRollUp.filter((r: { errors: string }) => Number(r.errors) < 0).length).toBeGreaterThan(0);
    await rebuildProjections({ pool: log.pool, connectionString: log.url, eventStore: log.store, projections: ledgerProjections(), batchSize: 7 });
    expect(await log.checksums()).toEqual(live);
    expect(await rollUp()).toEqual(liveRollUp);
    // In one batch, the rows travel by COPY (any storable text through its escaping): the same tables.
    await rebuildProjections({ pool: log.pool, connectionString: log.url, eventStore: log.store, projections: ledgerProjections(), batchSize: 100_000 });
    expect(await log.checksums()).toEqual(live);
    expect(await rollUp()).toEqual(liveRollUp);

    // The scenarios must exercise the projections, not only the validators: every event type was appended.
    expect([...new Set(appended.map((e) => e.type))].sort()).toEqual([...LEDGER_EVENT_TYPES].sort());
    expect(accepted).toBeGreaterThan(250);
    expect(refused).toBeGreaterThan(100);
  }, 120_000);

  it('a cursor the queries accept never reaches the database as something it refuses: a page, or BAD_USER_INPUT', async () => {
    const parts = fc.oneof(
      fc.constantFrom('0000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z', 'a\u0000b', '\ud800', 'p1', '9223372036854775807', '0'),
      fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms).toISOString()),
      fc.string({ maxLength: 8 }),
    );
    const cursorArb = fc.oneof(fc.tuple(parts, parts).map((key) => encodeCursor(key)), parts.map((part) => encodeCursor([part])));
    await fc.assert(
      fc.asyncProperty(cursorArb, fc.constantFrom('promises', 'errors', 'customers', 'timeline'), async (after, query) => {
        try {
          if (query === 'promises') await log.queries.promises.promises({ first: 2, after });
          else if (query === 'errors') await log.queries.errorCosts.errors({ customerId: 'c0', first: 2, after });
          else if (query === 'customers') await log.queries.customers.customers({ first: 2, after });
          else await log.queries.timeline.timeline({ customerId: 'c0', first: 2, after });
        } catch (error) {
          if (!(error instanceof InvalidCursorError)) {
            throw new Error(`${query} after ${Buffer.from(after, 'base64url').toString()}: ${String(error)} (code ${(error as { code?: string }).code})`, { cause: error });
          }
        }
      }),
      { seed: 20261213, numRuns: 300 },
    );
  });
});
