// A small in-memory stand-in for `xborder serve`, following the /api/v1
// contract, for developing and testing the console before the C++ server exists.
//
//   node tests/mock-server.mjs [--port 8080] [--dist ./dist]
//
// Keys: XB_MOCK_ADMIN_KEY (default "mock-admin-key", role admin) and
// "mock-viewer-key" (role viewer: may read, not write).

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSupplyApi } from './mock-supply.mjs';
import { createInventoryApi } from './mock-inventory.mjs';
import { createOrdersApi } from './mock-orders.mjs';
import { createWarehouseApi } from './mock-warehouse.mjs';

export const DEFAULT_ADMIN_KEY = 'mock-admin-key';
export const VIEWER_KEY = 'mock-viewer-key';

const CATEGORIES = ['maternal_infant', 'cosmetics', 'clothing', 'daily_necessities', 'electronics', 'food_health', 'other'];

// ---- field validation ---------------------------------------------------------

class ApiFailure extends Error {
  constructor(status, code, message, field, rows) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.rows = rows;
  }
}

const invalid = (field, message) => new ApiFailure(400, 'INVALID_ARGUMENT', `${field}: ${message}`, field);

export function gtinValid(s) {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(s)) return false;
  const digits = s.split('').map(Number);
  const check = digits.pop();
  let sum = 0;
  digits.reverse().forEach((d, i) => { sum += d * (i % 2 === 0 ? 3 : 1); });
  return (10 - (sum % 10)) % 10 === check;
}

const str = (opts = {}) => ({ type: 'string', ...opts });
const int = (opts = {}) => ({ type: 'int', min: 0, ...opts });
const oneOf = (values, opts = {}) => ({ type: 'enum', values, ...opts });

function checkField(name, spec, value) {
  if (value === null || value === undefined) {
    if (spec.required) throw invalid(name, 'is required');
    return spec.default ?? null;
  }
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') throw invalid(name, 'must be a string');
      const v = value.trim();
      if (v === '') {
        if (spec.required) throw invalid(name, 'is required');
        return null;
      }
      if (spec.max && v.length > spec.max) throw invalid(name, `at most ${spec.max} characters`);
      if (spec.pattern && !spec.pattern.test(v)) throw invalid(name, spec.patternMessage ?? 'has the wrong format');
      if (spec.check) spec.check(v, name);
      return v;
    }
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(name, 'must be an integer');
      if (spec.min !== undefined && value < spec.min) throw invalid(name, `must be ≥ ${spec.min}`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'must be a number');
      if (spec.positive && value <= 0) throw invalid(name, 'must be greater than 0');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(name, 'must be true or false');
      return value;
    case 'enum':
      if (!spec.values.includes(value)) throw invalid(name, `must be one of ${spec.values.join(', ')}`);
      return value;
    default:
      throw new Error(`unknown spec type ${spec.type}`);
  }
}

const country = (opts = {}) => str({ pattern: /^[A-Z]{2}$/, patternMessage: 'must be an ISO 3166 alpha-2 code such as AU', ...opts });

