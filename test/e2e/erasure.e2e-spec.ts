import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';
import { runNode } from '../support/api-process.js';
import { scanEveryTable } from '../support/table-scan.js';
import { NO_STREAM, PostgresEventStore } from '#libs/event-store';

const KEYS = { AGENT: 'agent-key-0001', FINANCE: 'finance-key-0001', INTEGRATION: 'integration-key-0001', ADMIN: 'admin-key-0001' };
type Role = keyof typeof KEYS;
const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });
const as = (role: Role) => ({ authorization: `Bearer ${KEYS[role]}` });

async function run(role: Role, query: string, variables: Record<string, unknown> = {}) {
  const res = await gql(server.baseUrl, query, variables, as(role));
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

const FORGET = 'mutation($i: ForgetCustomerInput!) { forgetCustomer(input: $i) { id name email erased erasedAt version } }';
const APPEND = 'mutation($input: AppendEventsInput!) { appendEvents(input: $input) { results { externalId outcome code } } }';
const FIGURES = `query($id: ID!) { customer(id: $id) {
  id kind region registeredAt
  ledger { made open kept broken released keptRate neverBroken lastBrokenAt keptStreak }
  errorCosts { errors billingErrors shippingErrors unpricedErrors cost { amount currency } }
  promises { nodes { id status kind dueBy brokenAt keptAt version } }
  errors { nodes { id status type reference cost { amount currency } version } }
  timeline { nodes { position type occurredAt recordedAt } }
} }`;
const TEXTS = `query($id: ID!) { customer(id: $id) {
  name email erased
  promises { nodes { description brokenReason } }
  errors { nodes { description } }
  timeline { nodes { type summary data } }
} }`;

/** A customer with every kind of personal text, through the mutations an agent uses; returns the texts. */
async function customerWithHistory(id: string, tag: string): Promise<string[]> {
  const texts = {
    name: `Quillon Vantablàck ${tag}`,
    email: `quillon.${tag}@vantablack.example`,
    made: `deliver the crate of ${tag}-orchids`,
    amended: `the ${tag}-customer asked for Tuesday`,
    evidence: `signed by ${tag}-Marguerite`,
    broken: `the ${tag}-van broke down`,
    released: `the ${tag}-order was cancelled`,
    error: `invoice sent to ${tag}-old-address`,
    resolution: `credit note for ${tag}-refund`,
    voided: `duplicate of ${tag}-ticket`,
  };
  await run('AGENT', 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', {
    i: { id, name: texts.name, kind: 'RESELLER', region: 'Bretagne', email: texts.email },
  });
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const make = async (description: string) =>
    (await run('AGENT', 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', { i: { customerId: id, kind: 'DELIVERY', description, dueBy: due } })).makePromise
      .id as string;
  const kept = await make(texts.made);
  await run('AGENT', 'mutation($i: AmendPromiseInput!) { amendPromise(input: $i) { id } }', { i: { id: kept, dueBy: new Date(Date.now() + 8 * 86_400_000).toISOString(), reason: texts.amended } });
  await run('AGENT', 'mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: kept, evidence: texts.evidence } });
  await run('AGENT', 'mutation($i: BreakPromiseInput!) { breakPromise(input: $i) { id } }', { i: { id: await make(`second ${texts.made}`), reason: texts.broken } });
  await run('AGENT', 'mutation($i: ReleasePromiseInput!) { releasePromise(input: $i) { id } }', { i: { id: await make(`third ${texts.made}`), reason: texts.released } });
  const record = async () =>
    (await run('AGENT', 'mutation($i: RecordErrorInput!) { recordError(input: $i) { id } }', {
      i: { customerId: id, type: 'BILLING', reference: `INV-${tag}`, description: texts.error, cost: { amount: '120.50', currency: 'EUR' } },
    })).recordError.id as string;
  await run('FINANCE', 'mutation($i: ResolveErrorInput!) { resolveError(input: $i) { id } }', { i: { id: await record(), resolution: texts.resolution } });
  await run('FINANCE', 'mutation($i: VoidErrorInput!) { voidError(input: $i) { id } }', { i: { id: await record(), reason: texts.voided } });
  return Object.values(texts);
}

const readModels = async () => {
  const tables = ['rm_customers', 'rm_promises', 'rm_brand_ledger', 'rm_errors', 'rm_cost_policies', 'rm_timeline'];
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) dump[table] = (await server.pool.query(`select t::text as row from ${table} t order by 1`)).rows.map((r) => r.row);
  return dump;
};

describe('forgetCustomer', () => {
  it('is refused to AGENT, FINANCE and INTEGRATION with FORBIDDEN, and erases nothing then', async () => {
    const id = `refused-${randomUUID()}`;
    await run('AGENT', 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id, name: 'Still Here', kind: 'END_USER' } });
    for (const role of ['AGENT', 'FINANCE', 'INTEGRATION'] as const) {
      const res = await gql(server.baseUrl, FORGET, { i: { id, reason: 'not allowed' } }, as(role));
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await run('ADMIN', 'query($id: ID!) { customer(id: $id) { name erased } }', { id })).customer).toEqual({ name: 'Still Here', erased: false });
  });

  it('refuses an unknown customer with NOT_FOUND and a blank reason with BAD_USER_INPUT', async () => {
    const missing = await gql(server.baseUrl, FORGET, { i: { id: `nobody-${randomUUID()}`, reason: 'asked' } }, as('ADMIN'));
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const id = `blank-${randomUUID()}`;
    await run('AGENT', 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id, name: 'Blank Reason', kind: 'END_USER' } });
    const blank = await gql(server.baseUrl, FORGET, { i: { id, reason: '   ' } }, as('ADMIN'));
    expect(blank.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await run('ADMIN', 'query($id: ID!) { customer(id: $id) { name } }', { id })).customer).toEqual({ name: 'Blank Reason' });
  });

  it('leaves no byte of the erased data in any table, keeps every figure, and a rebuild and a re-sent ERP batch change nothing', async () => {
    const tag = randomUUID().slice(0, 8);
    const id = `forget-${tag}`;
    const bystander = `bystander-${tag}`;
    const texts = await customerWithHistory(id, tag);
    const kept = await customerWithHistory(bystander, `keep${tag}`);
    // A customer that came through an ERP batch (idempotency records) is erased too.
    const erp = `erp-${tag}`;
    const erpName = `Ortolan Grisaille ${tag}`;
    const erpDescription = `ship the ${tag}-ortolan pallet`;
    const batch = {
      source: `erp-${tag}`,
      events: [
        { externalId: `${tag}-1`, type: 'CUSTOMER_REGISTERED', payload: { id: erp, name: erpName, kind: 'DISTRIBUTOR', email: `ortolan.${tag}@grisaille.example` } },
        { externalId: `${tag}-2`, type: 'PROMISE_MADE', payload: { id: `${erp}-p`, customerId: erp, kind: 'DELIVERY', description: erpDescription, dueBy: new Date(Date.now() + 86_400_000).toISOString() } },
      ],
    };
    expect((await run('INTEGRATION', APPEND, { input: batch })).appendEvents.results.map((r: { outcome: string }) => r.outcome)).toEqual(['APPENDED', 'APPENDED']);
    const erased = [...texts, erpName, `ortolan.${tag}@grisaille.example`, erpDescription];
    expect((await scanEveryTable(server.pool, erased)).length).toBeGreaterThan(0); // the scan does find them before

    const before = await run('ADMIN', FIGURES, { id });
    const bystanderBefore = await run('ADMIN', TEXTS, { id: bystander });
    const forgotten = (await run('ADMIN', FORGET, { i: { id, reason: 'right to erasure, ticket 4711' } })).forgetCustomer;
    expect(forgotten).toMatchObject({ id, name: null, email: null, erased: true, version: 1 });
    expect(new Date(forgotten.erasedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    await run('ADMIN', FORGET, { i: { id: erp, reason: 'right to erasure, ticket 4712' } });

    // Figures and structure unchanged (the timeline gained the erasure).
    const after = await run('ADMIN', FIGURES, { id });
    const { timeline: timelineAfter, ...restAfter } = after.customer;
    const { timeline: timelineBefore, ...restBefore } = before.customer;
    expect(restAfter).toEqual(restBefore);
    expect(timelineAfter.nodes.slice(0, -1)).toEqual(timelineBefore.nodes);
    expect(timelineAfter.nodes.at(-1).type).toBe('CustomerErased');

    // What the API shows: no name or email, free texts "[erased]"; the bystander untouched.
    const shown = (await run('ADMIN', TEXTS, { id })).customer;
    expect(shown).toMatchObject({ name: null, email: null, erased: true });
    expect(shown.promises.nodes.map((p: { description: string }) => p.description)).toEqual(['[erased]', '[erased]', '[erased]']);
    expect(shown.promises.nodes.map((p: { brokenReason: string | null }) => p.brokenReason).sort()).toEqual(['[erased]', null, null]);
    expect(shown.errors.nodes.map((e: { description: string }) => e.description)).toEqual(['[erased]', '[erased]']);
    for (const text of texts) expect(JSON.stringify(shown)).not.toContain(text);
    expect(await run('ADMIN', TEXTS, { id: bystander })).toEqual(bystanderBefore);

    // Search: by id only.
    for (const text of ['Quillon Vantablack', `quillon.${tag}`, `INV-${tag}`, 'Bretagne']) {
      expect((await run('AGENT', 'query($t: String!) { searchCustomers(text: $t) { id } }', { t: text })).searchCustomers.map((c: { id: string }) => c.id)).not.toContain(id);
    }
    expect((await run('AGENT', 'query($t: String!) { searchCustomers(text: $t) { id erased } }', { t: id })).searchCustomers).toEqual([{ id, erased: true }]);

    // THE test: no row of any table holds the erased strings, in clear or hex.
    expect(await scanEveryTable(server.pool, erased)).toEqual([]);
    expect((await scanEveryTable(server.pool, kept)).length).toBeGreaterThan(0);
    // The hash chain covers the ciphertext: destroying a key leaves it verifying.
    const verified = (await run('ADMIN', '{ verifyLedger { verified problem } }')).verifyLedger;
    expect(verified).toEqual({ verified: true, problem: null });

    // Re-sending the ERP batch (and the registration under a new external id) brings nothing back.
    expect((await run('INTEGRATION', APPEND, { input: batch })).appendEvents.results.map((r: { outcome: string }) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE']);
    const again = await run('INTEGRATION', APPEND, { input: { source: batch.source, events: [{ ...batch.events[0], externalId: `${tag}-again` }] } });
    expect(again.appendEvents.results).toEqual([{ externalId: `${tag}-again`, outcome: 'REJECTED', code: 'CONFLICT' }]);
    expect((await run('ADMIN', 'query($id: ID!) { customer(id: $id) { name email erased } }', { id: erp })).customer).toEqual({ name: null, email: null, erased: true });

    // A rebuild from the log gives the same read models, and still no byte of erased data.
    const live = await readModels();
    const rebuilt = await runNode('bin/ledger.js', ['projections', 'rebuild'], { DATABASE_URL: server.db.url });
    expect(rebuilt).toMatchObject({ code: 0 });
    expect(await readModels()).toEqual(live);
    expect(await scanEveryTable(server.pool, erased)).toEqual([]);
  }, 120_000);

  it('is also `ledger customers forget ID --reason TEXT`', async () => {
    const tag = randomUUID().slice(0, 8);
    const id = `cli-${tag}`;
    const texts = await customerWithHistory(id, tag);
    const forgot = await runNode('bin/ledger.js', ['customers', 'forget', id, '--reason', 'asked at the counter', '--actor', 'dpo'], { DATABASE_URL: server.db.url });
    expect(forgot).toMatchObject({ code: 0, stdout: expect.stringContaining(`customer ${id} is erased`) });
    expect((await run('ADMIN', 'query($id: ID!) { customer(id: $id) { name email erased timeline { nodes { summary } } } }', { id })).customer).toMatchObject({
      name: null,
      email: null,
      erased: true,
      timeline: { nodes: expect.arrayContaining([{ summary: "Customer's personal data erased at dpo's request: asked at the counter" }]) },
    });
    expect(await scanEveryTable(server.pool, texts)).toEqual([]);
  }, 60_000);
});

describe('ledger migrate', () => {
  it('seals the personal data of events written before encryption, showing progress; a second run rewrites nothing', async () => {
    const tag = randomUUID().slice(0, 8);
    const store = new PostgresEventStore(server.pool, server.db.url);
    const names: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const id = `legacy-${tag}-${i}`;
        names.push(`Legacy Lumière ${tag} ${i}`);
        await store.appendToStream(
          `customer-${id}`,
          [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId: id, name: names[i], kind: 'END_USER', registeredAt: '2026-01-01T00:00:00.000Z' }, metadata: { schemaVersion: 1 } }],
          { expectedRevision: NO_STREAM },
        );
      }
    } finally {
      await store.close();
    }
    const clear = async () => Number((await server.pool.query('select count(*) from es_events where data::text like $1', [`%Legacy Lumière ${tag}%`])).rows[0].count);
    expect(await clear()).toBe(30);

    const first = await runNode('bin/ledger.js', ['migrate', '--no-progress'], { DATABASE_URL: server.db.url });
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/personal data sealed up to position \d+ of \d+: \d+ events rewritten now/) });
    expect(Number(/: (\d+) events rewritten now/.exec(first.stdout)![1])).toBeGreaterThanOrEqual(30);
    expect(await clear()).toBe(0);
    const second = await runNode('bin/ledger.js', ['migrate', '--no-progress'], { DATABASE_URL: server.db.url });
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining(': 0 events rewritten now') });
    // The hash chain covers the sealed bytes: the rewrite held it, and it verifies afterwards.
    const verify = await runNode('bin/ledger.js', ['verify', '--no-progress'], { DATABASE_URL: server.db.url });
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/verified/i) });
    expect(Number((await server.pool.query('select count(*) from es_chain_holds')).rows[0].count)).toBe(0);
    // Readers see them as before.
    const read = await run('AGENT', 'query($id: ID!) { customer(id: $id) { name } }', { id: `legacy-${tag}-7` });
    expect(read.customer).toEqual({ name: names[7] });
  }, 60_000);

  it('is not needed before forgetting: an erasure seals the customer events still in clear before it destroys the key', async () => {
    const tag = randomUUID().slice(0, 8);
    const id = `legacy-forgotten-${tag}`;
    const name = `Anselme Clairvoyant ${tag}`;
    const description = `polish the ${tag}-brass before Friday`;
    const store = new PostgresEventStore(server.pool, server.db.url);
    try {
      await store.appendToStream(
        `customer-${id}`,
        [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId: id, name, kind: 'END_USER', registeredAt: '2026-01-01T00:00:00.000Z' }, metadata: { schemaVersion: 1 } }],
        { expectedRevision: NO_STREAM },
      );
      await store.appendToStream(
        `promise-${id}-p`,
        [
          {
            id: randomUUID(),
            type: 'PromiseMade',
            data: { promiseId: `${id}-p`, customerId: id, kind: 'SERVICE', touchPoint: 'HUMAN', description, madeAt: '2026-01-01T00:00:00.000Z', dueBy: '2026-01-02T00:00:00.000Z' },
            metadata: { schemaVersion: 1 },
          },
        ],
        { expectedRevision: NO_STREAM },
      );
    } finally {
      await store.close();
    }
    for (let i = 0; i < 50 && !(await run('ADMIN', 'query($id: ID!) { customer(id: $id) { id } }', { id })).customer; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await scanEveryTable(server.pool, [name, description])).length).toBeGreaterThan(0);
    // Let the API's sealer chain the clear events first: the erasure must re-chain what it rewrites.
    for (let i = 0; i < 50 && (await server.pool.query('select max(position) = (select max(position) from es_events) as done from es_chain')).rows[0].done !== true; i++) await new Promise((r) => setTimeout(r, 100));
    await run('ADMIN', FORGET, { i: { id, reason: 'asked before the migration ran' } });
    expect(await scanEveryTable(server.pool, [name, description])).toEqual([]);
    const verify = await runNode('bin/ledger.js', ['verify', '--no-progress'], { DATABASE_URL: server.db.url });
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/verified/i) });
  }, 60_000);
});
