DROP INDEX workspace_events_actor_idx ON workspace_events;
DROP INDEX workspace_events_resource_idx ON workspace_events;
DROP INDEX workspace_events_case_idx ON workspace_events;
ALTER TABLE workspace_events DROP COLUMN case_id, DROP COLUMN resource_type;
