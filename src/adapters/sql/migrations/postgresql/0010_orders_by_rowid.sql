-- Orders and declarations keyed by their id alone (migration 0010). Their ids are unique across
-- tenants (the intake numbers orders after the highest of any tenant, the customs store
-- declarations likewise), so the primary key is `id`, and the separate index on id is gone: one
-- index fewer per order and per declaration. Look-ups by (tenant_id, id) find the row by id and
-- check the tenant. (SQLite rebuilds both tables with `id` as the rowid.)
-- The queue's index is by signing key: the submitter takes each key's oldest due declarations
-- on their own, so one key's backlog does not hold up another's.
ALTER TABLE orders_order DROP CONSTRAINT orders_order_pkey;
ALTER TABLE orders_order ADD PRIMARY KEY (id);
DROP INDEX orders_order_id;

ALTER TABLE customs_declaration DROP CONSTRAINT customs_declaration_pkey;
ALTER TABLE customs_declaration ADD PRIMARY KEY (id);
DROP INDEX customs_declaration_id;
DROP INDEX customs_declaration_due;
CREATE INDEX customs_declaration_due ON customs_declaration (signing_key, due_at, id)
  WHERE state = 'queued';
