DROP INDEX webhook_deliveries_webhook_idx ON webhook_deliveries;
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
DELETE d FROM webhook_deliveries d LEFT JOIN workspace_events e ON e.id = d.event_id WHERE e.id IS NULL;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_fk
    FOREIGN KEY (event_id) REFERENCES workspace_events (id) ON DELETE CASCADE;
INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
SELECT id, 1, first_started_at, first_status_code, first_latency_ms, first_error
  FROM webhook_deliveries WHERE first_started_at IS NOT NULL;
ALTER TABLE webhook_deliveries
    DROP COLUMN first_started_at,
    DROP COLUMN first_status_code,
    DROP COLUMN first_latency_ms,
    DROP COLUMN first_error;
