-- Each event a subscription wants becomes one delivery row, so these rows
-- are most of what delivering writes; they are made lighter:
-- * A delivery's first attempt is kept in its own row (`first_*`), which
--   is all most deliveries ever have; `webhook_attempts` keeps the others
--   (and the first attempt of a delivery queued before it was sent, such
--   as a ping).
-- * The index that served no query (status, next_attempt_at) goes; a
--   subscription's deliveries are listed newest first through
--   (webhook_id, id). (MySQL has no partial index: the queue index keeps
--   every delivery.)
-- * No foreign key to `workspace_events` (nor the index InnoDB made for
--   it): checking it locked the event's row for every subscription's
--   delivery. Deliveries go with their subscription, as events go with
--   their workspace; whatever deletes events deletes their deliveries first.
ALTER TABLE webhook_deliveries
    ADD COLUMN first_started_at  DATETIME(6),
    ADD COLUMN first_status_code INTEGER,
    ADD COLUMN first_latency_ms  INTEGER,
    ADD COLUMN first_error       TEXT;
UPDATE webhook_deliveries d
  JOIN webhook_attempts a ON a.delivery_id = d.id AND a.attempt = 1
   SET d.first_started_at = a.started_at, d.first_status_code = a.status_code,
       d.first_latency_ms = a.latency_ms, d.first_error = a.error;
DELETE FROM webhook_attempts WHERE attempt = 1;
ALTER TABLE webhook_deliveries DROP FOREIGN KEY webhook_deliveries_event_fk;
DROP INDEX webhook_deliveries_event_fk ON webhook_deliveries;
DROP INDEX webhook_deliveries_due_idx ON webhook_deliveries;
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
