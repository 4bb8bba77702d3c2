-- Deleting a case moves it to the trash: it keeps every row it had and is
-- hidden until an admin restores it or it is purged after the retention
-- period. The index finds a workspace's trash (for its listing, and for
-- lists of what cases hold, which leave trashed cases' items out); it
-- holds trashed cases only, so live cases cost it nothing.
ALTER TABLE cases ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN deleted_by BYTEA CHECK (octet_length(deleted_by) = 16);
ALTER TABLE cases ADD COLUMN deleted_by_kind TEXT;
CREATE INDEX cases_trash_idx ON cases (workspace_id, deleted_at, id) WHERE deleted_at IS NOT NULL;
-- The purge job looks for trash older than the retention period in every workspace.
CREATE INDEX cases_purge_idx ON cases (deleted_at) WHERE deleted_at IS NOT NULL;
