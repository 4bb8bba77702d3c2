-- Accounts and their sign-in sessions (MySQL/MariaDB; mirrors the
-- PostgreSQL and SQLite migrations of the same name). Ids are 16 raw bytes,
-- times UTC DATETIME(6) (microseconds), text utf8mb4 with the binary
-- collation, so equality and uniqueness compare exactly as on PostgreSQL
-- (no case or accent folding). Text that keys an index is VARCHAR, sized to
-- what the service accepts.
CREATE TABLE accounts (
    id            BINARY(16) PRIMARY KEY,
    email         VARCHAR(254) NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    DATETIME(6) NOT NULL,
    updated_at    DATETIME(6) NOT NULL,
    CONSTRAINT accounts_email_key UNIQUE (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE sessions (
    id          BINARY(16) PRIMARY KEY,
    account_id  BINARY(16) NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    expires_at  DATETIME(6) NOT NULL,
    CONSTRAINT sessions_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX sessions_account_id_idx ON sessions (account_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