const SCHEMAS = {
  skus: {
    code: str({ required: true, max: 64 }),
    name: str({ required: true, max: 200 }),
    gtin: str({
      check: (v, f) => {
        if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(v)) throw invalid(f, 'must have 8, 12, 13 or 14 digits');
        if (!gtinValid(v)) throw invalid(f, 'check digit is wrong');
      },
    }),
    brand_id: int({ min: 1 }),
    category: oneOf(CATEGORIES, { required: true }),
    hs_code: str({ required: true, pattern: /^(\d{8}|\d{10})$/, patternMessage: 'must have 8 or 10 digits' }),
    vat_class: oneOf(['standard', 'reduced'], { required: true }),
    consumption_tax_class: oneOf(['none', 'high_end_cosmetics'], { required: true }),
    legal_unit: oneOf(['g', 'kg', 'ml', 'l', 'piece'], { required: true }),
    legal_quantity: { type: 'number', positive: true, required: true },
    weight_g: int({ required: true }),
    length_mm: int({ required: true }),
    width_mm: int({ required: true }),
    height_mm: int({ required: true }),
    shelf_life_days: int({ min: 1 }),
    positive_list: { type: 'bool', required: true },
    origin_country: country({ required: true }),
  },
  suppliers: {
    code: str({ required: true, max: 64 }),
    name: str({ required: true, max: 200 }),
    kind: oneOf(['manufacturer', 'distributor', 'authorised_agent'], { required: true }),
    country: country({ required: true }),
    currency: str({ required: true, pattern: /^[A-Z]{3}$/, patternMessage: 'must be an ISO 4217 code such as EUR' }),
    contact_name: str({ max: 200 }),
    contact_email: str({ pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, patternMessage: 'is not an email address' }),
    payment_terms_days: int({ default: 30 }), // optional, as in partners.cpp
  },
  warehouses: {
    code: str({ required: true, max: 64 }),
    name: str({ required: true, max: 200 }),
    kind: oneOf(['overseas', 'bonded', 'domestic', 'transit'], { required: true }),
    country: country({ required: true }),
    operator: oneOf(['self', '3pl'], { required: true }),
    operator_name: str({ max: 200 }),
    customs_area_code: str({ max: 16 }),
    account_book_no: str({ max: 64 }),
    address: str({ max: 500 }),
  },
  bins: {
    code: str({ required: true, max: 64 }),
    zone: str({ required: true, max: 32 }),
    kind: oneOf(['storage', 'pick', 'receiving', 'shipping', 'quarantine'], { required: true }),
    capacity_units: int({ required: true }),
  },
  brands: { code: str({ required: true }), name: str({ required: true }), owner_country: country() },
  channels: {
    code: str({ required: true }), name: str({ required: true }),
    platform: oneOf(['tmall_global', 'jd_worldwide', 'kaola', 'douyin', 'pinduoduo', 'own_store', 'other'], { default: 'other' }),
    shop_id: str({ max: 64 }),
    min_remaining_shelf_life_days: int({ max: 3650 }),
  },
  carriers: { code: str({ required: true }), name: str({ required: true }) },
};

const FILTERS = {
  skus: { category: 'string', brand_id: 'int', positive_list: 'bool' },
  suppliers: { kind: 'string', country: 'string' },
  warehouses: { kind: 'string', country: 'string', operator: 'string' },
  bins: { kind: 'string', zone: 'string' },
  brands: {}, channels: {}, carriers: {},
};

const SINGULAR = { skus: 'sku', suppliers: 'supplier', warehouses: 'warehouse', bins: 'bin', brands: 'brand', channels: 'channel', carriers: 'carrier' };

// ---- store -----------------------------------------------------------------

