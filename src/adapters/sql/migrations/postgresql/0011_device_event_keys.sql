-- Device events as a narrow key row each (migration 0011). The row of warehouse_device_event
-- held the event's every field; a writer of many events (the scanner terminal) paid for a wide
-- row per event. From now on each stored event has a key row here that says where its record
-- is: a chunk of warehouse_device_answers (`chunk_id`) and the byte offset in it (`record_at`).
-- A chunk holds the records of up to 64 events side by side: the event's fields, its status
-- and its first answer. Events stored before this migration keep their row in
-- warehouse_device_event; their key rows have no chunk.
CREATE TABLE warehouse_device_event_key (
  tenant_id BIGINT NOT NULL,
  device_id TEXT COLLATE "C" NOT NULL,
  event_key TEXT COLLATE "C" NOT NULL,
  chunk_id BIGINT,
  record_at INTEGER,
  PRIMARY KEY (tenant_id, device_id, event_key)
);

INSERT INTO warehouse_device_event_key (tenant_id, device_id, event_key)
SELECT tenant_id, device_id, event_key FROM warehouse_device_event;
