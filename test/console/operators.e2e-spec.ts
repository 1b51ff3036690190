import { describe, expect, it } from '@jest/globals';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';

// The operators' screens (console.md, "Operators (ADMIN)").
const KEYS = { ADMIN: 'admin-key-operators-1', AGENT: 'agent-key-operators-1', FINANCE: 'finance-key-operators-1' };
const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });
const chrome = useBrowser();

async function api<T = any>(query: string, variables: Record<string, unknown> = {}, key = KEYS.ADMIN): Promise<T> {
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function signIn(key: string, path = '/') {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  if (path !== '/') await page.goto(path);
  return { context, page };
}

describe('console: operators', () => {
  it('forgets a customer only once its id is typed out, then shows it as erased with its figures kept', async () => {
    await api('mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id: 'forget-1', name: 'Gréta Forgetme', kind: 'END_USER', email: 'greta@example.com' } });
    await api('mutation ($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
      i: { id: 'forget-p1', customerId: 'forget-1', kind: 'SERVICE', description: 'Call Gréta back about her refund', dueBy: new Date(Date.now() + 86_400_000).toISOString() },
    });
    const { context, page } = await signIn(KEYS.ADMIN, '/customers/forget-1');
    await page.getByRole('heading', { level: 1, name: 'Gréta Forgetme' }).waitFor();
    await page.getByRole('button', { name: 'Forget customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forget customer' });
    await dialog.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog.getByLabel('Customer id').fill('forget-2');
    await dialog.getByLabel('Reason').fill('Erasure request, ticket 77');
    await dialog.getByRole('button', { name: 'Forget customer' }).click();
    await dialog.getByText('Type the customer id, forget-1, to confirm.').waitFor();
    expect((await api('{ customer(id: "forget-1") { erased } }')).customer.erased).toBe(false);

    await dialog.getByLabel('Customer id').fill('forget-1');
    await dialog.getByRole('button', { name: 'Forget customer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Erased customer' }).waitFor();
    await page.getByRole('status').getByText('Customer forgotten').waitFor();
    const open = page.getByRole('table', { name: 'Open promises' });
    await open.getByText('[erased]').waitFor();
    expect(await page.getByRole('region', { name: 'Promise ledger' }).innerText()).toContain('1');
    expect(await page.getByText('Gréta').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Forget customer' }).count()).toBe(0);
    await context.close();
  });

  it('shows Forget customer to ADMIN only', async () => {
    await api('mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id: 'forget-agent', name: 'Kept Around', kind: 'END_USER' } });
    const { context, page } = await signIn(KEYS.AGENT, '/customers/forget-agent');
    await page.getByRole('heading', { level: 1, name: 'Kept Around' }).waitFor();
    await page.getByRole('button', { name: 'New promise' }).waitFor();
    expect(await page.getByRole('button', { name: 'Forget customer' }).count()).toBe(0);
    await context.close();
  });
});
