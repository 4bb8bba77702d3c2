DROP INDEX workspace_events_actor_idx;
DROP INDEX workspace_events_resource_idx;
DROP INDEX workspace_events_case_idx;
ALTER TABLE workspace_events DROP COLUMN case_id;
ALTER TABLE workspace_events DROP COLUMN resource_type;
