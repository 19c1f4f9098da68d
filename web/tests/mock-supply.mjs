// Mock of the supplier-evaluation and procurement routes of /api/v1, used by mock-server.mjs:
//   /evaluation/trees[/{id}[/ahp|/activate]], /evaluation/ahp, /evaluation/bands, /evaluation/scores,
//   /evaluation/compute, /evaluation/scorecards, /evaluation/suppliers/{id}/trend, /evaluation/ranking,
//   /evaluation/risk, /price-lists[/{id}], /purchase-orders[/{id}[/confirm|/cancel|/receipts]].
// It also tells the inventory mock the open order quantities (inbound) and the orders' lines.
// The maths is in mock-maths.mjs and follows the C++ domain (src/domain/suppliers, procurement).

import {
  DEFAULT_BANDS, MathError, bandFor, concentration, deriveWeights, paperTemplate, parsePeriod,
  rankTopsis, scoreSupplier, validateBands, validateTree,
} from './mock-maths.mjs';

const MODES = ['air', 'sea', 'express', 'rail', 'road'];
const PO_STATUSES = ['draft', 'confirmed', 'partly_received', 'received', 'cancelled'];
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK']);

const clone = (v) => JSON.parse(JSON.stringify(v));
const today = () => new Date().toISOString().slice(0, 10);
const isDate = (s) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))
  && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const addDays = (iso, days) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
const dayDiff = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
const round = (v, digits = 6) => (v === null || v === undefined ? v : Number(v.toFixed(digits)));

