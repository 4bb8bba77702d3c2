DROP INDEX webhook_deliveries_webhook_idx;
DROP INDEX webhook_deliveries_pending_idx;
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (webhook_id, status, seq);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
DELETE FROM webhook_deliveries d WHERE NOT EXISTS (SELECT 1 FROM workspace_events e WHERE e.id = d.event_id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_id_fkey
    FOREIGN KEY (event_id) REFERENCES workspace_events (id) ON DELETE CASCADE;
INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
SELECT id, 1, first_started_at, first_status_code, first_latency_ms, first_error
  FROM webhook_deliveries WHERE first_started_at IS NOT NULL;
ALTER TABLE webhook_deliveries
    DROP COLUMN first_started_at,
    DROP COLUMN first_status_code,
    DROP COLUMN first_latency_ms,
    DROP COLUMN first_error;
