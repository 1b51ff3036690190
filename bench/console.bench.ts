import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { BENCH_KEY, startApi } from './api-process.js';
import { scratchDatabase } from './bench-database.js';
import { launchBrowser } from './console-browser.js';
import { callLedger, type LedgerCaller } from './console-demo.seed.js';
import { emptyResult, fmt, fmtMs, fmtX, judge, type SectionResult } from './report.js';

const FIRST_SCREEN_BUDGET_KB = 300;
const PAGE_BUDGET_MS = 1_000;

/**
 * The console in a real browser: the JavaScript the first screen loads (gzipped, as served), and a
 * customer page with 500 open promises and a 10,000-event timeline, rendered and answering a
 * click, against the same page for a customer with one promise (the baseline, same run).
 */
export async function consoleBench(serverUrl: string, options: { quick: boolean; log: (message: string) => void }): Promise<SectionResult> {
  const result = emptyResult();
  const db = await scratchDatabase(serverUrl, 'console');
  const api = await startApi(db.url);
  const baseUrl = api.url.replace(/\/graphql$/, '');
  const caller: LedgerCaller = { baseUrl, apiKey: BENCH_KEY };
  const browser = await launchBrowser();
  try {
    const firstScreen = await firstScreenJavaScript(browser, baseUrl);
    result.figures.push({
      section: 'console',
      name: `First screen's JavaScript, gzipped (${firstScreen.files} files: sign-in, then Customers)`,
      ours: `${fmt(firstScreen.gzippedKb, 1)} KB (${fmt(firstScreen.rawKb)} KB raw)`,
      baseline: `budget ${FIRST_SCREEN_BUDGET_KB} KB`,
      ratio: `${fmtX(firstScreen.gzippedKb / FIRST_SCREEN_BUDGET_KB)} of the budget`,
    });
    result.targets.push(judge('console.firstScreen', firstScreen.gzippedKb <= FIRST_SCREEN_BUDGET_KB, `${fmt(firstScreen.gzippedKb, 1)} KB gzipped`));

    const promises = options.quick ? 100 : 500;
    const timelineEvents = options.quick ? 2_000 : 10_000;
    options.log(`console: seeding a customer with ${promises} promises and ${fmt(timelineEvents)} events…`);
    await seedCustomer(caller, 'bench-small', 1, 2);
    await seedCustomer(caller, 'bench-large', promises, timelineEvents);
    const runs = options.quick ? 3 : 7;
    const small = await measurePage(browser, baseUrl, 'bench-small', runs);
    const large = await measurePage(browser, baseUrl, 'bench-large', runs);
    result.figures.push(
      {
        section: 'console',
        name: `Customer page with ${promises} open promises and a ${fmt(timelineEvents)}-event timeline: rendered (h1, ledger, promises, timeline shown), median of ${runs}`,
        ours: fmtMs(large.rendered),
        baseline: `${fmtMs(small.rendered)} (one promise)`,
        ratio: fmtX(large.rendered / small.rendered),
      },
      {
        section: 'console',
        name: 'Same page: rendered and answering a click (New promise opens its dialog), median',
        ours: fmtMs(large.interactive),
        baseline: `${fmtMs(small.interactive)} (one promise)`,
        ratio: fmtX(large.interactive / small.interactive),
      },
    );
    result.targets.push(
      judge(
        'console.customerPage',
        !options.quick && large.interactive < PAGE_BUDGET_MS,
        options.quick ? `${fmtMs(large.interactive)} (quick run: ${promises} promises, ${fmt(timelineEvents)} events; the target needs the full run)` : fmtMs(large.interactive),
      ),
    );
    result.notes.push(
      'console: Chromium of @sparticuz/chromium driven by playwright-core, 1280×800, cold page load per run (new browser context: no HTTP cache); ' +
        '"rendered" is navigation start until the h1, the Promise ledger region, the first open promise and the first timeline entry are visible; "interactive" adds a click on New promise until its dialog is open.',
    );
  } finally {
    await browser.close();
    await api.stop();
    await db.drop();
  }
  return result;
}

