DROP TABLE tasks;
DROP INDEX cases_due_idx;
ALTER TABLE cases DROP COLUMN task_seq;
ALTER TABLE cases DROP COLUMN due_at;
