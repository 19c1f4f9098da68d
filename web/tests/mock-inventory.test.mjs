// The inventory mock must behave like the server in what the browser tests rely on: GS1 parsing
// (the vectors of src/domain/warehouse/gs1_test.cpp it supports), reservations that never exceed
// what is reservable, FEFO, device events applied once with the first answer repeated, and
// counts that ask for a recount and post the difference at close.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gs1Error, parseGs1 } from './mock-inventory.mjs';
import { startMockServer } from './mock-server.mjs';

const TODAY = '2026-03-15';

describe('mock GS1 parsing', () => {
  it('reads the parenthesised form', () => {
    const s = parseGs1('(01)09506000134352(17)261231(10)ABC123', TODAY);
    assert.equal(s.gtin, '09506000134352');
    assert.equal(s.expiry_date, '2026-12-31');
    assert.equal(s.lot, 'ABC123');
    assert.equal(s.sscc, null);
    assert.equal(s.quantity, null);
  });

  it('reads the raw form with group separators, with or without a symbology identifier', () => {
    const body = '0109506000134352' + '10ABC123\x1d' + '17261231' + '3025';
    for (const id of ['', ']C1', ']d2', ']Q3', ']e0']) {
      const s = parseGs1(id + body, TODAY);
      assert.deepEqual([s.gtin, s.lot, s.expiry_date, s.quantity], ['09506000134352', 'ABC123', '2026-12-31', 25], id);
    }
    const t = parseGs1(']d2\x1d' + '0109506000134352\x1d' + '21SN-9', TODAY);
    assert.deepEqual([t.gtin, t.serial], ['09506000134352', 'SN-9']);
  });

  it('lets a lot hold parentheses and pads plain GTINs to 14 digits', () => {
    const s = parseGs1('(10)A(1)B(17)261231', TODAY);
    assert.deepEqual([s.lot, s.expiry_date], ['A(1)B', '2026-12-31']);
    assert.equal(parseGs1('4006381333931', TODAY).gtin, '04006381333931');
    assert.equal(parseGs1('96385074', TODAY).gtin, '00000096385074');
    assert.equal(parseGs1('036000291452', TODAY).gtin, '00036000291452');
    assert.equal(parseGs1(']E04006381333931', TODAY).gtin, '04006381333931');
  });

  it('takes day 00 as the last day of the month and the century from the sliding window', () => {
    assert.equal(parseGs1('(17)280200', TODAY).expiry_date, '2028-02-29');
    assert.equal(parseGs1('(17)270200', TODAY).expiry_date, '2027-02-28');
    assert.equal(parseGs1('(11)760101', TODAY).production_date, '2076-01-01');
    assert.equal(parseGs1('(11)770101', TODAY).production_date, '1977-01-01');
    assert.equal(parseGs1('(17)450101', '2095-06-01').expiry_date, '2145-01-01');
    assert.equal(parseGs1('(17)460101', '2095-06-01').expiry_date, '2046-01-01');
  });

  it('refuses malformed scans', () => {
    for (const text of ['', '(99)123', '(01)0950600013435(17)261231', '(01)09506000134353', '(17)261301', '(17)260230',
      '(10)' + 'A'.repeat(21), '(10)AB C', '(17)261231(17)261231', '(30)5(37)6', ']C1', ']A0123', 'hello', '01095060001343',
      '0109506000134352xyz']) {
      assert.throws(() => parseGs1(text, TODAY), Gs1Error, JSON.stringify(text));
    }
  });
});