/** Every script the browser loads for sign-in and the Customers screen, gzipped as the API serves it. */
async function firstScreenJavaScript(browser: Browser, baseUrl: string): Promise<{ files: number; rawKb: number; gzippedKb: number }> {
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  const scripts = new Set<string>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.resourceType() === 'script' || url.pathname.endsWith('.js')) scripts.add(url.pathname);
  });
  await page.goto('/');
  await page.getByLabel('API key').fill(BENCH_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('searchbox', { name: 'Search customers' }).waitFor();
  await page.waitForLoadState('networkidle');
  await context.close();
  let raw = 0;
  let gzipped = 0;
  for (const path of scripts) {
    const body = readFileSync(resolve('dist/console', `.${path}`));
    raw += body.length;
    gzipped += gzipSync(body, { level: 9 }).length;
  }
  return { files: scripts.size, rawKb: raw / 1024, gzippedKb: gzipped / 1024 };
}

/** One customer with `promises` open promises and about `events` events, through appendEvents. */
async function seedCustomer(caller: LedgerCaller, id: string, promises: number, events: number): Promise<void> {
  const now = Date.now();
  const items: { externalId: string; type: string; payload: Record<string, unknown> }[] = [
    { externalId: `${id}-registered`, type: 'CUSTOMER_REGISTERED', payload: { id, name: `Bench ${id}`, kind: 'DISTRIBUTOR', region: 'Bench' } },
  ];
  for (let p = 0; p < promises; p++) {
    items.push({
      externalId: `${id}-p${p}`,
      type: 'PROMISE_MADE',
      payload: { id: `${id}-p${p}`, customerId: id, kind: 'DELIVERY', description: `Deliver order ${10_000 + p}`, madeAt: new Date(now - 30 * 86_400_000).toISOString(), dueBy: new Date(now + (p + 1) * 3_600_000).toISOString() },
    });
  }
  // Amendments fill the timeline while every promise stays open.
  for (let a = 0; items.length < events; a++) {
    const p = a % promises;
    items.push({
      externalId: `${id}-p${p}-a${a}`,
      type: 'PROMISE_AMENDED',
      payload: { id: `${id}-p${p}`, dueBy: new Date(now + (p + 1) * 3_600_000 + (a + 1) * 60_000).toISOString(), reason: `Rescheduled with the carrier (${a})` },
    });
  }
  for (let start = 0; start < items.length; start += 1_000) {
    const batch = items.slice(start, start + 1_000);
    const { appendEvents } = await callLedger<{ appendEvents: { rejected: number; results: { message: string | null }[] } }>(
      caller,
      'mutation ($input: AppendEventsInput!) { appendEvents(input: $input) { rejected results { message } } }',
      { input: { source: 'bench', events: batch } },
    );
    if (appendEvents.rejected > 0) throw new Error(`seeding ${id}: ${appendEvents.rejected} rejected, e.g. ${appendEvents.results.find((r) => r.message)?.message}`);
  }
}

async function measurePage(browser: Browser, baseUrl: string, customerId: string, runs: number): Promise<{ rendered: number; interactive: number }> {
  const rendered: number[] = [];
  const interactive: number[] = [];
  for (let run = 0; run < runs + 1; run++) {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    await context.addInitScript(`sessionStorage.setItem('promise-ledger.api-key', ${JSON.stringify(BENCH_KEY)})`);
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`/customers/${customerId}`);
    await pageShown(page);
    const shown = performance.now();
    await page.getByRole('button', { name: 'New promise' }).click();
    await page.getByRole('dialog').waitFor();
    const answered = performance.now();
    await context.close();
    if (run === 0) continue; // warm-up: the server's first queries and the browser's compile caches
    rendered.push(shown - started);
    interactive.push(answered - started);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { rendered: median(rendered), interactive: median(interactive) };
}

async function pageShown(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByRole('region', { name: 'Promise ledger' }).waitFor();
  await page.getByRole('table', { name: 'Open promises' }).getByRole('row').nth(1).waitFor();
  await page.getByRole('list', { name: 'Timeline' }).getByRole('listitem').first().waitFor();
}
