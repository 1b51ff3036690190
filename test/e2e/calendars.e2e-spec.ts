import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

// Issue 16 through GraphQL: business calendars, business-time due dates, paused clocks, risk, ERP items.
const KEYS = { AGENT: 'agent-key-0001', FINANCE: 'finance-key-0001', INTEGRATION: 'integration-key-0001' };
const server = useLedgerServer({
  LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(','),
  LEDGER_DEADLINE_CHECK_INTERVAL: '200ms',
  LEDGER_AT_RISK_WINDOW: '1s',
});
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

type Role = keyof typeof KEYS;
const call = (role: Role, query: string, variables?: Record<string, unknown>) => gql(server.baseUrl, query, variables, { authorization: `Bearer ${KEYS[role]}` });
async function ok(role: Role, query: string, variables?: Record<string, unknown>) {
  const res = await call(role, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

const WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
const office = (opens = '09:00', closes = '17:00') => WEEK.map((day) => ({ day, opens, closes }));
const SET = 'mutation($i: SetBusinessCalendarInput!) { setBusinessCalendar(input: $i) { id name timeZone hours { day opens closes } holidays version } }';
const MAKE = 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id dueBy calendar { id version } risk paused } }';
const PROMISE = 'query($id: ID!) { promise(id: $id) { id dueBy status paused pausedAt pausedSeconds risk elapsedRatio version calendar { id version hours { opens } } } }';
const PAUSE = 'mutation($i: PausePromiseInput!) { pausePromise(input: $i) { id paused pausedAt risk version dueBy } }';
const RESUME = 'mutation($i: ResumePromiseInput!) { resumePromise(input: $i) { id paused pausedSeconds risk version dueBy } }';

async function customer(): Promise<string> {
  return (await ok('AGENT', 'mutation { registerCustomer(input: { name: "Calendar GmbH", kind: END_USER }) { id } }')).registerCustomer.id;
}
async function calendar(over: Record<string, unknown> = {}): Promise<string> {
  const id = `cal-${randomUUID().slice(0, 8)}`;
  await ok('FINANCE', SET, { i: { id, name: 'Berlin office', timeZone: 'Europe/Berlin', hours: office(), holidays: [], ...over } });
  return id;
}

