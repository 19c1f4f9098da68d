-- The receipt feed's cursor (migration 0012): where the submitter goes on polling customs'
-- receipts after a restart, instead of reading the whole feed again from its beginning. One row
-- per feed (the gateway's receipt feed), across tenants; `after_cursor` is the gateway's opaque
-- cursor of the last page whose receipts were all applied; `updated_at` in microseconds.
CREATE TABLE customs_receipt_cursor (
  feed TEXT NOT NULL PRIMARY KEY,
  after_cursor TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
