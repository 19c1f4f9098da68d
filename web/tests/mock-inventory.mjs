// Mock of the inventory and warehouse routes of /api/v1, used by mock-server.mjs:
//   /stock, /stock/summary, /stock/as-of, /stock/expiring, /stock/hold, /stock/release, /adjustments,
//   /skus/{id}/stock-card, /movements, /lots[/{id}], /reservations[/{id}[/release|/confirm]],
//   /inventory/engine, /tasks[/{id}[/receipts|/progress|/counts|/recounts|/close|/cancel]],
//   /tasks/receive|putaway|pick|move|count, /devices/{id}/events[/batch], /gs1/parse.
// It follows the rules of src/domain/inventory and src/domain/warehouse: an immutable ledger with
// balances per (warehouse, bin, SKU, lot, owner, state) that never go below zero; only available
// stock is reservable, FEFO over usable lots, all or nothing; a lot is usable through the end of
// its expiry date; picking takes from a reservation and never more than reserved; counts ask for a
// recount when they disagree and post the difference at close; a device event's first answer is
// stored under (device, event key) and every repeat gets it again with Idempotent-Replay: true.

const STATES = ['available', 'quarantine', 'customs_hold', 'damaged', 'picked'];
const HELD = ['quarantine', 'customs_hold', 'damaged'];
const RES_STATES = ['active', 'released', 'expired', 'consumed'];
const KINDS = ['receive', 'putaway', 'pick', 'pack', 'ship', 'move', 'count'];
const TASK_STATES = ['open', 'in_progress', 'recount', 'done', 'cancelled'];
const PREFIX = { receive: 'RCV', putaway: 'PUT', pick: 'PCK', pack: 'PAK', ship: 'SHP', move: 'MOV', count: 'CNT' };
const EVENT_TYPES = ['scan_location', 'scan_item', 'confirm'];
const OWNER = /^[A-Za-z0-9_.-]{1,32}$/;
const DAY = 86400000;

const clone = (v) => JSON.parse(JSON.stringify(v));
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const today = () => new Date().toISOString().slice(0, 10);
const isDate = (s) => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))
  && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const addDays = (iso, days) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const dayDiff = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

// ---- GS1 ------------------------------------------------------------------------------------------

export class Gs1Error extends Error {}

