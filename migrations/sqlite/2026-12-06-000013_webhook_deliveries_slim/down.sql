DROP INDEX webhook_deliveries_webhook_idx;
DROP INDEX webhook_deliveries_pending_idx;
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (webhook_id, status, seq);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)
SELECT id, 1, first_started_at, first_status_code, first_latency_ms, first_error
  FROM webhook_deliveries WHERE first_started_at IS NOT NULL;
ALTER TABLE webhook_deliveries DROP COLUMN first_started_at;
ALTER TABLE webhook_deliveries DROP COLUMN first_status_code;
ALTER TABLE webhook_deliveries DROP COLUMN first_latency_ms;
ALTER TABLE webhook_deliveries DROP COLUMN first_error;
