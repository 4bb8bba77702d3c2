-- The subscriptions' event cursors (MySQL/MariaDB; mirrors the PostgreSQL
-- and SQLite migrations of the same name, which explain the model).
ALTER TABLE webhooks ADD COLUMN event_cursor BIGINT NOT NULL DEFAULT 0;
UPDATE webhooks SET event_cursor = (SELECT event_seq FROM workspaces WHERE workspaces.id = webhooks.workspace_id);
