-- Accounts and their sign-in sessions. Ids are application-assigned UUIDs
-- (v7 for accounts, v4 for sessions) stored as 16 raw bytes, so the same
-- schema.rs serves SQLite and PostgreSQL. Times are UTC, microsecond precision.
CREATE TABLE accounts (
    id            BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CONSTRAINT accounts_email_key UNIQUE (email)
);

CREATE TABLE sessions (
    id          BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    account_id  BYTEA NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);

CREATE INDEX sessions_account_id_idx ON sessions (account_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
