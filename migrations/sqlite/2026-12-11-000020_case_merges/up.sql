-- A case merged into another is closed and points at the case that took
-- in its comments, attachments, tasks and observables. The pointer is
-- cleared if that case is ever purged.
ALTER TABLE cases ADD COLUMN merged_into BLOB REFERENCES cases (id) ON DELETE SET NULL;