function checkDigitOk(digits) {
  const body = digits.slice(0, -1).split('').reverse();
  let sum = 0;
  body.forEach((d, i) => { sum += Number(d) * (i % 2 === 0 ? 3 : 1); });
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/** YYMMDD by the GS1 century rule; day 00 is the month's last day. */
function gs1Date(text, ai, pos, todayIso) {
  if (!/^\d{6}$/.test(text)) throw new Gs1Error(`AI ${ai} at position ${pos}: a date needs 6 digits YYMMDD`);
  const yy = Number(text.slice(0, 2));
  const mm = Number(text.slice(2, 4));
  let dd = Number(text.slice(4, 6));
  const current = Number(todayIso.slice(0, 4));
  const century = Math.floor(current / 100) * 100;
  let year = century + yy;
  if (year - current > 50) year -= 100;
  else if (current - year > 49) year += 100;
  if (mm < 1 || mm > 12) throw new Gs1Error(`AI ${ai} at position ${pos}: month ${mm} does not exist`);
  const last = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (dd === 0) dd = last;
  if (dd > last) throw new Gs1Error(`AI ${ai} at position ${pos}: day ${dd} does not exist in ${year}-${String(mm).padStart(2, '0')}`);
  return `${year}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

const AIS = {
  '00': { fixed: 18, key: 'sscc' },
  '01': { fixed: 14, key: 'gtin' },
  '02': { fixed: 14, key: 'gtin' },
  '10': { max: 20, key: 'lot' },
  '11': { fixed: 6, key: 'production_date' },
  '17': { fixed: 6, key: 'expiry_date' },
  '21': { max: 20, key: 'serial' },
  '30': { max: 8, key: 'quantity' },
  '37': { max: 8, key: 'quantity' },
};

/** Parses a GS1-128 / DataMatrix element string (with parentheses, or raw with GS separators) or a plain GTIN. */
export function parseGs1(input, todayIso = today()) {
  if (typeof input !== 'string' || !input.trim()) throw new Gs1Error('the barcode is empty');
  let text = input.trim();
  if (text.startsWith(']')) {
    const id = text.slice(0, 3);
    if (!/^\](C1|d2|Q3|e0|E0)$/.test(id)) throw new Gs1Error(`unknown symbology identifier ${id}`);
    text = text.slice(3);
    if (!text.replace(/\x1d/g, '')) throw new Gs1Error('no element strings after the symbology identifier');
  }
  const out = { gtin: null, sscc: null, lot: null, production_date: null, expiry_date: null, quantity: null, serial: null };
  const seen = new Set();
  if (/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(text)) {
    if (!checkDigitOk(text)) throw new Gs1Error('GTIN check digit is wrong');
    out.gtin = text.padStart(14, '0');
    return out;
  }
  const put = (ai, value, pos) => {
    const spec = AIS[ai];
    if (!spec) throw new Gs1Error(`unknown AI ${ai} at position ${pos}`);
    if (seen.has(spec.key)) throw new Gs1Error(`AI ${ai} at position ${pos}: appears more than once`);
    seen.add(spec.key);
    if (spec.fixed && value.length !== spec.fixed) throw new Gs1Error(`AI ${ai} at position ${pos}: needs ${spec.fixed} characters, has ${value.length}`);
    if (spec.max && (value.length < 1 || value.length > spec.max)) throw new Gs1Error(`AI ${ai} at position ${pos}: needs 1 to ${spec.max} characters`);
    if (['00', '01', '02', '11', '17', '30', '37'].includes(ai) && !/^\d+$/.test(value)) throw new Gs1Error(`AI ${ai} at position ${pos}: digits only`);
    if ((ai === '00' || ai === '01' || ai === '02') && !checkDigitOk(value)) throw new Gs1Error(`AI ${ai} at position ${pos}: check digit is wrong`);
    if (ai === '10' || ai === '21') {
      if (!/^[!-"%-/0-9:-?A-Z_a-z]+$/.test(value)) throw new Gs1Error(`AI ${ai} at position ${pos}: characters outside the GS1 set`);
    }
    if (spec.key === 'quantity') {
      const n = Number(value);
      if (n <= 0) throw new Gs1Error(`AI ${ai} at position ${pos}: quantity must be above 0`);
      out.quantity = n;
    } else if (spec.key === 'expiry_date' || spec.key === 'production_date') {
      out[spec.key] = gs1Date(value, ai, pos, todayIso);
    } else {
      out[spec.key] = value;
    }
  };
  if (text.startsWith('(')) {
    // "(AI)value(AI)value…": a value runs to the next "(digits)" marker, so a lot may hold "(1)".
    const markers = [...text.matchAll(/\((\d{2,4})\)/g)];
    if (!markers.length || markers[0].index !== 0) throw new Gs1Error('unexpected characters at position 1');
    markers.forEach((m, i) => {
      const start = m.index + m[0].length;
      const end = i + 1 < markers.length ? markers[i + 1].index : text.length;
      put(m[1], text.slice(start, end), start + 1);
    });
    return out;
  }
  text = text.replace(/^\x1d+/, '');
  let i = 0;
  while (i < text.length) {
    const ai = text.slice(i, i + 2);
    const spec = AIS[ai];
    if (!spec) throw new Gs1Error(`unknown AI ${ai} at position ${i + 1}`);
    const start = i + 2;
    let end;
    if (spec.fixed) {
      end = start + spec.fixed;
      if (end > text.length) throw new Gs1Error(`AI ${ai} at position ${i + 1}: needs ${spec.fixed} characters`);
    } else {
      const gs = text.indexOf('\x1d', start);
      end = gs < 0 ? text.length : gs;
    }
    put(ai, text.slice(start, end), i + 1);
    i = end;
    while (text[i] === '\x1d') i++;
  }
  return out;
}

// ---- the API --------------------------------------------------------------------------------------

export function createInventoryApi({ store, supply, ApiFailure, invalid, readJson, send }) {
  const failed = (message, field) => new ApiFailure(422, 'FAILED_PRECONDITION', message, field);
  const notFound = (message) => new ApiFailure(404, 'NOT_FOUND', message);

  const lots = [];
  const balances = new Map(); // key -> balance row
  const movements = [];
  const reservations = [];
  const reservationKeys = new Map(); // Idempotency-Key -> reservation id
  const tasks = [];
  const taskNumbers = Object.fromEntries(KINDS.map((k) => [k, 0]));
  const deviceAnswers = new Map(); // `${device}\n${key}` -> { status, body }
  let nextId = 1;
  let nextMovement = 1;

  const skuOf = (id) => store.tables.skus.find((s) => s.id === id);
  const warehouseOf = (id) => store.tables.warehouses.find((w) => w.id === id);
  const binOf = (id) => store.tables.bins.find((b) => b.id === id);
  const lotOf = (id) => lots.find((l) => l.id === id);

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
  function dateParam(params, name) {
    const v = params.get(name);
    if (v === null || v === '') return undefined;
    if (!isDate(v)) throw invalid(name, 'must be a date like 2026-01-31');
    return v;
  }
  /** A timestamp parameter: RFC 3339 or a date (the start of that day, UTC; with `endOfDay` its end). */
  function timeParam(params, name, endOfDay = false) {
    const v = params.get(name);
    if (v === null || v === '') return undefined;
    const ms = isDate(v) ? Date.parse(`${v}T00:00:00Z`) + (endOfDay ? DAY : 0) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(ms)) throw invalid(name, 'must be an RFC 3339 time or a date');
    return ms;
  }
  function paging(params, fallback = 50) {
    const limit = intParam(params, 'limit', fallback);
    const offset = intParam(params, 'offset', 0);
    if (limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    if (offset < 0) throw invalid('offset', 'must be ≥ 0');
    return { limit, offset };
  }
  const page = (rows, { limit, offset }, view = (x) => x) => ({ items: rows.slice(offset, offset + limit).map(view), total: rows.length, limit, offset });

  function needWarehouse(value, field = 'warehouse_id') {
    const id = positiveId(value, field);
    if (!warehouseOf(id)) throw invalid(field, `no warehouse ${id}`);
    return id;
  }
  function needSku(value, field = 'sku_id') {
    const id = positiveId(value, field);
    if (!skuOf(id)) throw invalid(field, `no SKU ${id}`);
    return id;
  }
  function needBin(value, warehouseId, field = 'bin_id') {
    const id = positiveId(value, field);
    const bin = binOf(id);
    if (!bin || bin.warehouse_id !== warehouseId) throw invalid(field, `no bin ${id} in warehouse ${warehouseId}`);
    return id;
  }
  function needLot(value, skuId, field = 'lot_id') {
    if (value === undefined || value === null || value === 0) return 0;
    const id = positiveId(value, field);
    const lot = lotOf(id);
    if (!lot) throw invalid(field, `no lot ${id}`);
    if (lot.sku_id !== skuId) throw invalid(field, `lot ${lot.lot_number} belongs to another SKU`);
    return id;
  }
  function needOwner(value, field = 'owner') {
    const v = value === undefined || value === null || value === '' ? 'own' : value;
    if (typeof v !== 'string' || !OWNER.test(v)) throw invalid(field, 'must be 1..32 characters of letters, digits, _ . -');
    return v;
  }
  function needQty(value, field = 'quantity', { allowZero = false, allowNegative = false } = {}) {
    if (!Number.isInteger(value)) throw invalid(field, 'must be a whole number');
    if (!allowNegative && (allowZero ? value < 0 : value <= 0)) throw invalid(field, allowZero ? 'must not be negative' : 'must be greater than 0');
    return value;
  }

  // ---- lots ---------------------------------------------------------------------------------------
  const lotView = (l) => ({ ...l });
  const expired = (expiry, day = today()) => !!expiry && expiry < day;

  function createLot(body) {
    const skuId = needSku(body.sku_id);
    const number = typeof body.lot_number === 'string' ? body.lot_number.trim() : '';
    if (!number || number.length > 20) throw invalid('lot_number', '1..20 characters');
    if (!/^[!-"%-/0-9:-?A-Z_a-z]+$/.test(number)) throw invalid('lot_number', 'only characters of the GS1 set (AI 10)');
    for (const f of ['production_date', 'expiry_date']) {
      if (body[f] !== undefined && body[f] !== null && body[f] !== '' && !isDate(body[f])) throw invalid(f, 'must be a date like 2026-01-31');
    }
    const production = body.production_date || null;
    const expiry = body.expiry_date || null;
    if (production && expiry && expiry < production) throw invalid('expiry_date', 'is before the production date');
    if (lots.some((l) => l.sku_id === skuId && l.lot_number === number)) {
      throw new ApiFailure(409, 'ALREADY_EXISTS', `lot_number: ${number} already exists for this SKU`, 'lot_number');
    }
    const lot = { id: nextId++, sku_id: skuId, lot_number: number, production_date: production, expiry_date: expiry, created_at: now() };
    lots.push(lot);
    return lot;
  }
  function findOrCreateLot(skuId, number, production, expiry, field = 'lot_number') {
    if (!number) return 0;
    const lot = lots.find((l) => l.sku_id === skuId && l.lot_number === number);
    if (lot) {
      if (expiry && lot.expiry_date && lot.expiry_date !== expiry) throw invalid('expiry_date', `lot ${number} expires on ${lot.expiry_date}, not ${expiry}`);
      return lot.id;
    }
    try {
      return createLot({ sku_id: skuId, lot_number: number, production_date: production, expiry_date: expiry }).id;
    } catch (e) {
      if (e instanceof ApiFailure && e.field === 'lot_number') e.field = field;
      throw e;
    }
  }

  // ---- ledger -------------------------------------------------------------------------------------
  const keyOf = (wh, bin, sku, lot, owner, state) => `${wh}|${bin}|${sku}|${lot}|${owner}|${state}`;
  const balanceView = (b) => {
    const lot = lotOf(b.lot_id);
    return { ...b, lot_number: lot?.lot_number ?? '', expiry_date: lot?.expiry_date ?? null };
  };

  /** Appends movements and applies them to the balances, all or nothing. */
  function post(list) {
    const delta = new Map();
    for (const m of list) {
      if (!(m.quantity > 0)) throw invalid('quantity', 'must be greater than 0');
      if (m.from) {
        const k = keyOf(m.from.warehouse_id, m.from.bin_id, m.sku_id, m.lot_id, m.owner, m.from.state);
        delta.set(k, (delta.get(k) ?? 0) - m.quantity);
      }
      if (m.to) {
        const k = keyOf(m.to.warehouse_id, m.to.bin_id, m.sku_id, m.lot_id, m.owner, m.to.state);
        delta.set(k, (delta.get(k) ?? 0) + m.quantity);
      }
    }
    for (const [k, d] of delta) {
      const have = balances.get(k)?.on_hand ?? 0;
      if (have + d < 0) {
        const [wh, bin, sku, lot, owner, state] = k.split('|');
        throw failed(`not enough stock: bin ${binOf(Number(bin))?.code ?? bin} of warehouse ${warehouseOf(Number(wh))?.code ?? wh} holds ${have} of SKU ${skuOf(Number(sku))?.code ?? sku}`
          + `${Number(lot) ? ` lot ${lotOf(Number(lot))?.lot_number}` : ''} (${owner}, ${state}), ${-d} needed`, 'quantity');
      }
    }
    for (const [k, d] of delta) {
      const [wh, bin, sku, lot, owner, state] = k.split('|');
      const b = balances.get(k) ?? { warehouse_id: Number(wh), bin_id: Number(bin), sku_id: Number(sku), lot_id: Number(lot), owner, state, on_hand: 0 };
      b.on_hand += d;
      balances.set(k, b);
    }
    const at = now();
    return list.map((m) => {
      const row = {
        id: nextMovement++, sku_id: m.sku_id, lot_id: m.lot_id ?? 0, owner: m.owner ?? 'own', from: m.from ?? null, to: m.to ?? null,
        quantity: m.quantity, reason: m.reason, ref_type: m.ref_type ?? '', ref_id: String(m.ref_id ?? ''), device: m.device ?? '',
        actor: m.actor ?? '', note: m.note ?? '', at,
      };
      movements.push(row);
      return row;
    });
  }
  const place = (warehouse_id, bin_id, state = 'available') => ({ warehouse_id, bin_id, state });
  const onHand = (wh, bin, sku, lot, owner, state) => balances.get(keyOf(wh, bin, sku, lot, owner, state))?.on_hand ?? 0;

  /** Balances (current, or `rows` as of a time) by the filters of GET /stock, paged. */
  function listBalances(params, rows = [...balances.values()]) {
    const f = {
      warehouse_id: intParam(params, 'warehouse_id'), bin_id: intParam(params, 'bin_id'), sku_id: intParam(params, 'sku_id'),
      lot_id: intParam(params, 'lot_id'), owner: params.get('owner') || undefined, state: params.get('state') || undefined,
      before: dateParam(params, 'expires_before'), after: dateParam(params, 'expires_after'), zero: params.get('include_zero') === 'true',
    };
    if (f.state && !STATES.includes(f.state)) throw invalid('state', `must be one of ${STATES.join(', ')}`);
    const matching = rows.map(balanceView).filter((b) => (f.zero || b.on_hand !== 0)
      && (f.warehouse_id === undefined || b.warehouse_id === f.warehouse_id) && (f.bin_id === undefined || b.bin_id === f.bin_id)
      && (f.sku_id === undefined || b.sku_id === f.sku_id) && (f.lot_id === undefined || b.lot_id === f.lot_id)
      && (f.owner === undefined || b.owner === f.owner) && (f.state === undefined || b.state === f.state)
      && (f.before === undefined || (b.expiry_date && b.expiry_date <= f.before))
      && (f.after === undefined || (b.expiry_date && b.expiry_date >= f.after)))
      .sort((a, b) => a.warehouse_id - b.warehouse_id || a.sku_id - b.sku_id || String(a.expiry_date ?? '9999').localeCompare(String(b.expiry_date ?? '9999'))
        || a.lot_id - b.lot_id || a.bin_id - b.bin_id || a.owner.localeCompare(b.owner) || STATES.indexOf(a.state) - STATES.indexOf(b.state));
    return page(matching, paging(params));
  }

  /** Balances at the end of a day (or just before a time): the ledger replayed up to it. */
  function asOf(params) {
    const atText = params.get('at');
    if (!atText) throw invalid('at', 'is required');
    const at = timeParam(params, 'at', true);
    const sums = new Map();
    const add = (p, m, q) => {
      const k = keyOf(p.warehouse_id, p.bin_id, m.sku_id, m.lot_id, m.owner, p.state);
      const b = sums.get(k) ?? { warehouse_id: p.warehouse_id, bin_id: p.bin_id, sku_id: m.sku_id, lot_id: m.lot_id, owner: m.owner, state: p.state, on_hand: 0 };
      b.on_hand += q;
      sums.set(k, b);
    };
    for (const m of movements) {
      if (Date.parse(m.at) >= at) continue;
      if (m.from) add(m.from, m, -m.quantity);
      if (m.to) add(m.to, m, m.quantity);
    }
    const { items, total, limit, offset } = listBalances(params, [...sums.values()]);
    return { at: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), items, total, limit, offset };
  }

  // ---- reservations -------------------------------------------------------------------------------
  function lapse() {
    const t = Date.now();
    for (const r of reservations) {
      if (r.state === 'active' && r.expires_at && Date.parse(r.expires_at) <= t) { r.state = 'expired'; r.updated_at = now(); }
    }
  }
  const outstanding = (r) => r.lines.reduce((s, l) => s + l.quantity - l.picked, 0);
  const resView = (r) => ({
    id: r.id, warehouse_id: r.warehouse_id, sku_id: r.sku_id, owner: r.owner, order_ref: r.order_ref,
    quantity: r.lines.reduce((s, l) => s + l.quantity, 0), picked: r.lines.reduce((s, l) => s + l.picked, 0), lines: clone(r.lines), state: r.state, expires_at: r.expires_at,
    created_at: r.created_at, updated_at: r.updated_at,
  });
  /** Reserved but not picked, per lot, of a pool. */
  function reservedByLot(wh, sku, owner) {
    lapse();
    const out = new Map();
    for (const r of reservations) {
      if (r.state !== 'active' || r.warehouse_id !== wh || r.sku_id !== sku || r.owner !== owner) continue;
      for (const l of r.lines) out.set(l.lot_id, (out.get(l.lot_id) ?? 0) + l.quantity - l.picked);
    }
    return out;
  }
  /** Reservable stock per lot of a pool: available on hand minus reserved. */
  function reservableLots(wh, sku, owner) {
    const onHandByLot = new Map();
    for (const b of balances.values()) {
      if (b.warehouse_id !== wh || b.sku_id !== sku || b.owner !== owner || b.state !== 'available') continue;
      onHandByLot.set(b.lot_id, (onHandByLot.get(b.lot_id) ?? 0) + b.on_hand);
    }
    const reserved = reservedByLot(wh, sku, owner);
    return [...onHandByLot.entries()].map(([lot_id, qty]) => ({ lot_id, expiry: lotOf(lot_id)?.expiry_date ?? null, available: qty - (reserved.get(lot_id) ?? 0) }));
  }

  function reserve(body, key) {
    if (key && reservationKeys.has(key)) return { replay: true, r: reservations.find((r) => r.id === reservationKeys.get(key)) };
    const wh = needWarehouse(body.warehouse_id);
    const sku = needSku(body.sku_id);
    const owner = needOwner(body.owner);
    const qty = needQty(body.quantity);
    const orderRef = typeof body.order_ref === 'string' ? body.order_ref.trim() : '';
    if (!orderRef || orderRef.length > 64) throw invalid('order_ref', '1..64 characters');
    let minDays = 0;
    if (body.channel_id !== undefined && body.channel_id !== null) {
      const ch = store.tables.channels.find((c) => c.id === positiveId(body.channel_id, 'channel_id'));
      if (!ch) throw invalid('channel_id', `no channel ${body.channel_id}`);
      minDays = ch.min_remaining_shelf_life_days ?? 0;
    }
    if (body.min_remaining_days !== undefined && body.min_remaining_days !== null) minDays = needQty(body.min_remaining_days, 'min_remaining_days', { allowZero: true });
    const hold = body.hold_seconds === undefined || body.hold_seconds === null ? 900 : needQty(body.hold_seconds, 'hold_seconds');
    const day = today();
    // FEFO: earliest expiry first, lots without expiry last; expired lots and lots with too little shelf life left are skipped.
    const usable = reservableLots(wh, sku, owner)
      .filter((l) => l.available > 0 && !expired(l.expiry, day) && (!l.expiry || dayDiff(day, l.expiry) >= minDays))
      .sort((a, b) => (a.expiry ?? '9999-99-99').localeCompare(b.expiry ?? '9999-99-99') || a.lot_id - b.lot_id);
    const reservable = usable.reduce((s, l) => s + l.available, 0);
    if (reservable < qty) {
      throw failed(`quantity: only ${reservable} of SKU ${skuOf(sku).code} (${owner}) can be reserved in warehouse ${warehouseOf(wh).code}${minDays ? ` with at least ${minDays} days of shelf life left` : ''}; ${qty} asked`, 'quantity');
    }
    let left = qty;
    const lines = [];
    for (const l of usable) {
      if (!left) break;
      const take = Math.min(left, l.available);
      lines.push({ lot_id: l.lot_id, quantity: take, picked: 0 });
      left -= take;
    }
    const at = now();
    const r = {
      id: nextId++, warehouse_id: wh, sku_id: sku, owner, order_ref: orderRef, lines, state: 'active',
      expires_at: new Date(Date.now() + hold * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), created_at: at, updated_at: at,
    };
    reservations.push(r);
    if (key) reservationKeys.set(key, r.id);
    return { replay: false, r };
  }
  function getReservation(id) {
    lapse();
    const r = reservations.find((x) => x.id === id);
    if (!r) throw notFound(`reservation ${id} not found`);
    return r;
  }
  function releaseReservation(r) {
    if (r.state !== 'active') throw failed(`reservation ${r.id} is ${r.state}: only an active one can be released`);
    r.state = 'released';
    r.updated_at = now();
    return r;
  }
  function confirmReservation(r) {
    if (r.state !== 'active') throw failed(`reservation ${r.id} is ${r.state}: only an active one can be confirmed`);
    r.expires_at = null;
    r.updated_at = now();
    return r;
  }
  function listReservations(params) {
    lapse();
    const wh = intParam(params, 'warehouse_id');
    const sku = intParam(params, 'sku_id');
    const orderRef = params.get('order_ref') || undefined;
    const state = params.get('state') || undefined;
    if (state && !RES_STATES.includes(state)) throw invalid('state', `must be one of ${RES_STATES.join(', ')}`);
    const rows = reservations.filter((r) => (wh === undefined || r.warehouse_id === wh) && (sku === undefined || r.sku_id === sku)
      && (!orderRef || r.order_ref === orderRef) && (!state || r.state === state)).sort((a, b) => b.id - a.id);
    return page(rows, paging(params), resView);
  }

  // ---- summary, expiring, stock card, movements --------------------------------------------------
  function summary(params) {
    lapse();
    const wh = intParam(params, 'warehouse_id');
    const sku = intParam(params, 'sku_id');
    const owner = params.get('owner') || undefined;
    const pools = new Map();
    const pool = (w, s, o) => {
      const k = `${w}|${s}|${o}`;
      if (!pools.has(k)) pools.set(k, { warehouse_id: w, sku_id: s, owner: o, on_hand: 0, reserved: 0, available: 0, held: 0, picked: 0, inbound: 0, in_transit: 0, projected: 0 });
      return pools.get(k);
    };
    for (const b of balances.values()) {
      if (!b.on_hand) continue;
      const p = pool(b.warehouse_id, b.sku_id, b.owner);
      p.on_hand += b.on_hand;
      if (b.state === 'available') p.available += b.on_hand;
      else if (HELD.includes(b.state)) p.held += b.on_hand;
      else if (b.state === 'picked') p.picked += b.on_hand;
    }
    for (const r of reservations) if (r.state === 'active') pool(r.warehouse_id, r.sku_id, r.owner).reserved += outstanding(r);
    for (const x of supply?.inboundPools?.() ?? []) pool(x.warehouse_id, x.sku_id, 'own');
    // Open receive tasks: what they took in against an order is on hand already (the order hears of
    // it at close); what an advance notice still announces is in transit.
    const takenIn = new Map();
    for (const t of tasks) {
      if (t.kind !== 'receive' || (t.state !== 'open' && t.state !== 'in_progress')) continue;
      for (const l of t.lines) {
        const got = (l.done_qty ?? 0) + (l.damaged_qty ?? 0);
        if (t.ref_type === 'purchase_order') {
          const k = `${t.warehouse_id}|${l.sku_id}`;
          takenIn.set(k, (takenIn.get(k) ?? 0) + got);
        } else if (t.ref_type === 'asn' && l.expected_qty > got) {
          pool(t.warehouse_id, l.sku_id, l.owner).in_transit += l.expected_qty - got;
        }
      }
    }
    const rows = [...pools.values()].filter((p) => (wh === undefined || p.warehouse_id === wh) && (sku === undefined || p.sku_id === sku)
      && (owner === undefined || p.owner === owner)).map((p) => {
      const ordered = p.owner === 'own' ? supply?.inbound?.(p.warehouse_id, p.sku_id) ?? 0 : 0;
      const inbound = Math.max(0, ordered - (p.owner === 'own' ? takenIn.get(`${p.warehouse_id}|${p.sku_id}`) ?? 0 : 0));
      const available = p.available - p.reserved;
      return { ...p, available, inbound, projected: available + inbound + p.in_transit };
    }).filter((p) => p.on_hand || p.reserved || p.inbound || p.in_transit)
      .sort((a, b) => a.sku_id - b.sku_id || a.warehouse_id - b.warehouse_id || a.owner.localeCompare(b.owner));
    return page(rows, paging(params));
  }

  function expiring(params) {
    const wh = intParam(params, 'warehouse_id');
    const days = intParam(params, 'days', 30);
    if (days < 0 || days > 3650) throw invalid('days', 'must be 0..3650');
    const day = today();
    const until = addDays(day, days);
    const items = [...balances.values()].map(balanceView)
      .filter((b) => b.on_hand > 0 && b.expiry_date && b.expiry_date <= until && (wh === undefined || b.warehouse_id === wh))
      .map((b) => ({ ...b, days_left: dayDiff(day, b.expiry_date), status: expired(b.expiry_date, day) ? 'expired' : 'near_expiry' }))
      .sort((a, b) => a.expiry_date.localeCompare(b.expiry_date) || a.sku_id - b.sku_id || a.bin_id - b.bin_id);
    return { ...page(items, paging(params)), today: day, days };
  }

  function stockCard(skuId, params) {
    if (!skuOf(skuId)) throw notFound(`SKU ${skuId} not found`);
    const wh = intParam(params, 'warehouse_id');
    const owner = params.get('owner') || undefined;
    const from = timeParam(params, 'from');
    const to = timeParam(params, 'to', true);
    const afterId = intParam(params, 'after_id', 0);
    const limit = intParam(params, 'limit', 100);
    if (limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    const inScope = (p) => !!p && (wh === undefined || p.warehouse_id === wh);
    const signed = (m) => (inScope(m.to) ? m.quantity : 0) - (inScope(m.from) ? m.quantity : 0);
    const mine = movements.filter((m) => m.sku_id === skuId && (owner === undefined || m.owner === owner) && (inScope(m.from) || inScope(m.to)));
    const opening = from === undefined ? 0 : mine.filter((m) => Date.parse(m.at) < from).reduce((s, m) => s + signed(m), 0);
    let running = opening;
    const all = mine.filter((m) => (from === undefined || Date.parse(m.at) >= from) && (to === undefined || Date.parse(m.at) < to))
      .map((m) => { running += signed(m); return { ...clone(m), signed_quantity: signed(m), running_balance: running }; });
    const rest = all.filter((m) => m.id > afterId);
    const items = rest.slice(0, limit);
    return { sku_id: skuId, opening_balance: opening, items, next_after_id: rest.length > limit ? items[items.length - 1].id : null };
  }

  function listMovements(params) {
    const f = {
      sku: intParam(params, 'sku_id'), wh: intParam(params, 'warehouse_id'), lot: intParam(params, 'lot_id'),
      refType: params.get('ref_type') || undefined, refId: params.get('ref_id') || undefined,
      from: timeParam(params, 'from'), to: timeParam(params, 'to', true), after: intParam(params, 'after_id', 0), limit: intParam(params, 'limit', 100),
    };
    if (f.limit < 1 || f.limit > 1000) throw invalid('limit', 'must be between 1 and 1000');
    const rest = movements.filter((m) => m.id > f.after && (f.sku === undefined || m.sku_id === f.sku) && (f.lot === undefined || m.lot_id === f.lot)
      && (f.wh === undefined || m.from?.warehouse_id === f.wh || m.to?.warehouse_id === f.wh)
      && (!f.refType || m.ref_type === f.refType) && (!f.refId || m.ref_id === f.refId)
      && (f.from === undefined || Date.parse(m.at) >= f.from) && (f.to === undefined || Date.parse(m.at) < f.to));
    const items = rest.slice(0, f.limit);
    return { items: clone(items), next_after_id: rest.length > f.limit ? items[items.length - 1].id : null };
  }

  // ---- adjustments, hold and release -------------------------------------------------------------
  function stockLine(body) {
    const wh = needWarehouse(body.warehouse_id);
    const bin = needBin(body.bin_id, wh);
    const sku = needSku(body.sku_id);
    const lot = needLot(body.lot_id, sku);
    const owner = needOwner(body.owner);
    return { wh, bin, sku, lot, owner };
  }
  /** Taking available stock away must leave enough for the reservations on it. */
  function checkNotReserved(wh, sku, lot, owner, qty) {
    const free = reservableLots(wh, sku, owner).find((l) => l.lot_id === lot)?.available ?? 0;
    if (free < qty) throw failed(`quantity: only ${Math.max(0, free)} of it is not reserved`, 'quantity');
  }
  function adjust(body, actor) {
    const { wh, bin, sku, lot, owner } = stockLine(body);
    const qty = needQty(body.quantity, 'quantity', { allowNegative: true });
    if (qty === 0) throw invalid('quantity', 'must not be 0');
    const reason = typeof body.reason_code === 'string' ? body.reason_code.trim() : '';
    if (!reason) throw invalid('reason_code', 'is required');
    if (qty < 0) checkNotReserved(wh, sku, lot, owner, -qty);
    const m = qty > 0
      ? { sku_id: sku, lot_id: lot, owner, to: place(wh, bin), quantity: qty, reason: 'count_gain' }
      : { sku_id: sku, lot_id: lot, owner, from: place(wh, bin), quantity: -qty, reason: 'count_loss' };
    return post([{ ...m, ref_type: 'adjustment', actor, note: body.note ? `${reason}: ${body.note}` : reason }])[0];
  }
  function hold(body, actor) {
    const { wh, bin, sku, lot, owner } = stockLine(body);
    const qty = needQty(body.quantity);
    if (!HELD.includes(body.state)) throw invalid('state', `must be one of ${HELD.join(', ')}`);
    checkNotReserved(wh, sku, lot, owner, qty);
    return post([{ sku_id: sku, lot_id: lot, owner, from: place(wh, bin), to: place(wh, bin, body.state), quantity: qty, reason: 'hold', actor, note: body.note ?? '' }])[0];
  }
  function release(body, actor) {
    const { wh, bin, sku, lot, owner } = stockLine(body);
    const qty = needQty(body.quantity);
    if (!HELD.includes(body.from_state)) throw invalid('from_state', `must be one of ${HELD.join(', ')}`);
    return post([{ sku_id: sku, lot_id: lot, owner, from: place(wh, bin, body.from_state), to: place(wh, bin), quantity: qty, reason: 'release', actor, note: body.note ?? '' }])[0];
  }

  // ---- tasks --------------------------------------------------------------------------------------
  const closedState = (s) => s === 'done' || s === 'cancelled';
  const finalCount = (l) => l.recount_qty ?? l.counted_qty;
  const needsRecount = (l) => l.counted_qty !== null && l.counted_qty !== l.system_qty && l.recount_qty === null;

  function variances(task) {
    return task.lines.map((l) => {
      const got = l.done_qty + l.damaged_qty;
      return { line_no: l.line_no, expected: l.expected_qty, good: l.done_qty, damaged: l.damaged_qty, over: Math.max(0, got - l.expected_qty), short: Math.max(0, l.expected_qty - got) };
    });
  }
  /** A line as warehouse_json.cpp shows it: the members of its task's kind; `terminal` hides system_qty. */
  function lineView(task, l, terminal = false) {
    const out = { line_no: l.line_no, sku_id: l.sku_id, owner: l.owner };
    if (task.kind === 'receive') {
      Object.assign(out, { to_bin: l.to_bin, expected_qty: l.expected_qty, done_qty: l.done_qty, damaged_qty: l.damaged_qty, receipts: clone(l.receipts) });
    } else if (task.kind === 'count') {
      Object.assign(out, { lot_id: l.lot_id, bin: l.from_bin });
      if (!terminal) out.system_qty = l.system_qty;
      Object.assign(out, { counted_qty: l.counted_qty, recount_qty: l.recount_qty, reason: l.reason });
    } else {
      Object.assign(out, { lot_id: l.lot_id, from_bin: l.from_bin, to_bin: l.to_bin, expected_qty: l.expected_qty, done_qty: l.done_qty });
      if (task.kind === 'pick') Object.assign(out, { reservation_id: l.reservation_id, order_ref: l.order_ref });
    }
    return out;
  }
  const taskHeader = (t) => ({
    id: t.id, code: t.code, kind: t.kind, state: t.state, warehouse_id: t.warehouse_id, ref_type: t.ref_type, ref_id: t.ref_id,
    assignee: t.assignee, version: t.version, line_count: t.lines.length, created_at: t.created_at, updated_at: t.updated_at, closed_at: t.closed_at,
  });
  /** The task as the API shows it, with its lines (and the variances of a receive task). */
  function taskView(task) {
    const v = { ...taskHeader(task), lines: task.lines.map((l) => lineView(task, l)) };
    if (task.kind === 'receive') v.variances = variances(task);
    return v;
  }
  function newTask(kind, warehouseId, refType, refId, lines) {
    if (!lines.length) throw failed('the task would have no lines');
    taskNumbers[kind] += 1;
    const at = now();
    const task = {
      id: nextId++, code: `${PREFIX[kind]}-${String(taskNumbers[kind]).padStart(6, '0')}`, kind, state: 'open', warehouse_id: warehouseId,
      ref_type: refType, ref_id: String(refId ?? ''), assignee: '', version: 1, created_at: at, updated_at: at, closed_at: null,
      lines: lines.map((l, i) => ({
        line_no: i + 1, sku_id: l.sku_id, lot_id: l.lot_id ?? 0, owner: l.owner ?? 'own', from_bin: l.from_bin ?? 0, to_bin: l.to_bin ?? 0,
        expected_qty: l.expected_qty ?? 0, done_qty: 0, damaged_qty: 0, receipts: [], reservation_id: l.reservation_id ?? 0,
        order_ref: l.order_ref ?? '', system_qty: l.system_qty ?? null, counted_qty: null, recount_qty: null, reason: '',
      })),
    };
    tasks.push(task);
    return task;
  }
  function getTask(id) {
    const t = tasks.find((x) => x.id === id);
    if (!t) throw notFound(`task ${id} not found`);
    return t;
  }
  function touch(task, state) {
    if (state) task.state = state;
    task.version += 1;
    task.updated_at = now();
  }
  function lineOf(task, lineNo) {
    if (!Number.isInteger(lineNo)) throw invalid('line_no', 'must be a line number');
    const l = task.lines.find((x) => x.line_no === lineNo);
    if (!l) throw invalid('line_no', `task ${task.code} has no line ${lineNo}`);
    return l;
  }
  function mustBeOpen(task) {
    if (closedState(task.state)) throw failed(`task ${task.code} is ${task.state}`);
  }

  function createReceive(body) {
    const wh = needWarehouse(body.warehouse_id);
    const bin = needBin(body.receiving_bin_id, wh, 'receiving_bin_id');
    const owner = needOwner(body.owner);
    let lines;
    let refType;
    let refId;
    if (body.purchase_order_id !== undefined && body.purchase_order_id !== null) {
      const po = supply?.orderById?.(positiveId(body.purchase_order_id, 'purchase_order_id'));
      if (!po) throw invalid('purchase_order_id', `no purchase order ${body.purchase_order_id}`);
      if (po.warehouse_id !== wh) throw invalid('purchase_order_id', 'the order is for another warehouse');
      if (po.status !== 'confirmed' && po.status !== 'partly_received') throw failed(`purchase order ${po.code} is ${po.status}`, 'purchase_order_id');
      lines = po.lines.filter((l) => l.quantity > l.received_qty).map((l) => ({ sku_id: l.sku_id, owner, to_bin: bin, expected_qty: l.quantity - l.received_qty }));
      refType = 'purchase_order';
      refId = po.code;
    } else if (body.asn && typeof body.asn === 'object') {
      if (!Array.isArray(body.asn.lines) || !body.asn.lines.length) throw invalid('asn.lines', 'an advance notice needs at least one line');
      lines = body.asn.lines.map((l, i) => ({ sku_id: needSku(l?.sku_id, `asn.lines[${i}].sku_id`), owner, to_bin: bin, expected_qty: needQty(l?.quantity, `asn.lines[${i}].quantity`) }));
      refType = 'asn';
      refId = typeof body.asn.ref === 'string' ? body.asn.ref : '';
    } else {
      throw invalid('purchase_order_id', 'give a purchase order or an advance notice (asn)');
    }
    return newTask('receive', wh, refType, refId, lines);
  }

  function receiveLot(task, body, actor, device = '') {
    mustBeOpen(task);
    if (task.kind !== 'receive') throw failed(`task ${task.code} is not a receive task`);
    const l = lineOf(task, body.line_no);
    const qty = needQty(body.quantity);
    const condition = body.condition ?? 'good';
    if (!['good', 'damaged'].includes(condition)) throw invalid('condition', 'must be good or damaged');
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    if (condition === 'damaged' && !reason) throw invalid('reason', 'give the reason for damaged goods');
    const number = typeof body.lot_number === 'string' ? body.lot_number.trim() : '';
    for (const f of ['production_date', 'expiry_date']) {
      if (body[f] !== undefined && body[f] !== null && body[f] !== '' && !isDate(body[f])) throw invalid(f, 'must be a date like 2026-01-31');
    }
    const lotId = findOrCreateLot(l.sku_id, number, body.production_date || null, body.expiry_date || null);
    post([{
      sku_id: l.sku_id, lot_id: lotId, owner: l.owner, to: place(task.warehouse_id, l.to_bin, condition === 'good' ? 'available' : 'damaged'),
      quantity: qty, reason: 'receipt', ref_type: 'task', ref_id: task.code, device, actor, note: reason,
    }]);
    if (condition === 'good') l.done_qty += qty; else l.damaged_qty += qty;
    const lot = lotOf(lotId);
    l.receipts.push({ lot_number: number, production_date: lot?.production_date ?? null, expiry_date: lot?.expiry_date ?? null, quantity: qty, condition, reason });
    touch(task, 'in_progress');
    return task;
  }

  function createPutaway(body) {
    const rcv = getTask(positiveId(body.receive_task_id, 'receive_task_id'));
    if (rcv.kind !== 'receive') throw invalid('receive_task_id', `task ${rcv.code} is not a receive task`);
    const storage = store.tables.bins.filter((b) => b.warehouse_id === rcv.warehouse_id && (b.kind === 'storage' || b.kind === 'pick') && b.status === 'active');
    if (!storage.length) throw failed('the warehouse has no storage bin to put away to');
    const lines = [];
    for (const l of rcv.lines) {
      for (const r of l.receipts.filter((x) => x.condition === 'good')) {
        const lotId = r.lot_number ? lots.find((x) => x.sku_id === l.sku_id && x.lot_number === r.lot_number)?.id ?? 0 : 0;
        const holding = storage.find((b) => [...balances.values()].some((x) => x.bin_id === b.id && x.sku_id === l.sku_id && x.owner === l.owner && x.on_hand > 0));
        lines.push({ sku_id: l.sku_id, lot_id: lotId, owner: l.owner, from_bin: l.to_bin, to_bin: (holding ?? storage[0]).id, expected_qty: r.quantity });
      }
    }
    return newTask('putaway', rcv.warehouse_id, 'task', rcv.code, lines);
  }

  function createPick(body) {
    const wh = needWarehouse(body.warehouse_id);
    const staging = needBin(body.staging_bin_id, wh, 'staging_bin_id');
    if (!Array.isArray(body.reservation_ids) || !body.reservation_ids.length) throw invalid('reservation_ids', 'give at least one reservation');
    const lines = [];
    const orders = new Set();
    for (const rid of body.reservation_ids) {
      const r = getReservation(positiveId(rid, 'reservation_ids'));
      if (r.warehouse_id !== wh) throw invalid('reservation_ids', `reservation ${r.id} is for another warehouse`);
      if (r.state !== 'active') throw failed(`reservation ${r.id} is ${r.state}`, 'reservation_ids');
      orders.add(r.order_ref);
      for (const rl of r.lines) {
        let left = rl.quantity - rl.picked;
        const bins = [...balances.values()].filter((b) => b.warehouse_id === wh && b.sku_id === r.sku_id && b.lot_id === rl.lot_id && b.owner === r.owner
          && b.state === 'available' && b.on_hand > 0 && b.bin_id !== staging).sort((a, b) => b.on_hand - a.on_hand);
        for (const b of bins) {
          if (!left) break;
          const take = Math.min(left, b.on_hand);
          lines.push({ sku_id: r.sku_id, lot_id: rl.lot_id, owner: r.owner, from_bin: b.bin_id, to_bin: staging, expected_qty: take, reservation_id: r.id, order_ref: r.order_ref });
          left -= take;
        }
      }
    }
    const single = orders.size === 1;
    return newTask('pick', wh, single ? 'order' : 'wave', single ? [...orders][0] : `WAVE-${Date.now().toString(36).toUpperCase()}`, lines);
  }

  function createMove(body) {
    const wh = needWarehouse(body.warehouse_id);
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'a move needs at least one line');
    const lines = body.lines.map((l, i) => {
      const sku = needSku(l?.sku_id, `lines[${i}].sku_id`);
      const from = needBin(l.from_bin, wh, `lines[${i}].from_bin`);
      const to = needBin(l.to_bin, wh, `lines[${i}].to_bin`);
      if (from === to) throw invalid(`lines[${i}].to_bin`, 'is the same bin');
      return { sku_id: sku, lot_id: needLot(l.lot_id, sku, `lines[${i}].lot_id`), owner: needOwner(l.owner), from_bin: from, to_bin: to, expected_qty: needQty(l.quantity, `lines[${i}].quantity`) };
    });
    return newTask('move', wh, '', '', lines);
  }

  function createCount(body) {
    const wh = needWarehouse(body.warehouse_id);
    if (!Array.isArray(body.bin_ids) || !body.bin_ids.length) throw invalid('bin_ids', 'give at least one bin');
    const bins = body.bin_ids.map((b) => needBin(b, wh, 'bin_ids'));
    const lines = [...balances.values()].filter((b) => b.warehouse_id === wh && bins.includes(b.bin_id) && b.state === 'available' && b.on_hand > 0)
      .sort((a, b) => bins.indexOf(a.bin_id) - bins.indexOf(b.bin_id) || a.sku_id - b.sku_id || a.lot_id - b.lot_id)
      .map((b) => ({ sku_id: b.sku_id, lot_id: b.lot_id, owner: b.owner, from_bin: b.bin_id, to_bin: b.bin_id, system_qty: b.on_hand }));
    if (!lines.length) throw failed('nothing is on hand in these bins to count', 'bin_ids');
    return newTask('count', wh, 'count_plan', '', lines);
  }

  /** Progress on a putaway, move or pick line: moves the stock and counts it done. */
  function progress(task, lineNo, qty, actor, device = '', toBin) {
    mustBeOpen(task);
    if (!['putaway', 'move', 'pick'].includes(task.kind)) throw failed(`a ${task.kind} task has no progress entries`);
    const l = lineOf(task, lineNo);
    needQty(qty);
    const open = l.expected_qty - l.done_qty;
    if (qty > open) {
      throw failed(task.kind === 'pick'
        ? `line ${l.line_no}: picking ${qty} is more than reserved (${open} left of ${l.expected_qty})`
        : `line ${l.line_no}: ${qty} is more than the ${open} left`, 'quantity');
    }
    const to = toBin ? needBin(toBin, task.warehouse_id, 'to_bin') : l.to_bin;
    if (task.kind === 'pick') {
      const r = getReservation(l.reservation_id);
      const rl = r.lines.find((x) => x.lot_id === l.lot_id);
      if (r.state !== 'active' || !rl || rl.quantity - rl.picked < qty) throw failed(`reservation ${r.id} has no ${qty} left to pick (${r.state})`, 'quantity');
      post([{ sku_id: l.sku_id, lot_id: l.lot_id, owner: l.owner, from: place(task.warehouse_id, l.from_bin), to: place(task.warehouse_id, to, 'picked'), quantity: qty, reason: 'pick', ref_type: 'reservation', ref_id: r.id, device, actor }]);
      rl.picked += qty;
      if (outstanding(r) === 0) r.state = 'consumed';
      r.updated_at = now();
    } else {
      post([{ sku_id: l.sku_id, lot_id: l.lot_id, owner: l.owner, from: place(task.warehouse_id, l.from_bin), to: place(task.warehouse_id, to), quantity: qty, reason: task.kind, ref_type: 'task', ref_id: task.code, device, actor }]);
    }
    l.done_qty += qty;
    if (to !== l.to_bin) l.to_bin = to;
    touch(task, 'in_progress');
    return task;
  }

  function countState(task) {
    return task.lines.some(needsRecount) ? 'recount' : 'in_progress';
  }
  function recordCount(task, lineNo, counted) {
    mustBeOpen(task);
    if (task.kind !== 'count') throw failed(`task ${task.code} is not a count`);
    const l = lineOf(task, lineNo);
    needQty(counted, 'counted', { allowZero: true });
    if (l.counted_qty !== null) throw failed(`line ${l.line_no} is counted already${needsRecount(l) ? '; give a recount with a reason' : ''}`, 'line_no');
    l.counted_qty = counted;
    touch(task, countState(task));
    return task;
  }
  function recordRecount(task, lineNo, counted, reason) {
    mustBeOpen(task);
    if (task.kind !== 'count') throw failed(`task ${task.code} is not a count`);
    const l = lineOf(task, lineNo);
    needQty(counted, 'counted', { allowZero: true });
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why) throw invalid('reason', 'give the reason for the recount');
    if (!needsRecount(l)) throw failed(`line ${l.line_no} needs no recount`, 'line_no');
    l.recount_qty = counted;
    l.reason = why;
    touch(task, countState(task));
    return task;
  }

  function closeTask(task, body, actor) {
    if (body.version !== undefined && body.version !== task.version) throw new ApiFailure(409, 'CONFLICT', `version is ${task.version}, not ${body.version}`, 'version');
    mustBeOpen(task);
    if (task.kind === 'count') {
      const uncounted = task.lines.filter((l) => l.counted_qty === null).map((l) => l.line_no);
      if (uncounted.length) throw failed(`line(s) ${uncounted.join(', ')} not counted yet`);
      const asked = task.lines.filter(needsRecount).map((l) => l.line_no);
      if (asked.length) throw failed(`line(s) ${asked.join(', ')} need a recount`);
      const adjustments = task.lines.filter((l) => finalCount(l) !== l.system_qty).map((l) => {
        const d = finalCount(l) - l.system_qty;
        const side = place(task.warehouse_id, l.from_bin);
        return { sku_id: l.sku_id, lot_id: l.lot_id, owner: l.owner, ...(d > 0 ? { to: side } : { from: side }), quantity: Math.abs(d), reason: d > 0 ? 'count_gain' : 'count_loss', ref_type: 'task', ref_id: task.code, actor, note: l.reason || 'count' };
      });
      if (adjustments.length) post(adjustments);
    }
    task.closed_at = now();
    touch(task, 'done');
    return task;
  }
  function cancelTask(task, body) {
    if (body.version !== undefined && body.version !== task.version) throw new ApiFailure(409, 'CONFLICT', `version is ${task.version}, not ${body.version}`, 'version');
    mustBeOpen(task);
    task.closed_at = now();
    touch(task, 'cancelled');
    return task;
  }

  function listTasks(params) {
    const wh = intParam(params, 'warehouse_id');
    const kind = params.get('kind') || undefined;
    const state = params.get('state') || undefined;
    const refId = params.get('ref_id') || undefined;
    const assignee = params.get('assignee') || undefined;
    if (kind && !KINDS.includes(kind)) throw invalid('kind', `must be one of ${KINDS.join(', ')}`);
    if (state && !TASK_STATES.includes(state)) throw invalid('state', `must be one of ${TASK_STATES.join(', ')}`);
    const rows = tasks.filter((t) => (wh === undefined || t.warehouse_id === wh) && (!kind || t.kind === kind) && (!state || t.state === state)
      && (!refId || t.ref_id === refId) && (!assignee || t.assignee === assignee)).sort((a, b) => b.id - a.id);
    // A list gives the headers (with line_count), not the lines.
    return page(rows, paging(params), taskHeader);
  }

  // ---- scanner terminals ----------------------------------------------------------------------
  // As src/flows/warehouse/terminal_service.cpp: a known bin is answered "ok" with what it holds
  // and the task's lines to be worked there; a scanned item must be the line's SKU (GTIN) and lot;
  // a confirm goes through the same steps as the office. A rejection carries the HTTP status of
  // its error and is stored like any other answer; an event that cannot be keyed is not stored.
  const binByCode = (wh, code) => store.tables.bins.find((b) => b.warehouse_id === wh && b.code.toUpperCase() === String(code).trim().toUpperCase());
  const gtin14 = (g) => String(g).padStart(14, '0');

  function matchLine(task, l, scan) {
    const sku = skuOf(l.sku_id);
    if (!scan.gtin) throw invalid('barcode', 'names no item (no GTIN); scan the item\'s label');
    if (!sku?.gtin || gtin14(sku.gtin) !== scan.gtin) throw invalid('barcode', `GTIN ${scan.gtin} is not SKU ${sku?.code} of line ${l.line_no}`);
    if (task.kind === 'receive' || !scan.lot) return;
    const lot = lotOf(l.lot_id);
    if (!lot) throw invalid('barcode', `lot ${scan.lot} is not the stock of line ${l.line_no}, which has no lot`);
    if (lot.lot_number !== scan.lot) throw invalid('barcode', `lot ${scan.lot} is not the lot of line ${l.line_no} (${lot.lot_number})`);
  }

  /** The answer body of an event that is applied or answered "ok" (throws ApiFailure for rejections). */
  function evaluateEvent(device, ev, actor) {
    if (!EVENT_TYPES.includes(ev.type)) throw invalid('type', `must be one of ${EVENT_TYPES.join(', ')}`);
    let scan = null;
    if (ev.barcode) {
      try {
        scan = parseGs1(ev.barcode);
      } catch (e) {
        if (e instanceof Gs1Error) throw invalid('barcode', e.message);
        throw e;
      }
    }
    const task = ev.task_id ? getTask(positiveId(ev.task_id, 'task_id')) : null;
    const location = String(ev.location ?? '').trim();
    if (!task && (location || ev.line_no)) throw invalid('task_id', 'a bin or a line is scanned for a task; give task_id');
    let l = null;
    if (ev.line_no) {
      l = task.lines.find((x) => x.line_no === ev.line_no);
      if (!l) throw invalid('line_no', `task ${task.code} has no line ${ev.line_no}`);
    }
    let bin = null;
    if (location) {
      bin = binByCode(task.warehouse_id, location);
      if (!bin) throw notFound(`bin ${location} not found in warehouse ${warehouseOf(task.warehouse_id)?.code}`);
    }
    if (scan && l) matchLine(task, l, scan);
    const head = (status, message) => ({ status, message, device_id: device, event_key: ev.event_key });
    if (ev.type === 'scan_location') {
      if (!bin) throw invalid('location', 'is required');
      const holds = [...balances.values()].filter((b) => b.bin_id === bin.id && b.on_hand > 0).map(balanceView)
        .map((b) => ({ sku_id: b.sku_id, lot_id: b.lot_id, lot_number: b.lot_number, expiry_date: b.expiry_date, owner: b.owner, state: b.state, on_hand: b.on_hand }));
      const expected = [];
      for (const x of task.lines) {
        const e = { line_no: x.line_no, sku_id: x.sku_id, lot_id: x.lot_id };
        if (task.kind === 'count') { if (x.from_bin !== bin.id) continue; e.action = 'count'; }
        else if (task.kind === 'receive') { if (x.to_bin !== bin.id) continue; e.action = 'receive'; e.quantity = Math.max(0, x.expected_qty - x.done_qty - x.damaged_qty); }
        else if (x.from_bin === bin.id) { e.action = 'take'; e.quantity = x.expected_qty - x.done_qty; }
        else if (x.to_bin === bin.id) { e.action = 'put'; e.quantity = x.expected_qty - x.done_qty; }
        else continue;
        expected.push(e);
      }
      return { ...head('ok', `bin ${bin.code}`), bin: { id: bin.id, code: bin.code, kind: bin.kind, holds, expected }, task: taskHeader(task) };
    }
    if (ev.type === 'scan_item') {
      if (!scan) throw invalid('barcode', 'is required');
      const body = { ...head('ok', 'scanned'), scan };
      if (!task) return body;
      body.task = taskHeader(task);
      if (l) return { ...body, message: `line ${l.line_no}`, task: { ...body.task, line: lineView(task, l, true) } };
      const lines = task.lines.filter((x) => { try { matchLine(task, x, scan); return true; } catch { return false; } }).map((x) => x.line_no);
      if (!lines.length) throw invalid('barcode', `the item is on no line of task ${task.code}`);
      return { ...body, message: `lines ${JSON.stringify(lines)}`, lines };
    }
    // confirm
    if (!task || !l) throw invalid('line_no', 'a confirm names its task and line');
    const counting = task.kind === 'count';
    if (!Number.isInteger(ev.quantity) || ev.quantity < 0 || (!counting && ev.quantity === 0)) throw invalid('quantity', counting ? 'must not be negative' : 'must be greater than 0');
    if (task.kind === 'receive') {
      if (bin && bin.id !== l.to_bin) throw invalid('location', `line ${l.line_no} is received into another bin`);
      receiveLot(task, { line_no: l.line_no, lot_number: scan?.lot ?? '', production_date: scan?.production_date, expiry_date: scan?.expiry_date, quantity: ev.quantity, condition: 'good' }, actor, device);
    } else if (task.kind === 'pick') {
      if (bin && bin.id !== l.from_bin) throw invalid('location', `line ${l.line_no} picks from bin ${binOf(l.from_bin)?.code}, not ${bin.code}`);
      progress(task, l.line_no, ev.quantity, actor, device);
    } else if (task.kind === 'putaway' || task.kind === 'move') {
      progress(task, l.line_no, ev.quantity, actor, device, bin?.id);
    } else if (counting) {
      if (bin && bin.id !== l.from_bin) throw invalid('location', `line ${l.line_no} counts another bin`);
      if (l.counted_qty === null) recordCount(task, l.line_no, ev.quantity);
      else recordRecount(task, l.line_no, ev.quantity, `recount on ${device.slice(0, 40)}`);
    } else {
      throw failed(`task ${task.code} is a ${task.kind} task; terminals confirm receive, putaway, pick, move and count lines`, 'task_id');
    }
    const message = task.kind === 'receive' ? `line ${l.line_no}: ${l.done_qty} good, ${l.damaged_qty} damaged of ${l.expected_qty} expected`
      : counting ? `line ${l.line_no}: counted` : `line ${l.line_no}: ${l.done_qty} of ${l.expected_qty} done`;
    return { ...head('applied', message), task: { ...taskHeader(task), line: lineView(task, l, true) } };
  }

  const sameEvent = (a, b) => a.type === b.type && a.task_id === b.task_id && a.line_no === b.line_no
    && (a.location ?? '') === (b.location ?? '') && (a.barcode ?? '') === (b.barcode ?? '') && (a.quantity ?? 0) === (b.quantity ?? 0);

  function deviceEvent(device, ev, actor) {
    if (!device || device.length > 64) throw invalid('device_id', '1..64 characters');
    const key = typeof ev?.event_key === 'string' ? ev.event_key : '';
    if (!key || key.length > 64) throw invalid('event_key', '1..64 characters');
    const stored = deviceAnswers.get(`${device}\n${key}`);
    if (stored) {
      if (!sameEvent(stored.event, ev)) throw invalid('event_key', `${key} was already used by device ${device} for another event`);
      return { status: stored.status, body: clone(stored.body), replayed: true };
    }
    let answer;
    try {
      answer = { status: 200, body: evaluateEvent(device, ev, actor) };
    } catch (e) {
      if (!(e instanceof ApiFailure) || e.status >= 500 || e.status === 409) throw e;
      const error = { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) };
      answer = { status: e.status, body: { status: 'rejected', message: e.message, device_id: device, event_key: key, error } };
    }
    deviceAnswers.set(`${device}\n${key}`, { event: clone(ev), ...clone(answer) });
    return { ...answer, replayed: false };
  }

  // ---- demo data ----------------------------------------------------------------------------------
  function seed() {
    const wh = store.tables.warehouses.find((w) => w.code === 'NB-BONDED-1');
    const sku = (code) => store.tables.skus.find((s) => s.code === code);
    if (!wh) return;
    const bin = (code) => store.tables.bins.find((b) => b.warehouse_id === wh.id && b.code === code);
    const staging = bin('SHIP-1') ?? store.create('bins', { code: 'SHIP-1', zone: 'S', kind: 'shipping', capacity_units: 0 }, 'key:1', { warehouse_id: wh.id });
    const d = today();
    const a2 = sku('A2-PLAT-1-900');
    const vitc = sku('SWISSE-VITC-60');
    const fish = sku('BLKM-FISH-400');
    if (!a2 || !vitc || !fish || !bin('A-01-01')) return;
    const l1 = createLot({ sku_id: a2.id, lot_number: 'A2P1-2401', production_date: addDays(d, -200), expiry_date: addDays(d, 20) });
    const l2 = createLot({ sku_id: a2.id, lot_number: 'A2P1-2406', production_date: addDays(d, -60), expiry_date: addDays(d, 300) });
    const l3 = createLot({ sku_id: vitc.id, lot_number: 'VC2311', production_date: addDays(d, -700), expiry_date: addDays(d, -3) });
    const l4 = createLot({ sku_id: vitc.id, lot_number: 'VC2405', production_date: addDays(d, -90), expiry_date: addDays(d, 500) });
    const rcv = (s, lot, b, q, state = 'available') => post([{ sku_id: s.id, lot_id: lot.id, owner: 'own', to: place(wh.id, bin(b).id, state), quantity: q, reason: 'receipt', ref_type: 'purchase_order', ref_id: 'PO-SEED', actor: 'key:1' }]);
    rcv(a2, l1, 'A-01-01', 48);
    rcv(a2, l2, 'A-01-02', 120);
    rcv(vitc, l3, 'A-01-01', 12, 'quarantine');
    rcv(vitc, l4, 'P-01', 60);
    post([{ sku_id: fish.id, lot_id: 0, owner: 'MERCHANT-7', to: place(wh.id, bin('A-01-02').id), quantity: 36, reason: 'receipt', ref_type: 'asn', ref_id: 'ASN-77', actor: 'key:1' }]);
    post([{ sku_id: a2.id, lot_id: l2.id, owner: 'own', from: place(wh.id, bin('A-01-02').id), to: place(wh.id, bin('P-01').id), quantity: 24, reason: 'move', ref_type: 'task', ref_id: 'MOV-SEED', actor: 'key:1' }]);
    const { r } = reserve({ warehouse_id: wh.id, sku_id: a2.id, owner: 'own', quantity: 6, order_ref: 'TM-20261111-0001' });
    confirmReservation(r);
    createPick({ warehouse_id: wh.id, staging_bin_id: staging.id, reservation_ids: [r.id] });
    createReceive({ warehouse_id: wh.id, receiving_bin_id: bin('RCV-1').id, asn: { ref: 'ASN-2026-0042', lines: [{ sku_id: fish.id, quantity: 24 }, { sku_id: vitc.id, quantity: 36 }] } });
  }

  // ---- CSV exports (format=csv): every row of the filters, columns named as the JSON fields -------
  const BALANCE_COLUMNS = ['warehouse_id', 'bin_id', 'sku_id', 'lot_id', 'lot_number', 'expiry_date', 'owner', 'state', 'on_hand'];
  const SUMMARY_COLUMNS = ['warehouse_id', 'sku_id', 'owner', 'on_hand', 'reserved', 'available', 'held', 'picked', 'inbound', 'in_transit', 'projected'];
  const csvCell = (v) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const toCsv = (columns, rows) => [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
  /** Every item of a paged list function, whatever limit and offset the request named. */
  function allItems(list, params) {
    const q = new URLSearchParams(params);
    q.delete('format');
    q.set('limit', '500');
    const out = [];
    for (let offset = 0; ; offset += 500) {
      q.set('offset', String(offset));
      const items = list(q).items ?? [];
      out.push(...items);
      if (items.length < 500) return out;
    }
  }
  function csvFormat(params) {
    const f = params.get('format');
    if (f && f !== 'json' && f !== 'csv') throw invalid('format', 'must be json or csv');
    return f === 'csv';
  }
  const sendCsv = (res, text, file) => {
    res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    return send(res, 200, text, 'text/csv; charset=utf-8');
  };

  // ---- routes -------------------------------------------------------------------------------------
  async function handle(req, res, method, parts, url, actor) {
    const [head, a, b] = parts;
    const params = url.searchParams;
    const id = (text) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n <= 0) throw notFound(`no such resource: /${parts.join('/')}`);
      return n;
    };
    const noRoute = () => notFound(`no route for ${method} /api/v1/${parts.join('/')}`);
    if (head === 'stock' && method === 'GET' && csvFormat(params)) {
      if (a === undefined) return sendCsv(res, toCsv(BALANCE_COLUMNS, allItems((q) => listBalances(q), params)), 'stock.csv'), true;
      if (a === 'summary') return sendCsv(res, toCsv(SUMMARY_COLUMNS, allItems(summary, params)), 'stock-summary.csv'), true;
      if (a === 'as-of') return sendCsv(res, toCsv(BALANCE_COLUMNS, allItems(asOf, params)), 'stock-as-of.csv'), true;
      if (a === 'expiring') return sendCsv(res, toCsv([...BALANCE_COLUMNS, 'days_left', 'status'], allItems(expiring, params)), 'stock-expiring.csv'), true;
    }
    if (head === 'stock') {
      if (a === undefined && method === 'GET') return send(res, 200, listBalances(params)), true;
      if (a === 'summary' && parts.length === 2 && method === 'GET') return send(res, 200, summary(params)), true;
      if (a === 'as-of' && parts.length === 2 && method === 'GET') return send(res, 200, asOf(params)), true;
      if (a === 'expiring' && parts.length === 2 && method === 'GET') return send(res, 200, expiring(params)), true;
      if (a === 'hold' && parts.length === 2 && method === 'POST') return send(res, 201, hold(await readJson(req), actor)), true;
      if (a === 'release' && parts.length === 2 && method === 'POST') return send(res, 201, release(await readJson(req), actor)), true;
      throw noRoute();
    }
    if (head === 'skus' && b === 'stock-card' && parts.length === 3 && method === 'GET') return send(res, 200, stockCard(id(a), params)), true;
    if (head === 'movements' && parts.length === 1 && method === 'GET') return send(res, 200, listMovements(params)), true;
    if (head === 'adjustments' && parts.length === 1 && method === 'POST') return send(res, 201, adjust(await readJson(req), actor)), true;
    if (head === 'lots') {
      if (a === undefined && method === 'GET') {
        const sku = intParam(params, 'sku_id');
        const number = params.get('lot_number') || undefined;
        const before = dateParam(params, 'expires_before');
        const rows = lots.filter((l) => (sku === undefined || l.sku_id === sku) && (!number || l.lot_number === number)
          && (!before || (l.expiry_date && l.expiry_date <= before))).sort((x, y) => (x.expiry_date ?? '9999').localeCompare(y.expiry_date ?? '9999') || x.id - y.id);
        return send(res, 200, page(rows, paging(params), lotView)), true;
      }
      if (a === undefined && method === 'POST') return send(res, 201, lotView(createLot(await readJson(req)))), true;
      if (a !== undefined && parts.length === 2 && method === 'GET') {
        const lot = lotOf(id(a));
        if (!lot) throw notFound(`lot ${a} not found`);
        return send(res, 200, lotView(lot)), true;
      }
      throw noRoute();
    }
    if (head === 'reservations') {
      if (a === undefined && method === 'GET') return send(res, 200, listReservations(params)), true;
      if (a === undefined && method === 'POST') {
        const key = String(req.headers['idempotency-key'] ?? '').trim();
        const { replay, r } = reserve(await readJson(req), key);
        if (replay) res.setHeader('Idempotent-Replayed', 'true');
        return send(res, replay ? 200 : 201, resView(r)), true;
      }
      if (a !== undefined && parts.length === 2 && method === 'GET') return send(res, 200, resView(getReservation(id(a)))), true;
      if (b === 'release' && parts.length === 3 && method === 'POST') return send(res, 200, resView(releaseReservation(getReservation(id(a))))), true;
      if (b === 'confirm' && parts.length === 3 && method === 'POST') return send(res, 200, resView(confirmReservation(getReservation(id(a))))), true;
      throw noRoute();
    }
    if (head === 'inventory' && a === 'engine' && parts.length === 2 && method === 'GET') {
      lapse();
      return send(res, 200, { shards: 1, active_reservations: reservations.filter((r) => r.state === 'active').length, mock: true }), true;
    }
    if (head === 'tasks') {
      if (a === undefined && method === 'GET') return send(res, 200, listTasks(params)), true;
      if (parts.length === 2 && method === 'POST') {
        const body = await readJson(req);
        const make = { receive: createReceive, putaway: createPutaway, pick: createPick, move: createMove, count: createCount }[a];
        if (!make) throw noRoute();
        return send(res, 201, taskView(make(body))), true;
      }
      if (a !== undefined && parts.length === 2 && method === 'GET') return send(res, 200, taskView(getTask(id(a)))), true;
      if (parts.length === 3 && method === 'POST') {
        const task = getTask(id(a));
        const body = await readJson(req);
        switch (b) {
          case 'receipts': return send(res, 200, taskView(receiveLot(task, body, actor))), true;
          case 'progress': return send(res, 200, taskView(progress(task, body.line_no, body.quantity, actor, '', body.to_bin))), true;
          case 'counts': return send(res, 200, taskView(recordCount(task, body.line_no, body.counted))), true;
          case 'recounts': return send(res, 200, taskView(recordRecount(task, body.line_no, body.counted, body.reason))), true;
          case 'close': return send(res, 200, taskView(closeTask(task, body, actor))), true;
          case 'cancel': return send(res, 200, taskView(cancelTask(task, body))), true;
          default: throw noRoute();
        }
      }
      throw noRoute();
    }
    if (head === 'devices' && b === 'events' && method === 'POST') {
      const device = decodeURIComponent(a ?? '');
      if (parts.length === 3) {
        const answer = deviceEvent(device, await readJson(req), actor);
        if (answer.replayed) res.setHeader('Idempotent-Replay', 'true');
        return send(res, answer.status, answer.body), true;
      }
      if (parts.length === 4 && parts[3] === 'batch') {
        const body = await readJson(req);
        if (!Array.isArray(body.events) || !body.events.length) throw invalid('events', 'give at least one event');
        const results = body.events.map((ev) => {
          try {
            const answer = deviceEvent(device, ev, actor);
            return { http_status: answer.status, replayed: answer.replayed, ...answer.body };
          } catch (e) {
            if (!(e instanceof ApiFailure)) throw e;
            return { http_status: e.status, replayed: false, error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } };
          }
        });
        return send(res, 200, { results }), true;
      }
      throw noRoute();
    }
    if (head === 'gs1' && a === 'parse' && parts.length === 2 && method === 'GET') {
      try {
        return send(res, 200, parseGs1(params.get('code') ?? '')), true;
      } catch (e) {
        if (e instanceof Gs1Error) throw invalid('code', e.message);
        throw e;
      }
    }
    return false;
  }

  // What the orders mock (mock-orders.mjs) uses: reservations, lots and the ledger.
  const engine = {
    reserve: (body, key) => reserve(body, key), confirmReservation, releaseReservation, getReservation, reservableLots,
    post, place, findOrCreateLot, lots: () => lots,
  };
  return { handle, seed, engine };
}
