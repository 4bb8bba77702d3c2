ALTER TABLE webhooks DROP COLUMN event_cursor;
