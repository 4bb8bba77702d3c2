-- The pointer of a merged case to the case it was merged into (MySQL/MariaDB;
-- mirrors the PostgreSQL and SQLite migrations of the same name).
ALTER TABLE cases ADD COLUMN merged_into BINARY(16) NULL,
    ADD CONSTRAINT cases_merged_into_fk FOREIGN KEY (merged_into) REFERENCES cases (id) ON DELETE SET NULL;
