-- Deleting a case moves it to the trash: it keeps every row it had and is
-- hidden until an admin restores it or it is purged after the retention
-- period. The index finds a workspace's trash (for its listing, and for
-- lists of what cases hold, which leave trashed cases' items out).
ALTER TABLE cases
    ADD COLUMN deleted_at DATETIME(6) NULL,
    ADD COLUMN deleted_by BINARY(16) NULL,
    ADD COLUMN deleted_by_kind VARCHAR(32) NULL;
CREATE INDEX cases_trash_idx ON cases (workspace_id, deleted_at, id);
-- The purge job looks for trash older than the retention period in every workspace.
CREATE INDEX cases_purge_idx ON cases (deleted_at);
