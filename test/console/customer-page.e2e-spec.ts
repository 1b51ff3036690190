import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { openConsole, seriousAccessibilityViolations, useBrowser } from '../support/browser.js';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const KEYS = { AGENT: 'agent-key-customer-page', COLLEAGUE: 'colleague-key-customer-page', FINANCE: 'finance-key-customer-page' };
const server = useLedgerServer({ LEDGER_API_KEYS: `AGENT:${KEYS.AGENT},AGENT:${KEYS.COLLEAGUE},FINANCE:${KEYS.FINANCE}` });
const chrome = useBrowser();

const DAY = 86_400_000;
const ZONE = 'Europe/Berlin'; // openConsole's browser zone

/** What the API answers to a colleague's key (someone else, behind the page's back). */
async function api<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key = KEYS.COLLEAGUE): Promise<T> {
  const res = await gql<T>(server.baseUrl, query, variables, { authorization: `Bearer ${key}` });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

async function customer(name: string): Promise<string> {
  const id = `cust-${randomUUID()}`;
  await api('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id, name, kind: 'DISTRIBUTOR' } });
  return id;
}

async function promise(customerId: string, description: string, dueInDays = 5): Promise<string> {
  const id = `prom-${randomUUID()}`;
  await api('mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
    i: { id, customerId, kind: 'DELIVERY', description, dueBy: new Date(Date.now() + dueInDays * DAY).toISOString() },
  });
  return id;
}

const promiseState = async (id: string) => (await api<{ promise: { status: string; version: number } }>('query($id: ID!) { promise(id: $id) { status version } }', { id })).promise;

/** A `datetime-local` value for an instant, as the browser's zone reads it (seconds optional). */
function localInput(instant: Date | number, seconds = false): string {
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23',
  }).format(instant);
  return text.replace(' ', 'T');
}

async function signIn(key: string, path = '/') {
  const { context, page } = await openConsole(chrome.browser, server.baseUrl, path);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { context, page };
}

async function openCustomerPage(key: string, customerId: string, name: string) {
  const session = await signIn(key, `/customers/${encodeURIComponent(customerId)}`);
  await session.page.getByRole('heading', { level: 1, name }).waitFor();
  return session;
}

const ledgerRegion = (page: Page) => page.getByRole('region', { name: 'Promise ledger' });
const openPromises = (page: Page) => page.getByRole('table', { name: 'Open promises' });
const promiseRow = (page: Page, description: string) => openPromises(page).getByRole('row', { name: new RegExp(description) });

/** A figure of the ledger region, read as a person does: the value under its label. */
async function figure(page: Page, label: string): Promise<string> {
  const lines = (await ledgerRegion(page).innerText()).split('\n').map((line) => line.trim());
  const at = lines.indexOf(label);
  if (at < 0) throw new Error(`no figure ${label} in: ${lines.join(' | ')}`);
  return lines[at + 1]!;
}

/** Waits until a figure reads `value` (the page updates it asynchronously). */
async function expectFigure(page: Page, label: string, value: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let seen = await figure(page, label).catch(() => '');
  while (seen !== value && Date.now() < deadline) {
    await page.waitForTimeout(100);
    seen = await figure(page, label).catch(() => '');
  }
  expect(`${label}: ${seen}`).toBe(`${label}: ${value}`);
}

async function gone(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'detached' });
  expect(await locator.count()).toBe(0);
}

