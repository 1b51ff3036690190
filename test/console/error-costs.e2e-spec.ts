import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const KEYS = { AGENT: 'agent-key-costs-1', FINANCE: 'finance-key-costs-1' };
const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });
const chrome = useBrowser();

interface Money {
  amount: string;
  currency: string;
}
interface CostRow {
  key: string;
  errors: number;
  unpricedErrors: number;
  cost: Money[];
}

async function call<T = Record<string, any>>(role: keyof typeof KEYS, query: string, variables?: Record<string, unknown>): Promise<T> {
  const answer = await gql<T>(server.baseUrl, query, variables, { authorization: `Bearer ${KEYS[role]}` });
  if (answer.errors || !answer.data) throw new Error(`GraphQL refused: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

async function registerCustomer(kind: 'DISTRIBUTOR' | 'RESELLER' | 'END_USER'): Promise<string> {
  const id = `c-${randomUUID()}`;
  await call('AGENT', 'mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', {
    input: { id, kind, name: customerName(kind, id) },
  });
  return id;
}
const customerName = (kind: string, id: string) => `Costs ${kind.toLowerCase()} ${id.slice(2, 8)}`;

async function recordError(customerId: string, type: 'BILLING' | 'SHIPPING', occurredAt: string, cost?: Money): Promise<void> {
  await call('AGENT', 'mutation($input: RecordErrorInput!) { recordError(input: $input) { id } }', {
    input: { customerId, type, occurredAt, reference: `REF-${randomUUID().slice(0, 8)}`, ...(cost ? { cost } : {}) },
  });
}

const COST_ROWS = `query($groupBy: ErrorCostGroup!, $from: DateTime, $to: DateTime, $asOf: DateTime, $customerKind: CustomerKind) {
  errorCosts(groupBy: $groupBy, from: $from, to: $to, asOf: $asOf, customerKind: $customerKind) { key errors unpricedErrors cost { amount currency } }
}`;
const errorCosts = async (variables: Record<string, unknown>) => (await call<{ errorCosts: CostRow[] }>('FINANCE', COST_ROWS, variables)).errorCosts;

// The browser runs in Europe/Berlin (openConsole): "From 2019-01-01, To 2019-12-31" is the
// Berlin year, [2018-12-31T23:00Z, 2019-12-31T23:00Z).
const berlinYear = (year: number) => ({ from: `${year - 1}-12-31T23:00:00.000Z`, to: `${year}-12-31T23:00:00.000Z` });

// The console formats money for its locale (en-GB in these tests): the same Intl, the same text.
const money = (m: Money) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: m.currency }).format(Number(m.amount));
const humanize = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' ');

/** The table as the page shows it: header texts, then each row's cells. */
async function tableText(table: Locator): Promise<string[][]> {
  const rows = table.getByRole('row');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push(await row.getByRole('columnheader').or(row.getByRole('rowheader')).or(row.getByRole('cell')).allInnerTexts());
  }
  return out.map((cells) => cells.map((cell) => cell.trim()));
}

/** What the table must show for the API's rows (one money column per currency, unpriced counted apart). */
function expectedTable(keyHeader: string, rows: CostRow[], showKey: (key: string) => string = (key) => key): string[][] {
  const currencies = [...new Set(rows.flatMap((row) => row.cost.map((m) => m.currency)))].sort();
  return [
    [keyHeader, 'Errors', 'Unpriced errors', ...currencies.map((c) => `Cost (${c})`)],
    ...rows.map((row) => [
      showKey(row.key),
      String(row.errors),
      row.unpricedErrors > 0 ? `${row.unpricedErrors} unpriced` : 'None',
      ...currencies.map((c) => {
        const found = row.cost.find((m) => m.currency === c);
        return found ? money(found) : '—';
      }),
    ]),
  ];
}

function expectedCsv(keyHeader: string, rows: CostRow[]): string {
  const currencies = [...new Set(rows.flatMap((row) => row.cost.map((m) => m.currency)))].sort();
  const lines = [
    [keyHeader, 'Errors', 'Unpriced errors', ...currencies.map((c) => `Cost (${c})`)],
    ...rows.map((row) => [row.key, String(row.errors), String(row.unpricedErrors), ...currencies.map((c) => row.cost.find((m) => m.currency === c)?.amount ?? '')]),
  ];
  return lines.map((line) => line.join(',')).join('\r\n') + '\r\n';
}

async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    last = await read();
  }
  expect(last).toEqual(expected);
}

async function openAs(role: keyof typeof KEYS, path: string) {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl);
  await page.getByLabel('API key').fill(KEYS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  await page.goto(path);
  return { context, page };
}

async function downloadCsv(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

async function setRange(page: Page, from: string, to: string) {
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
}

describe('console: error costs', () => {
  it("shows finance the chart, the table and the CSV with the errorCosts figures, per group and range, unpriced errors as unpriced", async () => {
    const distributor = await registerCustomer('DISTRIBUTOR');
    const reseller = await registerCustomer('RESELLER');
    // Priced by the shipped DISTRIBUTOR policy (250.00 USD), an explicit EUR cost, an unpriced reseller error,
    // and one error outside the range that must not count.
    await recordError(distributor, 'BILLING', '2019-03-10T12:00:00Z');
    await recordError(distributor, 'SHIPPING', '2019-03-20T12:00:00Z');
    await recordError(distributor, 'SHIPPING', '2019-05-02T12:00:00Z');
    await recordError(reseller, 'BILLING', '2019-05-05T12:00:00Z', { amount: '80.50', currency: 'EUR' });
    await recordError(reseller, 'BILLING', '2019-05-06T12:00:00Z');
    await recordError(reseller, 'SHIPPING', '2019-07-06T12:00:00Z');
    await recordError(distributor, 'BILLING', '2018-06-01T12:00:00Z');

    const { context, page } = await openAs('FINANCE', '/error-costs');
    await page.getByRole('heading', { name: 'Error costs', level: 1 }).waitFor();
    await setRange(page, '2019-01-01', '2019-12-31');

    const byMonth = await errorCosts({ groupBy: 'MONTH', ...berlinYear(2019) });
    expect(byMonth.map((row) => row.key)).toEqual(['2019-03', '2019-05', '2019-07']);
    expect(byMonth[2]).toEqual({ key: '2019-07', errors: 1, unpricedErrors: 1, cost: [] });

    const table = page.getByRole('table', { name: 'Error costs by month' });
    await eventually(() => tableText(table), expectedTable('Month', byMonth));
    // The all-unpriced month has no cost in any currency, not a zero.
    expect(await table.getByRole('row', { name: /2019-07/ }).innerText()).not.toMatch(/0\.00/);

    // The chart: a figure named by its caption; its canvas says in words what the bars show.
    const figure = page.getByRole('figure', { name: 'Error cost by month' });
    const chartText = await figure.getByRole('img').getAttribute('aria-label');
    for (const row of byMonth) {
      const parts = [...row.cost.map(money), ...(row.unpricedErrors > 0 ? [`${row.unpricedErrors} unpriced`] : [])];
      expect(chartText).toContain(`${row.key}: ${parts.join(', ')}`);
    }

    const csv = await downloadCsv(page);
    expect(csv.name).toMatch(/^error-costs-by-month-from-2019-01-01-to-2019-12-31-as-of-.*\.csv$/);
    expect(csv.text).toBe(expectedCsv('Month', byMonth));

    // Group by follows the API's grouping; the CSV follows the table.
    await page.getByRole('combobox', { name: 'Group by' }).selectOption({ label: 'Customer kind' });
    const byKind = await errorCosts({ groupBy: 'CUSTOMER_KIND', ...berlinYear(2019) });
    expect(byKind.find((row) => row.key === 'RESELLER')).toMatchObject({ errors: 3, unpricedErrors: 2 });
    await eventually(() => tableText(page.getByRole('table', { name: 'Error costs by customer kind' })), expectedTable('Customer kind', byKind, humanize));
    expect((await downloadCsv(page)).text).toBe(expectedCsv('Customer kind', byKind));
    // The chart keeps showing cost by month for the same filters.
    expect(await figure.getByRole('img').getAttribute('aria-label')).toBe(chartText);

    // By customer: each named (from the API) with its id, which is the CSV's key.
    await page.getByRole('combobox', { name: 'Group by' }).selectOption({ label: 'Customer' });
    const byCustomer = await errorCosts({ groupBy: 'CUSTOMER', ...berlinYear(2019) });
    const kindOf: Record<string, string> = { [distributor]: 'DISTRIBUTOR', [reseller]: 'RESELLER' };
    await eventually(
      () => tableText(page.getByRole('table', { name: 'Error costs by customer' })),
      expectedTable('Customer', byCustomer, (id) => `${customerName(kindOf[id], id)}\n${id}`),
    );
    expect((await downloadCsv(page)).text).toBe(expectedCsv('Customer', byCustomer));
    await page.getByRole('combobox', { name: 'Group by' }).selectOption({ label: 'Customer kind' });

    // The customer kind filter narrows both.
    await page.getByRole('combobox', { name: 'Customer kind', exact: true }).selectOption({ label: 'Distributor' });
    const distributorsOnly = await errorCosts({ groupBy: 'CUSTOMER_KIND', customerKind: 'DISTRIBUTOR', ...berlinYear(2019) });
    expect(distributorsOnly).toEqual([{ key: 'DISTRIBUTOR', errors: 3, unpricedErrors: 0, cost: [{ amount: '750.00', currency: 'USD' }] }]);
    await eventually(() => tableText(page.getByRole('table', { name: 'Error costs by customer kind' })), expectedTable('Customer kind', distributorsOnly, humanize));

    // The filters are in the address: a reload shows the same view.
    await page.reload();
    await eventually(() => tableText(page.getByRole('table', { name: 'Error costs by customer kind' })), expectedTable('Customer kind', distributorsOnly, humanize));

    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('shows the figures as the ledger knew them at the As of moment: errors recorded later disappear', async () => {
    const customer = await registerCustomer('DISTRIBUTOR');
    await recordError(customer, 'BILLING', '2017-04-10T12:00:00Z');
    await recordError(customer, 'SHIPPING', '2017-04-11T12:00:00Z', { amount: '99.99', currency: 'GBP' });
    // A whole second after the first errors were recorded: "As of" has a one-second step.
    const asOf = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
    await new Promise((resolve) => setTimeout(resolve, asOf.getTime() - Date.now() + 50));
    await recordError(customer, 'BILLING', '2017-04-12T12:00:00Z');
    await recordError(customer, 'BILLING', '2017-06-12T12:00:00Z');

    const { context, page } = await openAs('FINANCE', '/error-costs');
    await setRange(page, '2017-01-01', '2017-12-31');
    const table = page.getByRole('table', { name: 'Error costs by month' });
    const now = await errorCosts({ groupBy: 'MONTH', ...berlinYear(2017) });
    expect(now.map((row) => [row.key, row.errors])).toEqual([
      ['2017-04', 3],
      ['2017-06', 1],
    ]);
    await eventually(() => tableText(table), expectedTable('Month', now));

    const berlinInput = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'medium' }).format(asOf).replace(' ', 'T');
    await page.getByLabel('As of').fill(berlinInput);
    const then = await errorCosts({ groupBy: 'MONTH', asOf: asOf.toISOString(), ...berlinYear(2017) });
    expect(then).toEqual([{ key: '2017-04', errors: 2, unpricedErrors: 0, cost: [{ amount: '99.99', currency: 'GBP' }, { amount: '250.00', currency: 'USD' }] }]);
    await eventually(() => tableText(table), expectedTable('Month', then));
    const csv = await downloadCsv(page);
    expect(csv.text).toBe(expectedCsv('Month', then));

    await page.getByRole('button', { name: 'Now' }).click();
    await eventually(() => tableText(table), expectedTable('Month', now));
    await context.close();
  });

  it('shows the yearly run-rate that errorCostForecast gives, and says unpriced errors are left out', async () => {
    const distributor = await registerCustomer('DISTRIBUTOR');
    const reseller = await registerCustomer('RESELLER');
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await recordError(distributor, 'BILLING', daysAgo(5));
    await recordError(distributor, 'SHIPPING', daysAgo(20));
    await recordError(reseller, 'SHIPPING', daysAgo(30), { amount: '10.00', currency: 'EUR' });
    await recordError(reseller, 'BILLING', daysAgo(40));

    const { errorCostForecast } = await call<{ errorCostForecast: { annualCost: Money[]; errorsInWindow: number; windowDays: number } }>(
      'FINANCE',
      '{ errorCostForecast { annualCost { amount currency } errorsInWindow windowDays } }',
    );
    expect(errorCostForecast).toEqual({
      annualCost: [
        { amount: '40.56', currency: 'EUR' },
        { amount: '2027.78', currency: 'USD' },
      ],
      errorsInWindow: 4,
      windowDays: 90,
    });

    const { context, page } = await openAs('FINANCE', '/error-costs');
    const card = page.getByRole('region', { name: 'Yearly run-rate' });
    await card.getByText('Fix these and the channel partner saves').waitFor();
    expect(await card.innerText()).toContain(`Fix these and the channel partner saves ${money(errorCostForecast.annualCost[0])} and ${money(errorCostForecast.annualCost[1])} a year.`);
    expect(await card.innerText()).toContain('4 errors of all customers that occurred in the last 90 days');
    expect(await card.innerText()).toContain('1 unpriced error is not in this figure.');

    // A shorter window: the card asks the API again.
    await card.getByRole('combobox', { name: 'Based on the last' }).selectOption({ label: '30 days' });
    const { errorCostForecast: month } = await call<{ errorCostForecast: { annualCost: Money[]; errorsInWindow: number } }>(
      'FINANCE',
      '{ errorCostForecast(windowDays: 30) { annualCost { amount currency } errorsInWindow } }',
    );
    expect(month).toEqual({ annualCost: [{ amount: '6083.33', currency: 'USD' }], errorsInWindow: 2 });
    await card.getByText(`Fix these and the channel partner saves ${money(month.annualCost[0])} a year.`).waitFor();
    expect(await card.innerText()).toContain('2 errors of all customers that occurred in the last 30 days');
    expect(await card.innerText()).not.toContain('unpriced');
    await context.close();
  });

  it('sets a cost policy through the form, shows it in the history marked by standing, and shows a bad amount next to its field', async () => {
    const { context, page } = await openAs('FINANCE', '/cost-policies');
    const history = page.getByRole('table', { name: 'Policies in force and their history' });
    await eventually(async () => (await tableText(history)).some((row) => row.join('|') === 'Distributor|Billing|US$250.00|Always (no start date)|In force'), true);

    const form = page.getByRole('form', { name: 'Set a cost policy' });
    await form.getByRole('combobox', { name: 'Customer kind' }).selectOption({ label: 'End user' });
    await form.getByRole('combobox', { name: 'Error type' }).selectOption({ label: 'Shipping' });
    const amount = form.getByRole('textbox', { name: 'Cost per error' });
    await amount.fill('12.5');
    await form.getByRole('textbox', { name: 'Currency' }).fill('USD');
    await form.getByLabel('Effective from').fill('2090-01-01T09:00');
    await form.getByRole('button', { name: 'Set policy' }).click();

    await eventually(() => amount.getAttribute('aria-invalid'), 'true');
    // Focus goes to the field to fix.
    await eventually(() => amount.evaluate((input) => input === input.ownerDocument.activeElement), true);
    const describedBy = (await amount.getAttribute('aria-describedby')) ?? '';
    const descriptions = await Promise.all(describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()));
    expect(descriptions).toContain('must look like "250.00"');
    expect(await form.getByRole('textbox', { name: 'Currency' }).getAttribute('aria-invalid')).toBeNull();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await amount.fill('12.50');
    await form.getByRole('button', { name: 'Set policy' }).click();
    await form.getByRole('status').getByText('Policy set.').waitFor();
    expect(await amount.getAttribute('aria-invalid')).toBeNull();

    // A second one already effective: it is in force, the 2090 one waits its turn.
    await amount.fill('7.25');
    await form.getByLabel('Effective from').fill('2001-02-03T04:05');
    await form.getByRole('button', { name: 'Set policy' }).click();
    await form.getByRole('status').getByText('US$7.25').waitFor();

    const { errorCostPolicies } = await call<{ errorCostPolicies: { customerKind: string; errorType: string; effectiveFrom: string; costPerError: Money }[] }>(
      'FINANCE',
      '{ errorCostPolicies { customerKind errorType effectiveFrom costPerError { amount currency } } }',
    );
    const endUserShipping = errorCostPolicies.filter((policy) => policy.customerKind === 'END_USER' && policy.errorType === 'SHIPPING');
    // Set in Europe/Berlin, the browser's zone.
    expect(endUserShipping).toEqual([
      { customerKind: 'END_USER', errorType: 'SHIPPING', effectiveFrom: '2001-02-03T03:05:00.000Z', costPerError: { amount: '7.25', currency: 'USD' } },
      { customerKind: 'END_USER', errorType: 'SHIPPING', effectiveFrom: '2090-01-01T08:00:00.000Z', costPerError: { amount: '12.50', currency: 'USD' } },
    ]);
    // Newest effective first within the group.
    await eventually(
      async () => (await tableText(history)).filter((row) => row[0] === 'End user' && row[1] === 'Shipping').map((row) => [row[2], row[4]]),
      [
        ['US$12.50', 'Scheduled'],
        ['US$7.25', 'In force'],
      ],
    );
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it('refuses the finance screens to an agent who types their address', async () => {
    const { context, page } = await openAs('AGENT', '/error-costs');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    expect(await page.getByRole('button', { name: 'Download CSV' }).count()).toBe(0);
    await page.goto('/cost-policies');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    await context.close();
  });
});
