import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

// The package's flags are tuned for serverless functions. We need a browser that behaves like
// people's: with web security on (same-origin, CSP), and several contexts per process (with
// --single-process, closing a context brings the whole browser down).
const SERVERLESS_ONLY = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/**
 * A real Chromium, the one the @sparticuz/chromium npm package ships (no apt, no download),
 * driven by playwright-core: the console's tests, screenshots and bench all use it.
 */
export async function launchBrowser(): Promise<Browser> {
  const args = chromium.args.filter((arg) => !SERVERLESS_ONLY.has(arg));
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}
