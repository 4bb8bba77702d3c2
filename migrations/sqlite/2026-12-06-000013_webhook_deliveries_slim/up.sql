-- Each event a subscription wants becomes one delivery row, so these rows
-- are most of what delivering writes; they are made lighter:
-- * A delivery's first attempt is kept in its own row (`first_*`), which
--   is all most deliveries ever have; `webhook_attempts` keeps the others
--   (and the first attempt of a delivery queued before it was sent, such
--   as a ping).
-- * Only pending deliveries are indexed for the queue (a partial index the
--   queries name with the literal 'pending'); the index that served no
--   query (status, next_attempt_at) goes; a subscription's deliveries are
--   listed newest first through (webhook_id, id).
-- (The foreign key to `workspace_events`, dropped on the server engines,
-- stays here: SQLite cannot drop one without rebuilding the table, and its
-- check is a read that locks nothing.)
ALTER TABLE webhook_deliveries ADD COLUMN first_started_at TIMESTAMP;
ALTER TABLE webhook_deliveries ADD COLUMN first_status_code INTEGER;
ALTER TABLE webhook_deliveries ADD COLUMN first_latency_ms INTEGER;
ALTER TABLE webhook_deliveries ADD COLUMN first_error TEXT;
UPDATE webhook_deliveries
   SET first_started_at = a.started_at, first_status_code = a.status_code,
       first_latency_ms = a.latency_ms, first_error = a.error
  FROM webhook_attempts a
 WHERE a.delivery_id = webhook_deliveries.id AND a.attempt = 1;
DELETE FROM webhook_attempts WHERE attempt = 1;
DROP INDEX webhook_deliveries_due_idx;
DROP INDEX webhook_deliveries_queue_idx;
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (webhook_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
