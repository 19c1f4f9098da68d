-- First answers of device events stored together, side by side (migration 0009). A writer that
-- stores many events in one transaction (the scanner terminal) puts their answers into chunks of
-- up to 64, one row each; every event row then holds only where its answer is (chunk id, byte
-- offset, length) and an empty `answer`. Events stored one at a time keep their answer inline.
CREATE TABLE warehouse_device_answers (
  tenant_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  answers TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

ALTER TABLE warehouse_device_event ADD COLUMN answers_id BIGINT;
ALTER TABLE warehouse_device_event ADD COLUMN answer_at INTEGER;
ALTER TABLE warehouse_device_event ADD COLUMN answer_len INTEGER;
