-- The workspace activity feed filters events by what they concern: the
-- type of resource (the part of the event type before the dot) and the
-- case it belongs to (a case's own events, and those of its comments,
-- tasks, observables and attachments). Existing events get both from
-- their type and their stored envelope (wire ids: a prefix, `_`, 32 hex
-- digits).
ALTER TABLE workspace_events ADD COLUMN resource_type TEXT NOT NULL DEFAULT '';
ALTER TABLE workspace_events ADD COLUMN case_id BYTEA CHECK (octet_length(case_id) = 16);
UPDATE workspace_events SET resource_type = CASE kind WHEN 'ping' THEN 'webhook' ELSE split_part(kind, '.', 1) END;
UPDATE workspace_events
   SET case_id = decode(split_part(CASE WHEN kind LIKE 'case.%' THEN data::json -> 'data' ->> 'id'
                                        ELSE data::json -> 'data' ->> 'case_id' END, '_', 2), 'hex')
 WHERE kind LIKE 'case.%' OR (data::json -> 'data' ->> 'case_id') IS NOT NULL;
ALTER TABLE workspace_events ALTER COLUMN resource_type DROP DEFAULT;
CREATE INDEX workspace_events_case_idx ON workspace_events (case_id, seq) WHERE case_id IS NOT NULL;
CREATE INDEX workspace_events_resource_idx ON workspace_events (workspace_id, resource_type, seq);
CREATE INDEX workspace_events_actor_idx ON workspace_events (workspace_id, actor_id, seq);