describe('business calendars', () => {
  it('sets a calendar, reads it back for every role, and versions changes', async () => {
    const id = `cal-${randomUUID().slice(0, 8)}`;
    const first = (await ok('FINANCE', SET, { i: { id, name: 'Berlin', timeZone: 'Europe/Berlin', hours: office(), holidays: ['2026-12-25', '2026-12-24'] } })).setBusinessCalendar;
    expect(first).toMatchObject({ id, timeZone: 'Europe/Berlin', holidays: ['2026-12-24', '2026-12-25'], version: 0 });
    const second = (await ok('FINANCE', SET, { i: { id, name: 'Berlin', timeZone: 'Europe/Berlin', hours: office('08:00'), expectedVersion: 0 } })).setBusinessCalendar;
    expect(second.version).toBe(1);
    const stale = await call('FINANCE', SET, { i: { id, name: 'Berlin', timeZone: 'Europe/Berlin', hours: office('07:00'), expectedVersion: 0 } });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const listed = (await ok('INTEGRATION', '{ businessCalendars { id version hours { opens } } }')).businessCalendars.find((c: { id: string }) => c.id === id);
    expect(listed).toMatchObject({ version: 1, hours: expect.arrayContaining([{ opens: '08:00' }]) });
  });

  it.each([
    ['an unknown zone', { timeZone: 'Europe/Atlantis' }, 'timeZone'],
    ['a week without open hours', { hours: [] }, 'hours'],
    ['an inverted interval', { hours: [{ day: 'MONDAY', opens: '17:00', closes: '09:00' }] }, 'hours[0].closes'],
    ['overlapping intervals', { hours: [{ day: 'MONDAY', opens: '09:00', closes: '13:00' }, { day: 'MONDAY', opens: '12:00', closes: '17:00' }] }, 'hours[1]'],
    ['24:00 as an opening time', { hours: [{ day: 'MONDAY', opens: '24:00', closes: '24:00' }] }, 'hours[0].opens'],
    ['a date that does not exist', { holidays: ['2026-02-29'] }, 'holidays[0]'],
  ])('refuses %s with BAD_USER_INPUT naming the field', async (_, over, field) => {
    const res = await call('FINANCE', SET, { i: { id: `cal-${randomUUID().slice(0, 8)}`, name: 'x', timeZone: 'Europe/Berlin', hours: office(), ...over } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(res.errors?.[0]?.extensions?.fields ?? {})).toContain(field);
  });
});

describe('business-time due dates', () => {
  it('4 business hours from Friday 16:00 in Berlin are due Monday 12:00; a later change of the calendar moves nothing', async () => {
    const [c, cal] = [await customer(), await calendar()];
    // Friday 27 November 2026 16:00 CET = 15:00Z.
    const made = (await ok('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'call back', calendarId: cal, dueInBusinessHours: 4, madeAt: '2026-11-27T15:00:00Z' } })).makePromise;
    expect(made).toMatchObject({ dueBy: '2026-11-30T11:00:00.000Z', calendar: { id: cal, version: 0 } });
    await ok('FINANCE', SET, { i: { id: cal, name: 'Berlin office', timeZone: 'Europe/Berlin', hours: office('10:00', '12:00') } });
    const after = (await ok('AGENT', PROMISE, { id: made.id })).promise;
    expect(after).toMatchObject({ dueBy: '2026-11-30T11:00:00.000Z', calendar: { id: cal, version: 0, hours: expect.arrayContaining([{ opens: '09:00' }]) } });
  });

  it.each([
    ['both dueBy and dueInBusinessHours', { dueBy: '2099-01-01T00:00:00Z', dueInBusinessHours: 4 }, 'dueInBusinessHours'],
    ['neither', {}, 'dueBy'],
    ['dueInBusinessHours without a calendar', { dueInBusinessHours: 4, calendarId: null }, 'calendarId'],
    ['zero hours', { dueInBusinessHours: 0 }, 'dueInBusinessHours'],
  ])('refuses %s with BAD_USER_INPUT', async (_, over, field) => {
    const [c, cal] = [await customer(), await calendar()];
    const res = await call('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'x', calendarId: cal, ...over } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(res.errors?.[0]?.extensions?.fields ?? {})).toContain(field);
  });

  it('refuses an unknown calendar with NOT_FOUND naming calendarId', async () => {
    const res = await call('AGENT', MAKE, { i: { customerId: await customer(), kind: 'SERVICE', description: 'x', calendarId: 'no-such-calendar', dueInBusinessHours: 2 } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', fields: { calendarId: 'not found' } });
  });
});

describe('pause and resume', () => {
  it('stops the clock, refuses a second pause, resumes with dueBy moved by the time paused, and the timeline says who, why and how long', async () => {
    const c = await customer();
    const dueBy = new Date(Date.now() + 3_600_000).toISOString();
    const { id } = (await ok('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'reply', dueBy } })).makePromise;
    const paused = (await ok('AGENT', PAUSE, { i: { id, reason: 'waiting on the customer' } })).pausePromise;
    expect(paused).toMatchObject({ paused: true, risk: 'PAUSED', dueBy });
    expect((await call('AGENT', PAUSE, { i: { id, reason: 'again' } })).errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    const filtered = (await ok('AGENT', 'query($c: ID) { promises(filter: { customerId: $c, paused: true }) { nodes { id } } }', { c })).promises.nodes;
    expect(filtered).toEqual([{ id }]);
    const byRisk = (await ok('AGENT', 'query($c: ID) { promises(filter: { customerId: $c, risk: PAUSED }) { totalCount } }', { c })).promises.totalCount;
    expect(byRisk).toBe(1);
    const ledger = (await ok('AGENT', 'query($c: ID!) { customer(id: $c) { ledger { open } } }', { c })).customer.ledger;
    expect(ledger.open).toBe(1); // a paused promise counts as open
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const resumed = (await ok('AGENT', RESUME, { i: { id } })).resumePromise;
    const moved = Date.parse(resumed.dueBy) - Date.parse(dueBy);
    expect(resumed).toMatchObject({ paused: false, risk: 'ON_TRACK' });
    expect(moved).toBeGreaterThanOrEqual(1_000);
    expect(resumed.pausedSeconds).toBe(Math.floor(moved / 1_000));
    expect((await call('AGENT', RESUME, { i: { id } })).errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    const timeline = (await ok('AGENT', 'query($c: ID!) { customer(id: $c) { timeline { nodes { type summary } } } }', { c })).customer.timeline.nodes;
    expect(timeline.find((e: { type: string }) => e.type === 'PromisePaused').summary).toMatch(/^Promise paused by \S*AGENT: waiting on the customer$/);
    expect(timeline.find((e: { type: string }) => e.type === 'PromiseResumed').summary).toMatch(/^Promise resumed after \d+ s paused by \S*AGENT \(waiting on the customer\): due /);
  });

  it("shows a customer's promises as of a past moment with the pause and the due date they had then", async () => {
    const c = await customer();
    const dueBy = new Date(Date.now() + 3_600_000).toISOString();
    const { id } = (await ok('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'reply', dueBy } })).makePromise;
    await ok('AGENT', PAUSE, { i: { id, reason: 'waiting on the customer' } });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const whilePaused = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const resumed = (await ok('AGENT', RESUME, { i: { id } })).resumePromise;
    const asOf = async (at: string) =>
      (await ok('AGENT', 'query($c: ID!, $at: DateTime) { customer(id: $c) { promises(asOf: $at) { nodes { id dueBy paused pausedSeconds risk } } } }', { c, at })).customer.promises.nodes[0];
    expect(await asOf(whilePaused)).toMatchObject({ id, dueBy, paused: true, risk: 'PAUSED' });
    expect(await asOf(new Date().toISOString())).toMatchObject({ id, dueBy: resumed.dueBy, paused: false, risk: 'ON_TRACK', pausedSeconds: resumed.pausedSeconds });
  });

  it('refuses a promise already due, and a settled one', async () => {
    const c = await customer();
    const due = (await ok('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'x', dueBy: new Date(Date.now() + 300).toISOString() } })).makePromise.id;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await call('AGENT', PAUSE, { i: { id: due, reason: 'late' } })).errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    const kept = (await ok('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'y', dueBy: '2099-01-01T00:00:00Z' } })).makePromise.id;
    await ok('AGENT', 'mutation($id: ID!) { keepPromise(input: { id: $id }) { id } }', { id: kept });
    expect((await call('AGENT', PAUSE, { i: { id: kept, reason: 'x' } })).errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
  });

  it('ERP items PROMISE_PAUSED and PROMISE_RESUMED, validated like the mutations, also in one batch with the make', async () => {
    const [c, cal] = [await customer(), await calendar({ hours: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({ day, opens: '00:00', closes: '24:00' })) })];
    const p = `erp-${randomUUID().slice(0, 8)}`;
    const APPEND = 'mutation($i: AppendEventsInput!) { appendEvents(input: $i) { appended rejected results { externalId outcome code message } } }';
    const batch = (await ok('INTEGRATION', APPEND, {
      i: {
        source: 'erp-test',
        events: [
          { externalId: `${p}-1`, type: 'PROMISE_MADE', payload: { id: p, customerId: c, kind: 'SERVICE', description: 'erp', calendarId: cal, dueInBusinessHours: 48 } },
          { externalId: `${p}-2`, type: 'PROMISE_PAUSED', payload: { id: p, reason: 'waiting on the customer' } },
          { externalId: `${p}-3`, type: 'PROMISE_RESUMED', payload: { id: p } },
          { externalId: `${p}-4`, type: 'PROMISE_RESUMED', payload: { id: p } },
          { externalId: `${p}-5`, type: 'PROMISE_PAUSED', payload: { id: p } },
        ],
      },
    })).appendEvents;
    expect(batch.results.map((r: { outcome: string; code: string | null }) => [r.outcome, r.code])).toEqual([
      ['APPENDED', null], ['APPENDED', null], ['APPENDED', null], ['REJECTED', 'INVALID_STATE'], ['REJECTED', 'BAD_USER_INPUT'],
    ]);
    const events = await server.pool.query(`select event_type, metadata->>'actor' as actor from es_events where stream_id = $1 order by position`, [`promise-${p}`]);
    expect(events.rows.map((r) => r.event_type)).toEqual(['PromiseMade', 'PromisePaused', 'PromiseResumed']);
  });
});

describe('risk', () => {
  it('publishes AT_RISK then CRITICAL once each on promiseAtRisk, and filters by risk', async () => {
    const c = await customer();
    const client = createClient({
      url: server.baseUrl.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${KEYS.AGENT}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const received: { risk: string }[] = [];
    const connected = new Promise<void>((resolve) => client.on('connected', () => setTimeout(resolve, 300)));
    const two = new Promise<void>((resolve, reject) => {
      client.subscribe<{ promiseAtRisk: { risk: string } }>(
        { query: 'subscription($c: ID) { promiseAtRisk(customerId: $c) { id risk } }', variables: { c } },
        {
          next: (value) => {
            if (value.errors) return reject(new Error(JSON.stringify(value.errors)));
            received.push(value.data!.promiseAtRisk);
            if (received.length === 2) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await connected;
    // 10 s of clock: AT_RISK after 7.5 s, CRITICAL after 9 s.
    const madeAt = new Date(Date.now() - 7_000);
    const { id } = (await ok('AGENT', MAKE, { i: { customerId: c, kind: 'SERVICE', description: 'soon', madeAt: madeAt.toISOString(), dueBy: new Date(madeAt.getTime() + 10_000).toISOString() } })).makePromise;
    await two;
    expect(received.map((r) => r.risk).sort()).toEqual(['AT_RISK', 'CRITICAL'].sort());
    const flags = await server.pool.query(`select data->>'level' as level from es_events where stream_id = $1 and event_type = 'PromiseAtRisk' order by position`, [`promise-${id}`]);
    expect(flags.rows.map((r) => r.level)).toEqual(['AT_RISK', 'CRITICAL']);
    const critical = (await ok('AGENT', 'query($c: ID) { promises(filter: { customerId: $c, risk: CRITICAL }) { nodes { id elapsedRatio } } }', { c })).promises.nodes;
    expect(critical.map((p: { id: string }) => p.id)).toEqual([id]);
  });
});
