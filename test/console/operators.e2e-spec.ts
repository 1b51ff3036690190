import { describe, expect, it } from '@jest/globals';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// The operators' screens (console.md, "Operators (ADMIN)").
const KEYS = { ADMIN: 'admin-key-operators-1', AGENT: 'agent-key-operators-1', FINANCE: 'finance-key-operators-1' };
const server = useLedgerServer({
  LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(','),
  LEDGER_WEBHOOK_TIMEOUT: '1s',
  LEDGER_WEBHOOK_RETRY_FIRST_DELAY: '100ms',
  LEDGER_WEBHOOK_RETRY_MAX_DELAY: '200ms',
  LEDGER_WEBHOOK_RETRY_FOR: '1s',
});
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

  it('registers a webhook from the Webhooks screen, shows its secret once, its deliveries and a retry of a failed one', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const { context, page } = await signIn(KEYS.ADMIN);
      await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      // A URL the server refuses is explained next to its field.
      await page.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data');
      await page.getByRole('button', { name: 'Create webhook' }).click();
      const url = page.getByLabel('URL');
      for (let tries = 0; tries < 50 && (await url.getAttribute('aria-invalid')) !== 'true'; tries++) await page.waitForTimeout(100);
      expect(await url.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`[id="${(await url.getAttribute('aria-describedby'))!.split(' ')[0]}"]`).innerText()).not.toEqual('');

      // The receiver refuses everything at /down: its deliveries end FAILED and can be retried.
      await url.fill(receiver.url('/down', () => 503));
      await page.getByRole('button', { name: 'Create webhook' }).click();
      const secret = page.getByLabel('Signing secret');
      await secret.waitFor();
      expect(await secret.innerText()).toMatch(/^whsec_/);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      await api('mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id: 'hook-1', name: 'Hooked', kind: 'RESELLER' } });
      await api('mutation ($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
        i: { id: 'hook-p1', customerId: 'hook-1', kind: 'DELIVERY', description: 'Ship it', dueBy: new Date(Date.now() + 86_400_000).toISOString() },
      });
      await page.getByLabel('Show deliveries').selectOption({ label: 'Failed' });
      const deliveries = page.getByRole('table', { name: /Deliveries/ });
      for (let tries = 0; tries < 40 && (await deliveries.getByText('Failed', { exact: true }).count()) === 0; tries++) {
        await page.waitForTimeout(250);
        await page.getByRole('button', { name: 'Refresh' }).click();
      }
      await deliveries.getByText('Failed', { exact: true }).first().waitFor();
      expect(await deliveries.innerText()).toContain('503');
      const attemptsBefore = receiver.received.filter((r) => r.path === '/down').length;
      receiver.answer('/down', () => 200);
      await deliveries.getByRole('button', { name: /Retry delivery/ }).first().click();
      await page.getByLabel('Show deliveries').selectOption({ label: 'Delivered' });
      for (let tries = 0; tries < 40 && (await deliveries.getByText('Delivered', { exact: true }).count()) === 0; tries++) {
        await page.waitForTimeout(250);
        await page.getByRole('button', { name: 'Refresh' }).click();
      }
      await deliveries.getByText('Delivered', { exact: true }).first().waitFor();
      expect(receiver.received.filter((r) => r.path === '/down').length).toBeGreaterThan(attemptsBefore);
      await context.close();
    } finally {
      await receiver.stop();
    }
  });

  it('shows Webhooks to ADMIN only', async () => {
    const { context, page } = await signIn(KEYS.FINANCE);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    await page.goto('/webhooks');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    await context.close();
  });

  it('verifies the ledger from the Integrity screen and shows the report', async () => {
    const { context, page } = await signIn(KEYS.ADMIN);
    await page.getByRole('navigation').getByRole('link', { name: 'Integrity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrity' }).waitFor();
    await page.getByRole('button', { name: 'Verify ledger' }).click();
    const report = page.getByRole('region', { name: 'Integrity report' });
    await report.getByText('Verified', { exact: true }).waitFor();
    const api = (await (await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.ADMIN}` },
      body: JSON.stringify({ query: '{ verifyLedger { verified head digest } }' }),
    })).json()) as { data: { verifyLedger: { verified: boolean; head: string; digest: string } } };
    expect(api.data.verifyLedger.verified).toBe(true);
    const text = await report.innerText();
    expect(text).toContain(api.data.verifyLedger.digest.slice(0, 16));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});
