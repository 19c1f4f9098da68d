// Mock of the parcel routes of /api/v1 (packing into parcels with an SSCC, the shipping handover),
// used by mock-server.mjs beside mock-inventory.mjs. JSON after src/flows/warehouse/warehouse_json.cpp
// (ParcelJson) and the rules of WarehouseService::Pack and ::Ship (src/flows/warehouse):
//   POST /parcels            {warehouse_id, order_ref, pack_bin_id, lines [{sku_id, lot_id, owner, quantity}], weight_grams}
//                            picked stock staged in the pack bin, never more than is picked there and not yet
//                            in another unshipped parcel; a fresh SSCC (GS1 example company prefix 0614141)
//   GET  /parcels            warehouse_id, order_ref, state, limit, offset
//   GET  /parcels/{id}
//   POST /parcels/{id}/ship  {carrier_id, waybill_no}: the parcel's stock leaves the warehouse (from picked)
// An Idempotency-Key on the two POSTs answers a retry with the parcel as it is now, marked
// `Idempotent-Replayed: true`.

const COMPANY_PREFIX = '0614141';
const PARCEL_STATES = ['packed', 'shipped'];

/** GS1 check digit of the digits before it. */
function checkDigit(body) {
  let sum = 0;
  body.split('').reverse().forEach((d, i) => { sum += Number(d) * (i % 2 === 0 ? 3 : 1); });
  return String((10 - (sum % 10)) % 10);
}

export function ssccOf(serial, extension = 0) {
  const body = `${extension}${COMPANY_PREFIX}${String(serial).padStart(16 - COMPANY_PREFIX.length, '0')}`;
  return body + checkDigit(body);
}

