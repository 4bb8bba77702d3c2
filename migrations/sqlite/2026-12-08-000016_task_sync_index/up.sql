-- Incremental sync of the workspace's tasks: `listTasks` with
-- `updated_after` and `sort=updated_at` reads one range of this index.
CREATE INDEX tasks_updated_idx ON tasks (workspace_id, updated_at, id);
