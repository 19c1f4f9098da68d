// Browser tests of the warehouse-floor actions of the console (node --test + playwright-core +
// Debian chromium): a receive task from a purchase order's page, the "New task" form (receive
// against an advance notice, putaway, pick of reservations, move) with its checks and the API's
// errors, progress and close with every line done, packing a pick into a parcel with its SSCC,
// the shipping handover, and the parcels list with paging. Same set-up as inventory.test.mjs:
// XB_BASE_URL + XB_API_KEY for a running server, otherwise tests/mock-server.mjs; every test
// creates its own warehouse, bins, SKU, lots and stock through the API.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiCall, launchBrowser, newPage, pickRecord, screenshot, signIn, startTarget, uniqueCode, validSku,
} from './harness.mjs';

const TEST_TIMEOUT = 120_000;
const DAY = 86_400_000;
const isoIn = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const PHONE = { width: 390, height: 844 };

/** A warehouse with bins (code -> kind), one SKU, lots (key -> days to expiry) and stock by adjustments. */
async function setup(target, { bins, lots = [], stock = [] }) {
  const wh = await apiCall(target, 'POST', '/warehouses', { code: uniqueCode('E2E-WH'), name: 'E2E floor warehouse', kind: 'bonded', country: 'CN', operator: 'self' });
  const bin = {};
  for (const [code, kind] of bins) bin[code] = await apiCall(target, 'POST', `/warehouses/${wh.id}/bins`, { code, zone: code.slice(0, 1), kind, capacity_units: 0 });
  const sku = await apiCall(target, 'POST', '/skus', {
    ...validSku(uniqueCode('E2E-WO')), legal_quantity: 30, weight_g: 120, length_mm: 40, width_mm: 40, height_mm: 110, shelf_life_days: 1095,
  });
  const lot = {};
  for (const { key, days } of lots) {
    lot[key] = await apiCall(target, 'POST', '/lots', {
      sku_id: sku.id, lot_number: `${key}${Date.now().toString(36).slice(-5).toUpperCase()}`, production_date: isoIn(days - 700), expiry_date: isoIn(days),
    });
  }
  for (const s of stock) {
    await apiCall(target, 'POST', '/adjustments', {
      warehouse_id: wh.id, bin_id: bin[s.bin].id, sku_id: sku.id, lot_id: lot[s.lot].id, owner: 'own', quantity: s.quantity, reason_code: 'initial_stock', note: 'E2E set-up',
    });
  }
  return { wh, bin, sku, lot };
}

