-- Orders and declarations keyed by their id alone (migration 0010). Their ids are unique across
-- tenants (the intake numbers orders after the highest of any tenant, the customs store
-- declarations likewise), so `id` becomes the rowid: the table is its own id index, and the
-- primary key (tenant_id, id) and the index on id are gone. An order row is written to 4 B-trees
-- instead of 6, a queued declaration to 5 instead of 7. Look-ups by (tenant_id, id) find the row
-- by its rowid and check the tenant. An index's entries end with the rowid, so
-- (tenant_id, state) is ordered by id within a state as (tenant_id, state, id) was.
-- The queue's index is by signing key: the submitter takes each key's oldest due declarations
-- on their own, so one key's backlog does not hold up another's.
CREATE TABLE orders_order_new (
  id INTEGER PRIMARY KEY,
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
  UNIQUE (tenant_id, channel_id, channel_order_no)
);
INSERT INTO orders_order_new
  SELECT id, tenant_id, channel_id, channel_order_no, request_hash, order_date, state, buyer_name,
         buyer_id_type, buyer_id_number, buyer_phone, consignee, consignee_phone, province, city,
         district, street, postal_code, payment_no, payer_name, payer_id_type, payer_id_number,
         payment_fen, freight_fen, insurance_fen, discount_fen, goods_fen, tax_fen, paid_fen,
         customs_channel, policy, reason, created_at, updated_at, version
  FROM orders_order ORDER BY id;
DROP TABLE orders_order;
ALTER TABLE orders_order_new RENAME TO orders_order;
CREATE INDEX orders_order_state ON orders_order (tenant_id, state);
CREATE INDEX orders_order_date ON orders_order (tenant_id, order_date);

CREATE TABLE customs_declaration_new (
  id INTEGER PRIMARY KEY,
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
  UNIQUE (tenant_id, list_no)
);
INSERT INTO customs_declaration_new
  SELECT id, tenant_id, order_id, shipment_ref, signing_key, state, list_no, order_doc,
         payment_doc, waybill_doc, list_doc, checks, reason, attempts, next_attempt_at, due_at,
         released_at, created_at, updated_at, version
  FROM customs_declaration ORDER BY id;
DROP TABLE customs_declaration;
ALTER TABLE customs_declaration_new RENAME TO customs_declaration;
CREATE INDEX customs_declaration_order ON customs_declaration (tenant_id, order_id);
CREATE INDEX customs_declaration_state ON customs_declaration (tenant_id, state);
CREATE INDEX customs_declaration_due ON customs_declaration (signing_key, due_at)
  WHERE state = 'queued';
