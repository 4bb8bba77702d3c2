DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE workspace_events;
ALTER TABLE workspaces DROP COLUMN event_seq;
DROP TABLE webhooks;
