-- Sourcing: supplier price lists, purchase orders with their lines, goods receipts, versioned
-- indicator trees, indicator scores and score bands.
-- Dates are days since 1970-01-01; times are UTC microseconds; money is integer minor units.
-- Scores are TEXT holding the shortest decimal that reads back as the same double: SQLite's own
-- text/REAL conversions keep 15 digits and do not always round correctly, and the stores
-- exchange values as text, so REAL would not give the same totals as PostgreSQL to the last digit.

CREATE TABLE procurement_price_list (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  supplier_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  currency TEXT NOT NULL,
  unit_price_minor INTEGER NOT NULL,
  min_order_qty INTEGER NOT NULL,
  -- Lead time in days by transport mode; NULL when the supplier does not ship that way.
  lead_air_days INTEGER,
  lead_sea_days INTEGER,
  lead_express_days INTEGER,
  lead_rail_days INTEGER,
  lead_road_days INTEGER,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  active INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX procurement_price_list_sku ON procurement_price_list (tenant_id, sku_id, supplier_id);
CREATE INDEX procurement_price_list_supplier ON procurement_price_list (tenant_id, supplier_id);

CREATE TABLE procurement_purchase_order (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  code TEXT NOT NULL,
  supplier_id INTEGER NOT NULL,
  warehouse_id INTEGER NOT NULL,
  transport_mode TEXT NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  order_date INTEGER NOT NULL,
  expected_date INTEGER NOT NULL,
  -- The supplier's standing when the order was placed.
  at_order_score TEXT,
  at_order_band TEXT NOT NULL,
  at_order_rank INTEGER,
  at_order_candidates INTEGER,
  at_order_warned INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id)
);
CREATE INDEX procurement_purchase_order_supplier
  ON procurement_purchase_order (tenant_id, supplier_id, order_date);
CREATE INDEX procurement_purchase_order_date ON procurement_purchase_order (tenant_id, order_date);

-- An order's lines, replaced whole with the order.
CREATE TABLE procurement_po_line (
  tenant_id INTEGER NOT NULL,
  purchase_order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  unit_price_minor INTEGER NOT NULL,
  quoted_price_minor INTEGER,
  received_qty INTEGER NOT NULL,
  accepted_qty INTEGER NOT NULL,
  rejected_qty INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, purchase_order_id, line_no),
  FOREIGN KEY (tenant_id, purchase_order_id)
    REFERENCES procurement_purchase_order (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE procurement_goods_receipt (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL,
  purchase_order_id INTEGER NOT NULL,
  received_on INTEGER NOT NULL,
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, purchase_order_id) REFERENCES procurement_purchase_order (tenant_id, id)
);
CREATE INDEX procurement_goods_receipt_order
  ON procurement_goods_receipt (tenant_id, purchase_order_id);
CREATE INDEX procurement_goods_receipt_date ON procurement_goods_receipt (tenant_id, received_on);

CREATE TABLE procurement_receipt_line (
  tenant_id INTEGER NOT NULL,
  goods_receipt_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  received_qty INTEGER NOT NULL,
  accepted_qty INTEGER NOT NULL,
  rejected_qty INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (tenant_id, goods_receipt_id, line_no),
  FOREIGN KEY (tenant_id, goods_receipt_id)
    REFERENCES procurement_goods_receipt (tenant_id, id) ON DELETE CASCADE
);

-- An indicator tree version; the tree and its AHP judgements are JSON text, whose numbers are
-- written in their shortest exact form.
CREATE TABLE suppliers_tree_version (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  name TEXT NOT NULL,
  version_no INTEGER NOT NULL,
  status TEXT NOT NULL,
  tree TEXT NOT NULL,
  judgements TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  activated_at INTEGER,
  version INTEGER NOT NULL,
  UNIQUE (tenant_id, version_no),
  UNIQUE (tenant_id, id)
);
-- At most one active version per tenant.
CREATE UNIQUE INDEX suppliers_tree_version_active
  ON suppliers_tree_version (tenant_id) WHERE status = 'active';

CREATE TABLE suppliers_indicator_score (
  tenant_id INTEGER NOT NULL,
  tree_version_id INTEGER NOT NULL,
  supplier_id INTEGER NOT NULL,
  period TEXT NOT NULL,
  indicator TEXT NOT NULL,
  score TEXT NOT NULL,
  source TEXT NOT NULL,
  evaluator TEXT NOT NULL,
  note TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, tree_version_id, supplier_id, period, indicator),
  FOREIGN KEY (tenant_id, tree_version_id) REFERENCES suppliers_tree_version (tenant_id, id)
);

-- A tenant's score bands in the order they were set; no rows means the default bands.
CREATE TABLE suppliers_band (
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  band_no INTEGER NOT NULL,
  name TEXT NOT NULL,
  min_score TEXT NOT NULL,
  consequence TEXT NOT NULL,
  PRIMARY KEY (tenant_id, band_no)
);
