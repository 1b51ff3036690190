import { describe, expect, it } from '@jest/globals';
import { openConsole, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';

// No LEDGER_API_KEYS: the loopback development mode, where the console opens without a key.
const server = useLedgerServer();
const chrome = useBrowser();

describe('console: loopback development mode, offline', () => {
  it('opens directly, with every screen of an administrator and nothing to sign out of', async () => {
    const { context, page } = await openConsole(chrome.browser, server.baseUrl);
    await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link').allInnerTexts()).toEqual(expect.arrayContaining(['Customers', 'Promises', 'Error costs', 'Cost policies', 'Explorer']));
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.getByLabel('API key').count()).toBe(0);
    await context.close();
  });

  it('loads the console and the explorer from this server alone: no request leaves its origin', async () => {
    const { context, page } = await openConsole(chrome.browser, server.baseUrl, 'about:blank');
    const origin = new URL(server.baseUrl).origin;
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    await page.goto(`${server.baseUrl}/customers`);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('anything');
    await page.getByText(/matches? for/).waitFor();
    await page.goto(`${server.baseUrl}/graphiql`);
    await page.getByRole('button', { name: /execute query/i }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it('answers a script asking for a missing file with a coded 404, and an unknown address with the app', async () => {
    const asset = await fetch(`${server.baseUrl}/assets/nothing-here.js`);
    expect(asset.status).toBe(404);
    expect(((await asset.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('NOT_FOUND');
    const traversal = await fetch(`${server.baseUrl}/assets/..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
    const page = await fetch(`${server.baseUrl}/customers/some-id`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${server.baseUrl}/no-such-endpoint`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
  });
});