describe('mock stock, reservations, device events and counts', () => {
  let srv;
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(`${srv.url}/api/v1${path}`, {
      method, headers: { Authorization: `Bearer ${srv.adminKey}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, replay: res.headers.get('idempotent-replay') ?? res.headers.get('idempotent-replayed'), body: await res.json() };
  };
  const ok = async (...args) => {
    const r = await call(...args);
    assert.ok(r.status < 300, `${args[0]} ${args[1]} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  let wh;
  let bin;
  let staging;
  let sku;
  let soon;
  let late;
  const stockOf = async (state = 'available') => (await ok('GET', `/stock?warehouse_id=${wh.id}&sku_id=${sku.id}&state=${state}`)).items;

  before(async () => {
    srv = await startMockServer({ seedData: false });
    wh = await ok('POST', '/warehouses', { code: 'T-WH', name: 'Test', kind: 'bonded', country: 'CN', operator: 'self' });
    bin = await ok('POST', `/warehouses/${wh.id}/bins`, { code: 'S-1', zone: 'S', kind: 'storage', capacity_units: 0 });
    staging = await ok('POST', `/warehouses/${wh.id}/bins`, { code: 'OUT', zone: 'O', kind: 'shipping', capacity_units: 0 });
    sku = await ok('POST', '/skus', {
      code: 'T-SKU', name: 'Test', gtin: '4006381333931', category: 'food_health', hs_code: '21069090', vat_class: 'standard',
      consumption_tax_class: 'none', legal_unit: 'piece', legal_quantity: 1, weight_g: 1, length_mm: 1, width_mm: 1, height_mm: 1,
      positive_list: true, origin_country: 'DE',
    });
    late = await ok('POST', '/lots', { sku_id: sku.id, lot_number: 'LATE', expiry_date: day(300) });
    soon = await ok('POST', '/lots', { sku_id: sku.id, lot_number: 'SOON', expiry_date: day(30) });
    const expired = await ok('POST', '/lots', { sku_id: sku.id, lot_number: 'GONE', expiry_date: day(-1) });
    for (const [lot, quantity] of [[late, 10], [soon, 4], [expired, 7]]) {
      await ok('POST', '/adjustments', { warehouse_id: wh.id, bin_id: bin.id, sku_id: sku.id, lot_id: lot.id, quantity, reason_code: 'initial' });
    }
  });
  after(async () => { await srv?.close(); });

  it('reserves FEFO from usable lots only and refuses more, changing nothing', async () => {
    const refused = await call('POST', '/reservations', { warehouse_id: wh.id, sku_id: sku.id, quantity: 15, order_ref: 'O-1' });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.field, 'quantity');
    assert.match(refused.body.error.message, /only 14/, 'the expired lot is not reservable');
    assert.equal((await ok('GET', `/reservations?warehouse_id=${wh.id}`)).total, 0);
    const r = await call('POST', '/reservations', { warehouse_id: wh.id, sku_id: sku.id, quantity: 6, order_ref: 'O-1' }, { 'Idempotency-Key': 'k-1' });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.lines.map((l) => [l.lot_id, l.quantity]), [[soon.id, 4], [late.id, 2]]);
    const again = await call('POST', '/reservations', { warehouse_id: wh.id, sku_id: sku.id, quantity: 6, order_ref: 'O-1' }, { 'Idempotency-Key': 'k-1' });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, r.body.id);
    const sum = (await ok('GET', `/stock/summary?warehouse_id=${wh.id}&sku_id=${sku.id}`)).items[0];
    assert.deepEqual([sum.on_hand, sum.reserved, sum.available], [21, 6, 15]);
  });

  it('applies a device event once: three copies move stock once and get the first answer', async () => {
    const r = await ok('POST', '/reservations', { warehouse_id: wh.id, sku_id: sku.id, quantity: 3, order_ref: 'O-2' });
    const task = await ok('POST', '/tasks/pick', { warehouse_id: wh.id, staging_bin_id: staging.id, reservation_ids: [r.id] });
    const line = task.lines[0];
    const event = { event_key: 'e-1', type: 'confirm', task_id: task.id, line_no: line.line_no, location: 'S-1', barcode: `(01)04006381333931(10)${line.lot_id === soon.id ? 'SOON' : 'LATE'}`, quantity: line.expected_qty };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call('POST', '/devices/d-1/events', event));
    assert.deepEqual(answers.map((a) => [a.status, a.body.status, a.replay]), [[200, 'applied', null], [200, 'applied', 'true'], [200, 'applied', 'true']]);
    assert.deepEqual(answers[1].body, answers[0].body);
    const picked = await stockOf('picked');
    assert.deepEqual(picked.map((b) => b.on_hand), [line.expected_qty]);
    const reused = await call('POST', '/devices/d-1/events', { ...event, quantity: 1 });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error.field, 'event_key');
    // A new event beyond the reservation is rejected, and that rejection is its stored answer.
    const over = { ...event, event_key: 'e-2', quantity: 1 };
    const first = await call('POST', '/devices/d-1/events', over);
    assert.equal(first.status, 422);
    assert.equal(first.body.status, 'rejected');
    const second = await call('POST', '/devices/d-1/events', over);
    assert.deepEqual([second.status, second.body, second.replay], [422, first.body, 'true']);
    assert.deepEqual((await stockOf('picked')).map((b) => b.on_hand), [line.expected_qty]);
  });

  it('asks for a recount when a count disagrees and posts the final difference at close', async () => {
    const task = await ok('POST', '/tasks/count', { warehouse_id: wh.id, bin_ids: [bin.id] });
    const lateLine = task.lines.find((l) => l.lot_id === late.id);
    assert.equal(lateLine.bin, bin.id);
    for (const l of task.lines) {
      const counted = l === lateLine ? l.system_qty - 1 : l.system_qty;
      await ok('POST', `/tasks/${task.id}/counts`, { line_no: l.line_no, counted });
    }
    assert.equal((await ok('GET', `/tasks/${task.id}`)).state, 'recount');
    assert.equal((await call('POST', `/tasks/${task.id}/close`, {})).status, 422);
    assert.equal((await call('POST', `/tasks/${task.id}/recounts`, { line_no: lateLine.line_no, counted: lateLine.system_qty - 2 })).body.error.field, 'reason');
    await ok('POST', `/tasks/${task.id}/recounts`, { line_no: lateLine.line_no, counted: lateLine.system_qty - 2, reason: 'damaged' });
    const closed = await ok('POST', `/tasks/${task.id}/close`, {});
    assert.equal(closed.state, 'done');
    const lateNow = (await stockOf()).find((b) => b.lot_id === late.id);
    assert.equal(lateNow.on_hand, lateLine.system_qty - 2);
  });
});
