DROP INDEX cases_purge_idx ON cases;
DROP INDEX cases_trash_idx ON cases;
ALTER TABLE cases DROP COLUMN deleted_by_kind, DROP COLUMN deleted_by, DROP COLUMN deleted_at;
