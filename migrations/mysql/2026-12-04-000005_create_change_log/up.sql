-- MySQL/MariaDB only: the change log that stands in for PostgreSQL's
-- LISTEN/NOTIFY (SQLite has one instance per file and needs neither).
-- A change that makes cached authentication stale writes a row in its own
-- transaction; every instance polls for rows newer than the last it saw
-- (CASEBOOK_CHANGE_POLL_INTERVAL) and prunes rows older than an hour.
CREATE TABLE change_log (
    seq         BIGINT AUTO_INCREMENT PRIMARY KEY,
    notice      VARCHAR(255) NOT NULL,
    created_at  DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX change_log_created_idx ON change_log (created_at);
