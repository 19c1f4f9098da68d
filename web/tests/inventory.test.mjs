// Browser tests of the inventory and warehouse-operation pages (node --test + playwright-core +
// Debian chromium). Same set-up as console.test.mjs: XB_BASE_URL + XB_API_KEY for a running
// server, otherwise tests/mock-server.mjs. Every test creates its own warehouse, bins, SKU, lots
// and stock through the API (adjustments), so it also runs against an empty real server.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  apiCall, launchBrowser, newPage, pickRecord, screenshot, signIn, startTarget, uniqueCode, validSku,
} from './harness.mjs';

const TEST_TIMEOUT = 120_000;
const DAY = 86_400_000;
const isoIn = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** GS1 date YYMMDD of an ISO date. */
const yymmdd = (iso) => `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;

/**
 * A warehouse with bins, one SKU with lots, and stock put in by adjustments.
 * `lots`: [{ key, days (to expiry) }]; `stock`: [{ lot, bin, quantity, reason? }] in posting order.
 */
async function stockSetup(target, { bins, lots, stock }) {
  const wh = await apiCall(target, 'POST', '/warehouses', { code: uniqueCode('E2E-WH'), name: 'E2E inventory warehouse', kind: 'bonded', country: 'CN', operator: 'self' });
  const binOf = {};
  for (const [code, kind] of bins) {
    binOf[code] = await apiCall(target, 'POST', `/warehouses/${wh.id}/bins`, { code, zone: code.slice(0, 1), kind, capacity_units: 0 });
  }
  const skuBody = validSku(uniqueCode('E2E-INV'));
  const sku = await apiCall(target, 'POST', '/skus', { ...skuBody, legal_quantity: 30, weight_g: 120, length_mm: 40, width_mm: 40, height_mm: 110, shelf_life_days: 1095 });
  const lotOf = {};
  for (const { key, days } of lots) {
    lotOf[key] = await apiCall(target, 'POST', '/lots', {
      sku_id: sku.id, lot_number: `${key}${Date.now().toString(36).slice(-5).toUpperCase()}`, production_date: isoIn(days - 700), expiry_date: isoIn(days),
    });
  }
  for (const s of stock) {
    await apiCall(target, 'POST', '/adjustments', {
      warehouse_id: wh.id, bin_id: binOf[s.bin].id, sku_id: sku.id, lot_id: lotOf[s.lot].id, owner: 'own',
      quantity: s.quantity, reason_code: s.reason ?? 'initial_stock', note: 'E2E set-up',
    });
  }
  return { wh, bin: binOf, sku, lot: lotOf };
}

describe('inventory and warehouse pages', { timeout: 15 * 60_000 }, () => {
  let target;
  let browser;
  // While the server is assembled in parts, a server without the warehouse routes skips the tests
  // that need them (saying so) instead of timing out; the mock always has them.
  let noWarehouseApi = '';

  before(async () => {
    target = await startTarget();
    browser = await launchBrowser();
    const probe = await fetch(`${target.baseUrl}/api/v1/tasks?limit=1`, { headers: { Authorization: `Bearer ${target.apiKey}` } });
    if (probe.status === 404) noWarehouseApi = `the server at ${target.baseUrl} has no GET /api/v1/tasks yet`;
  });

  after(async () => {
    await browser?.close();
    await target?.close();
  });

  async function withPage(name, body, viewport) {
    const { context, page, pageErrors } = await newPage(browser, viewport);
    page.on('dialog', (d) => void d.accept());
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

  const ready = (page, testid) => page.locator(`[data-testid="${testid}"][aria-busy="false"]`).waitFor();
  const rowsOf = (page, testid, attrs) => page.getByTestId(testid).evaluateAll((els, names) => els.map((e) => Object.fromEntries(names.map((n) => [n, e.getAttribute(`data-${n}`)]))), attrs);
  const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('filters the stock overview by warehouse, SKU, lot, state and expiry, then opens the stock card with running balances', { timeout: TEST_TIMEOUT }, async () => {
    const s = await stockSetup(target, {
      bins: [['S-01', 'storage'], ['S-02', 'storage']],
      lots: [{ key: 'NEAR', days: 40 }, { key: 'FAR', days: 400 }],
      stock: [
        { lot: 'NEAR', bin: 'S-01', quantity: 30 },
        { lot: 'FAR', bin: 'S-01', quantity: 20 },
        { lot: 'FAR', bin: 'S-02', quantity: 15 },
        { lot: 'FAR', bin: 'S-02', quantity: -5, reason: 'damaged' },
      ],
    });

    await withPage('stock-overview', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/inventory');
      await page.getByTestId('page-stock').waitFor();
      await pickRecord(page, 'filter-warehouse', s.wh.code);
      await page.waitForURL(new RegExp(`warehouse_id=${s.wh.id}`));
      await pickRecord(page, 'filter-sku', s.sku.code);
      await page.waitForURL(new RegExp(`sku_id=${s.sku.id}`));
      await ready(page, 'stock-body');
      let rows = await rowsOf(page, 'stock-row', ['lot-id', 'bin-id', 'on-hand', 'state']);
      assert.deepEqual(rows.map((r) => [Number(r['lot-id']), Number(r['bin-id']), Number(r['on-hand'])]).sort(), [
        [s.lot.NEAR.id, s.bin['S-01'].id, 30], [s.lot.FAR.id, s.bin['S-01'].id, 20], [s.lot.FAR.id, s.bin['S-02'].id, 10],
      ].sort(), 'one balance per bin and lot; the loss of 5 is netted');
      assert.equal(await page.getByTestId('list-total').getAttribute('data-total'), '3');
      await screenshot(page, 'stock-overview');

      // As of the end of yesterday there was nothing; as of today, the same three balances.
      await page.getByTestId('filter-at').fill(isoIn(-1));
      await page.getByTestId('stock-filter').click();
      await page.waitForURL(/[?&]at=/);
      await ready(page, 'stock-body');
      await page.getByTestId('list-empty').waitFor();
      await page.getByTestId('stock-as-of').waitFor();
      await page.getByTestId('filter-at').fill(isoIn(0));
      await page.getByTestId('stock-filter').click();
      await page.waitForURL(new RegExp(`[?&]at=${isoIn(0)}`));
      await ready(page, 'stock-body');
      assert.equal(await page.getByTestId('stock-row').count(), 3);
      await page.getByTestId('filter-at').fill('');
      await page.getByTestId('stock-filter').click();
      await page.waitForURL((u) => !/[?&]at=/.test(u.hash));
      await ready(page, 'stock-body');

      // The lot filter offers the SKU's lots.
      const farOption = page.getByTestId('filter-lot').locator(`option[data-code="${s.lot.FAR.lot_number}"]`);
      await farOption.waitFor({ state: 'attached' });
      await page.getByTestId('filter-lot').selectOption(await farOption.getAttribute('value'));
      await page.waitForURL(new RegExp(`lot_id=${s.lot.FAR.id}`));
      await ready(page, 'stock-body');
      rows = await rowsOf(page, 'stock-row', ['lot-id', 'on-hand']);
      assert.deepEqual(rows.map((r) => Number(r['on-hand'])).sort((a, b) => a - b), [10, 20]);
      assert.ok(rows.every((r) => Number(r['lot-id']) === s.lot.FAR.id));

      // Nothing of it is in quarantine.
      await page.getByTestId('filter-state').selectOption('quarantine');
      await page.waitForURL(/state=quarantine/);
      await ready(page, 'stock-body');
      await page.getByTestId('list-empty').waitFor();
      await page.getByTestId('filter-state').selectOption('');
      await page.waitForURL((u) => !/state=/.test(u.hash));
      await ready(page, 'stock-body');

      // Expiry window: only the near lot expires within 100 days (the lot filter is cleared first).
      await page.getByTestId('filter-lot').selectOption('');
      await page.waitForURL((u) => !/lot_id=/.test(u.hash));
      await ready(page, 'stock-body');
      await page.getByTestId('filter-expires-before').fill(isoIn(100));
      await page.getByTestId('stock-filter').click();
      await page.waitForURL(/expires_before=/);
      await ready(page, 'stock-body');
      rows = await rowsOf(page, 'stock-row', ['lot-id', 'on-hand']);
      assert.deepEqual(rows, [{ 'lot-id': String(s.lot.NEAR.id), 'on-hand': '30' }]);

      // Summary per SKU.
      await page.goto(`${target.baseUrl}/#/inventory/summary?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
      await ready(page, 'summary-body');
      const sum = page.getByTestId('summary-row');
      assert.equal(await sum.count(), 1);
      for (const [name, v] of [['on-hand', 60], ['reserved', 0], ['available', 60], ['held', 0], ['picked', 0]]) {
        assert.equal(await sum.getAttribute(`data-${name}`), String(v), name);
      }
      await screenshot(page, 'stock-summary');

      // Expiring within 60 days: the near lot, 40 days left.
      await page.goto(`${target.baseUrl}/#/inventory/expiring?warehouse_id=${s.wh.id}&days=60`);
      await ready(page, 'expiring-body');
      const exp = page.locator(`[data-testid="expiring-row"][data-sku-id="${s.sku.id}"]`);
      assert.equal(await exp.count(), 1);
      assert.equal(await exp.getAttribute('data-status'), 'near_expiry');
      assert.equal(await exp.getAttribute('data-days-left'), '40');

      // From the overview to the stock card.
      await page.goto(`${target.baseUrl}/#/inventory?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
      await ready(page, 'stock-body');
      await page.getByTestId('stock-row').first().getByTestId('stock-card-link').click();
      await page.getByTestId('page-stock-card').waitFor();
      await page.waitForURL(new RegExp(`#/inventory/skus/${s.sku.id}\\?.*warehouse_id=${s.wh.id}`));
      await ready(page, 'card-body');
      assert.equal(await page.getByTestId('card-opening').getAttribute('data-value'), '0');
      const card = await rowsOf(page, 'card-row', ['signed', 'running']);
      assert.deepEqual(card.map((r) => [Number(r.signed), Number(r.running)]), [[30, 30], [20, 50], [15, 65], [-5, 60]]);
      assert.equal(await page.getByTestId('card-closing').getAttribute('data-value'), '60');
      assert.equal(await page.getByTestId('card-more').isVisible(), false, 'everything fits one page');
      await screenshot(page, 'stock-card');

      // Two movements a page: "More" fetches the rest and the running balance continues.
      await page.goto(`${page.url()}&limit=2`);
      await ready(page, 'card-body');
      assert.equal(await page.getByTestId('card-row').count(), 2);
      assert.equal(await page.getByTestId('card-closing').getAttribute('data-value'), '50');
      await page.getByTestId('card-more').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="card-row"]').length === 4);
      await ready(page, 'card-body');
      assert.deepEqual((await rowsOf(page, 'card-row', ['running'])).map((r) => Number(r.running)), [30, 50, 65, 60]);
      assert.equal(await page.getByTestId('card-closing').getAttribute('data-value'), '60');
      assert.equal(await page.getByTestId('card-more').isVisible(), false);
    });
  });

  it('exports the stock overview, summary and expiring report as CSV with every row of the filters', { timeout: TEST_TIMEOUT }, async () => {
    const s = await stockSetup(target, {
      bins: [['S-01', 'storage'], ['S-02', 'storage']],
      lots: [{ key: 'NEAR', days: 20 }, { key: 'FAR', days: 400 }],
      stock: [
        { lot: 'NEAR', bin: 'S-01', quantity: 7 },
        { lot: 'FAR', bin: 'S-01', quantity: 5 },
        { lot: 'FAR', bin: 'S-02', quantity: 3 },
      ],
    });
    const download = async (page, name) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-export').click()]);
      assert.equal(file.suggestedFilename(), name);
      const lines = (await readFile(await file.path(), 'utf8')).split('\r\n').filter((l) => l !== '');
      return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',')) };
    };
    await withPage('stock-export', async (page) => {
      // One row a page on screen; the file has all three.
      await signIn(page, target.baseUrl, target.apiKey, `#/inventory?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}&limit=1`);
      await ready(page, 'stock-body');
      assert.equal(await page.getByTestId('stock-row').count(), 1);
      let csv = await download(page, 'stock.csv');
      assert.equal(csv.header, 'warehouse_id,bin_id,sku_id,lot_id,lot_number,expiry_date,owner,state,on_hand');
      assert.deepEqual(csv.rows.map((r) => Number(r[8])).sort((a, b) => a - b), [3, 5, 7]);
      assert.ok(csv.rows.every((r) => Number(r[0]) === s.wh.id && Number(r[2]) === s.sku.id), 'the filters apply');

      await page.goto(`${target.baseUrl}/#/inventory/summary?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
      await ready(page, 'summary-body');
      assert.equal(await page.getByTestId('summary-row').getAttribute('data-in-transit'), '0');
      csv = await download(page, 'stock-summary.csv');
      assert.equal(csv.header, 'warehouse_id,sku_id,owner,on_hand,reserved,available,held,picked,inbound,in_transit,projected');
      assert.deepEqual(csv.rows, [[String(s.wh.id), String(s.sku.id), 'own', '15', '0', '15', '0', '0', '0', '0', '15']]);

      await page.goto(`${target.baseUrl}/#/inventory/expiring?warehouse_id=${s.wh.id}&days=60`);
      await ready(page, 'expiring-body');
      csv = await download(page, 'stock-expiring.csv');
      assert.equal(csv.header, 'warehouse_id,bin_id,sku_id,lot_id,lot_number,expiry_date,owner,state,on_hand,days_left,status');
      assert.deepEqual(csv.rows.map((r) => [Number(r[3]), Number(r[8]), Number(r[9]), r[10]]), [[s.lot.NEAR.id, 7, 20, 'near_expiry']]);
      assert.equal(await page.getByTestId('csv-error').count(), 0);
    });
  });

  it('reserves FEFO, refuses more than is reservable, confirms and releases', { timeout: TEST_TIMEOUT }, async () => {
    const s = await stockSetup(target, {
      bins: [['S-01', 'storage'], ['OUT-1', 'shipping']],
      lots: [{ key: 'LATE', days: 300 }, { key: 'SOON', days: 60 }],
      stock: [{ lot: 'LATE', bin: 'S-01', quantity: 10 }, { lot: 'SOON', bin: 'S-01', quantity: 4 }],
    });
    const order = uniqueCode('E2E-ORD');
    await withPage('reservations', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/inventory/reservations');
      await page.getByTestId('page-reservations').waitFor();
      await page.getByTestId('reserve-open').click();
      const form = page.getByTestId('reserve-form');
      await pickRecord(form, 'reserve-warehouse', s.wh.code);
      await pickRecord(form, 'reserve-sku', s.sku.code);
      await form.getByTestId('reserve-order').fill(order);
      await form.getByTestId('reserve-quantity').fill('15');
      await form.getByTestId('reserve-submit').click();
      // 14 on hand: the server refuses, and says so beside the quantity.
      const qtyError = form.getByTestId('field-error-quantity');
      await qtyError.waitFor({ state: 'visible' });
      assert.match(await qtyError.textContent(), /14/);
      await screenshot(page, 'reserve-refused');

      await form.getByTestId('reserve-quantity').fill('6');
      await form.getByTestId('reserve-submit').click();
      await form.locator('[data-testid="reserve-message"][data-kind="ok"]').waitFor();

      await page.getByTestId('filter-order').fill(order);
      await page.getByTestId('res-filter').click();
      await page.waitForURL(/order_ref=/);
      await ready(page, 'res-body');
      const row = page.locator(`[data-testid="reservation-row"][data-order="${order}"]`);
      assert.equal(await row.count(), 1);
      assert.equal(await row.getAttribute('data-state'), 'active');
      // First expired, first out: the 4 of the sooner lot, then 2 of the later one.
      const lines = await row.getByTestId('reservation-line').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-lot-id')), Number(e.getAttribute('data-quantity'))]));
      assert.deepEqual(lines, [[s.lot.SOON.id, 4], [s.lot.LATE.id, 2]]);

      await row.getByTestId('reservation-confirm').click();
      await page.locator('[data-testid="reservations-message"][data-kind="ok"]').waitFor();
      await ready(page, 'res-body');
      assert.equal(await row.getByTestId('reservation-confirm').count(), 0, 'a confirmed reservation no longer lapses');
      const summary = await apiCall(target, 'GET', `/stock/summary?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
      assert.equal(summary.items[0].reserved, 6);
      assert.equal(summary.items[0].available, 8);

      await row.getByTestId('reservation-release').click();
      await page.locator(`[data-testid="reservation-row"][data-order="${order}"][data-state="released"]`).waitFor();
      await screenshot(page, 'reservations');
      const after = await apiCall(target, 'GET', `/stock/summary?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
      assert.equal(after.items[0].available, 14);

      // With a warehouse in view, active reservations can be picked: a pick task for the chosen one.
      if (noWarehouseApi) return;
      const second = await apiCall(target, 'POST', '/reservations', { warehouse_id: s.wh.id, sku_id: s.sku.id, owner: 'own', quantity: 3, order_ref: `${order}-B` });
      await page.goto(`${target.baseUrl}/#/inventory/reservations?warehouse_id=${s.wh.id}&state=active`);
      await ready(page, 'res-body');
      await page.locator(`[data-testid="reservation-row"][data-id="${second.id}"] [data-testid="reservation-select"]`).check();
      const stagingOption = page.getByTestId('pick-staging').locator('option[data-code="OUT-1"]');
      await stagingOption.waitFor({ state: 'attached' });
      await page.getByTestId('pick-staging').selectOption(await stagingOption.getAttribute('value'));
      await page.getByTestId('pick-create').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      await page.locator('[data-testid="task-kind"][data-value="pick"]').waitFor();
      const picks = await rowsOf(page, 'task-line', ['expected']);
      assert.equal(picks.reduce((sum, r) => sum + Number(r.expected), 0), 3);
    });
  });

  it('drives a pick on the terminal screen of a phone: scan location, scan item, confirm; a repeat gets the first answer', { timeout: TEST_TIMEOUT }, async (t) => {
    if (noWarehouseApi) { t.skip(noWarehouseApi); return; }
    const s = await stockSetup(target, {
      bins: [['S-01', 'storage'], ['S-02', 'storage'], ['OUT-1', 'shipping']],
      lots: [{ key: 'PK', days: 90 }],
      stock: [{ lot: 'PK', bin: 'S-01', quantity: 12 }],
    });
    const order = uniqueCode('E2E-ORD');
    const reservation = await apiCall(target, 'POST', '/reservations', { warehouse_id: s.wh.id, sku_id: s.sku.id, owner: 'own', quantity: 5, order_ref: order });
    const task = await apiCall(target, 'POST', '/tasks/pick', { warehouse_id: s.wh.id, staging_bin_id: s.bin['OUT-1'].id, reservation_ids: [reservation.id] });
    assert.equal(task.lines.length, 1);
    const gs1 = `(01)${String(s.sku.gtin).padStart(14, '0')}(17)${yymmdd(s.lot.PK.expiry_date)}(10)${s.lot.PK.lot_number}`;

    await withPage('terminal-pick', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse/terminal?kind=pick');
      await page.getByTestId('page-terminal-choose').waitFor();
      await ready(page, 'terminal-tasks');
      assert.ok((await overflow(page)) <= 0, 'task list fits the phone');
      await page.locator(`[data-testid="terminal-task"][data-id="${task.id}"]`).click();
      await page.getByTestId('page-terminal').waitFor();
      await ready(page, 'terminal-body');
      const device = await page.evaluate(() => localStorage.getItem('xb.deviceId'));
      assert.match(device ?? '', /^web-/, 'a device id is kept in localStorage');
      await page.waitForFunction(() => document.querySelector('[data-testid="current-bin"]')?.textContent?.includes('S-01'));
      const progress = page.getByTestId('line-progress');
      assert.equal(await progress.getAttribute('data-done'), '0');
      assert.equal(await progress.getAttribute('data-expected'), '5');

      // Touch targets are big.
      for (const id of ['scan-location', 'scan-location-submit', 'scan-item', 'confirm-submit']) {
        const box = await page.getByTestId(id).boundingBox();
        assert.ok(box && box.height >= 48, `${id} is at least 48 px high`);
      }

      // 1. location: an unknown bin is rejected; a bin with nothing for the line is flagged; the line's bin is accepted.
      const answer = page.getByTestId('terminal-answer');
      const answered = (status) => page.locator(`[data-testid="terminal-answer"][data-status="${status}"]`).waitFor();
      await page.getByTestId('scan-location').fill('NO-SUCH-BIN');
      await page.getByTestId('scan-location-submit').click();
      await answered('rejected');
      await page.locator('[data-testid="step-location-state"][data-state="rejected"]').waitFor();
      await page.getByTestId('scan-location').fill('S-02');
      await page.getByTestId('scan-location-submit').click();
      await page.locator('[data-testid="step-location-state"][data-state="elsewhere"]').waitFor();
      await page.getByTestId('answer-elsewhere').waitFor();
      await page.getByTestId('scan-location').fill('S-01');
      await page.getByTestId('scan-location').press('Enter');
      await page.locator('[data-testid="step-location-state"][data-state="ok"]').waitFor();

      // 2. item: the GS1 string is parsed by the server.
      await page.getByTestId('scan-item').fill(gs1);
      await page.getByTestId('scan-item-submit').click();
      await page.locator('[data-testid="step-item-state"][data-state="ok"]').waitFor();
      assert.match(await page.getByTestId('scan-parsed').textContent(), new RegExp(s.lot.PK.lot_number));

      // 3. confirm 5: applied, the line is done.
      await page.getByTestId('confirm-qty').fill('5');
      await page.getByTestId('confirm-submit').click();
      await answered('applied');
      const key = await answer.getAttribute('data-key');
      assert.equal(await answer.getAttribute('data-replayed'), 'false');
      await page.locator('[data-testid="line-progress"][data-done="5"]').waitFor();
      assert.equal(await page.locator('[data-testid="terminal-line"][data-line="1"]').getAttribute('data-done'), 'true');
      assert.ok((await overflow(page)) <= 0, 'the terminal fits the phone');
      await screenshot(page, 'terminal-applied', { fullPage: false });

      // The same event again (same key): the first answer, nothing moves twice.
      await page.getByTestId('answer-resend').click();
      await page.locator(`[data-testid="terminal-answer"][data-replayed="true"][data-key="${key}"]`).waitFor();
      assert.equal(await answer.getAttribute('data-status'), 'applied');
      await page.getByTestId('answer-replayed').waitFor();
      assert.equal(await page.locator(`[data-testid="log-entry"][data-key="${key}"]`).count(), 2);
      await screenshot(page, 'terminal-replay', { fullPage: false });
      const after = await apiCall(target, 'GET', `/tasks/${task.id}`);
      assert.equal(after.lines[0].done_qty, 5, 'picked once');
      assert.equal(await progress.getAttribute('data-done'), '5');

      // A new event picking more than was reserved is rejected with the reason.
      await page.getByTestId('scan-item').fill(gs1);
      await page.getByTestId('scan-item-submit').click();
      await page.locator('[data-testid="step-item-state"][data-state="ok"]').waitFor();
      await page.getByTestId('confirm-qty').fill('1');
      await page.getByTestId('confirm-submit').click();
      await answered('rejected');
      assert.notEqual(await answer.getAttribute('data-key'), key);
      assert.notEqual((await page.getByTestId('answer-message').textContent()).trim(), '');

      const picked = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}&state=picked`);
      assert.deepEqual(picked.items.map((b) => [b.bin_id, b.on_hand]), [[s.bin['OUT-1'].id, 5]]);
      const left = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}&state=available`);
      assert.deepEqual(left.items.map((b) => [b.bin_id, b.on_hand]), [[s.bin['S-01'].id, 7]]);
    }, { width: 390, height: 844 });
  });

  it('receives an advance notice on the terminal: the GS1 scan brings lot, expiry and quantity; the variance shows on the task', { timeout: TEST_TIMEOUT }, async (t) => {
    if (noWarehouseApi) { t.skip(noWarehouseApi); return; }
    const s = await stockSetup(target, { bins: [['RCV-1', 'receiving'], ['S-01', 'storage']], lots: [], stock: [] });
    const task = await apiCall(target, 'POST', '/tasks/receive', {
      warehouse_id: s.wh.id, receiving_bin_id: s.bin['RCV-1'].id, asn: { ref: uniqueCode('ASN'), lines: [{ sku_id: s.sku.id, quantity: 40 }] },
    });
    const lot = `R${Date.now().toString(36).slice(-6).toUpperCase()}`;
    const expiry = isoIn(365);
    // Raw GS1-128 with a group separator after the variable-length lot.
    const gs1 = `]C101${String(s.sku.gtin).padStart(14, '0')}17${yymmdd(expiry)}10${lot}\x1d3036`;

    await withPage('terminal-receive', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, `#/warehouse/terminal/${task.id}`);
      await ready(page, 'terminal-body');
      await page.waitForFunction(() => document.querySelector('[data-testid="current-bin"]')?.textContent?.includes('RCV-1'));
      await page.getByTestId('scan-location').fill('RCV-1');
      await page.getByTestId('scan-location-submit').click();
      await page.locator('[data-testid="step-location-state"][data-state="ok"]').waitFor();
      await page.getByTestId('scan-item').fill(gs1);
      await page.getByTestId('scan-item').press('Enter');
      await page.locator('[data-testid="step-item-state"][data-state="ok"]').waitFor();
      assert.equal(await page.getByTestId('confirm-qty').inputValue(), '36', 'the quantity comes from AI 30');
      await page.getByTestId('confirm-submit').click();
      await page.locator('[data-testid="terminal-answer"][data-status="applied"]').waitFor();
      await page.locator('[data-testid="line-progress"][data-done="36"][data-expected="40"]').waitFor();
      await screenshot(page, 'terminal-receipt', { fullPage: false });

      // The office sees the lot received and 4 short.
      await page.goto(`${target.baseUrl}/#/warehouse/tasks/${task.id}`);
      await ready(page, 'task-body');
      assert.match(await page.getByTestId('lot-receipt').first().textContent(), new RegExp(`${lot}.*${expiry}`));
      const v = page.locator('[data-testid="variance-row"][data-line="1"]');
      assert.deepEqual([await v.getAttribute('data-short'), await v.getAttribute('data-over'), await v.getAttribute('data-damaged')], ['4', '0', '0']);

      // Closed short, then put away: the putaway task suggests the storage bin.
      await page.getByTestId('task-close').click();
      await page.locator('[data-testid="task-state"][data-value="done"]').waitFor();
      await page.getByTestId('task-putaway').click();
      await page.locator('[data-testid="task-kind"][data-value="putaway"]').waitFor();
      const putaway = await rowsOf(page, 'task-line', ['expected']);
      assert.deepEqual(putaway, [{ expected: '36' }]);
    }, { width: 390, height: 844 });
    const stock = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
    assert.deepEqual(stock.items.map((b) => [b.bin_id, b.lot_number, b.expiry_date, b.on_hand]), [[s.bin['RCV-1'].id, lot, expiry, 36]]);
  });

  it('counts two bins on a count sheet, recounts the disagreeing line with a reason and posts the difference at close', { timeout: TEST_TIMEOUT }, async (t) => {
    if (noWarehouseApi) { t.skip(noWarehouseApi); return; }
    const s = await stockSetup(target, {
      bins: [['C-01', 'storage'], ['C-02', 'storage']],
      lots: [{ key: 'CA', days: 200 }, { key: 'CB', days: 500 }],
      stock: [{ lot: 'CA', bin: 'C-01', quantity: 30 }, { lot: 'CB', bin: 'C-02', quantity: 8 }],
    });
    await withPage('count-sheet', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse');
      await page.getByTestId('page-tasks').waitFor();
      await page.getByTestId('count-new-open').click();
      await pickRecord(page, 'count-new-warehouse', s.wh.code);
      await page.locator('[data-testid="count-bin"][data-code="C-01"]').check();
      await page.locator('[data-testid="count-bin"][data-code="C-02"]').check();
      await page.getByTestId('count-new-submit').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      const taskId = Number(page.url().match(/tasks\/(\d+)$/)[1]);
      await page.getByTestId('count-sheet').waitFor();
      const row = (bin) => page.locator(`[data-testid="count-row"][data-bin-id="${s.bin[bin].id}"]`);
      assert.equal(await page.getByTestId('count-row').count(), 2);
      assert.equal(await row('C-01').getAttribute('data-system'), '', 'the count is blind');

      // First counts: C-01 disagrees (28 of 30), C-02 agrees.
      await row('C-01').getByTestId('count-input').fill('28');
      await row('C-02').getByTestId('count-input').fill('8');
      await page.getByTestId('counts-save').click();
      await page.locator('[data-testid="task-state"][data-value="recount"]').waitFor();
      assert.equal(await row('C-01').getAttribute('data-asked'), 'true');
      assert.equal(await row('C-01').getAttribute('data-system'), '30');
      assert.equal(await row('C-01').getAttribute('data-diff'), '-2');
      assert.equal(await row('C-02').getAttribute('data-asked'), 'false');
      assert.equal(await row('C-02').getAttribute('data-diff'), '0');
      await screenshot(page, 'count-recount-asked');

      // Closing before the recount is refused.
      await page.getByTestId('task-close').click();
      await page.locator('[data-testid="task-message"][data-kind="error"]').waitFor();

      // A recount needs a reason.
      await row('C-01').getByTestId('recount-input').fill('27');
      await page.getByTestId('recounts-save').click();
      await row('C-01').getByTestId('count-row-error').waitFor({ state: 'visible' });
      await row('C-01').getByTestId('recount-reason').fill('damaged');
      await page.getByTestId('recounts-save').click();
      await page.locator('[data-testid="task-message"][data-kind="ok"]').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="task-state"]')?.getAttribute('data-value') !== 'recount');
      assert.equal(await row('C-01').getAttribute('data-recount'), '27');
      assert.equal(await row('C-01').getAttribute('data-diff'), '-3');

      await page.getByTestId('task-close').click();
      await page.locator('[data-testid="task-state"][data-value="done"]').waitFor();
      assert.equal(await page.getByTestId('task-close').count(), 0);
      await screenshot(page, 'count-closed');

      const stock = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
      const byBin = Object.fromEntries(stock.items.map((b) => [b.bin_id, b.on_hand]));
      assert.equal(byBin[s.bin['C-01'].id], 27, 'the loss of 3 is posted');
      assert.equal(byBin[s.bin['C-02'].id], 8);

      // The task list finds it by kind, state and warehouse.
      await page.goto(`${target.baseUrl}/#/warehouse?kind=count&state=done&warehouse_id=${s.wh.id}`);
      await ready(page, 'tasks-body');
      const rows = await rowsOf(page, 'task-row', ['id', 'kind', 'state']);
      assert.deepEqual(rows, [{ id: String(taskId), kind: 'count', state: 'done' }]);
    });
  });

  it('keeps the inventory pages inside a phone-sized viewport', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('phone-inventory', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/inventory');
      const pages = [['#/inventory', 'stock-body'], ['#/inventory/summary', 'summary-body'], ['#/inventory/expiring', 'expiring-body'],
        ['#/inventory/reservations', 'res-body'], ['#/warehouse', 'tasks-body']];
      for (const [hash, testid] of pages) {
        await page.goto(`${target.baseUrl}/${hash}`);
        await ready(page, testid);
        assert.ok((await overflow(page)) <= 0, hash);
      }
      await screenshot(page, 'phone-tasks', { fullPage: false });
    }, { width: 390, height: 844 });
  });
});
