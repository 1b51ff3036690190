import { describe, expect, it } from '@jest/globals';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';

const AGENT_KEY = 'agent-key-customers-1';
const server = useLedgerServer({ LEDGER_API_KEYS: `AGENT:${AGENT_KEY}` });
const chrome = useBrowser();

async function register(input: Record<string, unknown>) {
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_KEY}` },
    body: JSON.stringify({ query: 'mutation ($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', variables: { input } }),
  });
  expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
}

async function signedIn() {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl);
  await page.getByLabel('API key').fill(AGENT_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { context, page, search: page.getByRole('searchbox', { name: 'Search customers' }) };
}

const columnTexts = async (page: import('playwright-core').Page, column: number) =>
  page.getByRole('table').getByRole('row').evaluateAll((rows, index) => rows.slice(1).map((row) => (row as unknown as { cells: { textContent: string }[] }).cells[index]!.textContent), column);

describe('console: Customers', () => {
  it('answers as one types, ignoring accents and case, best matches first, with the contract columns', async () => {
    await register({ id: 'c-zephyr', name: 'Zéphyr Büro GmbH', kind: 'DISTRIBUTOR', region: 'DACH', email: 'einkauf@zephyr.example' });
    await register({ id: 'c-zeph-2', name: 'Buro Zephyrus Trading', kind: 'RESELLER', region: 'Iberia' });
    await register({ id: 'c-other', name: 'Nordlicht Logistik AG', kind: 'DISTRIBUTOR', region: 'Nordics' });
    const { context, page, search } = await signedIn();
    await search.waitFor();
    await page.getByText(/Showing \d+ of \d+ customers/).waitFor();
    const headers = await page.getByRole('columnheader').allInnerTexts();
    expect(headers).toEqual(['Name', 'Kind', 'Region', 'Kept rate', 'Open']);
    await search.pressSequentially('ZEPHYR BURO', { delay: 20 });
    await page.getByText('for “ZEPHYR BURO”').waitFor();
    const names = await page.getByRole('table').getByRole('link').allInnerTexts();
    expect(names[0]).toBe('Zéphyr Büro GmbH');
    expect(names).not.toContain('Nordlicht Logistik AG');
    expect(await columnTexts(page, 2)).toContain('DACH');
    // The search is in the address: a reload or a shared link shows the same results.
    await page.reload();
    await page.getByRole('link', { name: 'Zéphyr Büro GmbH' }).waitFor();
    expect(await search.inputValue()).toBe('ZEPHYR BURO');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Zéphyr Büro GmbH' }).click();
    await page.waitForURL('**/customers/c-zephyr');
    await context.close();
  });

  it('treats hostile text as text: no error, no match, nothing rendered as markup', async () => {
    const { context, page, search } = await signedIn();
    for (const text of [`'; drop table customers; --`, '<img src=x onerror=alert(1)>', '%_\\:*&|!', 'x'.repeat(300)]) {
      await search.fill(text);
      await page.getByText(/0 matches for/).waitFor();
      expect(await page.getByRole('img').count()).toBe(0);
    }
    await context.close();
  });
});
