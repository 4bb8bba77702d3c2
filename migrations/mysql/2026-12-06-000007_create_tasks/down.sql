DROP TABLE tasks;
DROP INDEX cases_due_idx ON cases;
ALTER TABLE cases DROP COLUMN task_seq, DROP COLUMN due_at;
