// Mock of the orders and customs routes of /api/v1, used by mock-server.mjs:
//   /orders[/{id}[/timeline|/tax|/documents|/cancel|/returns]], /returns[/{id}[/receive]],
//   /tax/quote, /customs/rules, /customs/positive-list[/import], /customs/quota/lookup,
//   /customs/declarations[/{id}[/cancel]], /customs/queue, /customs/receipts.
// It follows docs/plan (the HTTP API of issue 5) and the rules of src/domain/customs and
// src/domain/orders: dated rule rows; the tax engine of the domain page (CT = P/(1−c)·c·70 %,
// VAT = P/(1−c)·v·70 %, full rate with tariff for one indivisible item over the single limit,
// each tax rounded half up to the fen, exact arithmetic); refusals before acceptance naming the
// rule (positive_list, single_limit, annual_limit, buyer_is_payer, paid_amount, tax_amount);
// routing per line (bonded 1210 that covers the line, else overseas 9610, else backorder) with a
// reservation per routed line; one declaration per shipment with the three documents, the list
// and every check; receipts move the declaration and the order; cancel and returns restore the
// quota. Identity numbers and phones are masked in every answer.

const DAY = 86400000;
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const today = () => new Date().toISOString().slice(0, 10);
const isDate = (s) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))
  && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const addDays = (iso, days) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const clone = (v) => JSON.parse(JSON.stringify(v));

export const ORDER_STATES = ['received', 'accepted', 'declared', 'inspection_hold', 'released', 'shipped', 'delivered', 'cancelled', 'rejected', 'returned'];
const DECL_STATES = ['queued', 'submitted', 'accepted', 'released', 'inspection_hold', 'rejected', 'cancelled', 'returned'];
const RECEIPT_KINDS = ['accepted', 'rejected', 'released', 'inspection_hold', 'cancelled', 'returned'];
const RULE_KINDS = ['single_limit', 'annual_limit', 'cbec_tax_share', 'vat_rate', 'tariff_rate', 'consumption_tax_rate',
  'cosmetics_threshold', 'goods_cap', 'return_apply_days', 'return_arrive_days'];

// ---- money and rates (exact) -------------------------------------------------------------------

/** "425.00" / "425" / "425.5" -> fen (BigInt); null when malformed. */
export function parseFen(text) {
  if (typeof text === 'number' && Number.isFinite(text)) text = String(text);
  if (typeof text !== 'string') return null;
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -fen : fen;
}
export function fenToString(fen) {
  const f = BigInt(fen);
  const neg = f < 0n;
  const a = neg ? -f : f;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}
