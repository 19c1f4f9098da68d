// Browser tests of the web console (node --test + playwright-core + Debian chromium).
//
// Against a running server:  XB_BASE_URL=http://127.0.0.1:8080 XB_API_KEY=... npm test
// Without XB_BASE_URL the tests start tests/mock-server.mjs on a free port.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  fillForm, launchBrowser, newPage, screenshot, signIn, startTarget, uniqueCode, validSku,
} from './harness.mjs';

const TEST_TIMEOUT = 90_000;

describe('xborder web console', { timeout: 10 * 60_000 }, () => {
  let target;
  let browser;

  before(async () => {
    target = await startTarget();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await target?.close();
  });

  /** Run `body` with a fresh page; on failure keep a screenshot for a human. */
  async function withPage(name, body, viewport) {
    const { context, page, pageErrors } = await newPage(browser, viewport);
    try {
      await body(page);
      assert.deepEqual(pageErrors.map(String), [], 'uncaught errors in the page');
    } catch (err) {
      await screenshot(page, `FAILED-${name}`).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  }

  it('rejects a wrong API key on the sign-in page', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('signin-bad-key', async (page) => {
      await page.goto(`${target.baseUrl}/`);
      await page.getByTestId('signin-key').fill(`wrong-${Date.now()}`);
      await page.getByTestId('signin-submit').click();
      const error = page.getByTestId('signin-error');
      await error.waitFor({ state: 'visible' });
      assert.notEqual((await error.textContent()).trim(), '', 'an error message is shown');
      assert.equal(await page.getByTestId('shell').count(), 0, 'the console is not shown');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('xb.apiKey')), null, 'the key is not stored');
    });
  });

  it('signs in, creates a SKU through the form and finds it by search', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('sku-create-search', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('xb.apiKey')), target.apiKey, 'key kept in sessionStorage');
      await page.getByTestId('page-skus-list').waitFor();

      await page.getByTestId('list-new').click();
      await page.getByTestId('page-skus-new').waitFor();
      const code = uniqueCode('E2E');
      const sku = validSku(code);
      await fillForm(page, sku);
      await page.getByTestId('form-submit').click();

      // The new record's page opens with its code and a confirmation.
      await page.waitForURL(/#\/skus\/\d+$/);
      await page.getByTestId('page-skus-detail').waitFor();
      assert.equal((await page.getByTestId('detail-code').textContent()).trim(), code);
      // (A server may keep GTINs zero-padded to 14 digits.)
      assert.match(await page.getByTestId('entity-form').getByTestId('field-gtin').inputValue(), new RegExp(`^0*${sku.gtin}$`));
      assert.equal(await page.getByTestId('entity-form').getByTestId('field-category').inputValue(), 'cosmetics');
      await page.getByTestId('history').getByTestId('history-item').first().waitFor();
      const createdId = page.url().match(/#\/skus\/(\d+)$/)[1];

      // Back on the list, searching for the code finds exactly that SKU.
      await page.getByTestId('nav-skus').click();
      await page.getByTestId('page-skus-list').waitFor();
      await page.getByTestId('list-search').fill(code);
      await page.getByTestId('list-search').press('Enter');
      await page.waitForURL(new RegExp(`[?&]q=${code}`));
      const row = page.locator(`[data-testid="list-row"][data-code="${code}"]`);
      await row.waitFor();
      assert.equal(await page.getByTestId('list-row').count(), 1, 'only the new SKU matches its unique code');
      assert.equal(await row.getAttribute('data-id'), createdId);
      assert.match(await row.textContent(), new RegExp(sku.name));
      assert.equal(await page.getByTestId('list-total').getAttribute('data-total'), '1');
      await screenshot(page, 'sku-search-result');

      // A search that matches nothing shows the empty state, not the SKU.
      await page.getByTestId('list-search').fill(`${code}-NOPE`);
      await page.getByTestId('list-search').press('Enter');
      await page.getByTestId('list-empty').waitFor();
      assert.equal(await page.getByTestId('list-row').count(), 0);

      // The row opens the detail page.
      await page.getByTestId('list-search').fill(code);
      await page.getByTestId('list-search').press('Enter');
      await row.getByTestId('row-link').click();
      await page.waitForURL(new RegExp(`#/skus/${createdId}$`));
      await page.getByTestId('detail-code').waitFor();
    });
  });

  it('shows a server field error next to the GTIN field', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('sku-gtin-error', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/skus/new');
      await page.getByTestId('page-skus-new').waitFor();
      const code = uniqueCode('E2E-BAD');
      await fillForm(page, { ...validSku(code), gtin: '12345678' });
      await page.getByTestId('form-submit').click();

      const form = page.getByTestId('entity-form');
      const gtinError = form.getByTestId('field-error-gtin');
      await gtinError.waitFor({ state: 'visible' });
      const text = (await gtinError.textContent()).trim();
      assert.notEqual(text, '', 'the error has a message');
      // The message sits inside the GTIN field's own block, and the input is marked invalid.
      assert.equal(await form.locator('[data-field="gtin"] [data-testid="field-error-gtin"]').count(), 1);
      assert.equal(await form.getByTestId('field-gtin').getAttribute('aria-invalid'), 'true');
      assert.equal(await form.locator('[data-testid^="field-error-"]:visible').count(), 1, 'no other field is blamed');
      // Nothing was created: still on the create page, and the form keeps the input.
      assert.match(page.url(), /#\/skus\/new$/);
      assert.equal(await form.getByTestId('field-gtin').inputValue(), '12345678');
      assert.equal(await form.getByTestId('field-code').inputValue(), code);
      await screenshot(page, 'sku-gtin-field-error');

      // Fixing the value clears the error on the next submit.
      await form.getByTestId('field-gtin').fill('');
      await page.getByTestId('form-submit').click();
      await page.waitForURL(/#\/skus\/\d+$/);
    });
  });

  it('edits a SKU and shows the change in the history panel', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('sku-edit-history', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/skus/new');
      const code = uniqueCode('E2E-ED');
      await fillForm(page, validSku(code));
      await page.getByTestId('form-submit').click();
      await page.waitForURL(/#\/skus\/\d+$/);
      await page.getByTestId('detail-meta').waitFor();
      const versionBefore = Number(await page.getByTestId('detail-meta').getAttribute('data-version'));

      const newName = `Renamed ${code}`;
      await page.getByTestId('entity-form').getByTestId('field-name').fill(newName);
      await page.getByTestId('form-submit').click();
      await page.waitForFunction((n) => document.querySelector('[data-testid="detail-name"]')?.textContent === n, newName);
      const versionAfter = Number(await page.getByTestId('detail-meta').getAttribute('data-version'));
      assert.ok(versionAfter > versionBefore, `version goes up (${versionBefore} -> ${versionAfter})`);
      assert.equal(await page.getByTestId('form-message').getAttribute('data-kind'), 'ok');

      const history = page.getByTestId('history');
      await history.locator('[data-testid="history-item"]', { hasText: newName }).waitFor();
      // Code is fixed after creation.
      assert.equal(await page.getByTestId('entity-form').getByTestId('field-code').getAttribute('readonly'), '');
      await screenshot(page, 'sku-detail-history');
    });
  });

  it('creates a warehouse and adds a bin to it', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('warehouse-bins', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouses');
      await page.getByTestId('page-warehouses-list').waitFor();
      await page.getByTestId('list-new').click();
      const code = uniqueCode('E2E-WH');
      await fillForm(page, {
        code, name: `E2E bonded ${code}`, kind: 'bonded', country: 'CN', operator: '3pl',
        operator_name: 'E2E Logistics', address: 'Free Trade Zone, Ningbo',
      });
      await page.getByTestId('form-submit').click();
      await page.waitForURL(/#\/warehouses\/\d+$/);
      await page.getByTestId('bins').waitFor();

      const binForm = page.getByTestId('bin-form');
      await binForm.getByTestId('field-code').fill('A-01-01');
      await binForm.getByTestId('field-zone').fill('A');
      await binForm.getByTestId('field-kind').selectOption('pick');
      await binForm.getByTestId('field-capacity_units').fill('250');
      await binForm.getByTestId('form-submit').click();
      const binRow = page.locator('[data-testid="bin-row"][data-code="A-01-01"]');
      await binRow.waitFor();
      assert.match(await binRow.textContent(), /250/);
      await screenshot(page, 'warehouse-bins');
    });
  });

  it('exports the SKU list as CSV', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('sku-export', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey);
      await page.getByTestId('page-skus-list').waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('csv-export').click(),
      ]);
      assert.equal(download.suggestedFilename(), 'skus.csv');
      const text = await readFile(await download.path(), 'utf8');
      assert.match(text.split(/\r?\n/)[0], /\bcode\b/, 'the first line is a header naming the code column');
      await page.getByTestId('csv-ok').waitFor();
    });
  });

  it('lists every bad row of a rejected SKU import', { timeout: TEST_TIMEOUT }, async (t) => {
    // The real server's CSV columns are its own business; this runs against the mock only.
    if (!target.mock) { t.skip('mock server only'); return; }
    await withPage('sku-import-errors', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey);
      await page.getByTestId('page-skus-list').waitFor();
      const header = 'code,name,gtin,category,hs_code,vat_class,consumption_tax_class,legal_unit,legal_quantity,weight_g,length_mm,width_mm,height_mm,positive_list,origin_country';
      const good = (code) => `${code},Good ${code},,other,33049900,standard,none,piece,1,10,1,1,1,true,AU`;
      const bad = [
        header,
        good('IMP-OK-1'),
        'IMP-BAD-1,Bad gtin,12345678,other,33049900,standard,none,piece,1,10,1,1,1,true,AU',
        'IMP-BAD-2,Bad hs,,other,1234,standard,none,piece,1,10,1,1,1,true,AU',
      ].join('\n');
      await page.getByTestId('csv-file').setInputFiles({ name: 'skus.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await page.getByTestId('import-errors').waitFor();
      const rows = page.getByTestId('import-error-row');
      assert.equal(await rows.count(), 2);
      assert.match(await rows.nth(0).textContent(), /^3\s*gtin/);
      assert.match(await rows.nth(1).textContent(), /^4\s*hs_code/);
      await screenshot(page, 'sku-import-errors', { fullPage: false });

      // Nothing was imported, so the good row is not there either.
      await page.getByTestId('list-search').fill('IMP-OK-1');
      await page.getByTestId('list-search').press('Enter');
      await page.getByTestId('list-empty').waitFor();

      const ok = [header, good('IMP-OK-1'), good('IMP-OK-2')].join('\n');
      await page.getByTestId('csv-file').setInputFiles({ name: 'skus.csv', mimeType: 'text/csv', buffer: Buffer.from(ok) });
      await page.getByTestId('csv-ok').waitFor();
      assert.match(await page.getByTestId('csv-ok').textContent(), /2/);
    });
  });

  it('switches the UI to Chinese and back', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('i18n', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey);
      await page.getByTestId('page-skus-list').waitFor();
      assert.equal((await page.getByTestId('nav-skus').textContent()).trim(), 'SKUs');
      await page.getByTestId('lang-switch').selectOption('zh');
      await page.waitForFunction(() => document.querySelector('[data-testid="nav-skus"]')?.textContent === '商品 SKU');
      assert.equal((await page.getByTestId('signout').textContent()).trim(), '退出登录');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
      await page.locator('[data-testid="list-body"][aria-busy="false"]').waitFor();
      assert.equal(await page.getByTestId('list-search').getAttribute('placeholder'), '搜索编码或名称');
      assert.match(await page.getByTestId('list-total').textContent(), /共/);
      await screenshot(page, 'i18n-zh', { fullPage: false });
      await page.getByTestId('lang-switch').selectOption('en');
      await page.waitForFunction(() => document.querySelector('[data-testid="nav-skus"]')?.textContent === 'SKUs');
    });
  });

  it('keeps the layout inside a phone-sized viewport', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('phone', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey);
      await page.locator('[data-testid="list-body"][aria-busy="false"]').waitFor();
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok((await overflow()) <= 0, 'no horizontal scrolling on the list page');
      await screenshot(page, 'phone-sku-list', { fullPage: false });

      // Navigation is behind the menu button.
      const toggle = page.getByTestId('menu-toggle');
      assert.ok(await toggle.isVisible(), 'menu button shown on a phone');
      const navBox = () => page.getByTestId('sidenav').boundingBox();
      assert.ok((await navBox()).x + (await navBox()).width <= 0, 'navigation starts off-screen');
      await toggle.click();
      await page.waitForFunction(() => document.querySelector('#sidenav').getBoundingClientRect().left >= 0);
      await screenshot(page, 'phone-menu-open', { fullPage: false });
      await page.getByTestId('nav-suppliers').click();
      await page.getByTestId('page-suppliers-list').waitFor();
      // Choosing an entry closes the menu again.
      await page.waitForFunction(() => document.querySelector('#sidenav').getBoundingClientRect().right <= 0);
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

      await page.goto(`${target.baseUrl}/#/skus/new`);
      await page.getByTestId('page-skus-new').waitFor();
      assert.ok((await overflow()) <= 0, 'no horizontal scrolling on the SKU form');
      await screenshot(page, 'phone-sku-form', { fullPage: false });
    }, { width: 390, height: 844 });
  });

  it('signs out and forgets the key', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('signout', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey);
      await page.getByTestId('signout').click();
      await page.getByTestId('signin-page').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('xb.apiKey')), null);
      await page.goto(`${target.baseUrl}/#/skus`);
      await page.getByTestId('signin-page').waitFor();
    });
  });
});
