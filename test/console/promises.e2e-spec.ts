import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const KEYS = { AGENT: 'agent-key-queue-1', FINANCE: 'finance-key-queue-1' };
const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });
const chrome = useBrowser();

interface QueuedPromise {
  id: string;
  description: string;
  kind: string;
  dueBy: string;
  status: string;
  atRisk: boolean;
  customer: { id: string; name: string };
}

async function call<T = Record<string, any>>(role: keyof typeof KEYS, query: string, variables?: Record<string, unknown>): Promise<T> {
  const answer = await gql<T>(server.baseUrl, query, variables, { authorization: `Bearer ${KEYS[role]}` });
  if (answer.errors || !answer.data) throw new Error(`GraphQL refused: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

async function registerCustomer(name: string): Promise<{ id: string; name: string }> {
  const id = `c-${randomUUID()}`;
  const full = `${name} ${id.slice(2, 8)}`;
  await call('AGENT', 'mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', { input: { id, kind: 'DISTRIBUTOR', name: full } });
  return { id, name: full };
}

async function makePromise(customerId: string, kind: string, dueBy: string, description: string): Promise<string> {
  const { makePromise } = await call<{ makePromise: { id: string } }>('AGENT', 'mutation($input: MakePromiseInput!) { makePromise(input: $input) { id } }', {
    input: { customerId, kind, dueBy, description },
  });
  return makePromise.id;
}

const transition = (mutation: 'keepPromise' | 'breakPromise' | 'releasePromise', id: string, extra: Record<string, string> = {}) =>
  call('AGENT', `mutation($input: ${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { id } }`, { input: { id, ...extra } });

const PROMISES = `query($filter: PromiseFilter, $first: Int, $after: String) {
  promises(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id description kind dueBy status atRisk customer { id name } }
  }
}`;
const promises = async (filter: Record<string, unknown>, first = 100) =>
  (await call<{ promises: { totalCount: number; nodes: QueuedPromise[] } }>('AGENT', PROMISES, { filter, first })).promises;

// The browser runs in Europe/Berlin (openConsole): "Due from 2101-01-01, Due until 2101-12-31" is the Berlin year.
const berlinYear = (year: number) => ({ dueAfter: `${year - 1}-12-31T23:00:00.000Z`, dueBefore: `${year}-12-31T23:00:00.000Z` });
const humanize = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' ');
const STANDING: Record<string, string> = { KEPT: 'Kept', BROKEN: 'Broken', RELEASED: 'Released' };
const standing = (p: QueuedPromise) => (p.status === 'OPEN' ? (p.atRisk ? 'Open · At risk' : 'Open · On track') : STANDING[p.status]);

/** Each body row's cells, without the Due column (its text is the browser's date format; checked apart). */
async function queueRows(table: Locator): Promise<string[][]> {
  const rows = table.getByRole('row');
  const out: string[][] = [];
  for (let i = 1; i < (await rows.count()); i++) {
    const cells = (await rows.nth(i).getByRole('cell').allInnerTexts()).map((cell) => cell.trim());
    out.push([cells[0], cells[1], cells[2], cells[4]]);
  }
  return out;
}
const expectedRows = (nodes: QueuedPromise[]) => nodes.map((p) => [p.customer.name, p.description, humanize(p.kind), standing(p)]);

async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    last = await read();
  }
  expect(last).toEqual(expected);
}

async function openAs(role: keyof typeof KEYS, path: string): Promise<{ context: import('playwright-core').BrowserContext; page: Page }> {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl);
  await page.getByLabel('API key').fill(KEYS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  await page.goto(path);
  return { context, page };
}

const sortedByDue = (nodes: QueuedPromise[]) => nodes.every((p, i) => i === 0 || nodes[i - 1].dueBy <= p.dueBy);

describe('console: the promises queue', () => {
  it('shows the promises the query answers for status, kind, risk and due range, soonest due first, with the filters in the address', async () => {
    const alpha = await registerCustomer('Queue Alpha');
    const beta = await registerCustomer('Queue Beta');
    const tag = randomUUID().slice(0, 6);
    // Made out of due order, so the queue's order is the due order and not the order of making.
    await makePromise(beta.id, 'DELIVERY', '2101-06-10T12:00:00Z', `Ship pallet 6 ${tag}`);
    await makePromise(alpha.id, 'DELIVERY', '2101-02-10T12:00:00Z', `Ship pallet 2 ${tag}`);
    await makePromise(alpha.id, 'SERVICE', '2101-03-10T12:00:00Z', `Call back 3 ${tag}`);
    await makePromise(beta.id, 'DELIVERY', '2101-04-10T12:00:00Z', `Ship pallet 4 ${tag}`);
    const kept = await makePromise(alpha.id, 'DELIVERY', '2101-05-10T12:00:00Z', `Ship pallet 5 ${tag}`);
    const broken = await makePromise(beta.id, 'DELIVERY', '2101-01-20T12:00:00Z', `Ship pallet 1 ${tag}`);
    const released = await makePromise(alpha.id, 'SERVICE', '2101-07-10T12:00:00Z', `Call back 7 ${tag}`);
    await makePromise(alpha.id, 'DELIVERY', '2102-01-10T12:00:00Z', `Ship pallet next year ${tag}`);
    await transition('keepPromise', kept);
    await transition('breakPromise', broken, { reason: 'truck never left' });
    await transition('releasePromise', released, { reason: 'customer cancelled' });

    const { context, page } = await openAs('AGENT', '/promises');
    await page.getByRole('heading', { name: 'Promises', level: 1 }).waitFor();
    const filters = page.getByRole('search', { name: 'Promise filters' });
    await filters.getByLabel('Due from').fill('2101-01-01');
    await filters.getByLabel('Due until').fill('2101-12-31');
    const table = page.getByRole('table', { name: 'Promises' });

    const wholeYear = await promises(berlinYear(2101));
    expect(wholeYear.nodes.map((p) => p.description)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => expect.stringContaining(` ${n} ${tag}`)));
    await eventually(() => queueRows(table), expectedRows(wholeYear.nodes));

    await filters.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Open' });
    await filters.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Delivery' });
    await filters.getByRole('combobox', { name: 'Risk' }).selectOption({ label: 'Not at risk' });
    const openDeliveries = await promises({ ...berlinYear(2101), status: 'OPEN', kind: 'DELIVERY', atRisk: false });
    expect(openDeliveries.nodes.map((p) => p.description)).toEqual([`Ship pallet 2 ${tag}`, `Ship pallet 4 ${tag}`, `Ship pallet 6 ${tag}`]);
    expect(sortedByDue(openDeliveries.nodes)).toBe(true);
    await eventually(() => queueRows(table), expectedRows(openDeliveries.nodes));
    await page.getByText('Showing 3 of 3 promises, soonest due first').waitFor();
    // Due in the browser's zone, with the zone named.
    expect(await table.getByRole('row').nth(1).getByRole('cell').nth(3).innerText()).toMatch(/10 Feb 2101, 13:00 (CET|GMT\+1)/);

    // The address holds the filters: a reload (or a shared link) shows the same queue.
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ dueFrom: '2101-01-01', dueUntil: '2101-12-31', status: 'OPEN', kind: 'DELIVERY', risk: 'not-at-risk' });
    await page.reload();
    await eventually(() => queueRows(page.getByRole('table', { name: 'Promises' })), expectedRows(openDeliveries.nodes));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Broken' });
    await page.getByRole('combobox', { name: 'Risk' }).selectOption({ label: 'Any risk' });
    const brokenDeliveries = await promises({ ...berlinYear(2101), status: 'BROKEN', kind: 'DELIVERY' });
    expect(brokenDeliveries.nodes.map((p) => [p.id, p.status])).toEqual([[broken, 'BROKEN']]);
    await eventually(() => queueRows(table), expectedRows(brokenDeliveries.nodes));

    // Each customer's name leads to their page.
    await table.getByRole('link', { name: beta.name }).click();
    await page.waitForURL(`**/customers/${beta.id}`);
    await context.close();
  });

  it('shows promises the deadline watcher flagged at risk with an At risk badge, and filters by them', async () => {
    const customer = await registerCustomer('Queue Risk');
    const tag = randomUUID().slice(0, 6);
    const soon = await makePromise(customer.id, 'OTHER', new Date(Date.now() + 2 * 3_600_000).toISOString(), `Call before lunch ${tag}`);
    await makePromise(customer.id, 'OTHER', new Date(Date.now() + 30 * 86_400_000).toISOString(), `Check next month ${tag}`);
    // The watcher flags promises due within LEDGER_AT_RISK_WINDOW (24 h) every second.
    await eventually(async () => (await promises({ kind: 'OTHER', atRisk: true })).nodes.map((p) => p.id), [soon]);

    const { context, page } = await openAs('AGENT', '/promises?kind=OTHER&risk=at-risk');
    const table = page.getByRole('table', { name: 'Promises' });
    const atRisk = await promises({ kind: 'OTHER', atRisk: true });
    await eventually(() => queueRows(table), expectedRows(atRisk.nodes));
    expect((await queueRows(table))[0]).toEqual([customer.name, `Call before lunch ${tag}`, 'Other', 'Open · At risk']);

    await page.getByRole('combobox', { name: 'Risk' }).selectOption({ label: 'Not at risk' });
    const notAtRisk = await promises({ kind: 'OTHER', atRisk: false });
    expect(notAtRisk.nodes.map((p) => p.description)).toContain(`Check next month ${tag}`);
    await eventually(() => queueRows(table), expectedRows(notAtRisk.nodes));
    await context.close();
  });

  it('pages with Show more in due order until the query has no next page', async () => {
    const customer = await registerCustomer('Queue Paging');
    const tag = randomUUID().slice(0, 6);
    // 27 promises, due on 27 days of 2103, made in reverse.
    for (let day = 27; day >= 1; day--) {
      await makePromise(customer.id, 'QUALITY', `2103-03-${String(day).padStart(2, '0')}T12:00:00Z`, `Lasts ${day} ${tag}`);
    }
    const all = await promises({ ...berlinYear(2103), kind: 'QUALITY' });
    expect(all.totalCount).toBe(27);
    expect(sortedByDue(all.nodes)).toBe(true);

    const { context, page } = await openAs('FINANCE', '/promises?kind=QUALITY&dueFrom=2103-01-01&dueUntil=2103-12-31');
    const table = page.getByRole('table', { name: 'Promises' });
    await eventually(() => queueRows(table), expectedRows(all.nodes.slice(0, 25)));
    await page.getByText('Showing 25 of 27 promises, soonest due first').waitFor();
    await page.getByRole('button', { name: 'Show more' }).click();
    await eventually(() => queueRows(table), expectedRows(all.nodes));
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    // Keyboard focus lands on the first new row, not on a button that is gone.
    const firstNew = table.getByRole('row').nth(26);
    expect(await firstNew.getByRole('cell').nth(1).innerText()).toBe(all.nodes[25].description);
    expect(await firstNew.getByRole('link', { name: customer.name }).evaluate((link) => link === link.ownerDocument.activeElement)).toBe(true);
    await context.close();
  });
});
