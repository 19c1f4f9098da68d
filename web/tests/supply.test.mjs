// Browser tests of the supplier-evaluation and procurement pages (node --test + playwright-core +
// Debian chromium). Same set-up as console.test.mjs: XB_BASE_URL + XB_API_KEY for a running
// server, otherwise tests/mock-server.mjs. Suppliers, warehouses and SKUs are created through the
// API first, so the tests also run against an empty real server.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiCall, launchBrowser, newPage, pickRecord, screenshot, signIn, startTarget, uniqueCode, uniquePeriod, validSku,
} from './harness.mjs';

const TEST_TIMEOUT = 120_000;
const DEFAULT_BANDS = [
  { name: 'preferred', min_score: 70, consequence: 'none' },
  { name: 'approved', min_score: 50, consequence: 'none' },
  { name: 'watch', min_score: 30, consequence: 'warn' },
  { name: 'blocked', min_score: 0, consequence: 'block' },
];

/** Saaty-scale text of a ratio p_i / p_j that is on the scale (1/9..9). */
function judgement(ratio) {
  return ratio >= 1 ? String(Math.round(ratio)) : `1/${Math.round(1 / ratio)}`;
}

describe('supplier evaluation and procurement pages', { timeout: 15 * 60_000 }, () => {
  let target;
  let browser;
  let originalBands;
  // Shared by the evaluation tests, which run in order.
  const run = { period: uniquePeriod(), suppliers: {}, treeId: null };

  before(async () => {
    target = await startTarget();
    browser = await launchBrowser();
    // Known bands for the test; the tenant's own are put back at the end.
    originalBands = (await apiCall(target, 'GET', '/evaluation/bands')).bands;
    await apiCall(target, 'PUT', '/evaluation/bands', { bands: DEFAULT_BANDS });
    for (const key of ['A', 'B', 'C']) {
      const code = uniqueCode(`E2E-SUP${key}`);
      run.suppliers[key] = await apiCall(target, 'POST', '/suppliers', {
        code, name: `E2E supplier ${key} ${code}`, kind: 'manufacturer', country: 'DE', currency: 'EUR',
      });
    }
  });

  after(async () => {
    if (target && originalBands) await apiCall(target, 'PUT', '/evaluation/bands', { bands: originalBands }).catch(() => {});
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

  it('builds a tree from the template, derives weights by AHP, activates it and ranks two suppliers', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('evaluation-flow', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/evaluation');
      await page.getByTestId('page-eval-trees').waitFor();

      // --- a draft from the template ---------------------------------------------------------
      const treeName = `E2E tree ${uniqueCode('T')}`;
      await page.getByTestId('tree-create-name').fill(treeName);
      await page.getByTestId('tree-create-from').selectOption('template');
      await page.getByTestId('tree-create-submit').click();
      await page.waitForURL(/#\/evaluation\/trees\/\d+$/);
      run.treeId = Number(page.url().match(/trees\/(\d+)$/)[1]);
      await page.getByTestId('tree-grid').waitFor();
      assert.equal(await page.getByTestId('tree-status').getAttribute('data-value'), 'draft');
      const groups = page.getByTestId('indicator-group');
      assert.equal(await groups.count(), 6, 'the template has six first-level indicators');
      const codes = await groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      assert.equal(await page.getByTestId('sum-root').getAttribute('data-ok'), 'true');

      // --- weights that do not sum to 1 are refused, the error beside the indicator ----------
      const group = codes[0];
      const firstChild = await page.locator(`[data-testid="indicator-row"][data-parent="${group}"]`).first().getAttribute('data-code');
      const childWeight = await page.getByTestId(`weight-${firstChild}`).inputValue();
      await page.getByTestId(`weight-${firstChild}`).fill('0.95');
      assert.equal(await page.getByTestId(`sum-${group}`).getAttribute('data-ok'), 'false', 'the group sum turns red at once');
      await page.getByTestId('tree-save').click();
      const groupError = page.getByTestId(`field-error-${group}`);
      await groupError.waitFor({ state: 'visible' });
      assert.notEqual((await groupError.textContent()).trim(), '');
      assert.equal(await page.locator(`[data-field="${group}"] [data-testid="field-error-${group}"]`).count(), 1, 'shown in the indicator\'s row');
      await page.getByTestId(`weight-${firstChild}`).fill(childWeight);
      const rootWeight = await page.getByTestId(`weight-${group}`).inputValue();
      await page.getByTestId(`weight-${group}`).fill('0.5');
      await page.getByTestId('tree-save').click();
      await page.getByTestId('field-error-indicators').waitFor({ state: 'visible' });
      assert.equal(await groupError.isVisible(), false, 'the earlier error is cleared');
      await screenshot(page, 'tree-weight-error');
      await page.getByTestId(`weight-${group}`).fill(rootWeight);
      await page.getByTestId('tree-save').click();
      await page.locator('[data-testid="tree-message"][data-kind="ok"]').waitFor();

      // --- AHP for the first level: live CR, an inconsistent matrix first ----------------------
      await page.getByTestId('ahp-open-root').click();
      await page.getByTestId('page-eval-ahp').waitFor();
      await ready(page, 'ahp-result');
      assert.equal(await page.getByTestId('ahp-grid').locator('select').count(), 15, '6 × 6 matrix: 15 judgements above the diagonal');
      await page.getByTestId('ahp-cell-0-1').selectOption('9');
      await page.getByTestId('ahp-cell-1-2').selectOption('9');
      await page.getByTestId('ahp-cell-0-2').selectOption('1/9');
      assert.equal((await page.getByTestId('ahp-recip-2-0').textContent()).trim(), '9', 'the lower triangle holds the reciprocal');
      await ready(page, 'ahp-result');
      assert.equal(await page.getByTestId('ahp-consistency').getAttribute('data-consistent'), 'false');
      assert.ok(Number(await page.getByTestId('ahp-cr').getAttribute('data-value')) > 0.10, 'CR above 0.10');
      assert.ok(await page.getByTestId('ahp-disagreement').count() >= 1, 'the worst comparisons are listed');
      assert.ok(await page.locator('.ahp-grid td.disagree').count() >= 2, 'and highlighted in the grid');
      await screenshot(page, 'ahp-inconsistent');
      // The server refuses to apply it and says which comparisons to revisit.
      await page.getByTestId('ahp-apply').click();
      await page.locator('[data-testid="ahp-apply-message"][data-kind="error"]').waitFor();
      assert.ok(await page.getByTestId('ahp-apply-message').getByTestId('ahp-disagreement').count() >= 1);

      // Consistent judgements: a_ij = p_i / p_j.
      const priorities = [4, 1, 2, 4, 1, 1];
      for (let i = 0; i < 6; i++) {
        for (let j = i + 1; j < 6; j++) await page.getByTestId(`ahp-cell-${i}-${j}`).selectOption(judgement(priorities[i] / priorities[j]));
      }
      await ready(page, 'ahp-result');
      assert.equal(await page.getByTestId('ahp-consistency').getAttribute('data-consistent'), 'true');
      const cr = Number(await page.getByTestId('ahp-cr').getAttribute('data-value'));
      assert.ok(cr <= 0.10, `CR ${cr} shown live is at most 0.10`);
      assert.equal(await page.getByTestId('ahp-disagreement').count(), 0);
      const preview = {};
      for (const [i, code] of codes.entries()) {
        preview[code] = Number(await page.getByTestId(`ahp-weight-${code}`).getAttribute('data-value'));
        assert.ok(Math.abs(preview[code] - priorities[i] / 13) < 1e-6, `${code}: ${preview[code]} ≈ ${priorities[i]}/13`);
      }
      await screenshot(page, 'ahp-consistent');

      await page.getByTestId('ahp-apply').click();
      await page.waitForURL(new RegExp(`#/evaluation/trees/${run.treeId}$`));
      await page.getByTestId('tree-grid').waitFor();
      await page.locator('[data-testid="tree-message"][data-kind="ok"]').waitFor();
      for (const code of codes) {
        const w = Number(await page.getByTestId(`weight-${code}`).getAttribute('data-value'));
        assert.ok(Math.abs(w - preview[code]) < 1e-9, `the tree's weight of ${code} (${w}) is the preview's (${preview[code]})`);
      }
      assert.equal(await page.getByTestId('sum-root').getAttribute('data-ok'), 'true');
      await page.locator('[data-testid="judgement-row"][data-node="root"]').waitFor();

      // --- activate ------------------------------------------------------------------------------
      await page.getByTestId('tree-activate').click();
      await page.locator('[data-testid="tree-status"][data-value="active"]').waitFor();
      await page.getByTestId('tree-readonly').waitFor();
      assert.equal(await page.getByTestId('tree-save').count(), 0, 'an active tree cannot be saved');
      await screenshot(page, 'tree-active');

      // --- scores for two suppliers --------------------------------------------------------------
      const tree = await apiCall(target, 'GET', `/evaluation/trees/${run.treeId}`);
      const subs = tree.indicators.flatMap((i) => i.children);
      // Every indicator normalised to the same value n gives the total n (weights sum to 1).
      const scoresFor = (n) => Object.fromEntries(subs.map((c) => {
        const span = c.scale_max - c.scale_min;
        const v = c.direction === 'lower_is_better' ? c.scale_max - span * n / 100 : c.scale_min + span * n / 100;
        return [c.code, v];
      }));
      run.expected = { A: 90, B: 60, C: 0 };

      await page.getByTestId('nav-supplier-evaluation').click();
      await page.getByTestId('tab-scores').click();
      await page.getByTestId('page-eval-scores').waitFor();
      const form = page.getByTestId('scores-form');
      await ready(page, 'scores-form');

      const enter = async (key, values) => {
        await pickRecord(page, 'score-supplier', run.suppliers[key].code);
        await page.getByTestId('score-period').fill(run.period);
        await page.getByTestId('score-period').press('Tab');
        await ready(page, 'scores-form');
        for (const [code, v] of Object.entries(values)) await form.getByTestId(`score-${code}`).fill(String(Number(v.toFixed(4))));
        await page.getByTestId('scores-submit').click();
      };

      // A score outside its scale is refused, the error beside that indicator.
      const bValues = scoresFor(run.expected.B);
      const bad = subs[0];
      await enter('B', { ...bValues, [bad.code]: bad.scale_max + 50 });
      const scoreError = page.getByTestId(`field-error-${bad.code}`);
      await scoreError.waitFor({ state: 'visible' });
      assert.equal(await page.locator(`[data-field="${bad.code}"] [data-testid="field-error-${bad.code}"]`).count(), 1);
      await screenshot(page, 'scores-field-error');
      await form.getByTestId(`score-${bad.code}`).fill(String(bValues[bad.code]));
      await page.getByTestId('scores-submit').click();
      await page.locator('[data-testid="scores-message"][data-kind="ok"]').waitFor();
      assert.ok(Math.abs(Number(await page.getByTestId('scorecard-total').getAttribute('data-value')) - run.expected.B) < 0.01);

      await enter('A', scoresFor(run.expected.A));
      await page.locator('[data-testid="scores-message"][data-kind="ok"]').waitFor();
      await page.waitForFunction((v) => Math.abs(Number(document.querySelector('[data-testid="scorecard-total"]')?.getAttribute('data-value')) - v) < 0.01, run.expected.A);
      assert.equal(await page.getByTestId('scorecard-band').getAttribute('data-value'), 'preferred');
      await screenshot(page, 'scores-saved');

      // --- the ranking lists both, best first, with contribution bars ---------------------------
      await page.getByTestId('scores-to-ranking').click();
      await page.getByTestId('page-eval-ranking').waitFor();
      await ready(page, 'ranking-body');
      const rows = page.getByTestId('ranking-row');
      const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      const ours = order.filter((c) => c === run.suppliers.A.code || c === run.suppliers.B.code);
      assert.deepEqual(ours, [run.suppliers.A.code, run.suppliers.B.code], 'A (90) ranks above B (60)');
      for (const [key, rank] of [['A', 1], ['B', 2]]) {
        const row = page.locator(`[data-testid="ranking-row"][data-code="${run.suppliers[key].code}"]`);
        assert.ok(Math.abs(Number(await row.getAttribute('data-total')) - run.expected[key]) < 0.01);
        assert.equal(await row.getAttribute('data-rank'), String(rank));
        assert.equal(await row.getAttribute('data-topsis-rank'), String(rank), 'A dominates B, so TOPSIS agrees');
        const segs = row.getByTestId('contrib-seg');
        assert.equal(await segs.count(), 6, 'one segment per first-level indicator');
        const values = await segs.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
        assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - run.expected[key]) < 0.01, 'the segments add up to the total');
        const widths = await segs.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
        assert.ok(widths.every((w) => w > 0), 'every segment is drawn');
        // Contributions follow the AHP weights: performance (4/13) outweighs financial (1/13).
        assert.ok(values[0] > values[1]);
      }
      await screenshot(page, 'ranking');

      // --- trend of A (ECharts line chart) over two periods --------------------------------------
      const [y, m] = run.period.split('-').map(Number);
      const earlier = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
      await apiCall(target, 'PUT', '/evaluation/scores', { supplier_id: run.suppliers.A.id, period: earlier, scores: scoresFor(75) });
      await page.locator(`[data-testid="ranking-row"][data-code="${run.suppliers.A.code}"] a`).first().click();
      await page.getByTestId('page-eval-trend').waitFor();
      await ready(page, 'trend-body');
      const points = await page.getByTestId('trend-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-period'), Number(e.getAttribute('data-total'))]));
      assert.deepEqual(points.map(([p]) => p), [earlier, run.period], 'periods in order');
      assert.ok(Math.abs(points[0][1] - 75) < 0.01 && Math.abs(points[1][1] - run.expected.A) < 0.01);
      await page.getByTestId('trend-chart').locator('svg path').first().waitFor({ state: 'attached' });
      await screenshot(page, 'trend');
    });
  });

  it('refuses a purchase order to a supplier whose band blocks and records the standing of one that is allowed', { timeout: TEST_TIMEOUT }, async (t) => {
    if (!run.treeId) { t.skip('needs the tree of the previous test'); return; }
    const wh = await apiCall(target, 'POST', '/warehouses', { code: uniqueCode('E2E-WH'), name: 'E2E bonded', kind: 'bonded', country: 'CN', operator: 'self' });
    const sku = await apiCall(target, 'POST', '/skus', (() => {
      const s = validSku(uniqueCode('E2E-SKU'));
      return { ...s, legal_quantity: 30, weight_g: 120, length_mm: 40, width_mm: 40, height_mm: 110, shelf_life_days: 1095 };
    })());
    // C scores the minimum everywhere: total 0, band "blocked".
    const tree = await apiCall(target, 'GET', `/evaluation/trees/${run.treeId}`);
    const worst = Object.fromEntries(tree.indicators.flatMap((i) => i.children).map((c) => [c.code, c.direction === 'lower_is_better' ? c.scale_max : c.scale_min]));
    const card = await apiCall(target, 'PUT', '/evaluation/scores', { supplier_id: run.suppliers.C.id, period: run.period, scores: worst });
    assert.equal(card.consequence, 'block');

    await withPage('po-block', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/procurement/orders/new');
      await page.getByTestId('page-po-new').waitFor();
      const fillOrder = async (key, code) => {
        await page.getByTestId('field-code').fill(code);
        await pickRecord(page, 'field-supplier_id', run.suppliers[key].code);
        await pickRecord(page, 'field-warehouse_id', wh.code);
        await page.getByTestId('field-transport_mode').selectOption('air');
        // No price list here gives a lead time, so the order states when it is expected.
        await page.getByTestId('field-expected_date').fill('2099-12-31');
        const line = page.getByTestId('po-line').first();
        await pickRecord(line, 'line-sku', sku.code);
        await line.getByTestId('line-quantity').fill('10');
        await line.getByTestId('line-price').fill('8.40');
      };
      await fillOrder('C', uniqueCode('E2E-PO-C'));
      assert.equal(await page.getByTestId('field-currency').inputValue(), 'EUR', 'the currency comes from the supplier');
      await page.getByTestId('form-submit').click();
      const blocked = page.getByTestId('po-blocked');
      await blocked.waitFor();
      assert.notEqual((await blocked.textContent()).trim(), '');
      assert.equal(await page.getByTestId('po-created').count(), 0);
      await screenshot(page, 'po-blocked');

      // B is "approved": the order is created and keeps B's standing.
      await fillOrder('B', uniqueCode('E2E-PO-B'));
      await page.getByTestId('form-submit').click();
      await page.getByTestId('po-created').waitFor();
      assert.equal(await page.getByTestId('po-blocked').count(), 0);
      assert.equal(await page.getByTestId('at-order-band').getAttribute('data-value'), 'approved');
      assert.match(await page.getByTestId('at-order-score').textContent(), /60/);
      await screenshot(page, 'po-standing');
    });
  });

  it('creates a price, then a purchase order that is confirmed and received in two receipts', { timeout: TEST_TIMEOUT }, async () => {
    const supplier = await apiCall(target, 'POST', '/suppliers', {
      code: uniqueCode('E2E-POSUP'), name: 'E2E procurement supplier', kind: 'manufacturer', country: 'DE', currency: 'EUR',
    });
    const wh = await apiCall(target, 'POST', '/warehouses', { code: uniqueCode('E2E-WH'), name: 'E2E bonded', kind: 'bonded', country: 'CN', operator: 'self' });
    const skuBody = validSku(uniqueCode('E2E-SKU'));
    const sku = await apiCall(target, 'POST', '/skus', { ...skuBody, legal_quantity: 30, weight_g: 120, length_mm: 40, width_mm: 40, height_mm: 110, shelf_life_days: 1095 });

    await withPage('po-flow', async (page) => {
      // --- price list -----------------------------------------------------------------------------
      await signIn(page, target.baseUrl, target.apiKey, '#/procurement/prices');
      await page.getByTestId('page-prices').waitFor();
      const pform = page.getByTestId('price-form');
      await pickRecord(pform, 'field-supplier_id', supplier.code);
      await pickRecord(pform, 'field-sku_id', sku.code);
      assert.equal(await pform.getByTestId('field-currency').inputValue(), 'EUR');
      await pform.getByTestId('field-unit_price').fill('12.50');
      await pform.getByTestId('field-min_order_qty').fill('100');
      await pform.getByTestId('field-lead-sea').fill('35');
      await pform.getByTestId('field-lead-air').fill('7');
      await pform.getByTestId('form-submit').click();
      await pform.locator('[data-testid="form-message"][data-kind="ok"]').waitFor();
      const priceRow = page.locator(`[data-testid="price-row"][data-supplier-id="${supplier.id}"]`);
      await priceRow.waitFor();
      assert.match(await priceRow.getByTestId('price-unit').textContent(), /12\.50/);

      // --- purchase order ---------------------------------------------------------------------------
      await page.getByTestId('tab-orders').click();
      await page.getByTestId('page-po-list').waitFor();
      await page.getByTestId('po-new').click();
      await page.getByTestId('page-po-new').waitFor();
      // Missing fields are marked before anything is sent.
      await page.getByTestId('form-submit').click();
      await page.getByTestId('field-error-code').waitFor({ state: 'visible' });
      await page.getByTestId('field-error-supplier_id').waitFor({ state: 'visible' });

      const code = uniqueCode('E2E-PO');
      await page.getByTestId('field-code').fill(code);
      await pickRecord(page, 'field-supplier_id', supplier.code);
      await pickRecord(page, 'field-warehouse_id', wh.code);
      await page.getByTestId('field-transport_mode').selectOption('sea');
      const line = page.getByTestId('po-line').first();
      await pickRecord(line, 'line-sku', sku.code);
      await line.getByTestId('line-quantity').fill('60');
      await page.waitForFunction(() => /12\.5/.test(document.querySelector('[data-testid="line-quote"]')?.textContent ?? ''));
      await page.getByTestId('form-submit').click();
      await page.getByTestId('po-created').waitFor();
      await page.getByTestId('at-order-none').waitFor(); // a new supplier has no score yet
      if (target.mock) {
        // 60 is below the price list's minimum order quantity of 100.
        assert.match(await page.getByTestId('po-warnings').textContent(), /minimum order quantity/);
      }
      await screenshot(page, 'po-created');

      // The same PO number again: the server's error sits beside the code field.
      await page.getByTestId('po-another').click();
      await page.getByTestId('field-code').fill(code);
      await pickRecord(page, 'field-supplier_id', supplier.code);
      await pickRecord(page, 'field-warehouse_id', wh.code);
      await pickRecord(page.getByTestId('po-line').first(), 'line-sku', sku.code);
      await page.getByTestId('po-line').first().getByTestId('line-quantity').fill('60');
      await page.getByTestId('form-submit').click();
      await page.getByTestId('field-error-code').waitFor({ state: 'visible' });

      // --- detail: confirm, receive partly, receive the rest ----------------------------------------
      await page.getByTestId('nav-procurement').click();
      await page.getByTestId('page-po-list').waitFor();
      await pickRecord(page, 'filter-supplier', supplier.code);
      await page.waitForURL(new RegExp(`supplier_id=${supplier.id}`));
      await ready(page, 'po-body');
      const poRow = page.locator(`[data-testid="po-row"][data-code="${code}"]`);
      await poRow.waitFor();
      assert.equal(await page.getByTestId('po-row').count(), 1, 'the filter keeps only this supplier\'s order');
      await poRow.getByTestId('row-link').click();
      await page.getByTestId('page-po-detail').waitFor();
      await page.locator('[data-testid="po-status"][data-value="draft"]').waitFor();
      const lineRow = page.locator('[data-testid="po-line-row"][data-line="1"]');
      assert.match(await lineRow.textContent(), /12\.50/, 'the price comes from the price list');
      assert.equal(await page.getByTestId('receive-form').count(), 0, 'a draft cannot be received');

      await page.getByTestId('po-confirm').click();
      await page.locator('[data-testid="po-status"][data-value="confirmed"]').waitFor();
      const rform = page.getByTestId('receive-form');
      const rrow = rform.locator('[data-testid="receive-row"][data-line="1"]');
      await rrow.getByTestId('receive-received').fill('40');
      await rrow.getByTestId('receive-rejected').fill('2');
      assert.equal(await rrow.getByTestId('receive-accepted').inputValue(), '38', 'accepted follows received − rejected');
      // Rejects need a reason.
      await rform.getByTestId('receive-submit').click();
      await rrow.getByTestId('receive-line-error').waitFor({ state: 'visible' });
      await rrow.getByTestId('receive-reason').fill('Crushed cartons');
      await rform.getByTestId('receive-submit').click();
      await page.locator('[data-testid="po-status"][data-value="partly_received"]').waitFor();
      assert.equal(await lineRow.getAttribute('data-received'), '40');
      assert.equal(await lineRow.getAttribute('data-accepted'), '38');
      assert.equal(await lineRow.getAttribute('data-rejected'), '2');
      assert.equal(await page.getByTestId('receipt').count(), 1);

      const rest = page.getByTestId('receive-form').locator('[data-testid="receive-row"][data-line="1"]');
      assert.equal(await rest.getByTestId('receive-received').inputValue(), '20', 'the open quantity is proposed');
      await page.getByTestId('receive-submit').click();
      await page.locator('[data-testid="po-status"][data-value="received"]').waitFor();
      assert.equal(await lineRow.getAttribute('data-received'), '60');
      assert.equal(await page.getByTestId('receipt').count(), 2);
      assert.equal(await page.getByTestId('receive-form').count(), 0, 'nothing left to receive');
      assert.equal(await page.getByTestId('po-cancel').count(), 0, 'a received order cannot be cancelled');
      await screenshot(page, 'po-received');

      // --- the spend shows on the risk page ---------------------------------------------------------
      await page.getByTestId('nav-supplier-evaluation').click();
      await page.getByTestId('tab-risk').click();
      await ready(page, 'risk-body');
      const cat = page.locator(`[data-testid="risk-category"][data-category="${skuBody.category}"]`).first();
      await cat.waitFor();
      await cat.locator(`[data-testid="risk-supplier"][data-code="${supplier.code}"]`).waitFor();
      await screenshot(page, 'risk');
    });
  });

  it('edits the score bands and shows the server\'s error for overlapping ones', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('bands', async (page) => {
      await signIn(page, target.baseUrl, target.apiKey, '#/evaluation/bands');
      await page.getByTestId('bands-table').waitFor();
      const rows = page.getByTestId('band-row');
      assert.equal(await rows.count(), 4);
      // Two bands starting at the same score are refused.
      await rows.nth(1).getByTestId('band-min').fill('70');
      await page.getByTestId('bands-save').click();
      await page.getByTestId('field-error-bands').waitFor({ state: 'visible' });
      await screenshot(page, 'bands-error');
      await rows.nth(1).getByTestId('band-min').fill('55');
      await page.getByTestId('bands-save').click();
      await page.locator('[data-testid="bands-message"][data-kind="ok"]').waitFor();
      const saved = (await apiCall(target, 'GET', '/evaluation/bands')).bands;
      assert.ok(saved.some((b) => b.name === 'approved' && b.min_score === 55));
    });
    await apiCall(target, 'PUT', '/evaluation/bands', { bands: DEFAULT_BANDS });
  });

  it('keeps the evaluation and procurement pages inside a phone-sized viewport', { timeout: TEST_TIMEOUT }, async () => {
    await withPage('phone-supply', async (page) => {
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await signIn(page, target.baseUrl, target.apiKey, '#/evaluation');
      await ready(page, 'trees-body');
      assert.ok((await overflow()) <= 0, 'tree versions');
      await screenshot(page, 'phone-trees', { fullPage: false });

      const treeId = run.treeId ?? (await apiCall(target, 'POST', '/evaluation/trees', { name: 'E2E phone', from: 'template' })).id;
      await page.goto(`${target.baseUrl}/#/evaluation/trees/${treeId}`);
      await page.getByTestId('tree-grid').waitFor();
      assert.ok((await overflow()) <= 0, 'tree editor');
      await screenshot(page, 'phone-tree', { fullPage: false });

      await page.goto(`${target.baseUrl}/#/evaluation/trees/${treeId}/ahp/root`);
      await ready(page, 'ahp-result');
      assert.ok((await overflow()) <= 0, 'AHP editor (the matrix scrolls inside its box)');
      await screenshot(page, 'phone-ahp', { fullPage: false });

      await page.goto(`${target.baseUrl}/#/evaluation/ranking?period=${run.period}`);
      await ready(page, 'ranking-body');
      assert.ok((await overflow()) <= 0, 'ranking');
      await screenshot(page, 'phone-ranking');

      await page.goto(`${target.baseUrl}/#/procurement/orders/new`);
      await page.getByTestId('po-form').waitFor();
      assert.ok((await overflow()) <= 0, 'new purchase order');
      await screenshot(page, 'phone-po-new', { fullPage: false });

      await page.goto(`${target.baseUrl}/#/procurement`);
      await ready(page, 'po-body');
      assert.ok((await overflow()) <= 0, 'purchase orders');
      const first = page.getByTestId('po-row').first();
      if (await first.count()) {
        await first.getByTestId('row-link').click();
        await page.getByTestId('po-lines-table').waitFor();
        assert.ok((await overflow()) <= 0, 'purchase order detail');
        await screenshot(page, 'phone-po-detail');
      }
      // The section tabs follow the language.
      await page.getByTestId('lang-switch').selectOption('zh');
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-prices"]')?.textContent === '价格表');
      assert.ok((await overflow()) <= 0, 'Chinese labels fit too');
      await screenshot(page, 'phone-zh', { fullPage: false });
      await page.getByTestId('lang-switch').selectOption('en');
    }, { width: 390, height: 844 });
  });
});