function createStore() {
  const tables = Object.fromEntries(Object.keys(SCHEMAS).map((k) => [k, []]));
  const history = new Map(); // "entity/id" -> events
  let nextId = 1;
  let seq = 1;
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

  function record(entity, id, type, actor, changes) {
    const key = `${entity}/${id}`;
    const list = history.get(key) ?? [];
    list.push({ seq: seq++, type: `${SINGULAR[entity]}.${type}`, at: now(), actor, changes });
    history.set(key, list);
  }

  function validate(entity, body, { partial }) {
    const schema = SCHEMAS[entity];
    const out = {};
    for (const k of Object.keys(body)) {
      if (k === 'version') continue;
      if (!(k in schema)) throw invalid(k, 'is not a writable field');
    }
    for (const [name, spec] of Object.entries(schema)) {
      if (partial && !(name in body)) continue;
      out[name] = checkField(name, spec, body[name]);
    }
    return out;
  }

  function create(entity, body, actor, extra = {}) {
    const values = validate(entity, body, { partial: false });
    const scope = (r) => (extra.warehouse_id === undefined || r.warehouse_id === extra.warehouse_id);
    if (tables[entity].some((r) => scope(r) && r.code === values.code)) {
      throw new ApiFailure(409, 'ALREADY_EXISTS', `code: ${values.code} already exists`, 'code');
    }
    const at = now();
    const row = { id: nextId++, ...extra, ...values, status: 'active', version: 1, created_at: at, updated_at: at };
    tables[entity].push(row);
    record(entity, row.id, 'created', actor,
      Object.entries(values).filter(([, v]) => v !== null).map(([field, v]) => ({ field, old: null, new: v })));
    return row;
  }

  function get(entity, id) {
    const row = tables[entity].find((r) => r.id === id);
    if (!row) throw new ApiFailure(404, 'NOT_FOUND', `${SINGULAR[entity]} ${id} not found`);
    return row;
  }

  function update(entity, id, body, actor) {
    const row = get(entity, id);
    if (body.version !== undefined && body.version !== row.version) {
      throw new ApiFailure(409, 'CONFLICT', `version is ${row.version}, not ${body.version}`, 'version');
    }
    if ('code' in body && body.code !== row.code) {
      throw invalid('code', 'cannot be changed');
    }
    const values = validate(entity, body, { partial: true });
    const changes = [];
    for (const [field, v] of Object.entries(values)) {
      if (row[field] !== v) {
        changes.push({ field, old: row[field] ?? null, new: v });
        row[field] = v;
      }
    }
    if (changes.length) {
      row.version += 1;
      row.updated_at = now();
      record(entity, row.id, 'updated', actor, changes);
    }
    return row;
  }

  function archive(entity, id, actor) {
    const row = get(entity, id);
    if (row.status === 'archived') throw new ApiFailure(422, 'FAILED_PRECONDITION', `${SINGULAR[entity]} ${id} is already archived`);
    row.status = 'archived';
    row.version += 1;
    row.updated_at = now();
    record(entity, row.id, 'archived', actor, [{ field: 'status', old: 'active', new: 'archived' }]);
    return row;
  }

  function list(entity, params, scope = () => true) {
    const q = (params.get('q') ?? '').trim().toLowerCase();
    const status = params.get('status') ?? 'active';
    if (!['active', 'archived', 'all'].includes(status)) throw invalid('status', 'must be active, archived or all');
    const limit = params.has('limit') ? Number(params.get('limit')) : 50;
    const offset = params.has('offset') ? Number(params.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid('limit', 'must be between 1 and 500');
    if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'must be ≥ 0');
    const filters = [];
    for (const [name, type] of Object.entries(FILTERS[entity])) {
      if (!params.has(name) || params.get(name) === '') continue;
      const raw = params.get(name);
      let v = raw;
      if (type === 'int') {
        v = Number(raw);
        if (!Number.isInteger(v)) throw invalid(name, 'must be an integer');
      } else if (type === 'bool') {
        if (raw !== 'true' && raw !== 'false') throw invalid(name, 'must be true or false');
        v = raw === 'true';
      }
      filters.push([name, v]);
    }
    const rows = tables[entity]
      .filter(scope)
      .filter((r) => status === 'all' || r.status === status)
      .filter((r) => !q || r.code.toLowerCase().includes(q) || String(r.name).toLowerCase().includes(q))
      .filter((r) => filters.every(([name, v]) => r[name] === v))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    return { items: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
  }

  function historyOf(entity, id, params) {
    get(entity, id);
    const items = history.get(`${entity}/${id}`) ?? [];
    const limit = params.has('limit') ? Number(params.get('limit')) : 50;
    const offset = params.has('offset') ? Number(params.get('offset')) : 0;
    return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
  }

  return { tables, create, get, update, archive, list, historyOf };
}

// ---- CSV -------------------------------------------------------------------

const SKU_CSV_COLUMNS = ['code', 'name', 'gtin', 'brand_id', 'category', 'hs_code', 'vat_class', 'consumption_tax_class',
  'legal_unit', 'legal_quantity', 'weight_g', 'length_mm', 'width_mm', 'height_mm', 'shelf_life_days', 'positive_list',
  'origin_country', 'status'];
const SUPPLIER_CSV_COLUMNS = ['code', 'name', 'kind', 'country', 'currency', 'contact_name', 'contact_email', 'payment_terms_days', 'status'];

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(columns, rows) {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}

/** RFC 4180 parser: returns rows of cells, each row with its 1-based line number. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; cell += c; }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell); cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.length > 1 || row[0] !== '') rows.push({ line: rowLine, cells: row });
      row = [];
      line++;
      rowLine = line;
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push({ line: rowLine, cells: row });
  }
  return rows;
}

function importSkus(store, text, actor) {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!rows.length) throw new ApiFailure(400, 'INVALID_ARGUMENT', 'the CSV file is empty', undefined, []);
  const header = rows[0].cells.map((h) => h.trim());
  const known = Object.keys(SCHEMAS.skus);
  const errors = [];
  for (const h of header) {
    if (!known.includes(h) && h !== 'status') errors.push({ line: rows[0].line, column: h, reason: 'unknown column' });
  }
  for (const need of ['code', 'name']) {
    if (!header.includes(need)) errors.push({ line: rows[0].line, column: need, reason: 'column is missing' });
  }
  const parsed = [];
  const seen = new Set();
  for (const { line, cells } of rows.slice(1)) {
    const body = {};
    header.forEach((h, i) => {
      if (h === 'status' || !known.includes(h)) return;
      const raw = (cells[i] ?? '').trim();
      const spec = SCHEMAS.skus[h];
      if (raw === '') { body[h] = null; return; }
      if (spec.type === 'int' || spec.type === 'number') body[h] = Number(raw);
      else if (spec.type === 'bool') body[h] = raw === 'true' ? true : raw === 'false' ? false : raw;
      else body[h] = raw;
    });
    try {
      // Validate with the same rules as the API, without storing anything yet.
      for (const [name, spec] of Object.entries(SCHEMAS.skus)) checkField(name, spec, body[name]);
      if (seen.has(body.code) || store.tables.skus.some((r) => r.code === body.code)) {
        throw invalid('code', `${body.code} already exists`);
      }
      seen.add(body.code);
      parsed.push(body);
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      errors.push({ line, column: e.field, reason: e.message.replace(/^[a-z_]+: /, '') });
    }
  }
  if (errors.length) {
    throw new ApiFailure(400, 'INVALID_ARGUMENT', `${errors.length} row(s) have errors`, undefined, errors);
  }
  for (const body of parsed) store.create('skus', body, actor);
  return { imported: parsed.length };
}

// ---- seed data ----------------------------------------------------------------

function seed(store) {
  const actor = 'key:1';
  const brand = store.create('brands', { code: 'A2', name: 'a2 Milk', owner_country: 'NZ' }, actor);
  const samples = [
    ['A2-PLAT-1-900', 'a2 Platinum infant formula stage 1 900g', '9421902960017', 'maternal_infant', '1901101000', 'g', 900],
    ['A2-PLAT-2-900', 'a2 Platinum follow-on formula stage 2 900g', '9421902960024', 'maternal_infant', '1901101000', 'g', 900],
    ['SWISSE-VITC-60', 'Swisse Vitamin C 60 tablets', '9311770591376', 'food_health', '2106909090', 'piece', 60],
    ['BLKM-FISH-400', 'Blackmores Fish Oil 1000mg 400 capsules', '9300807286611', 'food_health', '2106909090', 'piece', 400],
    ['LAMER-CREME-60', 'La Mer Crème de la Mer 60ml', '0747930000020', 'cosmetics', '3304990099', 'ml', 60],
    ['UGG-CLASSIC-38', 'UGG Classic short boots size 38', null, 'clothing', '6403990090', 'piece', 1],
  ];
  for (const [code, name, gtin, category, hs, unit, qty] of samples) {
    store.create('skus', {
      code, name, gtin: gtin && gtinValid(gtin) ? gtin : null, brand_id: code.startsWith('A2') ? brand.id : null,
      category, hs_code: hs, vat_class: 'standard',
      consumption_tax_class: category === 'cosmetics' ? 'high_end_cosmetics' : 'none',
      legal_unit: unit, legal_quantity: qty, weight_g: 1100, length_mm: 130, width_mm: 130, height_mm: 180,
      shelf_life_days: category === 'clothing' ? null : 730, positive_list: true,
      origin_country: code.startsWith('A2') ? 'NZ' : code.startsWith('LAMER') ? 'US' : 'AU',
    }, actor);
  }
  // Enough filler rows to need a second page.
  for (let i = 1; i <= 52; i++) {
    const n = String(i).padStart(3, '0');
    store.create('skus', {
      code: `DEMO-${n}`, name: `Demo daily item ${n}`, gtin: null, brand_id: null, category: 'daily_necessities',
      hs_code: '34011100', vat_class: 'standard', consumption_tax_class: 'none', legal_unit: 'piece',
      legal_quantity: 1, weight_g: 200, length_mm: 50, width_mm: 50, height_mm: 120, shelf_life_days: null,
      positive_list: i % 5 !== 0, origin_country: 'JP',
    }, actor);
  }
  store.create('suppliers', {
    code: 'SUP-A2NZ', name: 'a2 Milk Company (NZ) Ltd', kind: 'manufacturer', country: 'NZ', currency: 'NZD',
    contact_name: 'Export desk', contact_email: 'export@example.com', payment_terms_days: 30,
  }, actor);
  store.create('suppliers', {
    code: 'SUP-CW-AU', name: 'Sydney Pharmacy Wholesale Pty', kind: 'distributor', country: 'AU', currency: 'AUD',
    contact_name: null, contact_email: null, payment_terms_days: 14,
  }, actor);
  const wh = store.create('warehouses', {
    code: 'NB-BONDED-1', name: 'Ningbo bonded warehouse 1', kind: 'bonded', country: 'CN', operator: '3pl',
    operator_name: 'Ningbo Bonded Logistics Co.', customs_area_code: '3105', account_book_no: 'T3105W000001',
    address: 'Ningbo Free Trade Zone, Zhejiang',
  }, actor);
  store.create('warehouses', {
    code: 'SYD-OS-1', name: 'Sydney overseas warehouse', kind: 'overseas', country: 'AU', operator: 'self',
    operator_name: null, customs_area_code: null, account_book_no: null, address: 'Mascot NSW 2020',
  }, actor);
  for (const [code, zone, kind, cap] of [['A-01-01', 'A', 'storage', 500], ['A-01-02', 'A', 'storage', 500], ['P-01', 'P', 'pick', 80], ['RCV-1', 'R', 'receiving', 0]]) {
    store.create('bins', { code, zone, kind, capacity_units: cap }, actor, { warehouse_id: wh.id });
  }
}

// ---- HTTP ------------------------------------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };

function send(res, status, body, type = 'application/json') {
  const data = type === 'application/json' ? JSON.stringify(body) : body;
  res.writeHead(status, { 'Content-Type': type === 'application/json' ? 'application/json; charset=utf-8' : type, 'Cache-Control': 'no-store' });
  res.end(data);
}

function sendError(res, e) {
  const error = { code: e.code, message: e.message };
  if (e.field) error.field = e.field;
  if (e.rows) error.rows = e.rows;
  if (e.extra) Object.assign(error, e.extra); // e.g. cr and disagreements of an inconsistent AHP matrix
  send(res, e.status, { error });
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 5 * 1024 * 1024) throw new ApiFailure(400, 'INVALID_ARGUMENT', 'request body is too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req) {
  const text = await readBody(req);
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch {
    throw new ApiFailure(400, 'INVALID_ARGUMENT', 'request body is not a JSON object');
  }
}

/**
 * Start the mock server. Resolves to { url, close, store }.
 * @param {{port?: number, host?: string, distDir?: string, adminKey?: string, seedData?: boolean, log?: boolean}} opts
 */
export async function startMockServer(opts = {}) {
  const distDir = opts.distDir ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const adminKey = opts.adminKey ?? process.env.XB_MOCK_ADMIN_KEY ?? DEFAULT_ADMIN_KEY;
  const keys = new Map([
    [adminKey, { role: 'admin', key: { id: 1, name: 'mock admin' } }],
    [VIEWER_KEY, { role: 'viewer', key: { id: 2, name: 'mock viewer' } }],
  ]);
  const tenant = { id: 1, code: 'default', name: 'Demo Cross-border Trading Co.' };
  const store = createStore();
  // Supplier evaluation and procurement (mock-supply.mjs).
  const supply = createSupplyApi({ store, ApiFailure, invalid, readJson, send });
  // Stock, lots, reservations, warehouse tasks and scanner events (mock-inventory.mjs).
  const inventory = createInventoryApi({ store, supply, ApiFailure, invalid, readJson, send });
  // Parcels: packing with an SSCC and the shipping handover (mock-warehouse.mjs).
  const parcels = createWarehouseApi({ store, inventory, ApiFailure, invalid, readJson, send });
  // Orders, customs rules, declarations, quota and returns (mock-orders.mjs).
  const ordersApi = createOrdersApi({ store, inventory: inventory.engine, ApiFailure, invalid, readJson, readBody, send, parseCsv });
  if (opts.seedData !== false) {
    seed(store);
    supply.seed();
    inventory.seed();
    ordersApi.seed();
  }

  async function api(req, res, url) {
    const path = url.pathname.slice('/api/v1'.length).replace(/\/+$/, '') || '/';
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(auth);
    const who = m ? keys.get(m[1]) : undefined;
    if (!who) throw new ApiFailure(401, 'UNAUTHENTICATED', m ? 'the API key is not valid' : 'missing API key (Authorization: Bearer ...)');
    const actor = `key:${who.key.id}`;
    const method = req.method ?? 'GET';
    const write = method !== 'GET' && method !== 'HEAD';
    if (write && who.role !== 'admin') throw new ApiFailure(403, 'PERMISSION_DENIED', `role ${who.role} may not change data`);

    if (path === '/me' && method === 'GET') return send(res, 200, { tenant, role: who.role, key: who.key });

    if (method === 'GET' && path === '/export/skus.csv') {
      return send(res, 200, toCsv(SKU_CSV_COLUMNS, store.tables.skus), 'text/csv; charset=utf-8');
    }
    if (method === 'GET' && path === '/export/suppliers.csv') {
      return send(res, 200, toCsv(SUPPLIER_CSV_COLUMNS, store.tables.suppliers), 'text/csv; charset=utf-8');
    }
    if (method === 'POST' && path === '/import/skus') {
      return send(res, 200, importSkus(store, await readBody(req), actor));
    }

    const parts = path.split('/').filter(Boolean);
    if (await supply.handle(req, res, method, parts, url, actor)) return undefined;
    if (await parcels.handle(req, res, method, parts, url, actor)) return undefined;
    if (await inventory.handle(req, res, method, parts, url, actor)) return undefined;
    if (await ordersApi.handle(req, res, method, parts, url, actor)) return undefined;
    const [entity, idText, action] = parts;
    const id = idText === undefined ? undefined : Number(idText);
    if (idText !== undefined && !(Number.isInteger(id) && id > 0)) throw new ApiFailure(404, 'NOT_FOUND', `no such resource: ${path}`);

    // Bins of a warehouse, and bins by id.
    if (entity === 'warehouses' && action === 'bins' && parts.length === 3) {
      const wh = store.get('warehouses', id);
      if (method === 'GET') return send(res, 200, store.list('bins', url.searchParams, (b) => b.warehouse_id === wh.id));
      if (method === 'POST') return send(res, 201, store.create('bins', await readJson(req), actor, { warehouse_id: wh.id }));
    }
    if (entity === 'bins' && parts.length === 2) {
      if (method === 'GET') return send(res, 200, store.get('bins', id));
      if (method === 'PATCH') return send(res, 200, store.update('bins', id, await readJson(req), actor));
    }

    if (entity && entity in SCHEMAS && entity !== 'bins') {
      if (parts.length === 1 && method === 'GET') return send(res, 200, store.list(entity, url.searchParams));
      if (parts.length === 1 && method === 'POST') return send(res, 201, store.create(entity, await readJson(req), actor));
      if (parts.length === 2 && method === 'GET') return send(res, 200, store.get(entity, id));
      if (parts.length === 2 && method === 'PATCH') return send(res, 200, store.update(entity, id, await readJson(req), actor));
      if (parts.length === 3 && action === 'archive' && method === 'POST') return send(res, 200, store.archive(entity, id, actor));
      if (parts.length === 3 && action === 'history' && method === 'GET') return send(res, 200, store.historyOf(entity, id, url.searchParams));
    }
    throw new ApiFailure(404, 'NOT_FOUND', `no route for ${method} /api/v1${path}`);
  }

  async function files(req, res, url) {
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || !extname(rel)) rel = '/index.html';
    const file = normalize(join(distDir, rel));
    if (!file.startsWith(normalize(distDir))) return send(res, 404, 'not found', 'text/plain');
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(data);
    } catch {
      send(res, 404, `not found: ${rel} (did you run npm run build?)`, 'text/plain');
    }
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/api/v1' || url.pathname.startsWith('/api/v1/')) await api(req, res, url);
      else await files(req, res, url);
    } catch (e) {
      if (e instanceof ApiFailure) sendError(res, e);
      else {
        console.error(e);
        sendError(res, new ApiFailure(500, 'INTERNAL', 'internal error'));
      }
    }
    if (opts.log) console.log(`${req.method} ${req.url} -> ${res.statusCode}`);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    adminKey,
    store,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

// Run directly: node tests/mock-server.mjs [--port N] [--dist DIR]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const srv = await startMockServer({ port: Number(arg('--port', '8080')), distDir: arg('--dist', undefined), log: true });
  console.log(`mock xborder server on ${srv.url}  (admin key: ${srv.adminKey}, viewer key: ${VIEWER_KEY})`);
}