describe('console: the customer page', () => {
  it('takes an agent from an accent-free search to a new promise, kept, with the ledger updated', async () => {
    const id = await customer('Zéphyr Büro GmbH');
    const { context, page } = await signIn(KEYS.AGENT);
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('zephyr buro');
    await page.getByRole('link', { name: 'Zéphyr Büro GmbH' }).click();
    await page.getByRole('heading', { level: 1, name: 'Zéphyr Büro GmbH' }).waitFor();
    expect(page.url()).toContain(`/customers/${id}`);
    await expectFigure(page, 'Made', '0');

    await page.getByRole('button', { name: 'New promise' }).click();
    const dialog = page.getByRole('dialog', { name: 'New promise' });
    await dialog.getByLabel('Kind').selectOption('SERVICE');
    await dialog.getByLabel('Description').fill('Call back about order 4411');
    await dialog.getByLabel('Due by').fill(localInput(Date.now() + 2 * DAY));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = promiseRow(page, 'Call back about order 4411');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Service[\s\S]*in 1 d 23 h[\s\S]*On track/);
    await expectFigure(page, 'Made', '1');
    await expectFigure(page, 'Open', '1');
    expect(await ledgerRegion(page).getByText('Never broken').count()).toBe(1);

    await row.getByRole('button', { name: 'Keep' }).click();
    const keep = page.getByRole('dialog', { name: 'Keep promise' });
    await keep.getByLabel('Evidence (optional)').fill('called back at 10:02');
    await keep.getByRole('button', { name: 'Mark kept' }).click();
    await gone(promiseRow(page, 'Call back about order 4411'));
    await expectFigure(page, 'Kept', '1');
    await expectFigure(page, 'Open', '0');
    await expectFigure(page, 'Kept rate', '100%');
    await expectFigure(page, 'Streak', '1');
    // The timeline, newest first, has the keeping at its top.
    await expect(page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first().innerText()).resolves.toMatch(/^Promise kept/);
    await context.close();
  });

  it("shows the API's objection next to the field it concerns", async () => {
    const id = await customer('Field Errors AG');
    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'Field Errors AG');
    await page.getByRole('button', { name: 'New promise' }).click();
    const dialog = page.getByRole('dialog', { name: 'New promise' });
    await dialog.getByLabel('Due by').fill(localInput(Date.now() + DAY));
    await dialog.getByRole('button', { name: 'Save' }).click();

    const description = dialog.getByLabel('Description');
    await dialog.getByText('description must be longer than or equal to 1 characters').waitFor(); // the API's answer arrived
    await expect(description.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = await description.getAttribute('aria-describedby');
    expect(await dialog.locator(`[id="${describedBy}"]`).innerText()).toMatch(/description must be longer than or equal to 1 characters/);

    // A due date in the past: the complaint moves to Due by.
    await description.fill('Ship the spare parts');
    await dialog.getByLabel('Due by').fill(localInput(Date.now() - DAY));
    await dialog.getByRole('button', { name: 'Save' }).click();
    const dueBy = dialog.getByLabel('Due by');
    await dialog.getByText('must be after madeAt').waitFor();
    expect(await description.getAttribute('aria-invalid')).toBeNull();
    const dueProblem = (await dueBy.getAttribute('aria-describedby'))!.split(' ')[0];
    expect(await dialog.locator(`[id="${dueProblem}"]`).innerText()).toBe('must be after madeAt');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await openPromises(page).getByRole('row', { name: /Ship the spare parts/ }).count()).toBe(0);
    await context.close();
  });

  it('says so when someone else changed the promise first, reloads it, and then keeps it', async () => {
    const id = await customer('Stale Version SA');
    const promiseId = await promise(id, 'Replace the broken pallet');
    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'Stale Version SA');
    await promiseRow(page, 'Replace the broken pallet').getByRole('button', { name: 'Keep' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keep promise' });
    await dialog.waitFor();

    // Behind the page's back, a colleague moves the due date.
    await api('mutation($i: AmendPromiseInput!) { amendPromise(input: $i) { id } }', {
      i: { id: promiseId, dueBy: new Date(Date.now() + 9 * DAY).toISOString(), reason: 'customer asked' },
    });
    await dialog.getByRole('button', { name: 'Mark kept' }).click();
    await expect(dialog.getByRole('alert').innerText()).resolves.toMatch(/Someone else changed this promise.*reloaded/);
    expect(await promiseState(promiseId)).toEqual({ status: 'OPEN', version: 1 });

    // Reloaded: the dialog now knows the current version, and keeping it goes through.
    await dialog.getByText('(amended 1×)').waitFor();
    await dialog.getByRole('button', { name: 'Mark kept' }).click();
    await dialog.waitFor({ state: 'detached' });
    await gone(promiseRow(page, 'Replace the broken pallet'));
    expect(await promiseState(promiseId)).toEqual({ status: 'KEPT', version: 2 });
    await context.close();
  });

  it('shows a promise broken by someone else at once, and announces it', async () => {
    const id = await customer('Live Break GmbH');
    const promiseId = await promise(id, 'Credit note for invoice 77');
    await promise(id, 'Deliver the second batch');
    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'Live Break GmbH');
    await promiseRow(page, 'Credit note for invoice 77').waitFor();
    await expectFigure(page, 'Broken', '0');

    await api('mutation($i: BreakPromiseInput!) { breakPromise(input: $i) { id } }', { i: { id: promiseId, reason: 'finance refused the credit' } });

    await gone(promiseRow(page, 'Credit note for invoice 77'));
    await expectFigure(page, 'Broken', '1');
    await expectFigure(page, 'Open', '1');
    await page.getByRole('status').getByText('Promise broken: Credit note for invoice 77').waitFor();
    expect(await ledgerRegion(page).getByText('Never broken').count()).toBe(0);
    // No reload happened: the page still holds what only this visit put there.
    await expect(page.evaluate('performance.getEntriesByType("navigation").length')).resolves.toBe(1);
    await context.close();
  });

  it('shows and announces a promise turning at risk while the page is open', async () => {
    const id = await customer('At Risk Kft');
    const promiseId = await promise(id, 'Repair the conveyor belt', 3);
    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'At Risk Kft');
    const row = promiseRow(page, 'Repair the conveyor belt');
    await row.getByText('On track').waitFor();

    // A colleague moves it within the at-risk window (a day): the deadline watcher flags it.
    await api('mutation($i: AmendPromiseInput!) { amendPromise(input: $i) { id } }', {
      i: { id: promiseId, dueBy: new Date(Date.now() + 2 * 3_600_000).toISOString(), reason: 'earlier slot' },
    });
    await row.getByText('At risk').waitFor();
    await page.getByRole('status').getByText('Promise at risk: Repair the conveyor belt').waitFor();
    await context.close();
  });

  it('shows the page as the ledger knew it at a moment, read-only, and Now returns', async () => {
    const id = await customer('Time Travel BV');
    const promiseId = await promise(id, 'Install the new router');
    // A moment after the promise was recorded and before it was kept, to the second.
    const made = await api<{ customer: { timeline: { nodes: { recordedAt: string }[] } } }>(
      'query($id: ID!) { customer(id: $id) { timeline(first: 1, newestFirst: true) { nodes { recordedAt } } } }',
      { id },
    );
    const moment = Math.floor(Date.parse(made.customer.timeline.nodes[0]!.recordedAt) / 1000) * 1000 + 1000;
    await new Promise((resolve) => setTimeout(resolve, moment + 300 - Date.now()));
    await api('mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: promiseId } });

    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'Time Travel BV');
    await expectFigure(page, 'Kept', '1');
    await page.getByLabel('As of').fill(localInput(moment, true));
    await expectFigure(page, 'Kept', '0');
    await expectFigure(page, 'Open', '1');
    const row = promiseRow(page, 'Install the new router');
    await row.waitFor();
    await page.getByText('Showing the ledger as it was recorded up to').waitFor();
    // The past is read-only.
    expect(await page.getByRole('button', { name: 'Keep' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New promise' }).count()).toBe(0);
    await page.getByText('The beginning of this customer’s history.').waitFor(); // the timeline as of then has loaded
    expect(await page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/^Promise made: Install the new router/),
      expect.stringMatching(/^Customer registered/),
    ]);

    await page.getByRole('button', { name: 'Now' }).click();
    await expectFigure(page, 'Kept', '1');
    await gone(promiseRow(page, 'Install the new router'));
    await page.getByRole('button', { name: 'New promise' }).waitFor();
    await context.close();
  });

  it('loads older timeline events as one scrolls down', async () => {
    const id = await customer('Long History Ltd');
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => promise(id, `History item ${batch * 10 + i}`, 3 + batch)));
    }
    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'Long History Ltd');
    const items = page.getByRole('list', { name: 'Timeline' }).getByRole('listitem');
    await items.nth(49).waitFor();
    expect(await items.count()).toBe(50);
    await items.nth(49).scrollIntoViewIfNeeded();
    await items.nth(60).waitFor();
    expect(await items.count()).toBe(61);
    expect(await items.last().innerText()).toMatch(/^Customer registered/);
    await page.getByText('The beginning of this customer’s history.').waitFor();
    await context.close();
  });

  it('has no serious accessibility violation, with or without a dialog open', async () => {
    const id = await customer('Accessible Oy');
    await promise(id, 'Send the corrected invoice');
    await api('mutation($i: RecordErrorInput!) { recordError(input: $i) { id } }', { i: { customerId: id, type: 'BILLING', reference: 'INV-88' } });
    const { context, page } = await openCustomerPage(KEYS.AGENT, id, 'Accessible Oy');
    await promiseRow(page, 'Send the corrected invoice').waitFor();
    await page.getByRole('table', { name: 'Errors' }).getByRole('row', { name: /INV-88/ }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Record error' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record error' });
    await dialog.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await dialog.getByLabel('Reference').fill('ORD-5');
    await dialog.getByLabel('Cost amount (optional)').fill('12.50');
    await dialog.getByLabel('Currency').fill('EUR');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Errors' }).getByRole('row', { name: /ORD-5.*€12\.50/ }).waitFor();

    await promiseRow(page, 'Send the corrected invoice').getByRole('button', { name: 'Amend' }).click();
    await page.getByRole('dialog', { name: 'Amend promise' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // Escape closes it, and the keyboard carries on from the button that opened it.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Amend');
    await context.close();
  });

  it('shows finance the ledger and lists, with no action buttons', async () => {
    const id = await customer('Finance View plc');
    await promise(id, 'Refund the shipping fee');
    const { context, page } = await openCustomerPage(KEYS.FINANCE, id, 'Finance View plc');
    await promiseRow(page, 'Refund the shipping fee').waitFor();
    await expectFigure(page, 'Open', '1');
    await page.getByRole('table', { name: 'Errors' }).waitFor();
    for (const name of ['New promise', 'Keep', 'Break', 'Amend', 'Release', 'Record error']) {
      expect(`${name}: ${await page.getByRole('button', { name, exact: true }).count()}`).toBe(`${name}: 0`);
    }
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});
