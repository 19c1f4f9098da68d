-- The goods-cap usage ledger (goods_cap rule rows: per-identity yearly caps on some goods, e.g.
-- sugar, rice): + per order line and cap at acceptance, − on cancel, rejection and return, in
-- thousandths of the cap's unit. Only ever inserted, in the order's own transaction.
CREATE TABLE customs_goods_cap_entry (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  id_type TEXT NOT NULL,
  id_number TEXT NOT NULL,
  year INTEGER NOT NULL,
  hs_prefix TEXT NOT NULL,
  amount_milli INTEGER NOT NULL,
  kind TEXT NOT NULL,
  order_id INTEGER NOT NULL,
  line_no INTEGER NOT NULL,
  ref TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX customs_goods_cap_identity
  ON customs_goods_cap_entry (tenant_id, id_type, id_number, year);
CREATE INDEX customs_goods_cap_year ON customs_goods_cap_entry (year);