export function createWarehouseApi({ store, inventory, ApiFailure, invalid, readJson, send }) {
  const failed = (message, field) => new ApiFailure(422, 'FAILED_PRECONDITION', message, field);
  const notFound = (message) => new ApiFailure(404, 'NOT_FOUND', message);
  const parcels = [];
  const keys = new Map(); // Idempotency-Key -> parcel id
  let serial = 0;
  let nextId = 1;

  const isId = (v) => Number.isInteger(v) && v > 0;
  const binOf = (id) => store.tables.bins.find((b) => b.id === id);

  /** What GET /stock of the inventory mock answers (its balances are its own). */
  async function stock(query) {
    const url = new URL('http://mock/api/v1/stock');
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    url.searchParams.set('limit', '200');
    let body = '';
    const res = { writeHead() {}, setHeader() {}, end(data) { body = data; } };
    await inventory.handle({ headers: {} }, res, 'GET', ['stock'], url, 'system');
    return JSON.parse(body).items ?? [];
  }

  async function pack(body) {
    if (!isId(body.warehouse_id) || !store.tables.warehouses.some((w) => w.id === body.warehouse_id)) throw invalid('warehouse_id', `no warehouse ${body.warehouse_id}`);
    const bin = isId(body.pack_bin_id) ? binOf(body.pack_bin_id) : undefined;
    if (!bin || bin.warehouse_id !== body.warehouse_id) throw invalid('pack_bin_id', `no bin ${body.pack_bin_id} in warehouse ${body.warehouse_id}`);
    if (!Array.isArray(body.lines) || !body.lines.length) throw invalid('lines', 'a parcel needs at least one line');
    if (body.weight_grams !== undefined && (!Number.isInteger(body.weight_grams) || body.weight_grams < 0)) throw invalid('weight_grams', 'must not be negative');
    const lines = body.lines.map((l, i) => {
      if (!l || typeof l !== 'object') throw invalid('lines', `lines[${i}]: must be an object`);
      if (!isId(l.sku_id)) throw invalid('lines', `lines[${i}].sku_id: is required`);
      if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw invalid('lines', `lines[${i}].quantity: must be greater than 0`);
      return { sku_id: l.sku_id, lot_id: Number.isInteger(l.lot_id) ? l.lot_id : 0, owner: typeof l.owner === 'string' && l.owner ? l.owner : 'own', quantity: l.quantity };
    });
    const want = new Map();
    for (const l of lines) {
      const k = `${l.sku_id}|${l.lot_id}|${l.owner}`;
      want.set(k, (want.get(k) ?? 0) + l.quantity);
    }
    for (const [k, qty] of want) {
      const [sku, lot, owner] = k.split('|');
      const rows = await stock({ warehouse_id: body.warehouse_id, bin_id: bin.id, sku_id: sku, lot_id: lot, owner, state: 'picked' });
      const picked = rows.reduce((s, r) => s + r.on_hand, 0);
      const inParcels = parcels.filter((p) => p.state === 'packed' && p.pack_bin_id === bin.id)
        .flatMap((p) => p.lines).filter((l) => `${l.sku_id}|${l.lot_id}|${l.owner}` === k).reduce((s, l) => s + l.quantity, 0);
      if (qty > picked - inParcels) {
        throw failed(`lines: bin ${bin.code} holds ${picked - inParcels} picked of SKU ${sku}${Number(lot) ? ` lot ${lot}` : ''} not yet packed, ${qty} asked`, 'lines');
      }
    }
    const parcel = {
      id: nextId++, sscc: ssccOf(++serial), warehouse_id: body.warehouse_id, order_ref: typeof body.order_ref === 'string' ? body.order_ref : '',
      pack_bin_id: bin.id, lines, weight_grams: body.weight_grams ?? 0, state: 'packed', carrier_id: null, waybill_no: null,
      created_at: new Date().toISOString(), shipped_at: null,
    };
    parcels.push(parcel);
    return parcel;
  }

  function getParcel(id) {
    const p = parcels.find((x) => x.id === id);
    if (!p) throw notFound(`parcel ${id} not found`);
    return p;
  }

  function ship(parcel, body, actor) {
    if (!isId(body.carrier_id)) throw invalid('carrier_id', 'is required');
    if (!store.tables.carriers.some((c) => c.id === body.carrier_id)) throw invalid('carrier_id', `no carrier ${body.carrier_id}`);
    if (parcel.state !== 'packed') throw failed(`parcel ${parcel.sscc} is ${parcel.state}`);
    const from = inventory.engine.place(parcel.warehouse_id, parcel.pack_bin_id, 'picked');
    inventory.engine.post(parcel.lines.map((l) => ({
      sku_id: l.sku_id, lot_id: l.lot_id, owner: l.owner, from, quantity: l.quantity, reason: 'ship', ref_type: 'parcel', ref_id: parcel.sscc, actor,
    })));
    Object.assign(parcel, {
      state: 'shipped', carrier_id: body.carrier_id, waybill_no: typeof body.waybill_no === 'string' && body.waybill_no ? body.waybill_no : null,
      shipped_at: new Date().toISOString(),
    });
    return parcel;
  }

  function list(params) {
    const wh = params.get('warehouse_id') ? Number(params.get('warehouse_id')) : undefined;
    const order = params.get('order_ref') || undefined;
    const state = params.get('state') || undefined;
    if (state && !PARCEL_STATES.includes(state)) throw invalid('state', `must be one of ${PARCEL_STATES.join(', ')}`);
    const limit = Math.min(500, Math.max(1, Number(params.get('limit') ?? 50) || 50));
    const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
    const rows = parcels.filter((p) => (wh === undefined || p.warehouse_id === wh) && (!order || p.order_ref === order) && (!state || p.state === state))
      .sort((a, b) => b.id - a.id);
    return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
  }

  /** Runs `make` once per Idempotency-Key; a retry gets the parcel as it is now. */
  async function once(req, res, status, make) {
    const key = String(req.headers['idempotency-key'] ?? '').trim();
    if (key && keys.has(key)) {
      res.setHeader('Idempotent-Replayed', 'true');
      return send(res, status, getParcel(keys.get(key)));
    }
    const parcel = await make();
    if (key) keys.set(key, parcel.id);
    return send(res, status, parcel);
  }

  async function handle(req, res, method, parts, url, actor) {
    const [head, a, b] = parts;
    if (head !== 'parcels') return false;
    const id = () => {
      const n = Number(a);
      if (!Number.isInteger(n) || n <= 0) throw notFound(`no such resource: /${parts.join('/')}`);
      return n;
    };
    if (parts.length === 1 && method === 'GET') return send(res, 200, list(url.searchParams)), true;
    if (parts.length === 1 && method === 'POST') {
      const body = await readJson(req);
      return await once(req, res, 201, () => pack(body)), true;
    }
    if (parts.length === 2 && method === 'GET') return send(res, 200, getParcel(id())), true;
    if (parts.length === 3 && b === 'ship' && method === 'POST') {
      const parcel = getParcel(id());
      const body = await readJson(req);
      return await once(req, res, 200, () => ship(parcel, body, actor)), true;
    }
    throw notFound(`no route for ${method} /api/v1/${parts.join('/')}`);
  }

  return { handle };
}
