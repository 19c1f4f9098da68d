-- A count loss or scrap may take stock a reservation holds (flows/inventory/stock_posting.cpp):
-- the reservation is re-reserved from other lots where it can be and otherwise left short.
-- short_quantity is what it lacks of what the order asked for; min_remaining_days is the
-- shelf-life minimum it was made with, so a re-reservation applies the same rule (NULL: unknown,
-- made before this migration).
ALTER TABLE inventory_reservation ADD COLUMN short_quantity BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inventory_reservation ADD COLUMN min_remaining_days BIGINT;
