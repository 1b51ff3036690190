import { describe, expect, it } from '@jest/globals';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { useLedgerServer } from '../support/ledger-server.js';

const KEYS = { FINANCE: 'finance-key-calendars-1', AGENT: 'agent-key-calendars-1' };
const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });
const chrome = useBrowser();

async function api<T = any>(query: string, variables: Record<string, unknown> = {}, key = KEYS.AGENT): Promise<T> {
  const response = await fetch(`${server.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function signIn(key: string, path: string) {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  await page.goto(path);
  return { context, page };
}

describe('console: calendars, business-hour promises and paused clocks', () => {
  it('lets finance set a calendar, explaining a bad time zone next to its field', async () => {
    const { context, page } = await signIn(KEYS.FINANCE, '/calendars');
    await page.getByRole('heading', { level: 1, name: 'Calendars' }).waitFor();
    await page.getByLabel('Calendar id').fill('support-berlin');
    await page.getByLabel('Name', { exact: true }).fill('Support desk Berlin');
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByLabel('Friday').fill('09:00–12:00, 13:00–16:00');
    await page.getByRole('button', { name: 'Save calendar' }).click();
    const zone = page.getByLabel('Time zone');
    for (let tries = 0; tries < 50 && (await zone.getAttribute('aria-invalid')) !== 'true'; tries++) await page.waitForTimeout(100);
    expect(await zone.getAttribute('aria-invalid')).toBe('true');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await zone.fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save calendar' }).click();
    await page.getByRole('cell', { name: /Support desk Berlin/ }).first().waitFor();
    const calendars = (await api('{ businessCalendars { id timeZone hours { day opens closes } } }')).businessCalendars;
    expect(calendars).toEqual([expect.objectContaining({ id: 'support-berlin', timeZone: 'Europe/Berlin' })]);
    expect(calendars[0].hours).toEqual(expect.arrayContaining([{ day: 'FRIDAY', opens: '13:00', closes: '16:00' }]));
    await context.close();
  });

  it('makes a promise in business hours, then pauses and resumes its clock from the customer page', async () => {
    await api(
      'mutation ($i: SetBusinessCalendarInput!) { setBusinessCalendar(input: $i) { id } }',
      { i: { id: 'all-week', name: 'All week', timeZone: 'UTC', hours: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({ day, opens: '00:00', closes: '24:00' })) } },
      KEYS.FINANCE,
    ).catch(async () =>
      api(
        'mutation ($i: SetBusinessCalendarInput!) { setBusinessCalendar(input: $i) { id } }',
        { i: { id: 'all-week', name: 'All week', timeZone: 'UTC', hours: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map((day) => ({ day, opens: '00:00', closes: '23:59' })) } },
        KEYS.FINANCE,
      ),
    );
    await api('mutation ($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id: 'clock-1', name: 'Clockwork Ltd', kind: 'RESELLER' } });
    const { context, page } = await signIn(KEYS.AGENT, '/customers/clock-1');
    await page.getByRole('heading', { level: 1, name: 'Clockwork Ltd' }).waitFor();
    await page.getByRole('button', { name: 'New promise' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Description').fill('Answer the escalation');
    await dialog.getByLabel('Calendar').selectOption({ label: 'All week (UTC)' });
    // Far from the at-risk window: a watcher's flag would change the promise's version under the agent.
    await dialog.getByLabel('Business hours').fill('100');
    expect(await dialog.getByLabel('Due by').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Save' }).click();
    const open = page.getByRole('table', { name: 'Open promises' });
    const row = open.getByRole('row').filter({ hasText: 'Answer the escalation' });
    await row.waitFor();
    await row.getByText('On track', { exact: true }).waitFor();
    const made = (await api('{ customer(id: "clock-1") { promises { nodes { id dueBy madeAt calendar { id } } } } }')).customer.promises.nodes[0];
    expect(made.calendar).toEqual({ id: 'all-week' });
    expect(Date.parse(made.dueBy) - Date.parse(made.madeAt)).toBeGreaterThanOrEqual(100 * 3_600_000 - 60_000);

    await row.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('Waiting on the customer');
    await page.getByRole('dialog').getByRole('button', { name: 'Pause the clock' }).click();
    await row.getByText('Paused', { exact: true }).waitFor();
    await row.getByText('clock stopped').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await row.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume the clock' }).click();
    await row.getByRole('button', { name: 'Pause' }).waitFor();
    await row.getByText('On track', { exact: true }).waitFor();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText(/Promise resumed after/).waitFor();
    await timeline.getByText(/Promise paused by .*Waiting on the customer/).waitFor();
    await context.close();
  });
});
