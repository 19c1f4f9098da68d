-- The ledger's per-SKU look-up, kept in batches. An index on (tenant_id, sku_id, id) makes every
-- line of a posting write to its own SKU's page once the SKUs' histories outgrow a page, so the
-- pages a commit writes grew with the ledger (issue 4: posting time flat from 10^4 to 10^7
-- movements). Now a posting appends (id, tenant_id, sku_id) to inventory_movement_recent, whose
-- rows sit in id order at the end of the table; when it holds enough of them, a posting moves them
-- into inventory_movement_by_sku in one statement, which writes each SKU's page once for many
-- movements. Per-SKU reads (the stock card) take the ids from both tables. Every movement is in
-- exactly one of the two.
DROP INDEX inventory_movement_sku;

CREATE TABLE inventory_movement_by_sku (
  tenant_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, sku_id, id)
) WITHOUT ROWID;

CREATE TABLE inventory_movement_recent (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  sku_id INTEGER NOT NULL
);

INSERT INTO inventory_movement_by_sku (tenant_id, sku_id, id)
  SELECT tenant_id, sku_id, id FROM inventory_movement;