export function createSupplyApi({ store, ApiFailure, invalid, readJson, send }) {
  const failed = (message, field, extra) => {
    const e = new ApiFailure(422, 'FAILED_PRECONDITION', message, field);
    if (extra) e.extra = extra;
    return e;
  };
  const notFound = (message) => new ApiFailure(404, 'NOT_FOUND', message);
  const conflict = (current, given) => new ApiFailure(409, 'CONFLICT', `version is ${current}, not ${given}`, 'version');
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  // ---- money in minor units -------------------------------------------------------------------
  const decimals = (currency) => (ZERO_DECIMAL.has(currency) ? 0 : 2);
  function parseMoney(value, currency, field) {
    const d = decimals(currency);
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') throw invalid(field, 'must be a decimal amount such as "12.50"');
    const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${field}: must be a decimal amount such as "12.50"`, field.replace(/\[.*$/, ''));
    const frac = (m[2] ?? '').replace(/0+$/, '');
    if (frac.length > d) {
      throw new ApiFailure(400, 'INVALID_ARGUMENT', `${field}: ${currency} has ${d} decimal places`, field.replace(/\[.*$/, ''));
    }
    return Number(m[1]) * 10 ** d + Number((frac + '00').slice(0, d) || 0);
  }
  const money = (minor, currency) => {
    const d = decimals(currency);
    if (d === 0) return String(minor);
    const sign = minor < 0 ? '-' : '';
    const abs = Math.abs(minor);
    return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  };

  // ---- state ---------------------------------------------------------------------------------
  const trees = [];
  const scores = new Map(); // `${tree}|${supplier}|${period}|${code}` -> { score, source, evaluator, note, at }
  let bands = clone(DEFAULT_BANDS);
  const prices = [];
  const orders = [];
  const receipts = [];
  let nextId = 1;

  const supplierOf = (id) => store.tables.suppliers.find((s) => s.id === id);
  const skuOf = (id) => store.tables.skus.find((s) => s.id === id);
  const warehouseOf = (id) => store.tables.warehouses.find((w) => w.id === id);
  const activeTree = () => trees.find((t) => t.status === 'active');

  function positiveId(value, field) {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (!Number.isInteger(n) || n <= 0) throw invalid(field, 'must be a positive integer id');
    return n;
  }
  function intParam(params, name, fallback) {
    if (!params.has(name) || params.get(name) === '') return fallback;
    const v = Number(params.get(name));
    if (!Number.isInteger(v)) throw invalid(name, 'must be an integer');
    return v;
  }
  function mathError(e) {
    if (e instanceof MathError) return new ApiFailure(400, 'INVALID_ARGUMENT', e.message, e.field);
    return e;
  }

  // ---- trees ---------------------------------------------------------------------------------
  function treeView(t) {
    return {
      id: t.id, name: t.name, version_no: t.version_no, status: t.status, version: t.version,
      created_by: t.created_by, created_at: t.created_at, activated_at: t.activated_at,
      indicators: clone(t.indicators), judgements: clone(t.judgements),
    };
  }
  const treeSummary = (t) => ({
    id: t.id, name: t.name, version_no: t.version_no, status: t.status,
    created_by: t.created_by, created_at: t.created_at, activated_at: t.activated_at,
  });
  function getTree(id) {
    const t = trees.find((x) => x.id === id);
    if (!t) throw notFound(`evaluation tree ${id} not found`);
    return t;
  }
  function mustBeDraft(t) {
    if (t.status !== 'draft') throw failed(`tree ${t.id} is ${t.status}: only a draft tree can change; create a new version`);
  }

  function parseIndicators(input) {
    if (!Array.isArray(input)) throw invalid('indicators', 'must be a list');
    const num = (v, code, what) => {
      if (v === null || v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiFailure(400, 'INVALID_ARGUMENT', `indicator '${code}': ${what} must be a number`, code);
      return v;
    };
    return input.map((ind) => {
      const code = typeof ind?.code === 'string' ? ind.code.trim() : '';
      if (!Array.isArray(ind?.children)) throw new ApiFailure(400, 'INVALID_ARGUMENT', `indicator '${code}': children must be a list`, code || 'indicators');
      return {
        code, name: typeof ind.name === 'string' ? ind.name.trim() : code, weight: num(ind.weight, code, 'weight'),
        children: ind.children.map((c) => {
          const sc = typeof c?.code === 'string' ? c.code.trim() : '';
          const direction = c.direction ?? 'higher_is_better';
          if (!['higher_is_better', 'lower_is_better'].includes(direction)) {
            throw new ApiFailure(400, 'INVALID_ARGUMENT', `indicator '${sc}': direction must be higher_is_better or lower_is_better`, sc);
          }
          return {
            code: sc, name: typeof c.name === 'string' ? c.name.trim() : sc, weight: num(c.weight, sc, 'weight'), direction,
            scale_min: num(c.scale_min, sc, 'scale_min') ?? 0, scale_max: num(c.scale_max, sc, 'scale_max') ?? 100,
          };
        }),
      };
    });
  }

  function createTree(body, actor) {
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) throw invalid('name', 'is required');
    if (name.length > 200) throw invalid('name', 'at most 200 characters');
    const from = body.from ?? 'template';
    let indicators;
    let judgements = [];
    if (from === 'template') {
      indicators = paperTemplate();
    } else if (from === 'active') {
      const a = activeTree();
      if (!a) throw failed('there is no active tree to copy; start from the template', 'from');
      indicators = clone(a.indicators);
      judgements = clone(a.judgements);
    } else {
      const id = Number(from);
      const src = Number.isInteger(id) ? trees.find((t) => t.id === id) : undefined;
      if (!src) throw invalid('from', `must be "template", "active" or the id of a tree (got ${JSON.stringify(from)})`);
      indicators = clone(src.indicators);
      judgements = clone(src.judgements);
    }
    const t = {
      id: nextId++, name, version_no: trees.reduce((m, x) => Math.max(m, x.version_no), 0) + 1, status: 'draft',
      indicators, judgements, created_by: actor, created_at: now(), activated_at: null, version: 1,
    };
    trees.push(t);
    return t;
  }

  function sameWeights(before, after) {
    if (!before || !after || before.length !== after.length) return false;
    return before.every((b, i) => b.code === after[i].code && Math.abs((b.weight ?? NaN) - (after[i].weight ?? NaN)) < 1e-12);
  }

  function updateTree(t, body) {
    mustBeDraft(t);
    if (body.version !== undefined && body.version !== t.version) throw conflict(t.version, body.version);
    let name = t.name;
    if (body.name !== undefined) {
      name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name) throw invalid('name', 'is required');
    }
    const indicators = body.indicators === undefined ? t.indicators : parseIndicators(body.indicators);
    try { validateTree(indicators); } catch (e) { throw mathError(e); }
    // Judgements stay only for the nodes whose weights did not change by hand.
    t.judgements = t.judgements.filter((j) => {
      if (j.node === 'root') return sameWeights(t.indicators, indicators);
      const before = t.indicators.find((i) => i.code === j.node);
      const after = indicators.find((i) => i.code === j.node);
      return sameWeights(before?.children, after?.children);
    });
    t.name = name;
    t.indicators = indicators;
    t.version += 1;
    return t;
  }

  function parseMatrix(matrix) {
    if (!Array.isArray(matrix) || !matrix.every((r) => Array.isArray(r))) throw invalid('matrix', 'must be a list of rows');
    return matrix.map((row) => row.map((v) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*\/\s*\d+(\.\d+)?\s*$/.test(v)
      ? Number(v.split('/')[0]) / Number(v.split('/')[1]) : v)));
  }

  function applyAhp(t, body) {
    mustBeDraft(t);
    const node = body.node;
    const riTable = body.ri_table ?? 'saaty';
    if (typeof node !== 'string' || !node) throw invalid('node', 'is required ("root" or a first-level indicator code)');
    let targets;
    if (node === 'root') targets = t.indicators;
    else {
      const ind = t.indicators.find((i) => i.code === node);
      if (!ind) throw invalid('node', `no first-level indicator '${node}'`);
      targets = ind.children;
    }
    const matrix = parseMatrix(body.matrix);
    if (matrix.length !== targets.length) {
      throw invalid('matrix', `'${node}' has ${targets.length} children, the matrix ${matrix.length} rows`);
    }
    let r;
    try { r = deriveWeights(matrix, riTable); } catch (e) { throw mathError(e); }
    if (!r.consistent) {
      const worst = r.disagreements.map((d) => `${targets[d.row].code} vs ${targets[d.column].code} (given ${d.given.toFixed(6)}, weights imply ${d.implied.toFixed(6)})`).join('; ');
      throw failed(`the judgements are inconsistent: CR ${r.cr.toFixed(6)} is above 0.10 (RI table ${riTable}); revisit ${worst}`, 'matrix', {
        cr: r.cr,
        disagreements: r.disagreements.map(({ row, column, given, implied }) => ({ row, column, given, implied })),
      });
    }
    targets.forEach((x, i) => { x.weight = r.weights[i]; });
    const j = { node, matrix, cr: r.cr, lambda_max: r.lambda_max, ri_table: riTable };
    const at = t.judgements.findIndex((x) => x.node === node);
    if (at >= 0) t.judgements[at] = j; else t.judgements.push(j);
    t.version += 1;
    return t;
  }

  function activate(t) {
    mustBeDraft(t);
    try { validateTree(t.indicators); } catch (e) { throw mathError(e); }
    const previous = activeTree();
    if (previous) previous.status = 'retired';
    t.status = 'active';
    t.activated_at = now();
    t.version += 1;
    return t;
  }

  // ---- scores and scorecards -----------------------------------------------------------------
  function scoresOf(treeId, supplierId, period) {
    const out = {};
    const prefix = `${treeId}|${supplierId}|${period}|`;
    for (const [k, v] of scores) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  }
  function periodsOf(treeId, supplierId) {
    const set = new Set();
    for (const k of scores.keys()) {
      const [t, s, p] = k.split('|');
      if (Number(t) === treeId && (supplierId === undefined || Number(s) === supplierId)) set.add(p);
    }
    return [...set].sort((a, b) => (parsePeriod(a).first < parsePeriod(b).first ? -1 : parsePeriod(a).first > parsePeriod(b).first ? 1 : a < b ? -1 : 1));
  }
  function suppliersScored(treeId, period) {
    const set = new Set();
    for (const k of scores.keys()) {
      const [t, s, p] = k.split('|');
      if (Number(t) === treeId && p === period) set.add(Number(s));
    }
    return [...set];
  }
  function scorecard(tree, supplierId, period) {
    const card = scoreSupplier(tree.indicators, scoresOf(tree.id, supplierId, period));
    const sup = supplierOf(supplierId);
    const band = card.total === null ? null : bandFor(bands, card.total);
    return {
      supplier_id: supplierId, supplier_code: sup?.code ?? '', supplier_name: sup?.name ?? '', period, tree_version_id: tree.id,
      total: round(card.total), band: band?.name ?? null, consequence: band?.consequence ?? null, rank: null,
      breakdown: card.breakdown.map((b) => ({
        ...b, subtotal: round(b.subtotal), contribution: round(b.contribution),
        children: b.children.map((c) => ({ ...c, normalised: round(c.normalised), contribution: round(c.contribution) })),
      })),
      missing: card.missing,
    };
  }
  function scorecards(tree, period) {
    const cards = suppliersScored(tree.id, period).map((s) => scorecard(tree, s, period));
    cards.sort((a, b) => {
      if (a.total === null || b.total === null) return a.total === null ? (b.total === null ? a.supplier_code.localeCompare(b.supplier_code) : 1) : -1;
      return b.total - a.total || a.supplier_code.localeCompare(b.supplier_code);
    });
    let rank = 0;
    for (const c of cards) if (c.total !== null) c.rank = ++rank;
    return cards;
  }
  function needActiveTree() {
    const t = activeTree();
    if (!t) throw failed('there is no active evaluation tree; activate one first');
    return t;
  }
  function needPeriod(value) {
    const p = parsePeriod(value);
    if (!p) throw invalid('period', 'must be a month like 2026-11 or a quarter like 2026-Q3');
    return p;
  }

  function putScores(body, actor) {
    const tree = needActiveTree();
    const supplierId = positiveId(body.supplier_id, 'supplier_id');
    if (!supplierOf(supplierId)) throw invalid('supplier_id', `no supplier ${supplierId}`);
    const period = needPeriod(body.period).label;
    if (!body.scores || typeof body.scores !== 'object' || Array.isArray(body.scores)) throw invalid('scores', 'must be an object of indicator code → score');
    if (body.note !== undefined && body.note !== null && typeof body.note !== 'string') throw invalid('note', 'must be a string');
    const subs = new Map(tree.indicators.flatMap((i) => i.children.map((c) => [c.code, c])));
    for (const [code, v] of Object.entries(body.scores)) {
      const sub = subs.get(code);
      if (!sub) throw new ApiFailure(400, 'INVALID_ARGUMENT', `score for unknown indicator '${code}'`, code);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiFailure(400, 'INVALID_ARGUMENT', `score for '${code}' must be a number`, code);
      if (v < sub.scale_min || v > sub.scale_max) {
        throw new ApiFailure(400, 'INVALID_ARGUMENT', `score ${v} for '${code}' is outside its scale ${sub.scale_min}..${sub.scale_max}`, code);
      }
    }
    const at = now();
    for (const [code, v] of Object.entries(body.scores)) {
      scores.set(`${tree.id}|${supplierId}|${period}|${code}`, { score: v, source: 'entered', evaluator: actor, note: body.note ?? null, at });
    }
    const card = scorecards(tree, period).find((c) => c.supplier_id === supplierId);
    return card;
  }

  // Performance facts from orders and receipts (MeasurePerformance in procurement.cpp).
  function measure(supplierId, period) {
    const mine = orders.filter((o) => o.supplier_id === supplierId);
    const byId = new Map(mine.map((o) => [o.id, o]));
    const rs = receipts.filter((r) => byId.has(r.purchase_order_id) && r.received_on >= period.first && r.received_on <= period.last);
    const inPeriod = mine.filter((o) => o.order_date >= period.first && o.order_date <= period.last);
    const f = {};
    let onTime = 0; let received = 0; let accepted = 0;
    const lead = [];
    for (const r of rs) {
      const o = byId.get(r.purchase_order_id);
      if (r.received_on <= o.expected_date) onTime++;
      lead.push(dayDiff(o.order_date, r.received_on));
      for (const l of r.lines) { received += l.received_qty; accepted += l.accepted_qty; }
    }
    if (rs.length) f.on_time_rate = 100 * onTime / rs.length;
    if (received > 0) f.acceptance_rate = 100 * accepted / received;
    if (lead.length >= 2) {
      const mean = lead.reduce((s, d) => s + d, 0) / lead.length;
      const variance = lead.reduce((s, d) => s + (d - mean) ** 2, 0) / (lead.length - 1);
      f.lead_time_variability = Math.min(100, mean > 0 ? Math.sqrt(variance) / mean * 100 : 0);
    }
    let ordered = 0; let got = 0; let varSum = 0; let quoted = 0;
    for (const o of inPeriod) {
      for (const l of o.lines) {
        if (o.status === 'received' || o.status === 'partly_received') { ordered += l.quantity; got += Math.min(l.received_qty, l.quantity); }
        if (o.status !== 'draft' && o.status !== 'cancelled' && l.quoted_minor > 0) {
          varSum += Math.abs(l.unit_minor - l.quoted_minor) / l.quoted_minor;
          quoted++;
        }
      }
    }
    if (ordered > 0) f.fill_rate = 100 * got / ordered;
    if (quoted > 0) f.price_variance = Math.min(100, 100 * varSum / quoted);
    return { facts: f, active: rs.length > 0 || inPeriod.length > 0 };
  }
  const REASONS = {
    on_time_rate: 'no goods receipts in the period',
    acceptance_rate: 'nothing was received in the period',
    lead_time_variability: 'fewer than two goods receipts in the period',
    fill_rate: 'no received orders in the period',
    price_variance: 'no order lines with a quoted price in the period',
  };
  function compute(body) {
    const tree = needActiveTree();
    const period = needPeriod(body.period);
    const subs = new Map(tree.indicators.flatMap((i) => i.children.map((c) => [c.code, c])));
    const computed = [];
    const missing = [];
    const supplierIds = [...new Set(orders.map((o) => o.supplier_id))].sort((a, b) => a - b);
    const at = now();
    for (const sid of supplierIds) {
      const { facts, active } = measure(sid, period);
      if (!active) continue;
      for (const code of Object.keys(REASONS)) {
        const sub = subs.get(code);
        if (!sub) continue;
        if (facts[code] === undefined) { missing.push({ supplier_id: sid, indicator: code, reason: REASONS[code] }); continue; }
        // Rates are on 0..100; mapped onto the indicator's scale.
        const score = round(sub.scale_min + (sub.scale_max - sub.scale_min) * facts[code] / 100);
        scores.set(`${tree.id}|${sid}|${period.label}|${code}`, { score, source: 'computed', evaluator: 'system', note: null, at });
        computed.push({ supplier_id: sid, indicator: code, score });
      }
    }
    return { computed, missing };
  }

  function ranking(params) {
    const tree = needActiveTree();
    const period = needPeriod(params.get('period')).label;
    let cards = scorecards(tree, period).filter((c) => c.total !== null);
    if (params.get('sku_id')) {
      const skuId = positiveId(params.get('sku_id'), 'sku_id');
      const offering = new Set(prices.filter((p) => p.active && p.sku_id === skuId).map((p) => p.supplier_id));
      cards = cards.filter((c) => offering.has(c.supplier_id));
    }
    if (!cards.length) return { items: [] };
    const criteria = tree.indicators.map((i) => ({ name: i.code, weight: i.weight, kind: 'benefit' }));
    const matrix = cards.map((c) => tree.indicators.map((i) => c.breakdown.find((b) => b.code === i.code)?.subtotal ?? 0));
    const topsis = rankTopsis(criteria, matrix);
    return {
      items: cards.map((c, i) => ({
        supplier_id: c.supplier_id, supplier_code: c.supplier_code, total: c.total, band: c.band,
        weighted_rank: i + 1, topsis_closeness: round(topsis.closeness[i]), topsis_rank: topsis.ranks[i],
      })),
    };
  }

  function trend(supplierId) {
    if (!supplierOf(supplierId)) throw notFound(`supplier ${supplierId} not found`);
    const tree = activeTree();
    if (!tree) return { items: [] };
    return {
      items: periodsOf(tree.id, supplierId).map((p) => {
        const c = scorecard(tree, supplierId, p);
        return { period: p, total: c.total, band: c.band };
      }),
    };
  }

  function risk(params) {
    const from = params.get('from') || null;
    const to = params.get('to') || null;
    if (from && !isDate(from)) throw invalid('from', 'must be a date like 2026-01-31');
    if (to && !isDate(to)) throw invalid('to', 'must be a date like 2026-01-31');
    if (from && to && to < from) throw invalid('to', 'is before from');
    const spent = orders.filter((o) => o.status !== 'draft' && o.status !== 'cancelled'
      && (!from || o.order_date >= from) && (!to || o.order_date <= to));
    const groups = new Map(); // category|currency -> Map(supplier -> minor)
    const skuSuppliers = new Map(); // sku -> Set(supplier)
    for (const o of spent) {
      for (const l of o.lines) {
        const category = skuOf(l.sku_id)?.category ?? 'other';
        const key = `${category}|${o.currency}`;
        const g = groups.get(key) ?? new Map();
        g.set(o.supplier_id, (g.get(o.supplier_id) ?? 0) + l.quantity * l.unit_minor);
        groups.set(key, g);
        const s = skuSuppliers.get(l.sku_id) ?? new Set();
        s.add(o.supplier_id);
        skuSuppliers.set(l.sku_id, s);
      }
    }
    for (const p of prices.filter((x) => x.active)) {
      const s = skuSuppliers.get(p.sku_id) ?? new Set();
      s.add(p.supplier_id);
      skuSuppliers.set(p.sku_id, s);
    }
    const categories = [...groups.entries()].map(([key, bySupplier]) => {
      const [category, currency] = key.split('|');
      const { shares, hhi } = concentration(bySupplier);
      const spend = [...bySupplier.values()].reduce((s, v) => s + v, 0);
      return {
        category, currency, spend: money(spend, currency), hhi: round(hhi, 2),
        suppliers: [...bySupplier.entries()].sort((a, b) => b[1] - a[1]).map(([sid, v]) => ({
          supplier_id: sid, supplier_code: supplierOf(sid)?.code ?? '', spend: money(v, currency), share: round(shares.get(sid)),
        })),
      };
    }).sort((a, b) => b.hhi - a.hhi || a.category.localeCompare(b.category));
    const single = [...skuSuppliers.entries()].filter(([, s]) => s.size === 1).map(([skuId, s]) => {
      const sid = [...s][0];
      return { sku_id: skuId, sku_code: skuOf(skuId)?.code ?? '', supplier_id: sid, supplier_code: supplierOf(sid)?.code ?? '' };
    }).sort((a, b) => a.sku_code.localeCompare(b.sku_code));
    return { categories, single_source_skus: single };
  }

  // ---- price lists ---------------------------------------------------------------------------
  const priceView = (p) => ({
    id: p.id, supplier_id: p.supplier_id, sku_id: p.sku_id, currency: p.currency, unit_price: money(p.unit_minor, p.currency),
    min_order_qty: p.min_order_qty, lead_time_days: { ...p.lead_time_days }, valid_from: p.valid_from, valid_to: p.valid_to,
    active: p.active, version: p.version, created_at: p.created_at, updated_at: p.updated_at,
  });
  function parseLeadTimes(v) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid('lead_time_days', 'must be an object such as {"sea": 35, "air": 7}');
    const out = {};
    for (const [mode, days] of Object.entries(v)) {
      if (!MODES.includes(mode)) throw invalid('lead_time_days', `unknown transport mode '${mode}' (one of ${MODES.join(', ')})`);
      if (days === null || days === undefined) continue;
      if (!Number.isInteger(days) || days < 1 || days > 365) throw invalid('lead_time_days', `${mode} must be 1..365 days`);
      out[mode] = days;
    }
    if (!Object.keys(out).length) throw invalid('lead_time_days', 'give the lead time of at least one transport mode');
    return out;
  }
  function checkPrice(p) {
    if (!/^[A-Z]{3}$/.test(p.currency ?? '')) throw invalid('currency', 'must be an ISO 4217 code');
    if (!Number.isInteger(p.min_order_qty) || p.min_order_qty < 1) throw invalid('min_order_qty', 'at least 1');
    if (!isDate(p.valid_from)) throw invalid('valid_from', 'must be a date like 2026-01-31');
    if (p.valid_to !== null && !isDate(p.valid_to)) throw invalid('valid_to', 'must be a date like 2026-01-31');
    if (p.valid_to !== null && p.valid_to < p.valid_from) throw invalid('valid_to', 'is before valid_from');
    if (!(p.unit_minor > 0)) throw invalid('unit_price', 'must be greater than 0');
  }
  function createPrice(body) {
    const supplierId = positiveId(body.supplier_id, 'supplier_id');
    const sup = supplierOf(supplierId);
    if (!sup) throw invalid('supplier_id', `no supplier ${supplierId}`);
    const skuId = positiveId(body.sku_id, 'sku_id');
    if (!skuOf(skuId)) throw invalid('sku_id', `no SKU ${skuId}`);
    const currency = typeof body.currency === 'string' ? body.currency.trim().toUpperCase() : '';
    if (!/^[A-Z]{3}$/.test(currency)) throw invalid('currency', 'must be an ISO 4217 code');
    if (body.unit_price === undefined || body.unit_price === null || body.unit_price === '') throw invalid('unit_price', 'is required');
    const at = now();
    const p = {
      id: nextId++, supplier_id: supplierId, sku_id: skuId, currency,
      unit_minor: parseMoney(body.unit_price, currency, 'unit_price'),
      min_order_qty: body.min_order_qty ?? 1, lead_time_days: parseLeadTimes(body.lead_time_days),
      valid_from: body.valid_from ?? today(), valid_to: body.valid_to ?? null, active: true, version: 1, created_at: at, updated_at: at,
    };
    checkPrice(p);
    prices.push(p);
    return p;
  }
  function getPrice(id) {
    const p = prices.find((x) => x.id === id);
    if (!p) throw notFound(`price list entry ${id} not found`);
    return p;
  }
  function patchPrice(p, body) {
    if (body.version !== undefined && body.version !== p.version) throw conflict(p.version, body.version);
    const next = { ...p };
    for (const k of Object.keys(body)) {
      if (!['version', 'unit_price', 'min_order_qty', 'lead_time_days', 'valid_from', 'valid_to', 'active', 'currency'].includes(k)) {
        throw invalid(k, 'is not a writable field');
      }
    }
    if ('currency' in body) next.currency = String(body.currency ?? '').trim().toUpperCase();
    if ('unit_price' in body) next.unit_minor = parseMoney(body.unit_price, next.currency, 'unit_price');
    if ('min_order_qty' in body) next.min_order_qty = body.min_order_qty;
    if ('lead_time_days' in body) next.lead_time_days = parseLeadTimes(body.lead_time_days);
    if ('valid_from' in body) next.valid_from = body.valid_from;
    if ('valid_to' in body) next.valid_to = body.valid_to ?? null;
    if ('active' in body) {
      if (typeof body.active !== 'boolean') throw invalid('active', 'must be true or false');
      next.active = body.active;
    }
    checkPrice(next);
    Object.assign(p, next, { version: p.version + 1, updated_at: now() });
    return p;
  }
  function listPrices(params) {
    const supplierId = intParam(params, 'supplier_id');
    const skuId = intParam(params, 'sku_id');
    const limit = intParam(params, 'limit', 50);
    const offset = intParam(params, 'offset', 0);
    if (limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    const validOn = params.get('valid_on');
    const all = params.get('include_inactive') === 'true';
    const rows = prices.filter((p) => (supplierId === undefined || p.supplier_id === supplierId)
      && (skuId === undefined || p.sku_id === skuId) && (all || p.active)
      && (!validOn || (p.valid_from <= validOn && (!p.valid_to || validOn <= p.valid_to))));
    return { items: rows.slice(offset, offset + limit).map(priceView), total: rows.length, limit, offset };
  }
  const quoteFor = (supplierId, skuId, day) => prices.filter((p) => p.active && p.supplier_id === supplierId && p.sku_id === skuId
    && p.valid_from <= day && (!p.valid_to || day <= p.valid_to)).sort((a, b) => (a.valid_from < b.valid_from ? 1 : -1))[0];

  // ---- purchase orders -----------------------------------------------------------------------
  const poView = (o) => ({
    id: o.id, code: o.code, supplier_id: o.supplier_id, warehouse_id: o.warehouse_id, transport_mode: o.transport_mode,
    currency: o.currency, status: o.status, order_date: o.order_date, expected_date: o.expected_date,
    total: money(o.lines.reduce((s, l) => s + l.quantity * l.unit_minor, 0), o.currency),
    lines: o.lines.map((l) => ({
      line_no: l.line_no, sku_id: l.sku_id, quantity: l.quantity, unit_price: money(l.unit_minor, o.currency),
      quoted_price: l.quoted_minor === null ? null : money(l.quoted_minor, o.currency),
      received_qty: l.received_qty, accepted_qty: l.accepted_qty, rejected_qty: l.rejected_qty,
    })),
    at_order: { ...o.at_order }, version: o.version, created_at: o.created_at, updated_at: o.updated_at,
  });
  function getOrder(id) {
    const o = orders.find((x) => x.id === id);
    if (!o) throw notFound(`purchase order ${id} not found`);
    return o;
  }

  // The supplier's standing now: its latest complete scorecard under the active tree.
  function standing(supplierId, skuIds) {
    const none = { score: null, band: '', rank: null, candidates: null, warned: false };
    const tree = activeTree();
    if (!tree) return { snap: none };
    const periods = periodsOf(tree.id, supplierId).reverse();
    for (const period of periods) {
      const cards = scorecards(tree, period);
      const mine = cards.find((c) => c.supplier_id === supplierId);
      if (!mine || mine.total === null) continue;
      const offering = new Set(prices.filter((p) => p.active && skuIds.includes(p.sku_id)).map((p) => p.supplier_id));
      offering.add(supplierId);
      const candidates = cards.filter((c) => c.total !== null && offering.has(c.supplier_id));
      const band = bandFor(bands, mine.total);
      return {
        snap: {
          score: mine.total, band: band.name, rank: candidates.findIndex((c) => c.supplier_id === supplierId) + 1,
          candidates: candidates.length, warned: band.consequence === 'warn',
        },
        consequence: band.consequence,
        period,
      };
    }
    return { snap: none };
  }

  function createOrder(body) {
    const code = typeof body.code === 'string' ? body.code.trim() : '';
    if (!code || code.length > 64) throw invalid('code', '1..64 characters');
    const supplierId = positiveId(body.supplier_id, 'supplier_id');
    const sup = supplierOf(supplierId);
    if (!sup) throw invalid('supplier_id', `no supplier ${supplierId}`);
    const warehouseId = positiveId(body.warehouse_id, 'warehouse_id');
    if (!warehouseOf(warehouseId)) throw invalid('warehouse_id', `no warehouse ${warehouseId}`);
    const mode = body.transport_mode;
    if (!MODES.includes(mode)) throw invalid('transport_mode', `must be one of ${MODES.join(', ')}`);
    const currency = typeof body.currency === 'string' ? body.currency.trim().toUpperCase() : '';
    if (!/^[A-Z]{3}$/.test(currency)) throw invalid('currency', 'must be an ISO 4217 code');
    const orderDate = body.order_date ?? today();
    if (!isDate(orderDate)) throw invalid('order_date', 'must be a date like 2026-01-31');
    if (body.expected_date !== undefined && body.expected_date !== null && !isDate(body.expected_date)) {
      throw invalid('expected_date', 'must be a date like 2026-01-31');
    }
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'an order needs at least one line');
    const warnings = [];
    const seen = new Set();
    let lead = 0;
    const lines = body.lines.map((l, i) => {
      const where = `lines[${i}]`;
      const skuId = Number(l?.sku_id);
      if (!Number.isInteger(skuId) || skuId <= 0) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}.sku_id: is required`, 'lines');
      const sku = skuOf(skuId);
      if (!sku) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}.sku_id: no SKU ${skuId}`, 'lines');
      if (seen.has(skuId)) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}.sku_id: the SKU is already on another line`, 'lines');
      seen.add(skuId);
      if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}.quantity: must be greater than 0`, 'lines');
      const quote = quoteFor(supplierId, skuId, orderDate);
      const quoted = quote && quote.currency === currency ? quote.unit_minor : null;
      let unit;
      if (l.unit_price === undefined || l.unit_price === null || l.unit_price === '') {
        if (quoted === null) {
          throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}.unit_price: ${sup.code} has no ${currency} price list entry for ${sku.code} on ${orderDate}; give the price`, 'lines');
        }
        unit = quoted;
      } else {
        unit = parseMoney(l.unit_price, currency, `${where}.unit_price`);
        if (unit <= 0) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}.unit_price: must be greater than 0`, 'lines');
      }
      if (quote) {
        if (l.quantity < quote.min_order_qty) {
          warnings.push(`line ${i + 1}: quantity ${l.quantity} of ${sku.code} is below the minimum order quantity ${quote.min_order_qty}`);
        }
        if (quoted !== null && unit !== quoted) {
          warnings.push(`line ${i + 1}: unit price ${money(unit, currency)} differs from the quoted ${money(quoted, currency)}`);
        }
        lead = Math.max(lead, quote.lead_time_days[mode] ?? 0);
        if (quote.lead_time_days[mode] === undefined) warnings.push(`line ${i + 1}: the price list of ${sku.code} gives no lead time by ${mode}`);
      } else {
        warnings.push(`line ${i + 1}: ${sup.code} has no price list entry for ${sku.code} on ${orderDate}`);
      }
      return {
        line_no: i + 1, sku_id: skuId, quantity: l.quantity, unit_minor: unit, quoted_minor: quoted,
        received_qty: 0, accepted_qty: 0, rejected_qty: 0,
      };
    });
    const expected = body.expected_date ?? addDays(orderDate, lead);
    if (expected < orderDate) throw invalid('expected_date', 'is before the order date');
    if (orders.some((o) => o.code === code)) throw new ApiFailure(409, 'ALREADY_EXISTS', `code: ${code} already exists`, 'code');
    const { snap, consequence, period } = standing(supplierId, lines.map((l) => l.sku_id));
    if (consequence === 'block') {
      throw failed(`supplier ${sup.code} is in band '${snap.band}' (score ${snap.score.toFixed(1)} in ${period}): new orders to it are blocked`, 'supplier_id');
    }
    if (snap.warned) warnings.unshift(`supplier ${sup.code} is in band '${snap.band}' (score ${snap.score.toFixed(1)} in ${period}): order with care`);
    const at = now();
    const o = {
      id: nextId++, code, supplier_id: supplierId, warehouse_id: warehouseId, transport_mode: mode, currency, status: 'draft',
      order_date: orderDate, expected_date: expected, lines, at_order: snap, version: 1, created_at: at, updated_at: at,
    };
    orders.push(o);
    return { ...poView(o), warnings };
  }

  function listOrders(params) {
    const supplierId = intParam(params, 'supplier_id');
    const warehouseId = intParam(params, 'warehouse_id');
    const status = params.get('status') || undefined;
    if (status && !PO_STATUSES.includes(status)) throw invalid('status', `must be one of ${PO_STATUSES.join(', ')}`);
    const limit = intParam(params, 'limit', 50);
    const offset = intParam(params, 'offset', 0);
    if (limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    if (offset < 0) throw invalid('offset', 'must be ≥ 0');
    const rows = orders.filter((o) => (supplierId === undefined || o.supplier_id === supplierId)
      && (warehouseId === undefined || o.warehouse_id === warehouseId) && (!status || o.status === status))
      .sort((a, b) => b.id - a.id);
    return { items: rows.slice(offset, offset + limit).map(poView), total: rows.length, limit, offset };
  }

  function transition(o, body, action) {
    if (body.version !== undefined && body.version !== o.version) throw conflict(o.version, body.version);
    if (action === 'confirm') {
      if (o.status !== 'draft') throw failed(`only a draft order can be confirmed; this one is ${o.status}`);
      o.status = 'confirmed';
    } else {
      if (o.status !== 'draft' && o.status !== 'confirmed') throw failed(`an order that is ${o.status} cannot be cancelled`);
      o.status = 'cancelled';
    }
    o.version += 1;
    o.updated_at = now();
    return poView(o);
  }

  function receive(o, body, actor) {
    if (o.status !== 'confirmed' && o.status !== 'partly_received') {
      throw failed(`goods can be received only on a confirmed order; this one is ${o.status}`);
    }
    const receivedOn = body.received_on ?? today();
    if (!isDate(receivedOn)) throw invalid('received_on', 'must be a date like 2026-01-31');
    if (receivedOn < o.order_date) throw invalid('received_on', 'is before the order date');
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'a receipt needs at least one line');
    const seen = new Set();
    const lines = body.lines.map((rl) => {
      const where = `line ${rl?.line_no}`;
      const n = rl?.line_no;
      if (!Number.isInteger(n) || n < 1 || n > o.lines.length) {
        throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}: the order has no such line`, 'lines');
      }
      if (seen.has(n)) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}: appears twice`, 'lines');
      seen.add(n);
      const received = rl.received_qty;
      const accepted = rl.accepted_qty ?? received;
      const rejected = rl.rejected_qty ?? 0;
      if (![received, accepted, rejected].every(Number.isInteger) || received <= 0 || accepted < 0 || rejected < 0) {
        throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}: quantities must be positive`, 'lines');
      }
      if (accepted + rejected !== received) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}: accepted + rejected must equal received`, 'lines');
      const reason = typeof rl.reason === 'string' ? rl.reason.trim() : '';
      if (rejected > 0 && !reason) throw new ApiFailure(400, 'INVALID_ARGUMENT', `${where}: give the reason for the rejected quantity`, 'lines');
      return { line_no: n, received_qty: received, accepted_qty: accepted, rejected_qty: rejected, reason };
    });
    for (const rl of lines) {
      const l = o.lines[rl.line_no - 1];
      l.received_qty += rl.received_qty;
      l.accepted_qty += rl.accepted_qty;
      l.rejected_qty += rl.rejected_qty;
    }
    o.status = o.lines.every((l) => l.received_qty >= l.quantity) ? 'received' : 'partly_received';
    o.version += 1;
    o.updated_at = now();
    const r = { id: nextId++, purchase_order_id: o.id, received_on: receivedOn, lines, actor, created_at: now() };
    receipts.push(r);
    return r;
  }

  // ---- seed ----------------------------------------------------------------------------------
  function seed() {
    const sku = (code) => store.tables.skus.find((s) => s.code === code);
    const sup = (code) => store.tables.suppliers.find((s) => s.code === code);
    const a2 = sup('SUP-A2NZ');
    const cw = sup('SUP-CW-AU');
    if (!a2 || !cw) return;
    const from = `${new Date().getUTCFullYear()}-01-01`;
    const add = (s, k, price, moq, lead) => {
      const target = sku(k);
      if (target) createPrice({ supplier_id: s.id, sku_id: target.id, currency: s.currency, unit_price: price, min_order_qty: moq, lead_time_days: lead, valid_from: from });
    };
    add(a2, 'A2-PLAT-1-900', '32.50', 120, { sea: 35, air: 7 });
    add(a2, 'A2-PLAT-2-900', '31.80', 120, { sea: 35, air: 7 });
    add(cw, 'SWISSE-VITC-60', '9.90', 24, { sea: 28, air: 5, express: 3 });
    add(cw, 'BLKM-FISH-400', '24.00', 24, { sea: 28, air: 5 });
    add(cw, 'A2-PLAT-1-900', '36.00', 12, { air: 6 });
  }

  // ---- routes --------------------------------------------------------------------------------
  async function handle(req, res, method, parts, url, actor) {
    const [head, a, b, c] = parts;
    const id = (text) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n <= 0) throw notFound(`no such resource: /${parts.join('/')}`);
      return n;
    };
    if (head === 'evaluation') {
      if (a === 'trees') {
        if (b === undefined && method === 'GET') {
          return send(res, 200, { items: [...trees].sort((x, y) => y.version_no - x.version_no).map(treeSummary) }), true;
        }
        if (b === undefined && method === 'POST') return send(res, 201, treeView(createTree(await readJson(req), actor))), true;
        if (b !== undefined && c === undefined && method === 'GET') return send(res, 200, treeView(getTree(id(b)))), true;
        if (b !== undefined && c === undefined && method === 'PUT') return send(res, 200, treeView(updateTree(getTree(id(b)), await readJson(req)))), true;
        if (c === 'ahp' && method === 'POST' && parts.length === 4) return send(res, 200, treeView(applyAhp(getTree(id(b)), await readJson(req)))), true;
        if (c === 'activate' && method === 'POST' && parts.length === 4) return send(res, 200, treeView(activate(getTree(id(b))))), true;
      }
      if (a === 'ahp' && parts.length === 2 && method === 'POST') {
        const body = await readJson(req);
        const criteria = body.criteria;
        const matrix = parseMatrix(body.matrix);
        if (!Array.isArray(criteria) || criteria.length !== matrix.length) throw invalid('criteria', `give one name per matrix row (${matrix.length})`);
        try {
          const r = deriveWeights(matrix, body.ri_table ?? 'saaty');
          return send(res, 200, { ...r, disagreements: r.disagreements.map(({ row, column, given, implied }) => ({ row, column, given, implied })) }), true;
        } catch (e) { throw mathError(e); }
      }
      if (a === 'bands' && parts.length === 2) {
        if (method === 'GET') return send(res, 200, { bands }), true;
        if (method === 'PUT') {
          const body = await readJson(req);
          try { validateBands(body.bands); } catch (e) { throw mathError(e); }
          bands = body.bands.map((x) => ({ name: x.name.trim(), min_score: x.min_score, consequence: x.consequence }))
            .sort((x, y) => y.min_score - x.min_score);
          return send(res, 200, { bands }), true;
        }
      }
      if (a === 'scores' && parts.length === 2 && method === 'PUT') return send(res, 200, putScores(await readJson(req), actor)), true;
      if (a === 'compute' && parts.length === 2 && method === 'POST') return send(res, 200, compute(await readJson(req))), true;
      if (a === 'scorecards' && parts.length === 2 && method === 'GET') {
        const tree = needActiveTree();
        return send(res, 200, { items: scorecards(tree, needPeriod(url.searchParams.get('period')).label) }), true;
      }
      if (a === 'suppliers' && c === 'trend' && parts.length === 4 && method === 'GET') return send(res, 200, trend(id(b))), true;
      if (a === 'ranking' && parts.length === 2 && method === 'GET') return send(res, 200, ranking(url.searchParams)), true;
      if (a === 'risk' && parts.length === 2 && method === 'GET') return send(res, 200, risk(url.searchParams)), true;
      throw notFound(`no route for ${method} /api/v1/${parts.join('/')}`);
    }
    if (head === 'price-lists') {
      if (a === undefined && method === 'GET') return send(res, 200, listPrices(url.searchParams)), true;
      if (a === undefined && method === 'POST') return send(res, 201, priceView(createPrice(await readJson(req)))), true;
      if (a !== undefined && b === undefined && method === 'GET') return send(res, 200, priceView(getPrice(id(a)))), true;
      if (a !== undefined && b === undefined && method === 'PATCH') return send(res, 200, priceView(patchPrice(getPrice(id(a)), await readJson(req)))), true;
      throw notFound(`no route for ${method} /api/v1/${parts.join('/')}`);
    }
    if (head === 'purchase-orders') {
      if (a === undefined && method === 'GET') return send(res, 200, listOrders(url.searchParams)), true;
      if (a === undefined && method === 'POST') return send(res, 201, createOrder(await readJson(req))), true;
      if (a !== undefined && b === undefined && method === 'GET') return send(res, 200, poView(getOrder(id(a)))), true;
      if ((b === 'confirm' || b === 'cancel') && parts.length === 3 && method === 'POST') {
        return send(res, 200, transition(getOrder(id(a)), await readJson(req), b)), true;
      }
      if (b === 'receipts' && parts.length === 3) {
        const o = getOrder(id(a));
        if (method === 'GET') return send(res, 200, { items: receipts.filter((r) => r.purchase_order_id === o.id) }), true;
        if (method === 'POST') return send(res, 201, receive(o, await readJson(req), actor)), true;
      }
      throw notFound(`no route for ${method} /api/v1/${parts.join('/')}`);
    }
    return false;
  }

  // ---- for the inventory mock (mock-inventory.mjs) ---------------------------------------------
  /** Units on confirmed, not fully received orders of a SKU into a warehouse ("inbound"). */
  function inbound(warehouseId, skuId) {
    return orders.filter((o) => o.warehouse_id === warehouseId && (o.status === 'confirmed' || o.status === 'partly_received'))
      .flatMap((o) => o.lines).filter((l) => l.sku_id === skuId)
      .reduce((s, l) => s + Math.max(0, l.quantity - l.received_qty), 0);
  }
  /** Every (warehouse, SKU) with inbound units. */
  function inboundPools() {
    const out = new Map();
    for (const o of orders) {
      if (o.status !== 'confirmed' && o.status !== 'partly_received') continue;
      for (const l of o.lines) if (l.quantity > l.received_qty) out.set(`${o.warehouse_id}|${l.sku_id}`, { warehouse_id: o.warehouse_id, sku_id: l.sku_id });
    }
    return [...out.values()];
  }
  const orderById = (id) => orders.find((o) => o.id === id);

  return { handle, seed, inbound, inboundPools, orderById };
}
