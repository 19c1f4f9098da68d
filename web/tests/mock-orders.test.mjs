// Unit tests of the orders mock's customs maths against the public vectors of the domain page
// (../shared/domain/cbec-customs-and-tax.md) and the C++ tests of src/domain/customs: the tax
// engine, the limits, masking and the identity card check character.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fenToString, idCardCheck, maskId, maskPhone, matchDocuments, parseFen, parseRate, quoteTax, rateToString } from './mock-orders.mjs';

// The public rule rows in force in 2026 (a subset of the seed), as the mock's rule book.
const ROWS = [
  { id: 1, kind: 'single_limit', key: '', amount: '5000.00', valid_from: '2019-01-01' },
  { id: 2, kind: 'annual_limit', key: '', amount: '26000.00', valid_from: '2019-01-01' },
  { id: 3, kind: 'cbec_tax_share', key: '', rate: '0.7', valid_from: '2016-04-08' },
  { id: 4, kind: 'vat_rate', key: 'standard', rate: '0.13', valid_from: '2019-04-01' },
  { id: 5, kind: 'consumption_tax_rate', key: 'high_end_cosmetics', rate: '0.15', valid_from: '2016-10-01' },
  { id: 6, kind: 'cosmetics_threshold', key: 'g', amount: '10.00', valid_from: '2016-10-01' },
  { id: 7, kind: 'tariff_rate', key: 'default', rate: '0', valid_from: '2016-04-08' },
];
const inForce = (r, on) => r.valid_from <= on && (!r.valid_to || r.valid_to >= on);
const book = {
  find: (kind, key, on) => ROWS.find((r) => r.kind === kind && r.key === key && inForce(r, on)),
  findByHs: () => undefined,
  byId: (id) => ROWS.find((r) => r.id === id),
};
const line = (value, extra = {}) => ({ ref: '1', value_fen: parseFen(value), quantity: 1, hs_code: '', vat_class: 'standard', consumption_tax: 'none', legal_quantity_milli: 0n, legal_unit: '', ...extra });
const quote = (lines, used = '0.00') => quoteTax({ date: '2026-11-20', annual_used_fen: parseFen(used), lines }, book);

describe('mock tax engine', () => {
  it('milk powder: P = 200.00, VAT 13 %, within limits -> 18.20 (composite 9.1 %)', () => {
    const q = quote([line('200.00')]);
    assert.equal(q.channel, 'cbec');
    assert.equal(fenToString(q.vat_fen), '18.20');
    assert.equal(fenToString(q.ct_fen), '0.00');
  });

  it('skin care, 20 g at 425.00: 21.25/g >= 10.00/g -> CT 52.50, VAT 45.50, total 98.00', () => {
    const q = quote([line('425.00', { consumption_tax: 'high_end_cosmetics', legal_quantity_milli: 20000n, legal_unit: 'g' })]);
    assert.equal(q.lines[0].unit_price, '21.25');
    assert.equal(fenToString(q.ct_fen), '52.50');
    assert.equal(fenToString(q.vat_fen), '45.50');
    assert.equal(q.lines[0].total, '98.00');
  });

  it('cosmetics under the threshold pay no consumption tax', () => {
    const q = quote([line('190.00', { consumption_tax: 'high_end_cosmetics', legal_quantity_milli: 20000n, legal_unit: 'g' })]);
    assert.equal(fenToString(q.ct_fen), '0.00');
    assert.equal(fenToString(q.vat_fen), '17.29'); // 190 × 0.091 = 17.29
  });

  it('high-end cosmetics composite rate (v + c)/(1 − c) × 70 % = 0.230588…: 1000.00 -> 230.59', () => {
    const q = quote([line('1000.00', { consumption_tax: parseRate('0.15') })]);
    assert.equal(fenToString(q.ct_fen + q.vat_fen), '230.59'); // CT 123.53 + VAT 107.06
  });

  it('one indivisible item over 5,000.00 is taxed in full; several items are general trade', () => {
    const one = quote([line('5800.00')]);
    assert.equal(one.channel, 'cbec_full_rate');
    assert.equal(fenToString(one.vat_fen), '754.00');
    const two = quote([line('2700.00', { quantity: 2 }), line('2700.00', { ref: '2' })]);
    assert.equal(two.channel, 'general_trade');
    assert.match(two.reasons[0], /^single_limit/);
  });

  it('the annual limit counts what the identity used this year', () => {
    assert.equal(quote([line('3000.00')], '23000.00').channel, 'cbec');
    const over = quote([line('3000.00')], '23000.01');
    assert.equal(over.channel, 'general_trade');
    assert.match(over.reasons[0], /^annual_limit/);
  });

  it('rates and money are exact decimal text', () => {
    assert.equal(rateToString(parseRate('13%')), '0.13');
    assert.equal(rateToString(parseRate('0.70')), '0.7');
    assert.equal(fenToString(parseFen('425.5')), '425.50');
    assert.equal(parseFen('1.234'), null);
  });
});

describe('mock identity and documents', () => {
  it('masks ID numbers and phones as the server does', () => {
    assert.equal(maskId('110101199003071234'), '110***********1234');
    assert.equal(maskPhone('13800138000'), '138****8000');
  });

  it('computes the GB 11643 check character', () => {
    assert.equal(idCardCheck('11010519491231002'), 'X');
    assert.equal(idCardCheck('44052418800101001'), '4');
  });

  it('reports every check and fails the payment amount when the records disagree', () => {
    const buyer = { name: '张三', id_type: 'id_card', id_number: '110***', _id: 'A' };
    const order = { order_no: 'T1', buyer, lines: [{ sku_code: 'S', hs_code: '1', quantity: 1, price: '200.00' }], goods: '200.00', freight: '0.00', insurance: '0.00', discount: '0.00', tax: '18.20', paid: '218.20' };
    const payment = { order_no: 'T1', payer: { ...buyer }, amount: '217.20' };
    const waybill = { waybill_no: 'W1', order_no: 'T1' };
    const list = { order_no: 'T1', waybill_no: 'W1', lines: order.lines };
    const checks = matchDocuments(order, payment, waybill, list);
    assert.deepEqual(checks.map((c) => c.check), ['present', 'same_order', 'waybill_matches_list', 'buyer_is_payer', 'paid_equation', 'payment_amount', 'list_lines_match_order']);
    assert.deepEqual(checks.filter((c) => !c.passed).map((c) => c.check), ['payment_amount']);
  });
});
