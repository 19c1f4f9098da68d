-- Orders and China cross-border customs: consumer orders with their lines and timeline; the
-- customs rules as dated rows and the positive list (both seeded below with the public rows and
-- their sources; tenant 0 is the platform, shared by every tenant); the annual quota ledger per
-- identity; declarations, which are also the durable outbound queue to customs; customs' receipts;
-- returns; and the bonded account book.
-- Dates are days since 1970-01-01; times are UTC microseconds; money is CNY fen (integers); rates
-- are exact decimal text ("0.13"); enums are their snake_case names; documents are JSON text.
-- Every table carries tenant_id. Identity numbers, names and phones are personal data: stored for
-- customs, never logged.

CREATE TABLE customs_rule (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  rate TEXT,
  amount_fen INTEGER,
  quantity INTEGER,
  unit TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  source TEXT NOT NULL,
  UNIQUE (tenant_id, kind, key, valid_from),
  UNIQUE (tenant_id, id)
);

CREATE TABLE customs_positive_list (
  tenant_id INTEGER NOT NULL,
  hs_code TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  description TEXT NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (tenant_id, hs_code, valid_from)
) WITHOUT ROWID;

-- The quota ledger: + at acceptance, − on cancel and return. Only ever inserted.
CREATE TABLE customs_quota_entry (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  id_type TEXT NOT NULL,
  id_number TEXT NOT NULL,
  year INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  kind TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  ref TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX customs_quota_identity ON customs_quota_entry (tenant_id, id_type, id_number, year);
CREATE INDEX customs_quota_year ON customs_quota_entry (year);

-- Declarations (one per shipment of an order) with their four documents and the checks run on
-- them. Rows in state 'queued' are the outbound queue: due_at is next_attempt_at, or created_at
-- when never tried. Ids come from the writer (the highest + 1 when not given).
CREATE TABLE customs_declaration (
  id INTEGER NOT NULL,
  tenant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  shipment_ref TEXT NOT NULL,
  signing_key TEXT NOT NULL,
  state TEXT NOT NULL,
  list_no TEXT NOT NULL,
  order_doc TEXT NOT NULL,
  payment_doc TEXT NOT NULL,
  waybill_doc TEXT NOT NULL,
  list_doc TEXT NOT NULL,
  checks TEXT NOT NULL,
  reason TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER,
  due_at INTEGER NOT NULL,
  released_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, list_no)
);
CREATE INDEX customs_declaration_id ON customs_declaration (id);
CREATE INDEX customs_declaration_order ON customs_declaration (tenant_id, order_id);
CREATE INDEX customs_declaration_state ON customs_declaration (tenant_id, state, id);
CREATE INDEX customs_declaration_due ON customs_declaration (due_at, id) WHERE state = 'queued';

-- Customs' answers; a repeated receipt_id is applied once.
CREATE TABLE customs_receipt (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  declaration_id INTEGER NOT NULL,
  receipt_id TEXT NOT NULL,
  list_no TEXT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (tenant_id, receipt_id)
);
CREATE INDEX customs_receipt_declaration ON customs_receipt (tenant_id, declaration_id, id);

-- Returns; the lines are one JSON array.
CREATE TABLE customs_return (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  declaration_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  lines TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  received_at INTEGER,
  apply_by INTEGER NOT NULL,
  arrive_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  UNIQUE (tenant_id, id)
);
CREATE INDEX customs_return_order ON customs_return (tenant_id, order_id);

-- The bonded account book (emsNo): + inbound, − outbound. Only ever inserted.
CREATE TABLE customs_account_entry (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  ems_no TEXT NOT NULL,
  warehouse_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  hs_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  ref TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX customs_account_book ON customs_account_entry (tenant_id, ems_no, id);

-- Consumer orders. Ids come from the intake engine (the highest + 1 when not given).
CREATE TABLE orders_order (
  id INTEGER NOT NULL,
  tenant_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  channel_order_no TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  order_date INTEGER NOT NULL,
  state TEXT NOT NULL,
  buyer_name TEXT NOT NULL,
  buyer_id_type TEXT NOT NULL,
  buyer_id_number TEXT NOT NULL,
  buyer_phone TEXT NOT NULL,
  consignee TEXT NOT NULL,
  consignee_phone TEXT NOT NULL,
  province TEXT NOT NULL,
  city TEXT NOT NULL,
  district TEXT NOT NULL,
  street TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  payment_no TEXT NOT NULL,
  payer_name TEXT NOT NULL,
  payer_id_type TEXT NOT NULL,
  payer_id_number TEXT NOT NULL,
  payment_fen INTEGER NOT NULL,
  freight_fen INTEGER NOT NULL,
  insurance_fen INTEGER NOT NULL,
  discount_fen INTEGER NOT NULL,
  goods_fen INTEGER NOT NULL,
  tax_fen INTEGER NOT NULL,
  paid_fen INTEGER NOT NULL,
  customs_channel TEXT NOT NULL,
  policy TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, channel_id, channel_order_no)
);
CREATE INDEX orders_order_id ON orders_order (id);
CREATE INDEX orders_order_state ON orders_order (tenant_id, state, id);
CREATE INDEX orders_order_date ON orders_order (tenant_id, order_date);

