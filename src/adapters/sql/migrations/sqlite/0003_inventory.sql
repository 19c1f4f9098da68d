-- Inventory and warehouse operations: lots, the stock ledger (append-only movements) with the
-- balances it keeps, reservations, warehouse tasks, parcels, scanner-terminal events and the
-- counters that number tasks and SSCCs; and a channel's minimum remaining shelf life.
-- Dates are days since 1970-01-01; times are UTC microseconds; quantities are integers in the
-- SKU's base unit; enums are their snake_case names. Every table carries tenant_id.

ALTER TABLE partners_channel ADD COLUMN "min_remaining_shelf_life_days" INTEGER;

CREATE TABLE inventory_lot (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  sku_id INTEGER NOT NULL,
  lot_number TEXT NOT NULL,
  production_date INTEGER,
  expiry_date INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, sku_id, lot_number),
  UNIQUE (tenant_id, id)
);
CREATE INDEX inventory_lot_number ON inventory_lot (tenant_id, lot_number);
CREATE INDEX inventory_lot_expiry ON inventory_lot (tenant_id, expiry_date);

-- The ledger. Rows are only ever inserted; ids are assigned on insert, increasing in posting
-- order. No foreign keys: this is the hot table.
CREATE TABLE inventory_movement (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  lot_id INTEGER NOT NULL,
  owner TEXT NOT NULL,
  -- The place stock leaves (all NULL when it enters) and the place it goes to (all NULL when it
  -- leaves).
  from_warehouse_id INTEGER,
  from_bin_id INTEGER,
  from_state TEXT,
  to_warehouse_id INTEGER,
  to_bin_id INTEGER,
  to_state TEXT,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  reason TEXT NOT NULL,
  ref_type TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  device TEXT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX inventory_movement_sku ON inventory_movement (tenant_id, sku_id, id);
CREATE INDEX inventory_movement_ref ON inventory_movement (tenant_id, ref_type, ref_id);
CREATE INDEX inventory_movement_at ON inventory_movement (tenant_id, at);

-- On hand per place, kept by the postings in the same transaction; rows stay once created.
CREATE TABLE inventory_balance (
  tenant_id INTEGER NOT NULL,
  warehouse_id INTEGER NOT NULL,
  bin_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  lot_id INTEGER NOT NULL,
  owner TEXT NOT NULL,
  state TEXT NOT NULL,
  on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
  PRIMARY KEY (tenant_id, warehouse_id, bin_id, sku_id, lot_id, owner, state)
) WITHOUT ROWID;
CREATE INDEX inventory_balance_sku ON inventory_balance (tenant_id, sku_id, warehouse_id);
CREATE INDEX inventory_balance_lot ON inventory_balance (tenant_id, lot_id);

-- Reservations, written whole. Ids come from the reservation engine. Lines are
-- "lot:quantity:picked" joined by ",", in the reservation's order.
CREATE TABLE inventory_reservation (
  id INTEGER NOT NULL,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  warehouse_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  owner TEXT NOT NULL,
  order_ref TEXT NOT NULL,
  client_key TEXT NOT NULL,
  lines TEXT NOT NULL,
  state TEXT NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX inventory_reservation_key
  ON inventory_reservation (tenant_id, client_key) WHERE client_key <> '';
CREATE INDEX inventory_reservation_active
  ON inventory_reservation (tenant_id, warehouse_id, sku_id) WHERE state = 'active';
CREATE INDEX inventory_reservation_order ON inventory_reservation (tenant_id, order_ref);
-- The engine continues after the highest id at start-up.
CREATE INDEX inventory_reservation_id ON inventory_reservation (id);

-- Warehouse tasks, saved whole: the lines are one JSON array, so a task of thousands of lines is
-- one row written and read.
CREATE TABLE warehouse_task (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  code TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  warehouse_id INTEGER NOT NULL,
  ref_type TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  assignee TEXT NOT NULL,
  line_count INTEGER NOT NULL,
  lines TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at INTEGER,
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id)
);
CREATE INDEX warehouse_task_list ON warehouse_task (tenant_id, warehouse_id, state, kind);
CREATE INDEX warehouse_task_ref ON warehouse_task (tenant_id, ref_id);

-- Packed parcels; the lines are a JSON array.
CREATE TABLE warehouse_parcel (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  warehouse_id INTEGER NOT NULL,
  sscc TEXT NOT NULL,
  order_ref TEXT NOT NULL,
  pack_bin_id INTEGER NOT NULL,
  lines TEXT NOT NULL,
  weight_grams INTEGER NOT NULL,
  state TEXT NOT NULL,
  carrier_id INTEGER NOT NULL,
  waybill_no TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  shipped_at INTEGER,
  UNIQUE (tenant_id, sscc),
  UNIQUE (tenant_id, id)
);
CREATE INDEX warehouse_parcel_order ON warehouse_parcel (tenant_id, order_ref);

-- The first answer to each scanner-terminal event; retries get it back.
CREATE TABLE warehouse_device_event (
  tenant_id INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  type TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  location TEXT NOT NULL,
  barcode TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  device_time INTEGER,
  status INTEGER NOT NULL,
  answer TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, device_id, event_key)
) WITHOUT ROWID;

-- Per-tenant number sequences: "task_<kind>" for task codes, "sscc" for SSCC serials.
CREATE TABLE warehouse_counter (
  tenant_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;
