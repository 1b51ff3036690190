import { describe, expect, it } from '@jest/globals';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';

const KEYS = { AGENT: 'agent-key-console-1', FINANCE: 'finance-key-console-1', INTEGRATION: 'erp-key-console-1', ADMIN: 'admin-key-console-1' };
const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });
const chrome = useBrowser();

async function signIn(key: string) {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { context, page };
}

const navLinks = async (page: import('playwright-core').Page) => {
  const nav = page.getByRole('navigation');
  await nav.waitFor();
  return nav.getByRole('link').allInnerTexts();
};

describe('console: signing in', () => {
  it('says next to the field that a wrong key was not accepted, and keeps the form', async () => {
    const { context, page } = await signIn('not-a-key-at-all');
    const field = page.getByLabel('API key');
    await page.getByText('This API key was not accepted').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await field.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toContain('not accepted');
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it("shows an agent the agent's screens only, and the customers search", async () => {
    const { context, page } = await signIn(KEYS.AGENT);
    await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
    expect(await navLinks(page)).toEqual(['Customers', 'Promises', 'Explorer']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });

  it("shows finance the cost screens", async () => {
    const { context, page } = await signIn(KEYS.FINANCE);
    expect(await navLinks(page)).toEqual(['Customers', 'Promises', 'Error costs', 'Cost policies', 'Calendars', 'Explorer']);
    await context.close();
  });

  it('shows an integration key only the explorer and says its role has no console screens', async () => {
    const { context, page } = await signIn(KEYS.INTEGRATION);
    expect(await navLinks(page)).toEqual(['Explorer']);
    await page.getByText('role has no console screens').waitFor();
    // Typing a customer screen's address does not open it either.
    await page.goto('/customers');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    expect(await page.getByRole('searchbox').count()).toBe(0);
    await context.close();
  });

  it('keeps the key in this tab only, across reloads, until Sign out forgets it', async () => {
    const { context, page } = await signIn(KEYS.ADMIN);
    await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
    expect(await page.evaluate('Object.values({ ...sessionStorage })')).toEqual([KEYS.ADMIN]);
    expect(await page.evaluate('Object.keys({ ...localStorage })')).toEqual([]);
    await page.reload();
    await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // Another tab never saw the key.
    const other = await context.newPage();
    await other.goto('/');
    await other.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('serves client-side routes from the app and the explorer with the signed-in key', async () => {
    const { context, page } = await signIn(KEYS.AGENT);
    await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
    await page.goto('/no/such/screen');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Explorer' }).click();
    await page.waitForURL('**/graphiql');
    const answer = page.waitForResponse((response) => response.url().endsWith('/graphql') && response.request().postData()?.includes('viewer') === true);
    await page.getByRole('button', { name: /execute query/i }).click();
    const body = (await (await answer).json()) as { data: { viewer: { role: string } } };
    expect(body.data.viewer.role).toBe('AGENT');
    await context.close();
  });
});