CREATE TABLE orders_line (
  id INTEGER NOT NULL,
  tenant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  sku_code TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  unit_price_fen INTEGER NOT NULL,
  discount_fen INTEGER NOT NULL,
  dutiable_fen INTEGER NOT NULL,
  tariff_fen INTEGER NOT NULL,
  consumption_tax_fen INTEGER NOT NULL,
  vat_fen INTEGER NOT NULL,
  mode TEXT NOT NULL,
  warehouse_id INTEGER NOT NULL,
  reservation_id INTEGER NOT NULL,
  shipment_ref TEXT NOT NULL,
  route_note TEXT NOT NULL,
  returned_quantity INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX orders_line_id ON orders_line (id);

-- The state timeline of each order. Only ever inserted.
CREATE TABLE orders_event (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  state TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX orders_event_order ON orders_event (tenant_id, order_id, id);

-- The platform's rules (tenant 0). Dates as days: 8766 = 1994-01-01, 16899 = 2016-04-08,
-- 17075 = 2016-10-01, 17347 = 2017-06-30, 17348 = 2017-07-01, 17651 = 2018-04-30,
-- 17652 = 2018-05-01, 17896 = 2018-12-31, 17897 = 2019-01-01, 17986 = 2019-03-31,
-- 17987 = 2019-04-01, 18349 = 2020-03-28.
INSERT INTO customs_rule (tenant_id, kind, key, rate, amount_fen, quantity, unit, valid_from,
                          valid_to, source) VALUES
  (0, 'single_limit', '', NULL, 200000, NULL, '', 16899, 17896, 'Cai Guan Shui [2016] No.18'),
  (0, 'single_limit', '', NULL, 500000, NULL, '', 17897, NULL, 'Cai Guan Shui [2018] No.49'),
  (0, 'annual_limit', '', NULL, 2000000, NULL, '', 16899, 17896, 'Cai Guan Shui [2016] No.18'),
  (0, 'annual_limit', '', NULL, 2600000, NULL, '', 17897, NULL, 'Cai Guan Shui [2018] No.49'),
  (0, 'cbec_tax_share', '', '0.7', NULL, NULL, '', 16899, NULL, 'Cai Guan Shui [2016] No.18'),
  (0, 'vat_rate', 'standard', '0.17', NULL, NULL, '', 8766, 17651,
   'Provisional Regulations on Value-Added Tax (State Council Order No.134, 1993)'),
  (0, 'vat_rate', 'standard', '0.16', NULL, NULL, '', 17652, 17986, 'Cai Shui [2018] No.32'),
  (0, 'vat_rate', 'standard', '0.13', NULL, NULL, '', 17987, NULL,
   'MOF, STA and GACC Announcement [2019] No.39'),
  (0, 'vat_rate', 'reduced', '0.13', NULL, NULL, '', 8766, 17347,
   'Provisional Regulations on Value-Added Tax (State Council Order No.134, 1993)'),
  (0, 'vat_rate', 'reduced', '0.11', NULL, NULL, '', 17348, 17651, 'Cai Shui [2017] No.37'),
  (0, 'vat_rate', 'reduced', '0.1', NULL, NULL, '', 17652, 17986, 'Cai Shui [2018] No.32'),
  (0, 'vat_rate', 'reduced', '0.09', NULL, NULL, '', 17987, NULL,
   'MOF, STA and GACC Announcement [2019] No.39'),
  (0, 'consumption_tax_rate', 'high_end_cosmetics', '0.15', NULL, NULL, '', 17075, NULL,
   'Cai Shui [2016] No.103'),
  (0, 'cosmetics_threshold', 'g', NULL, 1000, NULL, '', 17075, NULL, 'Cai Shui [2016] No.103'),
  (0, 'cosmetics_threshold', 'ml', NULL, 1000, NULL, '', 17075, NULL, 'Cai Shui [2016] No.103'),
  (0, 'cosmetics_threshold', 'piece', NULL, 1500, NULL, '', 17075, NULL,
   'Cai Shui [2016] No.103'),
  (0, 'tariff_rate', 'default', '0', NULL, NULL, '', 16899, NULL,
   'Cai Guan Shui [2016] No.18 (tariff 0 within the limits; MFN rates by HS code are rows of their own)'),
  (0, 'return_apply_days', '', NULL, NULL, 30, 'day', 18349, NULL,
   'GACC Announcement 2020 No.45'),
  (0, 'return_arrive_days', '', NULL, NULL, 45, 'day', 18349, NULL,
   'GACC Announcement 2020 No.45');

-- A seed of the positive list (tenant 0) for the demo; the full list is imported from CSV.
INSERT INTO customs_positive_list (tenant_id, hs_code, valid_from, valid_to, description,
                                   source) VALUES
  (0, '19011010', 16899, NULL, 'Infant formula milk powder, retail packs (婴幼儿配方奶粉)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)'),
  (0, '19011090', 16899, NULL, 'Other infant food preparations of milk (其他婴幼儿食品)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)'),
  (0, '21069090', 16899, NULL, 'Other food preparations, health food (其他食品制剂/保健食品)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)'),
  (0, '33042000', 16899, NULL, 'Eye make-up preparations (眼用化妆品)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)'),
  (0, '33049100', 16899, NULL, 'Powders, compressed or not (粉，不论是否压紧)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)'),
  (0, '33049900', 16899, NULL, 'Other beauty and skin-care preparations (其他美容品或化妆品及护肤品)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)'),
  (0, '96190011', 16899, NULL, 'Babies'' napkins and napkin liners (婴儿尿裤)',
   'CBEC retail import list, first batch (2016); 2019 edition (Cai Guan Shui [2019] No.47)');
