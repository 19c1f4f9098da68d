// Shared setup for the browser tests: the server under test (real or mock),
// Debian's Chromium through playwright-core, sign-in and screenshots.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startMockServer } from './mock-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = join(here, '..', 'test-results');
const DIST_DIR = join(here, '..', 'dist');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * The server to test: XB_BASE_URL + XB_API_KEY when set (e.g. the real
 * `xborder serve` in CI), otherwise a mock server started here.
 */
export async function startTarget() {
  const envUrl = process.env.XB_BASE_URL;
  if (envUrl) {
    const apiKey = process.env.XB_API_KEY;
    if (!apiKey) throw new Error('XB_BASE_URL is set but XB_API_KEY is not: give the admin API key too');
    return { baseUrl: envUrl.replace(/\/+$/, ''), apiKey, mock: false, close: async () => {} };
  }
  if (!existsSync(join(DIST_DIR, 'index.html'))) {
    throw new Error(`${DIST_DIR}/index.html is missing: run "npm run build" before "npm test"`);
  }
  const srv = await startMockServer({ distDir: DIST_DIR });
  return { baseUrl: srv.url, apiKey: srv.adminKey, mock: true, close: srv.close };
}

export async function launchBrowser() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.XB_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A fresh browser context (own sessionStorage) and page; collects uncaught page errors. */
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err));
  return { context, page, pageErrors };
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Scrolled to the top, so the sticky header is drawn where it belongs.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage });
}

/** Sign in through the form and wait until the shell is shown. */
export async function signIn(page, baseUrl, apiKey, hash = '#/skus') {
  await page.goto(`${baseUrl}/${hash}`);
  await page.getByTestId('signin-key').fill(apiKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('shell').waitFor();
}

/** GS1 check digit for the digits before it. */
export function gs1CheckDigit(body) {
  let sum = 0;
  body.split('').reverse().forEach((d, i) => { sum += Number(d) * (i % 2 === 0 ? 3 : 1); });
  return String((10 - (sum % 10)) % 10);
}

/** A valid GTIN-13 that is very unlikely to exist already. */
export function randomGtin13() {
  let body = '20';
  while (body.length < 12) body += String(Math.floor(Math.random() * 10));
  return body + gs1CheckDigit(body);
}

export function uniqueCode(prefix) {
  return `${prefix}-${Date.now().toString(36).toUpperCase()}-${Math.floor(Math.random() * 1e6).toString(36).toUpperCase()}`;
}

/** Fill the main entity form (inputs, selects, checkboxes) from a name -> value map. */
export async function fillForm(page, values) {
  const form = page.getByTestId('entity-form');
  for (const [name, value] of Object.entries(values)) {
    const input = form.getByTestId(`field-${name}`);
    const tag = await input.evaluate((el) => el.tagName.toLowerCase() + (el.type === 'checkbox' ? ':checkbox' : ''));
    if (tag === 'select') await input.selectOption(String(value));
    else if (tag === 'input:checkbox') await input.setChecked(Boolean(value));
    else await input.fill(String(value));
  }
}

export function validSku(code) {
  return {
    code,
    name: `E2E serum ${code}`,
    gtin: randomGtin13(),
    category: 'cosmetics',
    origin_country: 'FR',
    hs_code: '3304990099',
    vat_class: 'standard',
    consumption_tax_class: 'high_end_cosmetics',
    legal_unit: 'ml',
    legal_quantity: '30',
    positive_list: true,
    weight_g: '120',
    length_mm: '40',
    width_mm: '40',
    height_mm: '110',
    shelf_life_days: '1095',
  };
}

/** Call the API of the server under test directly (test setup), with the admin key. */
export async function apiCall(target, method, path, body) {
  const res = await fetch(`${target.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${target.apiKey}`,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${typeof data === 'string' ? data : JSON.stringify(data)}`);
  return data;
}

/** Choose a master record in a record picker (search box + select) by its code. */
export async function pickRecord(scope, testid, code) {
  await scope.getByTestId(`${testid}-search`).fill(code);
  const option = scope.getByTestId(testid).locator(`option[data-code="${code}"]`);
  await option.waitFor({ state: 'attached' });
  await scope.getByTestId(testid).selectOption(await option.getAttribute('value'));
}

/** A random month far in the future, so runs against a long-lived server do not meet each other. */
export function uniquePeriod() {
  const year = 2040 + Math.floor(Math.random() * 50);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  return `${year}-${month}`;
}
