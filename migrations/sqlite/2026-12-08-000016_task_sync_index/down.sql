DROP INDEX tasks_updated_idx;
