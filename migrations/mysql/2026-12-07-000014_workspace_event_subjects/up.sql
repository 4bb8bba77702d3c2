-- The workspace activity feed filters events by what they concern: the
-- type of resource (the part of the event type before the dot) and the
-- case it belongs to (a case's own events, and those of its comments,
-- tasks, observables and attachments). Existing events get both from
-- their type and their stored envelope (wire ids: a prefix, `_`, 32 hex
-- digits).
ALTER TABLE workspace_events
    ADD COLUMN resource_type VARCHAR(64) NOT NULL DEFAULT '',
    ADD COLUMN case_id BINARY(16) NULL;
UPDATE workspace_events SET resource_type = CASE kind WHEN 'ping' THEN 'webhook' ELSE SUBSTRING_INDEX(kind, '.', 1) END;
UPDATE workspace_events
   SET case_id = UNHEX(SUBSTRING_INDEX(
           JSON_UNQUOTE(JSON_EXTRACT(data, IF(kind LIKE 'case.%', '$.data.id', '$.data.case_id'))), '_', -1))
 WHERE kind LIKE 'case.%' OR JSON_TYPE(JSON_EXTRACT(data, '$.data.case_id')) = 'STRING';
ALTER TABLE workspace_events ALTER COLUMN resource_type DROP DEFAULT;
CREATE INDEX workspace_events_case_idx ON workspace_events (case_id, seq);
CREATE INDEX workspace_events_resource_idx ON workspace_events (workspace_id, resource_type, seq);
CREATE INDEX workspace_events_actor_idx ON workspace_events (workspace_id, actor_id, seq);