describe('warehouse floor actions', { timeout: 15 * 60_000 }, () => {
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
  const taskIdOf = (page) => Number(page.url().match(/#\/warehouse\/tasks\/(\d+)$/)[1]);
  /** Chooses the option of a plain select whose data-code is `code`, once it is there. */
  const chooseCode = async (scope, testid, code) => {
    const option = scope.getByTestId(testid).locator(`option[data-code="${code}"]`);
    await option.waitFor({ state: 'attached' });
    await scope.getByTestId(testid).selectOption(await option.getAttribute('value'));
  };
  const openNewTask = async (page, kind, warehouseCode) => {
    await page.getByTestId('new-task-open').click();
    const form = page.getByTestId('new-task-form');
    await form.getByTestId('new-task-kind').selectOption(kind);
    await pickRecord(form, 'new-task-warehouse', warehouseCode);
    return form;
  };

  it('creates the receive task of a confirmed purchase order from its page and opens it, expecting what is open', { timeout: TEST_TIMEOUT }, async () => {
    const s = await setup(target, { bins: [['RCV-1', 'receiving'], ['RCV-2', 'receiving'], ['S-01', 'storage']] });
    const supplier = await apiCall(target, 'POST', '/suppliers', { code: uniqueCode('E2E-WOSUP'), name: 'E2E floor supplier', kind: 'manufacturer', country: 'DE', currency: 'EUR' });
    const po = await apiCall(target, 'POST', '/purchase-orders', {
      code: uniqueCode('E2E-WOPO'), supplier_id: supplier.id, warehouse_id: s.wh.id, transport_mode: 'sea', currency: 'EUR', expected_date: isoIn(30),
      lines: [{ sku_id: s.sku.id, quantity: 48, unit_price: '3.20' }],
    });
    await withPage('po-receive-task', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, `#/procurement/orders/${po.id}`);
      await page.getByTestId('page-po-detail').waitFor();
      await page.locator('[data-testid="po-status"][data-value="draft"]').waitFor();
      assert.equal(await page.getByTestId('receive-task-panel').count(), 0, 'a draft order is not received');
      await page.getByTestId('po-confirm').click();
      await page.locator('[data-testid="po-status"][data-value="confirmed"]').waitFor();
      const panel = page.getByTestId('receive-task-panel');
      await ready(page, 'po-receive-tasks');
      await page.getByTestId('receive-task-bin').locator('option[data-code="RCV-2"]').waitFor({ state: 'attached' });
      // Two receiving bins: none is chosen for the user, and the form says so.
      await panel.getByTestId('receive-task-create').click();
      await panel.getByTestId('field-error-receiving_bin_id').waitFor({ state: 'visible' });
      assert.equal(await page.getByTestId('page-po-detail').count(), 1);
      await chooseCode(panel, 'receive-task-bin', 'RCV-2');
      await panel.getByTestId('receive-task-create').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      await page.locator('[data-testid="task-kind"][data-value="receive"]').waitFor();
      const id = taskIdOf(page);
      const lines = await rowsOf(page, 'task-line', ['expected', 'done']);
      assert.deepEqual(lines, [{ expected: '48', done: '0' }]);
      const task = await apiCall(target, 'GET', `/tasks/${id}`);
      assert.equal(task.ref_type, 'purchase_order');
      assert.equal(task.lines[0].to_bin, s.bin['RCV-2'].id);
      assert.equal(task.lines[0].sku_id, s.sku.id);
      await screenshot(page, 'po-receive-task');

      // Back on the order, the task is listed.
      await page.goto(`${target.baseUrl}/#/procurement/orders/${po.id}`);
      await ready(page, 'po-receive-tasks');
      assert.deepEqual(await rowsOf(page, 'po-receive-task', ['id']), [{ id: String(id) }]);
    });
  });

  it('creates a receive task against an advance notice on a phone: checks first, then opens the task', { timeout: TEST_TIMEOUT }, async () => {
    const s = await setup(target, { bins: [['RCV-1', 'receiving'], ['S-01', 'storage']] });
    const asn = uniqueCode('ASN');
    await withPage('new-receive', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse');
      await page.getByTestId('page-tasks').waitFor();
      const form = await openNewTask(page, 'receive', s.wh.code);
      // The only receiving bin is chosen for the user.
      await page.waitForFunction(() => document.querySelector('[data-testid="new-task-receiving-bin"]')?.selectedOptions[0]?.getAttribute('data-code') === 'RCV-1');
      await form.getByTestId('new-task-submit').click();
      await form.getByTestId('field-error-asn').waitFor({ state: 'visible' });
      await form.getByTestId('field-error-asn.lines').waitFor({ state: 'visible' });
      assert.match(page.url(), /#\/warehouse$/, 'nothing was sent');

      await form.getByTestId('new-task-asn-ref').fill(asn);
      const first = form.getByTestId('new-task-receive').getByTestId('new-task-line').first();
      await pickRecord(first, 'line-sku', s.sku.code);
      await first.getByTestId('line-qty').fill('0');
      await form.getByTestId('new-task-submit').click();
      await form.getByTestId('field-error-asn.lines').waitFor({ state: 'visible' });
      assert.match(await form.getByTestId('field-error-asn.lines').textContent(), /1/);
      await first.getByTestId('line-qty').fill('30');
      await form.getByTestId('asn-add-line').click();
      const second = form.getByTestId('new-task-receive').getByTestId('new-task-line').nth(1);
      await pickRecord(second, 'line-sku', s.sku.code);
      await second.getByTestId('line-qty').fill('6');
      assert.ok((await overflow(page)) <= 0, 'the form fits the phone');
      await screenshot(page, 'new-receive-form');
      await form.getByTestId('new-task-submit').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      await page.locator('[data-testid="task-kind"][data-value="receive"]').waitFor();
      assert.deepEqual((await rowsOf(page, 'task-line', ['expected'])).map((r) => Number(r.expected)), [30, 6]);
      const task = await apiCall(target, 'GET', `/tasks/${taskIdOf(page)}`);
      assert.deepEqual([task.ref_type, task.ref_id], ['asn', asn]);
      // The terminal can drive it now.
      await page.getByTestId('task-terminal').click();
      await page.getByTestId('page-terminal').waitFor();
    }, PHONE);
  });

  it('puts away a receive task from the form, and shows the API\'s refusal for one with nothing good received', { timeout: TEST_TIMEOUT }, async () => {
    const s = await setup(target, { bins: [['RCV-1', 'receiving'], ['S-01', 'storage'], ['S-02', 'storage']] });
    const good = await apiCall(target, 'POST', '/tasks/receive', { warehouse_id: s.wh.id, receiving_bin_id: s.bin['RCV-1'].id, asn: { ref: uniqueCode('ASN'), lines: [{ sku_id: s.sku.id, quantity: 10 }] } });
    await apiCall(target, 'POST', `/tasks/${good.id}/receipts`, { line_no: 1, lot_number: `G${Date.now().toString(36).slice(-6).toUpperCase()}`, expiry_date: isoIn(400), quantity: 10 });
    const bad = await apiCall(target, 'POST', '/tasks/receive', { warehouse_id: s.wh.id, receiving_bin_id: s.bin['RCV-1'].id, asn: { ref: uniqueCode('ASN'), lines: [{ sku_id: s.sku.id, quantity: 5 }] } });
    await apiCall(target, 'POST', `/tasks/${bad.id}/receipts`, { line_no: 1, lot_number: `D${Date.now().toString(36).slice(-6).toUpperCase()}`, expiry_date: isoIn(400), quantity: 5, condition: 'damaged', reason: 'crushed' });
    await withPage('new-putaway', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse');
      const form = await openNewTask(page, 'putaway', s.wh.code);
      await chooseCode(form, 'new-task-receive-task', bad.code);
      await form.getByTestId('new-task-submit').click();
      await form.locator('[data-testid="new-task-message"][data-kind="error"]').waitFor();
      const shown = `${await form.getByTestId('field-error-receive_task_id').textContent()} ${await form.getByTestId('new-task-message').textContent()}`;
      assert.ok(shown.replace(/Fix the marked fields\.?/i, '').trim().length > 10, `the server's reason is shown: ${shown}`);
      assert.match(page.url(), /#\/warehouse$/);

      await chooseCode(form, 'new-task-receive-task', good.code);
      await form.getByTestId('new-task-submit').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      await page.locator('[data-testid="task-kind"][data-value="putaway"]').waitFor();
      assert.deepEqual(await rowsOf(page, 'task-line', ['expected']), [{ expected: '10' }]);

      // Progress from the office: 4 of the 10 into another bin than suggested, then close with every line done.
      const progress = page.getByTestId('progress-form');
      assert.equal(await progress.getByTestId('progress-qty').inputValue(), '10', 'the open quantity is proposed');
      assert.equal(await progress.getByTestId('progress-to-bin').inputValue(), '', 'the suggested bin unless another is chosen');
      await progress.getByTestId('progress-qty').fill('4');
      await chooseCode(progress, 'progress-to-bin', 'S-02');
      await progress.getByTestId('progress-submit').click();
      await page.locator('[data-testid="task-message"][data-kind="ok"]').waitFor();
      await page.locator('[data-testid="task-line"][data-done="4"]').waitFor();
      await page.getByTestId('task-close-complete').click();
      await page.locator('[data-testid="task-state"][data-value="done"]').waitFor();
      assert.equal(await page.getByTestId('progress-form').count(), 0, 'a closed task takes no progress');
    });
    const stock = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
    const onHand = (bin) => stock.items.filter((b) => b.bin_id === s.bin[bin].id).reduce((n, b) => n + b.on_hand, 0);
    assert.ok(onHand('S-02') >= 4, 'the four went to the bin chosen');
    if (!target.mock) {
      // The mock's close does not complete lines; the server moves the rest at close.
      assert.equal(onHand('S-01') + onHand('S-02'), 10, 'all ten put away');
      assert.equal(stock.items.filter((b) => b.bin_id === s.bin['RCV-1'].id && b.state === 'available').length, 0, 'nothing good left in receiving');
    }
  });

  it('moves stock between bins from the form: the same bin twice is refused before sending, the API\'s refusal beside the lines', { timeout: TEST_TIMEOUT }, async () => {
    const s = await setup(target, {
      bins: [['S-01', 'storage'], ['S-02', 'storage']],
      lots: [{ key: 'MV', days: 300 }],
      stock: [{ lot: 'MV', bin: 'S-01', quantity: 9 }],
    });
    await withPage('new-move', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse');
      const form = await openNewTask(page, 'move', s.wh.code);
      const line = form.getByTestId('new-task-move').getByTestId('new-task-line').first();
      await pickRecord(line, 'line-sku', s.sku.code);
      await chooseCode(line, 'line-lot', s.lot.MV.lot_number);
      await chooseCode(line, 'line-from', 'S-01');
      await chooseCode(line, 'line-to', 'S-01');
      await line.getByTestId('line-qty').fill('3');
      await form.getByTestId('new-task-submit').click();
      await form.getByTestId('field-error-lines').waitFor({ state: 'visible' });
      assert.match(page.url(), /#\/warehouse$/);
      await chooseCode(line, 'line-to', 'S-02');
      if (!target.mock) {
        // More than the bin holds: the server refuses and names the lines.
        await line.getByTestId('line-qty').fill('50');
        await form.getByTestId('new-task-submit').click();
        await form.getByTestId('field-error-lines').waitFor({ state: 'visible' });
        assert.match(await form.getByTestId('field-error-lines').textContent(), /9/);
        await line.getByTestId('line-qty').fill('3');
      }
      await form.getByTestId('new-task-submit').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      await page.locator('[data-testid="task-kind"][data-value="move"]').waitFor();
      const task = await apiCall(target, 'GET', `/tasks/${taskIdOf(page)}`);
      assert.deepEqual(task.lines.map((l) => [l.from_bin, l.to_bin, l.lot_id, l.expected_qty]), [[s.bin['S-01'].id, s.bin['S-02'].id, s.lot.MV.id, 3]]);
      await page.getByTestId('progress-submit').click();
      await page.locator('[data-testid="task-line"][data-done="3"]').waitFor();
      await page.getByTestId('task-close').click();
      await page.locator('[data-testid="task-state"][data-value="done"]').waitFor();
    });
    const stock = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}`);
    const byBin = Object.fromEntries(stock.items.map((b) => [b.bin_id, b.on_hand]));
    assert.equal(byBin[s.bin['S-01'].id], 6);
    assert.equal(byBin[s.bin['S-02'].id], 3);
  });

  it('picks two orders as a wave, packs one order into two parcels with their SSCCs, ships one, and pages the parcels list', { timeout: TEST_TIMEOUT }, async () => {
    const s = await setup(target, {
      bins: [['S-01', 'storage'], ['OUT-1', 'shipping']],
      lots: [{ key: 'PK', days: 200 }],
      stock: [{ lot: 'PK', bin: 'S-01', quantity: 20 }],
    });
    const orderA = uniqueCode('E2E-ORDA');
    const orderB = uniqueCode('E2E-ORDB');
    const resA = await apiCall(target, 'POST', '/reservations', { warehouse_id: s.wh.id, sku_id: s.sku.id, owner: 'own', quantity: 4, order_ref: orderA });
    const resB = await apiCall(target, 'POST', '/reservations', { warehouse_id: s.wh.id, sku_id: s.sku.id, owner: 'own', quantity: 2, order_ref: orderB });
    const carrier = await apiCall(target, 'POST', '/carriers', target.mock
      ? { code: uniqueCode('E2E-CX'), name: 'E2E express' }
      : { code: uniqueCode('E2E-CX'), name: 'E2E express', kind: 'international_express', country: 'CN' });

    await withPage('pick-pack-ship', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse');
      const form = await openNewTask(page, 'pick', s.wh.code);
      await ready(page, 'new-task-reservations');
      // The only shipping bin is proposed as the staging bin.
      await page.waitForFunction(() => document.querySelector('[data-testid="new-task-staging-bin"]')?.selectedOptions[0]?.getAttribute('data-code') === 'OUT-1');
      await form.getByTestId('new-task-submit').click();
      await form.getByTestId('field-error-reservation_ids').waitFor({ state: 'visible' });
      await form.locator(`[data-testid="new-task-reservation"][value="${resA.id}"]`).check();
      await form.locator(`[data-testid="new-task-reservation"][value="${resB.id}"]`).check();
      await form.getByTestId('new-task-submit').click();
      await page.waitForURL(/#\/warehouse\/tasks\/\d+$/);
      await page.locator('[data-testid="task-kind"][data-value="pick"]').waitFor();
      const taskId = taskIdOf(page);
      const task = await apiCall(target, 'GET', `/tasks/${taskId}`);
      assert.equal(task.ref_type, 'wave');
      assert.equal(task.lines.length, 2);

      // Pick both lines from the office.
      for (const l of task.lines) {
        await page.getByTestId('progress-line').selectOption(String(l.line_no));
        await page.getByTestId('progress-submit').click();
        await page.locator(`[data-testid="task-line"][data-line="${l.line_no}"][data-done="${l.expected_qty}"]`).waitFor();
        await ready(page, 'task-body');
      }
      await page.getByTestId('task-close').click();
      await page.locator('[data-testid="task-state"][data-value="done"]').waitFor();

      // Pack order A in two parcels: 3, then 1.
      const pack = page.getByTestId('pack-form');
      await ready(page, 'task-parcels');
      await pack.getByTestId('pack-order').selectOption(orderA);
      assert.equal(await pack.getByTestId('pack-line').count(), 1, 'only the lines of the chosen order');
      assert.equal(await pack.getByTestId('pack-qty').inputValue(), '4');
      await pack.getByTestId('pack-qty').fill('3');
      await pack.getByTestId('pack-weight').fill('450');
      await pack.getByTestId('pack-submit').click();
      await page.locator('[data-testid="pack-message"][data-kind="ok"]').waitFor();
      const first = await page.getByTestId('packed-sscc').getAttribute('data-value');
      assert.match(first, /^\d{18}$/, 'an SSCC of 18 digits');
      await ready(page, 'task-parcels');
      assert.deepEqual(await rowsOf(page, 'parcel-row', ['sscc', 'state']), [{ sscc: first, state: 'packed' }]);

      // More than is left picked and unpacked in the bin (6 picked for both orders, 3 packed): the server refuses.
      await pack.getByTestId('pack-qty').fill('4');
      await pack.getByTestId('pack-submit').click();
      await page.locator('[data-testid="pack-message"][data-kind="error"]').waitFor();
      assert.equal(await page.getByTestId('packed-sscc').isVisible(), false);

      await pack.getByTestId('pack-qty').fill('1');
      await pack.getByTestId('pack-submit').click();
      await page.locator('[data-testid="pack-message"][data-kind="ok"]').waitFor();
      const second = await page.getByTestId('packed-sscc').getAttribute('data-value');
      assert.match(second, /^\d{18}$/);
      assert.notEqual(second, first);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="parcel-row"]').length === 2);
      await screenshot(page, 'pick-packed');

      // Hand the first parcel over: a carrier is needed.
      await page.getByTestId('packed-sscc-link').click(); // the last one packed
      await page.getByTestId('page-parcel-detail').waitFor();
      await ready(page, 'parcel-body');
      assert.equal(await page.locator('[data-testid="parcel-sscc"] [data-value]').getAttribute('data-value'), second);
      assert.deepEqual(await rowsOf(page, 'parcel-line', ['quantity', 'lot-id']), [{ quantity: '1', 'lot-id': String(s.lot.PK.id) }]);
      const ship = page.getByTestId('ship-form');
      await ship.getByTestId('ship-submit').click();
      await ship.getByTestId('field-error-carrier_id').waitFor({ state: 'visible' });
      await chooseCode(ship, 'ship-carrier', carrier.code);
      await ship.getByTestId('ship-waybill').fill('WB-E2E-1');
      await ship.getByTestId('ship-submit').click();
      await page.locator('[data-testid="parcel-state"][data-value="shipped"]').waitFor();
      await page.locator('[data-testid="parcel-message"][data-kind="ok"]').waitFor();
      assert.equal(await page.getByTestId('ship-form').count(), 0, 'a shipped parcel is not shipped again');
      assert.equal(await page.getByTestId('parcel-waybill').textContent(), 'WB-E2E-1');
      await screenshot(page, 'parcel-shipped');

      // The parcels list: order A's two parcels, one a page, newest first.
      await page.goto(`${target.baseUrl}/#/warehouse/parcels?warehouse_id=${s.wh.id}&order_ref=${orderA}&limit=1`);
      await ready(page, 'parcels-body');
      assert.deepEqual(await rowsOf(page, 'parcel-row', ['sscc', 'state']), [{ sscc: second, state: 'shipped' }]);
      assert.equal(await page.getByTestId('list-total').getAttribute('data-total'), '2');
      await page.getByTestId('page-next').click();
      await page.waitForURL(/offset=1/);
      await ready(page, 'parcels-body');
      assert.deepEqual(await rowsOf(page, 'parcel-row', ['sscc', 'state']), [{ sscc: first, state: 'packed' }]);
      assert.equal(await page.getByTestId('page-next').isDisabled(), true);
      // The state filter.
      await page.goto(`${target.baseUrl}/#/warehouse/parcels?warehouse_id=${s.wh.id}&state=shipped`);
      await ready(page, 'parcels-body');
      assert.deepEqual((await rowsOf(page, 'parcel-row', ['sscc'])).map((r) => r.sscc), [second]);
    });
    // One unit left the warehouse; the rest stays picked in the staging bin.
    const picked = await apiCall(target, 'GET', `/stock?warehouse_id=${s.wh.id}&sku_id=${s.sku.id}&state=picked`);
    assert.deepEqual(picked.items.map((b) => [b.bin_id, b.on_hand]), [[s.bin['OUT-1'].id, 5]]);
  });

  it('keeps the new-task form, a task with its progress and pack forms, and the parcels list inside a phone-sized viewport', { timeout: TEST_TIMEOUT }, async () => {
    const s = await setup(target, {
      bins: [['S-01', 'storage'], ['OUT-1', 'shipping']],
      lots: [{ key: 'PH', days: 200 }],
      stock: [{ lot: 'PH', bin: 'S-01', quantity: 5 }],
    });
    const res = await apiCall(target, 'POST', '/reservations', { warehouse_id: s.wh.id, sku_id: s.sku.id, owner: 'own', quantity: 2, order_ref: uniqueCode('E2E-ORDP') });
    const task = await apiCall(target, 'POST', '/tasks/pick', { warehouse_id: s.wh.id, staging_bin_id: s.bin['OUT-1'].id, reservation_ids: [res.id] });
    await apiCall(target, 'POST', `/tasks/${task.id}/progress`, { line_no: 1, quantity: 1 });
    await withPage('phone-floor', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/warehouse');
      await openNewTask(page, 'move', s.wh.code);
      assert.ok((await overflow(page)) <= 0, 'new task (move)');
      await page.goto(`${target.baseUrl}/#/warehouse/tasks/${task.id}`);
      await ready(page, 'task-body');
      await page.getByTestId('progress-form').waitFor();
      await page.getByTestId('pack-form').waitFor();
      assert.ok((await overflow(page)) <= 0, 'pick task');
      await screenshot(page, 'phone-pick-task', { fullPage: false });
      await page.goto(`${target.baseUrl}/#/warehouse/parcels`);
      await ready(page, 'parcels-body');
      assert.ok((await overflow(page)) <= 0, 'parcels');
    }, PHONE);
  });
});
