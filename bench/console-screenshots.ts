// npm run screenshots: a PNG of each main console screen, seeded with demo data, into docs/console/.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { BENCH_KEY, startApi } from './api-process.js';
import { scratchDatabase, startBenchServer } from './bench-database.js';
import { launchBrowser } from './console-browser.js';
import { seedDemoData } from './console-demo.seed.js';

const OUT = resolve('docs/console');
const log = (message: string) => console.error(`[screenshots] ${message}`);

const database = await startBenchServer();
const scratch = await scratchDatabase(database.url, 'screens');
const api = await startApi(scratch.url);
const baseUrl = api.url.replace(/\/graphql$/, '');
const browser = await launchBrowser();
try {
  log('seeding demo data through the API…');
  const { featuredCustomerId } = await seedDemoData({ baseUrl, apiKey: BENCH_KEY });
  await mkdir(OUT, { recursive: true });
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/Berlin', deviceScaleFactor: 1 });
  const page = await context.newPage();
  const shoot = async (name: string, ready: (page: Page) => Promise<unknown>) => {
    await ready(page);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: false });
    log(`docs/console/${name}.png`);
  };

  await page.goto('/');
  await shoot('sign-in', (p) => p.getByLabel('API key').waitFor());
  await page.getByLabel('API key').fill(BENCH_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await shoot('customers', async (p) => {
    await p.getByRole('searchbox', { name: 'Search customers' }).fill('zephyr buro');
    await p.getByRole('link', { name: 'Zéphyr Büro GmbH' }).waitFor();
  });
  await page.goto(`/customers/${featuredCustomerId}`);
  await shoot('customer-page', (p) => p.getByRole('heading', { level: 1, name: 'Zéphyr Büro GmbH' }).waitFor());
  const newPromise = page.getByRole('button', { name: 'New promise' });
  if (await newPromise.count()) {
    await newPromise.click();
    await shoot('new-promise-dialog', (p) => p.getByRole('dialog').waitFor());
    await page.keyboard.press('Escape');
  }
  await page.goto('/promises');
  await shoot('promises', (p) => p.getByRole('heading', { level: 1, name: 'Promises' }).waitFor());
  await page.goto('/error-costs');
  await shoot('error-costs', (p) => p.getByRole('heading', { level: 1, name: 'Error costs' }).waitFor());
  await page.goto('/cost-policies');
  await shoot('cost-policies', (p) => p.getByRole('heading', { level: 1, name: 'Cost policies' }).waitFor());
  await page.goto('/calendars');
  await shoot('calendars', (p) => p.getByRole('heading', { level: 1, name: 'Calendars' }).waitFor());
  await page.goto('/webhooks');
  await shoot('webhooks', (p) => p.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor());
  await page.goto('/integrity');
  await page.getByRole('button', { name: 'Verify ledger' }).click();
  await shoot('integrity', (p) => p.getByRole('region', { name: 'Integrity report' }).waitFor());
  await page.goto('/graphiql');
  await shoot('explorer', async (p) => {
    await p.getByRole('button', { name: /execute query/i }).click();
    await p.getByText('"role": "ADMIN"').waitFor();
  });
  await context.close();
} finally {
  await browser.close();
  await api.stop();
  await scratch.drop();
  await database.stop();
}
