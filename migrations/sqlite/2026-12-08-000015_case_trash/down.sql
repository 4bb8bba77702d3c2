DROP INDEX cases_purge_idx;
DROP INDEX cases_trash_idx;
ALTER TABLE cases DROP COLUMN deleted_by_kind;
ALTER TABLE cases DROP COLUMN deleted_by;
ALTER TABLE cases DROP COLUMN deleted_at;
