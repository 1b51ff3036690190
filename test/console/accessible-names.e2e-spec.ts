import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { openConsole, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';

// ../shared/spec/console.md: the accessible names are the console's contract. One walk through
// every screen that has an API today, finding each name by role, as a screen reader would.
const ADMIN_KEY = 'admin-key-names-1';
const server = useLedgerServer({ LEDGER_API_KEYS: `ADMIN:${ADMIN_KEY}` });
const chrome = useBrowser();

async function api(query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
}

const visible = (page: Page, role: Parameters<Page['getByRole']>[0], name: string) => page.getByRole(role, { name, exact: true }).first().waitFor();

describe('console: every accessible name of console.md', () => {
  it('exists on its screen', async () => {
    await api('mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id: 'names-1', name: 'Ödön Ärpád Kft', kind: 'DISTRIBUTOR', region: 'CEE' } });
    await api('mutation ($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
      i: { id: 'names-p1', customerId: 'names-1', kind: 'DELIVERY', description: 'Deliver order 1', dueBy: new Date(Date.now() + 86_400_000).toISOString() },
    });
    await api('mutation ($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
      i: { id: 'names-p2', customerId: 'names-1', kind: 'BILLING', description: 'Credit note', dueBy: new Date(Date.now() + 2 * 86_400_000).toISOString() },
    });
    await api('mutation ($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: 'names-p2' } });
    await api('mutation ($i: RecordErrorInput!) { recordError(input: $i) { id } }', { i: { customerId: 'names-1', type: 'BILLING', reference: 'INV-1' } });

    const { context, page } = await openConsole(chrome.browser, server.baseUrl);
    // Signing in
    await visible(page, 'textbox', 'API key');
    await visible(page, 'button', 'Sign in');
    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page, 'button', 'Sign out');
    const nav = page.getByRole('navigation');
    for (const link of ['Customers', 'Promises', 'Error costs', 'Cost policies', 'Explorer']) await nav.getByRole('link', { name: link, exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Explorer' }).getAttribute('href')).toBe('/graphiql');

    // Customers
    await visible(page, 'searchbox', 'Search customers');
    for (const header of ['Name', 'Kind', 'Region', 'Kept rate', 'Open']) await visible(page, 'columnheader', header);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('odon arpad');
    await page.getByRole('link', { name: 'Ödön Ärpád Kft' }).click();

    // Customer page
    await page.getByRole('heading', { level: 1, name: 'Ödön Ärpád Kft' }).waitFor();
    const ledger = page.getByRole('region', { name: 'Promise ledger' });
    await ledger.waitFor();
    for (const figure of ['Made', 'Open', 'Kept', 'Broken', 'Released', 'Kept rate', 'Streak']) await ledger.getByText(figure, { exact: true }).first().waitFor();
    await ledger.getByText('Never broken', { exact: true }).waitFor();
    const open = page.getByRole('table', { name: 'Open promises' });
    await open.waitFor();
    for (const action of ['Keep', 'Break', 'Amend', 'Release']) await open.getByRole('button', { name: action, exact: true }).first().waitFor();
    await open.getByText('On track', { exact: true }).or(open.getByText('At risk', { exact: true })).first().waitFor();
    await visible(page, 'table', 'Errors');
    await visible(page, 'button', 'Record error');
    await visible(page, 'list', 'Timeline');
    await page.getByLabel('As of', { exact: true }).waitFor();
    await visible(page, 'button', 'Now');
    await page.getByRole('button', { name: 'New promise', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    for (const field of ['Kind', 'Description', 'Due by']) await dialog.getByLabel(field, { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Save', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Promises
    await nav.getByRole('link', { name: 'Promises' }).click();
    await page.getByRole('heading', { level: 1, name: 'Promises' }).waitFor();
    await page.getByRole('link', { name: 'Ödön Ärpád Kft' }).first().waitFor();

    // Error costs
    await nav.getByRole('link', { name: 'Error costs' }).click();
    await visible(page, 'figure', 'Error cost by month');
    const groupBy = page.getByRole('combobox', { name: 'Group by', exact: true });
    expect(await groupBy.getByRole('option').allInnerTexts()).toEqual(expect.arrayContaining(['Customer', 'Customer kind', 'Error type', 'Month']));
    for (const field of ['From', 'To', 'As of', 'Customer kind']) await page.getByLabel(field, { exact: true }).waitFor();
    await visible(page, 'button', 'Download CSV');
    await page.getByRole('region', { name: 'Yearly run-rate' }).or(page.getByRole('heading', { name: 'Yearly run-rate' })).first().waitFor();

    // Cost policies
    await nav.getByRole('link', { name: 'Cost policies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cost policies' }).waitFor();
    await context.close();
  });
});
