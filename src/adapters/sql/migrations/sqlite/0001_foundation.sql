-- Foundation: tenants, API keys, idempotency keys, the business event log, master records.
-- Times are UTC microseconds since 1970; money is integer minor units; codes are unique per tenant.

CREATE TABLE access_tenant (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  event_seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE access_api_key (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES access_tenant (id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  prefix TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX access_api_key_tenant ON access_api_key (tenant_id);

CREATE TABLE access_idempotency (
  tenant_id INTEGER NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  resource_kind TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, idem_key)
);

CREATE TABLE events_log (
  tenant_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  actor TEXT NOT NULL,
  request_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX events_log_entity ON events_log (tenant_id, entity, entity_id, seq);

CREATE TABLE catalog_sku (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "gtin" TEXT,
  "brand_id" INTEGER,
  "category" TEXT NOT NULL,
  "hs_code" TEXT NOT NULL,
  "vat_class" TEXT NOT NULL,
  "consumption_tax_class" TEXT NOT NULL,
  "legal_unit" TEXT NOT NULL,
  "legal_quantity" INTEGER NOT NULL,
  "weight_g" INTEGER NOT NULL,
  "length_mm" INTEGER NOT NULL,
  "width_mm" INTEGER NOT NULL,
  "height_mm" INTEGER NOT NULL,
  "shelf_life_days" INTEGER,
  "positive_list" INTEGER NOT NULL,
  "origin_country" TEXT NOT NULL,
  UNIQUE ("tenant_id", "code")
);
CREATE INDEX catalog_sku_category ON catalog_sku ("tenant_id", "category");
CREATE INDEX catalog_sku_brand ON catalog_sku ("tenant_id", "brand_id");
CREATE INDEX catalog_sku_gtin ON catalog_sku ("tenant_id", "gtin");

CREATE TABLE partners_supplier (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "kind" TEXT NOT NULL,
  "country" TEXT NOT NULL,
  "currency" TEXT NOT NULL,
  "contact_name" TEXT,
  "contact_email" TEXT,
  "payment_terms_days" INTEGER NOT NULL,
  UNIQUE ("tenant_id", "code")
);

CREATE TABLE partners_brand (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "country" TEXT NOT NULL,
  "owner_supplier_id" INTEGER,
  UNIQUE ("tenant_id", "code")
);

CREATE TABLE partners_channel (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "platform" TEXT NOT NULL,
  "shop_id" TEXT,
  UNIQUE ("tenant_id", "code")
);

CREATE TABLE partners_carrier (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "kind" TEXT NOT NULL,
  "country" TEXT NOT NULL,
  "tracking_url" TEXT,
  UNIQUE ("tenant_id", "code")
);

CREATE TABLE partners_warehouse (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "kind" TEXT NOT NULL,
  "country" TEXT NOT NULL,
  "operator" TEXT NOT NULL,
  "operator_name" TEXT,
  "customs_area_code" TEXT,
  "account_book_no" TEXT,
  "address" TEXT,
  UNIQUE ("tenant_id", "code")
);

CREATE TABLE partners_bin (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "tenant_id" INTEGER NOT NULL REFERENCES access_tenant (id),
  "code" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'active',
  "version" INTEGER NOT NULL,
  "created_at" INTEGER NOT NULL,
  "updated_at" INTEGER NOT NULL,
  "warehouse_id" INTEGER NOT NULL REFERENCES partners_warehouse ("id"),
  "zone" TEXT,
  "kind" TEXT NOT NULL,
  "capacity_units" INTEGER NOT NULL,
  UNIQUE ("tenant_id", "warehouse_id", "code")
);