/** "0.13", "13%", "1" -> {n, d} (BigInt); null when malformed. */
export function parseRate(text) {
  if (typeof text === 'number') text = String(text);
  if (typeof text !== 'string') return null;
  let s = text.trim();
  let pct = false;
  if (s.endsWith('%')) { pct = true; s = s.slice(0, -1); }
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? '';
  let n = BigInt(m[1] + frac);
  let d = 10n ** BigInt(frac.length);
  if (pct) d *= 100n;
  return { n, d };
}
export function rateToString(r) {
  if (!r) return '0';
  // Shortest decimal: d is a power of ten.
  const digits = String(r.d).length - 1;
  const whole = r.n / r.d;
  let frac = String(r.n % r.d).padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
/** num/den rounded half up (both BigInt, non-negative). */
const roundHalfUp = (num, den) => (2n * num + den) / (2n * den);

// ---- identity ----------------------------------------------------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** ISO 7064 MOD 11-2 check character of the 17 digits of a resident identity card. */
export function idCardCheck(body17) {
  const s = body17.split('').reduce((acc, d, i) => acc + Number(d) * ID_WEIGHTS[i], 0);
  return '10X98765432'[s % 11];
}
export function maskId(number) {
  const s = String(number ?? '');
  if (s.length <= 7) return s.length <= 2 ? s : '*'.repeat(s.length - 2) + s.slice(-2);
  return `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}
export function maskPhone(phone) {
  const s = String(phone ?? '');
  if (s.length < 7) return s ? '*'.repeat(s.length) : '';
  return `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}

// ---- tax engine --------------------------------------------------------------------------------

/**
 * The quote of `input` = { date, annual_used_fen, lines: [{ ref, value_fen, quantity, legal_quantity, legal_unit,
 * hs_code, vat_rate, vat_class, consumption_tax: 'none'|'high_end_cosmetics'|{n,d}|undefined, tariff_rate }] }
 * with the rules in force on `date`. Throws { field, message } for bad input.
 */
export function quoteTax(input, rules) {
  const on = input.date;
  const rule = (kind, key = '') => rules.find(kind, key, on);
  const byHs = (kind, hs) => rules.findByHs(kind, hs, on);
  const single = rule('single_limit');
  const annual = rule('annual_limit');
  const share = rule('cbec_tax_share');
  if (!single || !annual || !share) throw { field: 'date', message: `no limits or tax share in force on ${on}` };
  const sharedRate = parseRate(share.rate);
  const total = input.lines.reduce((s, l) => s + l.value_fen, 0n);
  const units = input.lines.reduce((s, l) => s + BigInt(l.quantity), 0n);
  const reasons = [];
  let channel = 'cbec';
  const singleFen = parseFen(single.amount);
  const annualFen = parseFen(annual.amount);
  if (total > singleFen) {
    if (units === 1n && input.annual_used_fen + total <= annualFen) channel = 'cbec_full_rate';
    else {
      channel = 'general_trade';
      reasons.push(`single_limit: order value ${fenToString(total)} exceeds the single-transaction limit ${fenToString(singleFen)} (rule ${single.id}) and the order holds ${units} items`);
    }
  }
  if (input.annual_used_fen + total > annualFen) {
    channel = 'general_trade';
    reasons.push(`annual_limit: ${fenToString(input.annual_used_fen)} used this year + ${fenToString(total)} exceeds the annual limit ${fenToString(annualFen)} (rule ${annual.id})`);
  }
  const full = channel !== 'cbec';
  const sn = full ? 1n : sharedRate.n;
  const sd = full ? 1n : sharedRate.d;
  const out = { channel, lines: [], dutiable_fen: 0n, tariff_fen: 0n, ct_fen: 0n, vat_fen: 0n, reasons, rules_used: new Set([single.id, annual.id]) };
  if (!full) out.rules_used.add(share.id);
  input.lines.forEach((l, i) => {
    const used = [];
    const notes = [];
    const field = `lines[${i}]`;
    // VAT rate: explicit, else an HS-keyed row, else the VAT class row.
    let v = l.vat_rate ? parseRate(l.vat_rate) : null;
    if (l.vat_rate && !v) throw { field: `${field}.vat_rate`, message: 'must be a rate such as 0.13' };
    if (!v) {
      const row = (l.hs_code && byHs('vat_rate', l.hs_code)) || rule('vat_rate', l.vat_class || 'standard');
      if (!row) throw { field: `${field}.vat_rate`, message: `no VAT rate in force on ${on}` };
      v = parseRate(row.rate);
      used.push(row.id);
    }
    // Tariff: only in the full-rate case.
    let tr = { n: 0n, d: 1n };
    if (full) {
      if (l.tariff_rate) {
        tr = parseRate(l.tariff_rate);
        if (!tr) throw { field: `${field}.tariff_rate`, message: 'must be a rate such as 0.10' };
      } else {
        const row = (l.hs_code && byHs('tariff_rate', l.hs_code)) || rule('tariff_rate', 'default');
        if (row) { tr = parseRate(row.rate); used.push(row.id); }
      }
    }
    // Consumption tax.
    let c = { n: 0n, d: 1n };
    let unitPrice = '';
    if (l.consumption_tax && typeof l.consumption_tax === 'object') {
      c = l.consumption_tax;
    } else if (l.consumption_tax === 'high_end_cosmetics') {
      if (!l.legal_quantity_milli || !l.legal_unit) throw { field: `${field}.legal_quantity`, message: 'is needed for high-end cosmetics' };
      const unitKey = l.legal_unit === 'kg' ? 'g' : l.legal_unit === 'l' ? 'ml' : l.legal_unit;
      const milli = l.legal_unit === 'kg' || l.legal_unit === 'l' ? l.legal_quantity_milli * 1000n : l.legal_quantity_milli;
      const threshold = rule('cosmetics_threshold', unitKey);
      const ctRow = rule('consumption_tax_rate', 'high_end_cosmetics');
      if (!threshold || !ctRow) throw { field: `${field}.consumption_tax`, message: `no cosmetics rule in force on ${on}` };
      // unit price = value / legal quantity (fen per unit, compared exactly).
      const upFen1000 = l.value_fen * 1000n; // fen × 1000 / milli = fen per unit
      const thresholdFen = parseFen(threshold.amount);
      unitPrice = fenToString(roundHalfUp(upFen1000, milli));
      used.push(threshold.id);
      if (upFen1000 >= thresholdFen * milli) {
        c = parseRate(ctRow.rate);
        used.push(ctRow.id);
        notes.push(`consumption tax: ${unitPrice}/${unitKey} >= ${threshold.amount}/${unitKey} (rule ${threshold.id})`);
      } else {
        notes.push(`no consumption tax: ${unitPrice}/${unitKey} < ${threshold.amount}/${unitKey} (rule ${threshold.id})`);
      }
    } else if (l.consumption_tax === undefined && l.hs_code) {
      const row = byHs('consumption_tax_rate', l.hs_code);
      if (row) { c = parseRate(row.rate); used.push(row.id); }
    }
    const P = l.value_fen;
    // base = P(1+t)/(1−c): CT = base·c·share, VAT = base·v·share, tariff = P·t (full rate only).
    const baseN = P * (tr.d + tr.n) * c.d;
    const baseD = tr.d * (c.d - c.n);
    const tariff = full ? roundHalfUp(P * tr.n, tr.d) : 0n;
    const ct = roundHalfUp(baseN * c.n * sn, baseD * c.d * sd);
    const vat = roundHalfUp(baseN * v.n * sn, baseD * v.d * sd);
    for (const id of used) out.rules_used.add(id);
    out.lines.push({
      ref: l.ref ?? String(i + 1), dutiable: fenToString(P), tariff_rate: rateToString(tr), vat_rate: rateToString(v), consumption_tax_rate: rateToString(c),
      tariff: fenToString(tariff), consumption_tax: fenToString(ct), vat: fenToString(vat), total: fenToString(tariff + ct + vat),
      unit_price: unitPrice, rules_used: [...new Set([...(full ? [] : [share.id]), ...used])], notes,
      _fen: { tariff, ct, vat },
    });
    out.dutiable_fen += P;
    out.tariff_fen += tariff;
    out.ct_fen += ct;
    out.vat_fen += vat;
  });
  return out;
}

export function quoteView(q, rules) {
  const ids = [...q.rules_used];
  return {
    channel: q.channel,
    lines: q.lines.map(({ _fen, ...l }) => l),
    dutiable: fenToString(q.dutiable_fen),
    tariff: fenToString(q.tariff_fen),
    consumption_tax: fenToString(q.ct_fen),
    vat: fenToString(q.vat_fen),
    total_tax: fenToString(q.tariff_fen + q.ct_fen + q.vat_fen),
    tax_share: q.channel === 'cbec' ? '0.7' : '1',
    reasons: q.reasons,
    rules: ids.map((id) => rules.byId(id)).filter(Boolean).map(({ tenant_id, ...r }) => ({ ...r, scope: tenant_id ? 'tenant' : 'platform' })),
  };
}

/** Spreads `amount` over `weights` in proportion, the remainder fen to the last (BigInt). */
function allocate(amount, weights) {
  const total = weights.reduce((s, w) => s + w, 0n);
  if (!amount || !total) return weights.map(() => 0n);
  let given = 0n;
  return weights.map((w, i) => {
    if (i === weights.length - 1) return amount - given;
    const part = (amount * w) / total;
    given += part;
    return part;
  });
}

// ---- the three documents -----------------------------------------------------------------------

export function matchDocuments(order, payment, waybill, list) {
  const checks = [];
  const add = (check, passed, detail) => checks.push({ check, passed, detail });
  add('present', !!(order && payment && waybill && list), ['order', 'payment', 'waybill', 'list'].filter((k, i) => ![order, payment, waybill, list][i]).map((k) => `${k} missing`).join(', ') || 'order, payment, waybill and list present');
  if (!(order && payment && waybill && list)) return checks;
  const nos = [order.order_no, payment.order_no, waybill.order_no, list.order_no];
  add('same_order', nos.every((n) => n === nos[0]), `order ${order.order_no}, payment ${payment.order_no}, waybill ${waybill.order_no}, list ${list.order_no}`);
  add('waybill_matches_list', waybill.waybill_no === list.waybill_no, `waybill ${waybill.waybill_no}, list names ${list.waybill_no}`);
  const same = order.buyer.name === payment.payer.name && order.buyer.id_type === payment.payer.id_type && order.buyer._id === payment.payer._id;
  add('buyer_is_payer', same, same ? `buyer ${order.buyer.name} = payer ${payment.payer.name}` : `buyer ${order.buyer.name} (${order.buyer.id_number}) ≠ payer ${payment.payer.name} (${payment.payer.id_number})`);
  const g = parseFen(order.goods), f = parseFen(order.freight), ins = parseFen(order.insurance), d = parseFen(order.discount), tx = parseFen(order.tax), pd = parseFen(order.paid);
  const expect = g + f + ins - d + tx;
  add('paid_equation', expect === pd, `${order.goods} + ${order.freight} + ${order.insurance} − ${order.discount} + ${order.tax} = ${fenToString(expect)}; paid ${order.paid}`);
  add('payment_amount', parseFen(payment.amount) === pd, `payment ${payment.amount}; order paid ${order.paid}`);
  const key = (ls) => ls.map((l) => `${l.sku_code}|${l.hs_code}|${l.quantity}|${l.price}`).sort().join(';');
  add('list_lines_match_order', key(list.lines) === key(order.lines.filter((l) => list.lines.some((x) => x.sku_code === l.sku_code))),
    `${list.lines.length} list line(s): ${list.lines.map((l) => `${l.sku_code} × ${l.quantity}`).join(', ')}`);
  return checks;
}

// ---- the API -----------------------------------------------------------------------------------

export function createOrdersApi({ store, inventory, ApiFailure, invalid, readJson, readBody, send, parseCsv }) {
  const failed = (message, field, extra) => {
    const e = new ApiFailure(422, 'FAILED_PRECONDITION', message, field);
    if (extra) e.extra = extra;
    return e;
  };
  const refused = (rule, message, details) => failed(message, rule, { rule, details: details ?? {} });
  const notFound = (message) => new ApiFailure(404, 'NOT_FOUND', message);

  const orders = [];
  const events = [];
  const declarations = [];
  const receiptsSeen = new Map(); // receipt_id -> declaration id
  const returns = [];
  const quota = []; // { id_type, id_number, year, amount_fen, kind, order_id, ref, at }
  const ruleRows = [];
  const positive = [];
  let nextOrder = 1;
  let nextLine = 1;
  let nextEvent = 1;
  let nextDecl = 1;
  let nextReturn = 1;
  let nextRule = 1;
  let submittedTotal = 0;
  let receiptsTotal = 0;

  const skuOf = (id) => store.tables.skus.find((s) => s.id === id);
  const warehouseOf = (id) => store.tables.warehouses.find((w) => w.id === id);

  // ---- rules ------------------------------------------------------------------------------------
  const inForce = (r, on) => r.valid_from <= on && (!r.valid_to || r.valid_to >= on);
  const rules = {
    find: (kind, key, on) => ruleRows.filter((r) => r.kind === kind && (r.key ?? '') === key && inForce(r, on))
      .sort((a, b) => b.valid_from.localeCompare(a.valid_from) || b.tenant_id - a.tenant_id)[0],
    findByHs: (kind, hs, on) => ruleRows.filter((r) => r.kind === kind && r.key && /^\d+$/.test(r.key) && hs.startsWith(r.key) && inForce(r, on))
      .sort((a, b) => b.key.length - a.key.length || b.valid_from.localeCompare(a.valid_from))[0],
    byId: (id) => ruleRows.find((r) => r.id === id),
  };
  const ruleView = ({ tenant_id, ...r }) => ({ ...r, scope: tenant_id ? 'tenant' : 'platform' });
  function addRule(row) {
    const r = { id: nextRule++, tenant_id: 0, key: '', rate: null, amount: null, quantity: null, unit: '', valid_to: null, source: '', ...row };
    ruleRows.push(r);
    return r;
  }
  function ruleFromBody(body) {
    if (!RULE_KINDS.includes(body.kind)) throw invalid('kind', `must be one of ${RULE_KINDS.join(', ')}`);
    if (!isDate(body.valid_from)) throw invalid('valid_from', 'must be a date like 2026-01-31');
    if (body.valid_to !== undefined && body.valid_to !== null && body.valid_to !== '' && (!isDate(body.valid_to) || body.valid_to < body.valid_from)) {
      throw invalid('valid_to', 'must be a date on or after valid_from');
    }
    const row = { tenant_id: 1, kind: body.kind, key: typeof body.key === 'string' ? body.key.trim() : '', valid_from: body.valid_from, valid_to: body.valid_to || null, source: String(body.source ?? '').trim() };
    if (['cbec_tax_share', 'vat_rate', 'tariff_rate', 'consumption_tax_rate'].includes(body.kind)) {
      if (!parseRate(body.rate)) throw invalid('rate', 'must be a rate such as 0.13');
      row.rate = rateToString(parseRate(body.rate));
    } else if (['single_limit', 'annual_limit', 'cosmetics_threshold'].includes(body.kind)) {
      const fen = parseFen(body.amount);
      if (fen === null || fen < 0n) throw invalid('amount', 'must be an amount such as 5000.00');
      row.amount = fenToString(fen);
    } else {
      if (!Number.isInteger(body.quantity) || body.quantity < 0) throw invalid('quantity', 'must be a whole number');
      row.quantity = body.quantity;
      row.unit = String(body.unit ?? '');
    }
    if (!row.source) throw invalid('source', 'is required: name the regulation');
    return addRule(row);
  }

  // ---- positive list ----------------------------------------------------------------------------
  function positiveListed(hs, on) {
    return positive.find((p) => (hs.startsWith(p.hs_code) || p.hs_code.startsWith(hs)) && inForce(p, on));
  }
  function listPositive(params) {
    const hs = (params.get('hs') ?? '').trim();
    const after = (params.get('after') ?? '').trim();
    const limit = Number(params.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    const rows = positive.filter((p) => (!hs || p.hs_code.startsWith(hs)) && (!after || p.hs_code > after))
      .sort((a, b) => a.hs_code.localeCompare(b.hs_code) || a.valid_from.localeCompare(b.valid_from));
    const items = rows.slice(0, limit);
    return { items: clone(items), next_after: rows.length > limit ? items[items.length - 1].hs_code : null };
  }
  function importPositive(text) {
    const rows = parseCsv(text.replace(/^\uFEFF/, ''));
    if (!rows.length) throw new ApiFailure(400, 'INVALID_ARGUMENT', 'the CSV file is empty', undefined, []);
    const header = rows[0].cells.map((c) => c.trim());
    const want = ['hs_code', 'description', 'valid_from', 'valid_to', 'source'];
    const errors = [];
    for (const need of want) if (!header.includes(need)) errors.push({ line: rows[0].line, column: need, reason: 'column is missing' });
    for (const c of header) if (!want.includes(c)) errors.push({ line: rows[0].line, column: c, reason: 'unknown column' });
    const parsed = [];
    for (const { line, cells } of rows.slice(1)) {
      const v = Object.fromEntries(header.map((c, i) => [c, (cells[i] ?? '').trim()]));
      if (!/^(\d{8}|\d{10})$/.test(v.hs_code)) { errors.push({ line, column: 'hs_code', reason: 'must have 8 or 10 digits' }); continue; }
      if (!isDate(v.valid_from)) { errors.push({ line, column: 'valid_from', reason: 'must be a date like 2022-03-01' }); continue; }
      if (v.valid_to && (!isDate(v.valid_to) || v.valid_to < v.valid_from)) { errors.push({ line, column: 'valid_to', reason: 'must be a date on or after valid_from' }); continue; }
      if (!v.source) { errors.push({ line, column: 'source', reason: 'is required' }); continue; }
      parsed.push({ tenant_id: 1, hs_code: v.hs_code, description: v.description, valid_from: v.valid_from, valid_to: v.valid_to || null, source: v.source });
    }
    if (errors.length) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${errors.length} row(s) have errors`, undefined, errors);
    for (const p of parsed) {
      const i = positive.findIndex((x) => x.hs_code === p.hs_code && x.valid_from === p.valid_from);
      if (i >= 0) positive[i] = p; else positive.push(p);
    }
    return { imported: parsed.length };
  }

  // ---- quota ------------------------------------------------------------------------------------
  const usedFen = (idType, idNumber, year) => quota.filter((q) => q.id_type === idType && q.id_number === idNumber && q.year === year)
    .reduce((s, q) => s + q.amount_fen, 0n);
  function lookupQuota(body) {
    const idType = body.id_type || 'id_card';
    const number = typeof body.id_number === 'string' ? body.id_number.trim().toUpperCase() : '';
    if (!number) throw invalid('id_number', 'is required');
    const year = body.year ?? new Date().getUTCFullYear();
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('year', 'must be a year such as 2026');
    const day = `${year}-12-31` < today() ? `${year}-12-31` : today();
    const annual = rules.find('annual_limit', '', day);
    const limit = annual ? parseFen(annual.amount) : 0n;
    const used = usedFen(idType, number, year);
    return {
      id_type: idType, id_number: maskId(number), year, used: fenToString(used), limit: fenToString(limit), remaining: fenToString(limit - used > 0n ? limit - used : 0n),
      entries: quota.filter((q) => q.id_type === idType && q.id_number === number && q.year === year)
        .map((q) => ({ kind: q.kind, amount: fenToString(q.amount_fen), order_id: q.order_id, ref: q.ref, at: q.at })),
    };
  }

  // ---- orders -----------------------------------------------------------------------------------
  const event = (order, state, detail) => events.push({ id: nextEvent++, order_id: order.id, at: now(), state, detail });
  function setState(order, state, detail) {
    order.state = state;
    order.updated_at = now();
    order.version += 1;
    event(order, state, detail);
  }
  const masked = (p) => ({ name: p.name, id_type: p.id_type, id_number: maskId(p.id_number), phone: maskPhone(p.phone) });
  function orderView(o) {
    return {
      id: o.id, channel_id: o.channel_id, channel_order_no: o.channel_order_no, order_date: o.order_date, state: o.state, policy: o.policy,
      customs_channel: o.customs_channel,
      buyer: masked(o.buyer),
      address: { ...o.address, phone: maskPhone(o.address.phone) },
      payment: { payment_no: o.payment.payment_no, payer_name: o.payment.payer_name, payer_id_type: o.payment.payer_id_type, payer_id_number: maskId(o.payment.payer_id_number), amount: o.payment.amount },
      lines: o.lines.map((l) => ({
        id: l.id, line_no: l.line_no, sku_id: l.sku_id, sku_code: l.sku_code, quantity: l.quantity, unit_price: l.unit_price, discount: l.discount,
        dutiable: l.dutiable, tariff: l.tariff, consumption_tax: l.consumption_tax, vat: l.vat, mode: l.mode, warehouse_id: l.warehouse_id,
        reservation_id: l.reservation_id, shipment_ref: l.shipment_ref, route_note: l.route_note, returned_quantity: l.returned_quantity,
      })),
      goods: o.goods, freight: o.freight, insurance: o.insurance, discount: o.discount, tax: o.tax, paid: o.paid, reason: o.reason,
      created_at: o.created_at, updated_at: o.updated_at, version: o.version,
    };
  }
  function getOrder(id) {
    const o = orders.find((x) => x.id === id);
    if (!o) throw notFound(`order ${id} not found`);
    return o;
  }

  function requestHash(body) {
    return JSON.stringify(body);
  }

  const fenField = (v, field, { required = true } = {}) => {
    if ((v === undefined || v === null || v === '') && !required) return 0n;
    const f = parseFen(v);
    if (f === null || f < 0n) throw invalid(field, 'must be an amount such as 425.00');
    return f;
  };
  function checkIdentity(type, number, field) {
    if (typeof number !== 'string' || !number.trim()) throw invalid(field, 'is required');
    const n = number.trim().toUpperCase();
    if ((type ?? 'id_card') === 'id_card') {
      if (!/^\d{17}[\dX]$/.test(n)) throw invalid(field, 'a resident identity card number has 18 characters');
      if (idCardCheck(n.slice(0, 17)) !== n[17]) throw invalid(field, 'the check character of the identity card number is wrong');
    } else if (!/^[A-Z0-9]{5,32}$/.test(n)) {
      throw invalid(field, 'must be 5 to 32 letters or digits');
    }
    return n;
  }

  /** Validates, quotes, checks, routes, reserves and records an order; answers { status, order }. */
  function intake(body, actor) {
    const channelId = Number(body.channel_id);
    if (!Number.isInteger(channelId) || channelId <= 0) throw invalid('channel_id', 'must be a positive integer id');
    const channel = store.tables.channels.find((c) => c.id === channelId);
    if (!channel) throw invalid('channel_id', `no channel ${channelId}`);
    const no = typeof body.channel_order_no === 'string' ? body.channel_order_no.trim() : '';
    if (!no || no.length > 64) throw invalid('channel_order_no', 'is required (1..64 characters)');
    const hash = requestHash(body);
    const existing = orders.find((o) => o.channel_id === channelId && o.channel_order_no === no);
    if (existing) {
      if (existing.request_hash === hash) return { status: 200, replayed: true, order: existing };
      throw new ApiFailure(409, 'ALREADY_EXISTS', 'duplicate channel order number', 'channel_order_no');
    }
    const date = body.order_date ?? today();
    if (!isDate(date)) throw invalid('order_date', 'must be a date like 2026-11-20');
    const policy = body.policy || 'speed_first';
    if (!['speed_first', 'cost_first'].includes(policy)) throw invalid('policy', 'must be speed_first or cost_first');
    const b = body.buyer ?? {};
    if (typeof b.name !== 'string' || !b.name.trim()) throw invalid('buyer.name', 'is required');
    const buyerId = checkIdentity(b.id_type, b.id_number, 'buyer.id_number');
    if (typeof b.phone !== 'string' || !/^\d{7,15}$/.test(b.phone.trim())) throw invalid('buyer.phone', 'must be 7 to 15 digits');
    const a = body.address ?? {};
    for (const f of ['consignee', 'phone', 'province', 'city', 'street']) {
      if (typeof a[f] !== 'string' || !a[f].trim()) throw invalid(`address.${f}`, 'is required');
    }
    const p = body.payment ?? {};
    if (typeof p.payment_no !== 'string' || !p.payment_no.trim()) throw invalid('payment.payment_no', 'is required');
    if (typeof p.payer_name !== 'string' || !p.payer_name.trim()) throw invalid('payment.payer_name', 'is required');
    const payerId = checkIdentity(p.payer_id_type, p.payer_id_number, 'payment.payer_id_number');
    const amount = fenField(p.amount, 'payment.amount');
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'give at least one line');
    const seen = new Set();
    const lines = body.lines.map((l, i) => {
      const sku = skuOf(Number(l.sku_id));
      if (!sku) throw invalid(`lines[${i}].sku_id`, `no SKU ${l.sku_id}`);
      if (seen.has(sku.id)) throw invalid(`lines[${i}].sku_id`, `SKU ${sku.code} is on two lines`);
      seen.add(sku.id);
      if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw invalid(`lines[${i}].quantity`, 'must be a whole number above 0');
      const unit = fenField(l.unit_price, `lines[${i}].unit_price`);
      const disc = fenField(l.discount, `lines[${i}].discount`, { required: false });
      const value = unit * BigInt(l.quantity) - disc;
      if (value < 0n) throw invalid(`lines[${i}].discount`, 'is more than the line is worth');
      return { sku, quantity: l.quantity, unit, disc, value };
    });
    const freight = fenField(body.freight, 'freight', { required: false });
    const insurance = fenField(body.insurance, 'insurance', { required: false });
    const discount = fenField(body.discount, 'discount', { required: false });
    const tax = fenField(body.tax, 'tax');
    const paid = fenField(body.paid, 'paid');
    const goods = lines.reduce((s, l) => s + l.value, 0n);

    // Positive list.
    for (const [i, l] of lines.entries()) {
      if (!positiveListed(l.sku.hs_code, date)) {
        throw refused('positive_list', `line ${i + 1}: HS code ${l.sku.hs_code} of SKU ${l.sku.code} is not on the positive list in force on ${date}`, { line_no: i + 1, hs_code: l.sku.hs_code });
      }
    }
    // Buyer = payer.
    if (b.name.trim() !== p.payer_name.trim() || (b.id_type ?? 'id_card') !== (p.payer_id_type ?? 'id_card') || buyerId !== payerId) {
      throw refused('buyer_is_payer', `the payer (${p.payer_name.trim()}, ${maskId(payerId)}) is not the buyer (${b.name.trim()}, ${maskId(buyerId)})`);
    }
    // Paid equation.
    const expect = goods + freight + insurance - discount + tax;
    if (expect !== paid) {
      throw refused('paid_amount', `paid ${fenToString(paid)} ≠ goods ${fenToString(goods)} + freight ${fenToString(freight)} + insurance ${fenToString(insurance)} − discount ${fenToString(discount)} + tax ${fenToString(tax)} = ${fenToString(expect)}`,
        { paid: fenToString(paid), expected: fenToString(expect) });
    }
    if (amount !== paid) throw refused('paid_amount', `the payment amount ${fenToString(amount)} ≠ paid ${fenToString(paid)}`);
    // Tax: values with the order's freight, insurance and discount spread by value.
    const fr = allocate(freight, lines.map((l) => l.value));
    const ins = allocate(insurance, lines.map((l) => l.value));
    const dc = allocate(discount, lines.map((l) => l.value));
    const year = Number(date.slice(0, 4));
    const used = usedFen(b.id_type ?? 'id_card', buyerId, year);
    const quote = quoteTax({
      date, annual_used_fen: used,
      lines: lines.map((l, i) => ({
        ref: String(i + 1), value_fen: l.value + fr[i] + ins[i] - dc[i], quantity: l.quantity, hs_code: l.sku.hs_code, vat_class: l.sku.vat_class,
        consumption_tax: l.sku.consumption_tax_class === 'high_end_cosmetics' ? 'high_end_cosmetics' : 'none',
        legal_quantity_milli: BigInt(Math.round(Number(l.sku.legal_quantity) * 1000)) * BigInt(l.quantity), legal_unit: l.sku.legal_unit,
      })),
    }, rules);
    if (quote.channel === 'general_trade') {
      const rule = quote.reasons[0]?.startsWith('annual_limit') ? 'annual_limit' : 'single_limit';
      throw refused(rule, `not a cross-border retail order: ${quote.reasons.join('; ')}`, { reasons: quote.reasons });
    }
    const totalTax = quote.tariff_fen + quote.ct_fen + quote.vat_fen;
    if (totalTax !== tax) {
      throw refused('tax_amount', `the declared tax ${fenToString(tax)} ≠ the tax owed ${fenToString(totalTax)}`, { declared: fenToString(tax), owed: fenToString(totalTax) });
    }

    // Routing and reservations (all or nothing).
    const orderId = nextOrder++;
    const minDays = channel.min_remaining_shelf_life_days ?? 0;
    const held = [];
    const routed = lines.map((l, i) => {
      const cands = [];
      for (const wh of store.tables.warehouses) {
        if (wh.status !== 'active' || (wh.kind !== 'bonded' && wh.kind !== 'overseas')) continue;
        const day = today();
        const avail = inventory.reservableLots(wh.id, l.sku.id, 'own')
          .filter((x) => x.available > 0 && (!x.expiry || (x.expiry >= day && (Date.parse(`${x.expiry}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY >= minDays)))
          .reduce((s, x) => s + x.available, 0);
        const bonded = wh.kind === 'bonded';
        cands.push({ wh, avail, mode: bonded ? '1210' : '9610', days: bonded ? 2 : 9, cost: bonded ? 300 : 2500 });
      }
      const order = policy === 'cost_first' ? (x, y) => x.cost - y.cost || x.days - y.days || x.wh.id - y.wh.id : (x, y) => x.days - y.days || x.cost - y.cost || x.wh.id - y.wh.id;
      const fit = cands.filter((c) => c.avail >= l.quantity).sort((x, y) => (x.mode === y.mode ? order(x, y) : x.mode === '1210' ? -1 : 1));
      const seenText = cands.map((c) => `${c.mode === '1210' ? 'bonded' : 'overseas'} ${c.wh.code} (${c.mode}): ${c.avail} available, ${c.days} days`).join('; ');
      if (!fit.length) return { mode: 'backorder', warehouse_id: 0, note: `${seenText || 'no bonded or overseas warehouse'}; none covers ${l.quantity}: backorder` };
      const c = fit[0];
      return { mode: c.mode, warehouse_id: c.wh.id, note: `${seenText}; chosen ${c.wh.code} (${c.mode}): ${policy === 'cost_first' ? 'cost first' : 'speed first'}` };
    });
    try {
      routed.forEach((r, i) => {
        if (r.mode === 'backorder') return;
        const { r: res } = inventory.reserve({ warehouse_id: r.warehouse_id, sku_id: lines[i].sku.id, owner: 'own', quantity: lines[i].quantity, order_ref: `order:${orderId}`, channel_id: channelId });
        inventory.confirmReservation(res);
        held.push(res);
        r.reservation_id = res.id;
      });
    } catch (e) {
      for (const res of held) inventory.releaseReservation(res);
      throw e;
    }

    const at = now();
    const o = {
      id: orderId, channel_id: channelId, channel_order_no: no, request_hash: hash, order_date: date, state: 'accepted', policy,
      customs_channel: quote.channel,
      buyer: { name: b.name.trim(), id_type: b.id_type ?? 'id_card', id_number: buyerId, phone: b.phone.trim() },
      address: { consignee: a.consignee.trim(), phone: a.phone.trim(), province: a.province.trim(), city: a.city.trim(), district: String(a.district ?? '').trim(), street: a.street.trim() },
      payment: { payment_no: p.payment_no.trim(), payer_name: p.payer_name.trim(), payer_id_type: p.payer_id_type ?? 'id_card', payer_id_number: payerId, amount: fenToString(amount) },
      lines: lines.map((l, i) => {
        const q = quote.lines[i];
        const r = routed[i];
        return {
          id: nextLine++, line_no: i + 1, sku_id: l.sku.id, sku_code: l.sku.code, quantity: l.quantity, unit_price: fenToString(l.unit), discount: fenToString(l.disc),
          dutiable: q.dutiable, tariff: q.tariff, consumption_tax: q.consumption_tax, vat: q.vat, mode: r.mode, warehouse_id: r.warehouse_id,
          reservation_id: r.reservation_id ?? 0, shipment_ref: r.mode === 'backorder' ? '' : `W${r.warehouse_id}-${r.mode}`, route_note: r.note, returned_quantity: 0,
          _value_fen: l.value,
        };
      }),
      goods: fenToString(goods), freight: fenToString(freight), insurance: fenToString(insurance), discount: fenToString(discount), tax: fenToString(tax), paid: fenToString(paid),
      reason: '', created_at: at, updated_at: at, version: 1, released_at: null, actor,
    };
    orders.push(o);
    event(o, 'received', `from channel ${channel.code}`);
    event(o, 'accepted', `${quote.channel}: tax ${fenToString(totalTax)}; ${o.lines.map((l) => `line ${l.line_no} ${l.mode}${l.warehouse_id ? ` from ${warehouseOf(l.warehouse_id)?.code}` : ''}`).join(', ')}`);
    quota.push({ id_type: o.buyer.id_type, id_number: buyerId, year, amount_fen: quote.dutiable_fen, kind: 'order', order_id: o.id, ref: `order:${o.id}`, at });
    buildDeclarations(o);
    return { status: 201, replayed: false, order: o };
  }

  // ---- declarations -----------------------------------------------------------------------------
  function buildDeclarations(o) {
    const shipments = [...new Set(o.lines.filter((l) => l.mode !== 'backorder').map((l) => l.shipment_ref))];
    for (const ref of shipments) {
      const ls = o.lines.filter((l) => l.shipment_ref === ref);
      const wh = warehouseOf(ls[0].warehouse_id);
      const id = nextDecl++;
      const listNo = `XB1${String(id).padStart(12, '0')}`;
      const waybillNo = `WB${String(o.id).padStart(8, '0')}${String(id).padStart(4, '0')}`;
      const docLine = (l) => {
        const sku = skuOf(l.sku_id);
        return { sku_code: l.sku_code, hs_code: sku?.hs_code ?? '', name: sku?.name ?? '', quantity: l.quantity, legal_quantity: String(Number(sku?.legal_quantity ?? 0) * l.quantity), legal_unit: sku?.legal_unit ?? '', price: fenToString(l._value_fen) };
      };
      const buyer = { name: o.buyer.name, id_type: o.buyer.id_type, id_number: o.buyer.id_number };
      const d = {
        id, order_id: o.id, list_no: listNo, shipment_ref: ref, signing_key: 'default', state: 'queued', reason: '', attempts: 0, next_attempt_at: null,
        released_at: null, created_at: now(), updated_at: now(),
        order: {
          order_no: o.channel_order_no, buyer, buyer_phone: o.buyer.phone, lines: o.lines.map(docLine),
          goods: o.goods, freight: o.freight, insurance: o.insurance, discount: o.discount, tax: o.tax, paid: o.paid,
        },
        payment: { order_no: o.channel_order_no, payment_no: o.payment.payment_no, payer: { name: o.payment.payer_name, id_type: o.payment.payer_id_type, id_number: o.payment.payer_id_number }, amount: o.payment.amount },
        waybill: { waybill_no: waybillNo, order_no: o.channel_order_no, consignee: o.address.consignee, weight_g: ls.reduce((s, l) => s + (skuOf(l.sku_id)?.weight_g ?? 0) * l.quantity, 0), freight: o.freight },
        list: {
          list_no: listNo, order_no: o.channel_order_no, waybill_no: waybillNo, trade_mode: ls[0].mode, ems_no: ls[0].mode === '1210' ? (wh?.account_book_no ?? '') : '',
          buyer, lines: ls.map(docLine), goods: fenToString(ls.reduce((s, l) => s + l._value_fen, 0n)), tax: fenToString(ls.reduce((s, l) => s + parseFen(l.tariff) + parseFen(l.consumption_tax) + parseFen(l.vat), 0n)),
        },
        checks: [],
        receipts: [],
      };
      runChecks(d);
      declarations.push(d);
    }
  }
  function runChecks(d) {
    const withId = (doc, who) => ({ ...doc, [who]: { ...doc[who], _id: doc[who].id_number } });
    d.checks = matchDocuments(withId(d.order, 'buyer'), withId(d.payment, 'payer'), d.waybill, d.list);
  }
  const maskDoc = (doc, who) => (doc && doc[who] ? { ...doc, [who]: { ...doc[who], id_number: maskId(doc[who].id_number) } } : doc);
  function docsView(d) {
    const order = maskDoc(d.order, 'buyer');
    if (order?.buyer_phone) order.buyer_phone = maskPhone(order.buyer_phone);
    return {
      id: d.id, list_no: d.list_no, state: d.state, shipment_ref: d.shipment_ref, signing_key: d.signing_key, reason: d.reason,
      order, payment: maskDoc(d.payment, 'payer'), waybill: clone(d.waybill), list: maskDoc(d.list, 'buyer'),
      checks: d.checks.map((c) => ({ check: c.check, passed: c.passed, detail: c.detail.replace(/\d{17}[\dX]/g, (m) => maskId(m)) })),
      receipts: clone(d.receipts),
    };
  }
  const declView = (d) => ({
    id: d.id, order_id: d.order_id, list_no: d.list_no, state: d.state, shipment_ref: d.shipment_ref, trade_mode: d.list.trade_mode, ems_no: d.list.ems_no,
    signing_key: d.signing_key, checks_passed: d.checks.every((c) => c.passed),
    attempts: d.attempts, next_attempt_at: d.next_attempt_at, released_at: d.released_at, reason: d.reason, created_at: d.created_at, updated_at: d.updated_at,
  });
  function getDecl(id) {
    const d = declarations.find((x) => x.id === id);
    if (!d) throw notFound(`declaration ${id} not found`);
    return d;
  }
  // The state a receipt leads to (src/domain/customs/documents.cpp ApplyReceipt); undefined: refused.
  function nextState(from, kind) {
    const inn = (...states) => states.includes(from);
    switch (kind) {
      case 'accepted': return inn('queued', 'submitted') ? 'accepted' : inn('accepted', 'released', 'inspection_hold') ? from : undefined;
      case 'released': return inn('queued', 'submitted', 'accepted', 'inspection_hold', 'released') ? 'released' : undefined;
      case 'inspection_hold': return inn('queued', 'submitted', 'accepted', 'inspection_hold') ? 'inspection_hold' : undefined;
      case 'rejected': return inn('queued', 'submitted', 'accepted', 'inspection_hold', 'rejected') ? 'rejected' : undefined;
      case 'cancelled': return inn('queued', 'submitted', 'accepted', 'cancelled') ? 'cancelled' : undefined;
      case 'returned': return inn('released', 'returned') ? 'returned' : undefined;
      default: return undefined;
    }
  }

  function releaseOrderStock(o, lines = o.lines) {
    for (const l of lines) {
      if (!l.reservation_id) continue;
      try { inventory.releaseReservation(inventory.getReservation(l.reservation_id)); } catch { /* already released */ }
    }
  }
  function restoreQuota(o, amount, kind, ref) {
    if (amount <= 0n) return;
    quota.push({ id_type: o.buyer.id_type, id_number: o.buyer.id_number, year: Number(o.order_date.slice(0, 4)), amount_fen: -amount, kind, order_id: o.id, ref, at: now() });
  }
  const orderValueFen = (o) => o.lines.reduce((s, l) => s + parseFen(l.dutiable), 0n);

  function applyReceipt(body) {
    const receiptId = typeof body.receipt_id === 'string' ? body.receipt_id.trim() : '';
    if (!receiptId) throw invalid('receipt_id', 'is required');
    if (!RECEIPT_KINDS.includes(body.kind)) throw invalid('kind', `must be one of ${RECEIPT_KINDS.join(', ')}`);
    if (receiptsSeen.has(receiptId)) return { applied: false, declaration: declView(getDecl(receiptsSeen.get(receiptId))) };
    const d = declarations.find((x) => x.list_no === body.list_no);
    if (!d) throw notFound(`unknown declaration: list_no ${body.list_no}`);
    const to = nextState(d.state, body.kind);
    if (!to) throw failed(`a ${body.kind} receipt cannot apply to a ${d.state} declaration`, 'kind');
    const at = body.at || now();
    receiptsSeen.set(receiptId, d.id);
    receiptsTotal += 1;
    d.receipts.push({ receipt_id: receiptId, list_no: d.list_no, kind: body.kind, reason: body.reason ?? '', at });
    d.state = to;
    d.reason = body.reason ?? d.reason;
    d.updated_at = now();
    const o = getOrder(d.order_id);
    const mine = o.lines.filter((l) => l.shipment_ref === d.shipment_ref);
    if (to === 'accepted' && o.state === 'accepted') setState(o, 'declared', `customs accepted ${d.list_no}`);
    if (to === 'released') {
      d.released_at = at;
      if (['accepted', 'declared', 'inspection_hold'].includes(o.state)) { setState(o, 'released', `customs released ${d.list_no}`); o.released_at = at; }
    }
    if (to === 'inspection_hold' && ['accepted', 'declared'].includes(o.state)) setState(o, 'inspection_hold', `inspection hold on ${d.list_no}${body.reason ? `: ${body.reason}` : ''}`);
    if (to === 'rejected' && !['cancelled', 'rejected'].includes(o.state)) {
      releaseOrderStock(o, mine);
      restoreQuota(o, orderValueFen(o), 'cancel', `rejected:${d.list_no}`);
      o.reason = body.reason ?? '';
      setState(o, 'rejected', `customs rejected ${d.list_no}${body.reason ? `: ${body.reason}` : ''}`);
    }
    return { applied: true, declaration: declView(d) };
  }

  function cancelOrder(o, body) {
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (!['received', 'accepted', 'declared'].includes(o.state)) throw failed(`order ${o.channel_order_no} is ${o.state}: only a received, accepted or declared order can be cancelled`, 'state');
    releaseOrderStock(o);
    restoreQuota(o, orderValueFen(o), 'cancel', `cancel:${o.id}`);
    for (const d of declarations) {
      if (d.order_id === o.id && ['queued', 'submitted', 'accepted'].includes(d.state)) { d.state = 'cancelled'; d.updated_at = now(); }
    }
    o.reason = reason;
    setState(o, 'cancelled', reason || 'cancelled');
    return o;
  }

  // ---- returns ----------------------------------------------------------------------------------
  function requestReturn(o, body) {
    if (!['released', 'shipped', 'delivered'].includes(o.state)) throw failed(`order ${o.channel_order_no} is ${o.state}: returns need a released order`, 'state');
    const releasedOn = (o.released_at ?? now()).slice(0, 10);
    const day = today();
    const applyDays = rules.find('return_apply_days', '', releasedOn)?.quantity ?? 30;
    const arriveDays = rules.find('return_arrive_days', '', releasedOn)?.quantity ?? 45;
    if (day > addDays(releasedOn, applyDays)) {
      throw refused('return_window', `released on ${releasedOn}: a return may be applied for within ${applyDays} days (until ${addDays(releasedOn, applyDays)}), asked on ${day}`);
    }
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'give at least one line');
    const lines = body.lines.map((x, i) => {
      const l = o.lines.find((ol) => ol.line_no === x.line_no);
      if (!l) throw invalid(`lines[${i}].line_no`, `order ${o.channel_order_no} has no line ${x.line_no}`);
      if (l.mode === 'backorder') throw invalid(`lines[${i}].line_no`, `line ${l.line_no} was never shipped`);
      if (!Number.isInteger(x.quantity) || x.quantity <= 0) throw invalid(`lines[${i}].quantity`, 'must be a whole number above 0');
      if (x.quantity > l.quantity - l.returned_quantity) throw invalid(`lines[${i}].quantity`, `at most ${l.quantity - l.returned_quantity} of line ${l.line_no} can be returned`);
      const part = (fen) => fenToString((parseFen(fen) * BigInt(x.quantity)) / BigInt(l.quantity));
      return { line_no: l.line_no, order_line_id: l.id, sku_id: l.sku_id, quantity: x.quantity, value: part(l.dutiable), tax: fenToString(parseFen(part(l.tariff)) + parseFen(part(l.consumption_tax)) + parseFen(part(l.vat))), lot_number: '', expiry_date: null, outcome: '' };
    });
    for (const x of lines) o.lines.find((l) => l.line_no === x.line_no).returned_quantity += x.quantity;
    const r = {
      id: nextReturn++, order_id: o.id, declaration_id: declarations.find((d) => d.order_id === o.id)?.id ?? 0, state: 'requested',
      reason: typeof body.reason === 'string' ? body.reason.trim() : '', lines, requested_at: now(), received_at: null,
      apply_by: addDays(releasedOn, applyDays), arrive_by: addDays(releasedOn, arriveDays),
    };
    returns.push(r);
    event(o, 'note', `return #${r.id} requested: ${lines.map((l) => `line ${l.line_no} × ${l.quantity}`).join(', ')}`);
    return r;
  }
  function receiveReturn(r, body) {
    if (r.state !== 'requested') throw failed(`return ${r.id} is ${r.state}: only a requested return can be received`, 'state');
    const day = today();
    if (day > r.arrive_by) throw refused('return_arrival', `the goods had to be back by ${r.arrive_by}; they arrived on ${day}`);
    const o = getOrder(r.order_id);
    if (!Array.isArray(body.lines) || body.lines.length !== r.lines.length) throw invalid('lines', `give lot, expiry and bin for each of the ${r.lines.length} line(s)`);
    const plan = body.lines.map((x, i) => {
      const rl = r.lines.find((l) => l.line_no === x.line_no);
      if (!rl) throw invalid(`lines[${i}].line_no`, `return ${r.id} has no line ${x.line_no}`);
      const ol = o.lines.find((l) => l.line_no === rl.line_no);
      const lotNumber = typeof x.lot_number === 'string' ? x.lot_number.trim() : '';
      if (!lotNumber) throw invalid(`lines[${i}].lot_number`, 'is required');
      if (!isDate(x.expiry_date)) throw invalid(`lines[${i}].expiry_date`, 'must be a date like 2027-05-31');
      const bin = store.tables.bins.find((b) => b.id === Number(x.bin_id));
      if (!bin || bin.warehouse_id !== ol.warehouse_id) throw invalid(`lines[${i}].bin_id`, `no bin ${x.bin_id} in the line's warehouse`);
      const known = inventory.lots().find((l) => l.sku_id === ol.sku_id && l.lot_number === lotNumber);
      const good = !!known && (!known.expiry_date || known.expiry_date >= day) && known.expiry_date === x.expiry_date;
      return { rl, ol, lotNumber, expiry: x.expiry_date, bin, known, good };
    });
    for (const pl of plan) {
      const lotId = pl.known?.id ?? inventory.findOrCreateLot(pl.ol.sku_id, pl.lotNumber, null, pl.expiry);
      inventory.post([{ sku_id: pl.ol.sku_id, lot_id: lotId, owner: 'own', to: inventory.place(pl.bin.warehouse_id, pl.bin.id, pl.good ? 'available' : 'quarantine'), quantity: pl.rl.quantity, reason: 'return', ref_type: 'return', ref_id: String(r.id), actor: 'key:1' }]);
      pl.rl.lot_number = pl.lotNumber;
      pl.rl.expiry_date = pl.expiry;
      pl.rl.outcome = pl.good ? 'reshelved' : 'quarantined';
    }
    const value = r.lines.reduce((s, l) => s + parseFen(l.value), 0n);
    restoreQuota(o, value, 'return', `return:${r.id}`);
    r.received_at = now();
    const outcomes = new Set(r.lines.map((l) => l.outcome));
    r.state = outcomes.size === 1 ? [...outcomes][0] : 'received';
    const all = o.lines.filter((l) => l.mode !== 'backorder').every((l) => l.returned_quantity >= l.quantity);
    if (all) setState(o, 'returned', `return #${r.id} received`);
    else event(o, 'note', `return #${r.id} received: ${r.lines.map((l) => `line ${l.line_no} ${l.outcome}`).join(', ')}`);
    return r;
  }
  const returnView = (r) => ({
    ...clone(r),
    lines: r.lines.map((l) => ({ order_line_id: l.order_line_id, quantity: l.quantity, value: l.value, tax: l.tax, lot_number: l.lot_number, expiry_date: l.expiry_date, outcome: l.outcome })),
  });
  function getReturn(id) {
    const r = returns.find((x) => x.id === id);
    if (!r) throw notFound(`return ${id} not found`);
    return r;
  }

  // ---- lists ------------------------------------------------------------------------------------
  function listOrders(params) {
    const state = params.get('state') || undefined;
    if (state && !ORDER_STATES.includes(state)) throw invalid('state', `must be one of ${ORDER_STATES.join(', ')}`);
    const ch = params.get('channel_id') ? Number(params.get('channel_id')) : undefined;
    const from = params.get('from') || undefined;
    const to = params.get('to') || undefined;
    if (from && !isDate(from)) throw invalid('from', 'must be a date like 2026-11-01');
    if (to && !isDate(to)) throw invalid('to', 'must be a date like 2026-11-30');
    const q = (params.get('q') ?? '').trim().toLowerCase();
    const afterId = Number(params.get('after_id') ?? 0) || 0;
    const limit = Number(params.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    const rows = orders.filter((o) => (!state || o.state === state) && (ch === undefined || o.channel_id === ch)
      && (!from || o.order_date >= from) && (!to || o.order_date <= to)
      && (!q || o.channel_order_no.toLowerCase().startsWith(q) || o.buyer.name.toLowerCase().includes(q)))
      .sort((a, b) => b.id - a.id);
    const pageRows = rows.filter((o) => !afterId || o.id < afterId);
    const items = pageRows.slice(0, limit);
    // Like the server: a next key whenever the page is full (there may be nothing after it).
    return { items: items.map(orderView), total: rows.length, next_after_id: items.length === limit ? items[items.length - 1].id : null };
  }
  function listDeclarations(params) {
    const state = params.get('state') || undefined;
    if (state && !DECL_STATES.includes(state)) throw invalid('state', `must be one of ${DECL_STATES.join(', ')}`);
    const orderId = params.get('order_id') ? Number(params.get('order_id')) : undefined;
    const afterId = Number(params.get('after_id') ?? 0) || 0;
    const limit = Number(params.get('limit') ?? 50);
    const rows = declarations.filter((d) => (!state || d.state === state) && (orderId === undefined || d.order_id === orderId)).sort((a, b) => b.id - a.id);
    const pageRows = rows.filter((d) => !afterId || d.id < afterId);
    const items = pageRows.slice(0, limit);
    return { items: items.map(declView), total: rows.length, next_after_id: items.length === limit ? items[items.length - 1].id : null };
  }
  function queueView() {
    const keys = [...new Set(declarations.map((d) => d.signing_key))].sort();
    return {
      keys: keys.map((k) => {
        const mine = declarations.filter((d) => d.signing_key === k);
        const queued = mine.filter((d) => d.state === 'queued');
        return {
          signing_key: k, queued: queued.length, submitted: mine.filter((d) => d.state === 'submitted').length,
          oldest_queued_at: queued.map((d) => d.created_at).sort()[0] ?? null, rate_per_s: 4,
        };
      }),
      submitted_total: submittedTotal, receipts_total: receiptsTotal, submitter_running: false,
    };
  }

  /** The body of POST /tax/quote (the CLI's JSON) as quoteTax input. */
  function quoteInput(body) {
    const date = body.date;
    if (!isDate(date)) throw invalid('date', 'must be a date like 2026-11-20');
    const used = body.annual_used === undefined ? 0n : parseFen(body.annual_used);
    if (used === null || used < 0n) throw invalid('annual_used', 'must be an amount such as 0.00');
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'give at least one line');
    return {
      date, annual_used_fen: used,
      lines: body.lines.map((l, i) => {
        const value = parseFen(l.value);
        if (value === null || value < 0n) throw invalid(`lines[${i}].value`, 'must be an amount such as 425.00');
        const quantity = l.quantity ?? 1;
        if (!Number.isInteger(quantity) || quantity <= 0) throw invalid(`lines[${i}].quantity`, 'must be a whole number above 0');
        let ct;
        if (l.consumption_tax === undefined || l.consumption_tax === null || l.consumption_tax === '' || l.consumption_tax === 'none') ct = 'none';
        else if (l.consumption_tax === 'high_end_cosmetics') ct = l.consumption_tax;
        else {
          ct = parseRate(l.consumption_tax);
          if (!ct) throw invalid(`lines[${i}].consumption_tax`, 'must be none, high_end_cosmetics or a rate');
        }
        if (l.hs_code !== undefined && !/^(\d{8}|\d{10})$/.test(String(l.hs_code))) throw invalid(`lines[${i}].hs_code`, 'must have 8 or 10 digits');
        if (!l.hs_code && !l.vat_rate) throw invalid(`lines[${i}].vat_rate`, 'give an HS code or a VAT rate');
        const lq = l.legal_quantity === undefined ? 0 : Number(l.legal_quantity);
        if (!Number.isFinite(lq) || lq < 0) throw invalid(`lines[${i}].legal_quantity`, 'must be a number');
        if (l.legal_unit !== undefined && !['g', 'kg', 'ml', 'l', 'piece'].includes(l.legal_unit)) throw invalid(`lines[${i}].legal_unit`, 'must be g, kg, ml, l or piece');
        return {
          ref: String(i + 1), value_fen: value, quantity, hs_code: l.hs_code ? String(l.hs_code) : '', vat_rate: l.vat_rate, tariff_rate: l.tariff_rate,
          consumption_tax: ct, legal_quantity_milli: BigInt(Math.round(lq * 1000)), legal_unit: l.legal_unit ?? '',
        };
      }),
    };
  }

  // ---- seed -------------------------------------------------------------------------------------
  function seedRules() {
    const s49 = 'Cai Guan Shui [2018] No.49';
    const s18 = 'Cai Guan Shui [2016] No.18';
    addRule({ kind: 'single_limit', amount: '2000.00', valid_from: '2016-04-08', valid_to: '2018-12-31', source: s18 });
    addRule({ kind: 'single_limit', amount: '5000.00', valid_from: '2019-01-01', source: s49 });
    addRule({ kind: 'annual_limit', amount: '20000.00', valid_from: '2016-04-08', valid_to: '2018-12-31', source: s18 });
    addRule({ kind: 'annual_limit', amount: '26000.00', valid_from: '2019-01-01', source: s49 });
    addRule({ kind: 'cbec_tax_share', rate: '0.7', valid_from: '2016-04-08', source: s18 });
    addRule({ kind: 'vat_rate', key: 'standard', rate: '0.17', valid_from: '2016-04-08', valid_to: '2018-04-30', source: 'Cai Shui [2017] No.37' });
    addRule({ kind: 'vat_rate', key: 'standard', rate: '0.16', valid_from: '2018-05-01', valid_to: '2019-03-31', source: 'Cai Shui [2018] No.32' });
    addRule({ kind: 'vat_rate', key: 'standard', rate: '0.13', valid_from: '2019-04-01', source: 'MOF/SAT/GACC Announcement 2019 No.39' });
    addRule({ kind: 'vat_rate', key: 'reduced', rate: '0.11', valid_from: '2016-04-08', valid_to: '2018-04-30', source: 'Cai Shui [2017] No.37' });
    addRule({ kind: 'vat_rate', key: 'reduced', rate: '0.10', valid_from: '2018-05-01', valid_to: '2019-03-31', source: 'Cai Shui [2018] No.32' });
    addRule({ kind: 'vat_rate', key: 'reduced', rate: '0.09', valid_from: '2019-04-01', source: 'MOF/SAT/GACC Announcement 2019 No.39' });
    addRule({ kind: 'consumption_tax_rate', key: 'high_end_cosmetics', rate: '0.15', valid_from: '2016-10-01', source: 'Cai Shui [2016] No.103' });
    addRule({ kind: 'cosmetics_threshold', key: 'g', amount: '10.00', valid_from: '2016-10-01', source: 'Cai Shui [2016] No.103' });
    addRule({ kind: 'cosmetics_threshold', key: 'ml', amount: '10.00', valid_from: '2016-10-01', source: 'Cai Shui [2016] No.103' });
    addRule({ kind: 'cosmetics_threshold', key: 'piece', amount: '15.00', valid_from: '2016-10-01', source: 'Cai Shui [2016] No.103' });
    addRule({ kind: 'tariff_rate', key: 'default', rate: '0', valid_from: '2016-04-08', source: 'MFN tariff schedule (placeholder: per HS code rows)' });
    addRule({ kind: 'return_apply_days', quantity: 30, valid_from: '2020-03-28', source: 'GACC Announcement 2020 No.45' });
    addRule({ kind: 'return_arrive_days', quantity: 45, valid_from: '2020-03-28', source: 'GACC Announcement 2020 No.45' });
    const ed = '2022 edition (MOF and others Announcement 2022 No.2)';
    for (const [hs, description] of [
      ['19011010', 'Infant formula, milk-based, retail packing'], ['19011090', 'Other infant foods, retail packing'],
      ['21069090', 'Other food preparations (health foods)'], ['33042000', 'Eye make-up preparations'], ['33049100', 'Powders, compressed or not'],
      ['33049900', 'Other beauty, make-up and skin-care preparations'], ['34011100', 'Toilet soap'], ['64039900', 'Other footwear with leather uppers'],
      ['96190011', 'Baby diapers'],
    ]) positive.push({ tenant_id: 0, hs_code: hs, description, valid_from: '2022-03-01', valid_to: null, source: ed });
  }

  function seedOrders() {
    const c = (code, name, platform, min) => store.tables.channels.find((x) => x.code === code)
      ?? store.create('channels', { code, name, platform, shop_id: null, min_remaining_shelf_life_days: min }, 'key:1');
    const tmall = c('TMALL-GLOBAL', 'Tmall Global flagship store', 'tmall_global', 90);
    const jd = c('JD-WW', 'JD Worldwide shop', 'jd_worldwide', 60);
    const sku = (code) => store.tables.skus.find((s) => s.code === code);
    const syd = store.tables.warehouses.find((w) => w.code === 'SYD-OS-1');
    const lamer = sku('LAMER-CREME-60');
    const fish = sku('BLKM-FISH-400');
    if (syd && lamer && fish) {
      const bin = store.tables.bins.find((b) => b.warehouse_id === syd.id && b.code === 'OS-A-01')
        ?? store.create('bins', { code: 'OS-A-01', zone: 'A', kind: 'storage', capacity_units: 0 }, 'key:1', { warehouse_id: syd.id });
      store.tables.bins.find((b) => b.warehouse_id === syd.id && b.code === 'OS-Q-01')
        ?? store.create('bins', { code: 'OS-Q-01', zone: 'Q', kind: 'quarantine', capacity_units: 0 }, 'key:1', { warehouse_id: syd.id });
      const d = today();
      const lot1 = inventory.findOrCreateLot(lamer.id, 'LM2409', addDays(d, -100), addDays(d, 900));
      const lot2 = inventory.findOrCreateLot(fish.id, 'BF2405', addDays(d, -60), addDays(d, 600));
      inventory.post([{ sku_id: lamer.id, lot_id: lot1, owner: 'own', to: inventory.place(syd.id, bin.id), quantity: 40, reason: 'receipt', ref_type: 'asn', ref_id: 'ASN-SYD-1', actor: 'key:1' }]);
      inventory.post([{ sku_id: fish.id, lot_id: lot2, owner: 'own', to: inventory.place(syd.id, bin.id), quantity: 30, reason: 'receipt', ref_type: 'asn', ref_id: 'ASN-SYD-1', actor: 'key:1' }]);
    }
    const people = [
      ['张伟', '11010119900307', '13800138000'], ['王芳', '31010419850612', '13912345678'], ['李娜', '44030519920815', '13698765432'],
      ['刘洋', '33020319881120', '15088886666'],
    ].map(([name, prefix, phone], i) => {
      const body = `${prefix}${String(101 + i).padStart(3, '0')}`;
      return { name, id_type: 'id_card', id_number: body + idCardCheck(body), phone };
    });
    const place = (no, ch, who, lines, opts = {}) => {
      const date = opts.date ?? today();
      const quote = quoteTax({
        date, annual_used_fen: 0n, lines: lines.map(([s, q, price], i) => ({
          ref: String(i + 1), value_fen: parseFen(price) * BigInt(q), quantity: q, hs_code: s.hs_code, vat_class: s.vat_class,
          consumption_tax: s.consumption_tax_class === 'high_end_cosmetics' ? 'high_end_cosmetics' : 'none',
          legal_quantity_milli: BigInt(Math.round(Number(s.legal_quantity) * 1000)) * BigInt(q), legal_unit: s.legal_unit,
        })),
      }, rules);
      const tax = quote.tariff_fen + quote.ct_fen + quote.vat_fen;
      const goods = lines.reduce((s, [, q, price]) => s + parseFen(price) * BigInt(q), 0n);
      const body = {
        channel_id: ch.id, channel_order_no: no, order_date: date, policy: 'speed_first',
        buyer: { ...who }, address: { consignee: who.name, phone: who.phone, province: '浙江', city: '宁波', district: '北仑', street: '新碶街道 1 号' },
        payment: { payment_no: `PAY-${no}`, payer_name: who.name, payer_id_type: who.id_type, payer_id_number: who.id_number, amount: fenToString(goods + tax) },
        lines: lines.map(([s, q, price]) => ({ sku_id: s.id, quantity: q, unit_price: price, discount: '0.00' })),
        freight: '0.00', insurance: '0.00', discount: '0.00', tax: fenToString(tax), paid: fenToString(goods + tax),
      };
      return intake(body, 'key:1').order;
    };
    const a2 = sku('A2-PLAT-1-900');
    const vitc = sku('SWISSE-VITC-60');
    if (!a2 || !vitc || !lamer) return;
    const receipt = (o, kind, reason) => {
      for (const d of declarations.filter((x) => x.order_id === o.id)) {
        if (d.state === 'queued') { d.state = 'submitted'; d.attempts = 1; submittedTotal += 1; }
        applyReceipt({ receipt_id: `R-${d.list_no}-${kind}`, list_no: d.list_no, kind, reason });
      }
    };
    place('TM-DEMO-0001', tmall, people[0], [[a2, 2, '238.00']]);
    const o2 = place('TM-DEMO-0002', tmall, people[1], [[lamer, 1, '425.00']]);
    receipt(o2, 'accepted');
    const o3 = place('JD-DEMO-0003', jd, people[2], [[a2, 1, '238.00'], [vitc, 2, '99.00']]);
    receipt(o3, 'accepted');
    receipt(o3, 'released');
    const o4 = place('TM-DEMO-0004', tmall, people[3], [[vitc, 1, '99.00']]);
    cancelOrder(o4, { reason: 'buyer changed their mind' });
    const o5 = place('JD-DEMO-0005', jd, people[0], [[lamer, 2, '425.00']]);
    receipt(o5, 'accepted');
    receipt(o5, 'inspection_hold', 'random inspection');
    // An order whose payment record disagrees with the order (the payment company sent 1.00
    // less): the three-document check fails and customs rejects the list.
    const o6 = place('TM-DEMO-0006', tmall, people[2], [[a2, 1, '238.00']]);
    for (const d of declarations.filter((x) => x.order_id === o6.id)) {
      d.payment.amount = fenToString(parseFen(d.payment.amount) - 100n);
      runChecks(d);
      d.state = 'submitted';
      submittedTotal += 1;
      applyReceipt({ receipt_id: `R-${d.list_no}-rej`, list_no: d.list_no, kind: 'rejected', reason: 'three documents do not match: payment amount' });
    }
    // Many queued orders, so the list needs a second page.
    for (let i = 7; i <= 34; i++) place(`TM-DEMO-${String(i).padStart(4, '0')}`, i % 3 ? tmall : jd, people[i % 4], [[vitc, 1, '99.00']], { date: addDays(today(), -(i % 9)) });
  }

  // Rules and the positive list exist even without demo data (the real server's migration seeds them).
  seedRules();
  const seedData = () => { try { seedOrders(); } catch (e) { console.error('mock-orders seed:', e.message ?? e); } };

  // ---- routes -----------------------------------------------------------------------------------
  async function handle(req, res, method, parts, url, actor) {
    const [head, a, b, c] = parts;
    const params = url.searchParams;
    const id = (text) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n <= 0) throw notFound(`no such resource: /${parts.join('/')}`);
      return n;
    };
    const noRoute = () => notFound(`no route for ${method} /api/v1/${parts.join('/')}`);
    if (head === 'orders') {
      if (a === undefined && method === 'GET') return send(res, 200, listOrders(params)), true;
      if (a === undefined && method === 'POST') {
        const answer = intake(await readJson(req), actor);
        if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
        return send(res, answer.status, orderView(answer.order)), true;
      }
      if (a === 'import') throw noRoute();
      const o = getOrder(id(a));
      if (b === undefined && method === 'GET') return send(res, 200, orderView(o)), true;
      if (b === 'timeline' && method === 'GET') return send(res, 200, { items: events.filter((e) => e.order_id === o.id).map((e) => ({ ...e })) }), true;
      if (b === 'tax' && method === 'GET') {
        const year = Number(o.order_date.slice(0, 4));
        const before = quota.filter((q) => q.id_type === o.buyer.id_type && q.id_number === o.buyer.id_number && q.year === year && q.order_id < o.id)
          .reduce((s, q) => s + q.amount_fen, 0n);
        const q = quoteTax({
          date: o.order_date, annual_used_fen: before,
          lines: o.lines.map((l) => {
            const sku = skuOf(l.sku_id);
            return {
              ref: String(l.line_no), value_fen: parseFen(l.dutiable), quantity: l.quantity, hs_code: sku.hs_code, vat_class: sku.vat_class,
              consumption_tax: sku.consumption_tax_class === 'high_end_cosmetics' ? 'high_end_cosmetics' : 'none',
              legal_quantity_milli: BigInt(Math.round(Number(sku.legal_quantity) * 1000)) * BigInt(l.quantity), legal_unit: sku.legal_unit,
            };
          }),
        }, rules);
        return send(res, 200, { ...quoteView(q, rules), annual_used_before: fenToString(before) }), true;
      }
      if (b === 'documents' && method === 'GET') return send(res, 200, { declarations: declarations.filter((d) => d.order_id === o.id).map(docsView) }), true;
      if (b === 'cancel' && method === 'POST') return send(res, 200, orderView(cancelOrder(o, await readJson(req)))), true;
      if (b === 'returns' && method === 'POST') return send(res, 201, returnView(requestReturn(o, await readJson(req)))), true;
      throw noRoute();
    }
    if (head === 'returns') {
      if (a === undefined && method === 'GET') {
        const orderId = params.get('order_id') ? Number(params.get('order_id')) : undefined;
        return send(res, 200, { items: returns.filter((r) => orderId === undefined || r.order_id === orderId).sort((x, y) => y.id - x.id).map(returnView) }), true;
      }
      const r = getReturn(id(a));
      if (b === undefined && method === 'GET') return send(res, 200, returnView(r)), true;
      if (b === 'receive' && method === 'POST') return send(res, 200, returnView(receiveReturn(r, await readJson(req)))), true;
      throw noRoute();
    }
    if (head === 'tax' && a === 'quote' && parts.length === 2 && method === 'POST') {
      try {
        return send(res, 200, quoteView(quoteTax(quoteInput(await readJson(req)), rules), rules)), true;
      } catch (e) {
        if (e instanceof ApiFailure) throw e;
        if (e && e.field) throw invalid(e.field, e.message);
        throw e;
      }
    }
    if (head === 'customs') {
      if (a === 'rules' && parts.length === 2) {
        if (method === 'GET') {
          // Like the server: every rule row, no query parameters (the console filters by kind itself).
          for (const name of params.keys()) throw invalid(name, `unknown query parameter '${name}'`);
          return send(res, 200, { items: ruleRows.map(ruleView), total: ruleRows.length }), true;
        }
        if (method === 'POST') return send(res, 201, ruleView(ruleFromBody(await readJson(req)))), true;
      }
      if (a === 'positive-list') {
        if (b === undefined && method === 'GET') return send(res, 200, listPositive(params)), true;
        if (b === 'import' && method === 'POST') return send(res, 200, importPositive(await readBody(req))), true;
      }
      if (a === 'quota' && b === 'lookup' && method === 'POST') return send(res, 200, lookupQuota(await readJson(req))), true;
      if (a === 'declarations') {
        if (b === undefined && method === 'GET') return send(res, 200, listDeclarations(params)), true;
        const d = getDecl(id(b));
        if (c === undefined && method === 'GET') return send(res, 200, { ...declView(d), ...docsView(d) }), true;
        if (c === 'cancel' && method === 'POST') {
          if (!['queued', 'submitted', 'accepted'].includes(d.state)) throw failed(`declaration ${d.list_no} is ${d.state}: only a queued, submitted or accepted one can be cancelled`, 'state');
          d.state = 'cancelled';
          d.updated_at = now();
          return send(res, 200, declView(d)), true;
        }
      }
      if (a === 'queue' && parts.length === 2 && method === 'GET') return send(res, 200, queueView()), true;
      if (a === 'receipts' && parts.length === 2 && method === 'POST') return send(res, 200, applyReceipt(await readJson(req))), true;
      throw noRoute();
    }
    return false;
  }

  return { handle, seed: seedData, rules, quoteTax: (input) => quoteTax(input, rules) };
}
