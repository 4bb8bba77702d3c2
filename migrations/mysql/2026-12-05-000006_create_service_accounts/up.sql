-- Service accounts and their API keys (MySQL/MariaDB; mirrors the PostgreSQL
-- and SQLite migrations of the same name, which explain the model).
ALTER TABLE accounts ADD COLUMN kind VARCHAR(20) NOT NULL DEFAULT 'person',
    ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('person', 'service_account'));
ALTER TABLE cases ADD COLUMN created_by_kind VARCHAR(20) NOT NULL DEFAULT 'person';
ALTER TABLE comments ADD COLUMN author_kind VARCHAR(20) NOT NULL DEFAULT 'person';
ALTER TABLE case_events ADD COLUMN actor_kind VARCHAR(20) NOT NULL DEFAULT 'person';
ALTER TABLE scans ADD COLUMN created_by_kind VARCHAR(20) NOT NULL DEFAULT 'person';
ALTER TABLE attachments ADD COLUMN uploaded_by_kind VARCHAR(20) NOT NULL DEFAULT 'person';

CREATE TABLE service_accounts (
    id           BINARY(16) PRIMARY KEY,
    workspace_id BINARY(16) NOT NULL,
    name         TEXT NOT NULL,
    description  MEDIUMTEXT NOT NULL,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BINARY(16) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    CONSTRAINT service_accounts_account_fk FOREIGN KEY (id) REFERENCES accounts (id),
    CONSTRAINT service_accounts_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT service_accounts_creator_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX service_accounts_workspace_idx ON service_accounts (workspace_id, id);

CREATE TABLE api_keys (
    id                 BINARY(16) PRIMARY KEY,
    service_account_id BINARY(16) NOT NULL,
    name               TEXT NOT NULL,
    prefix             VARCHAR(32) NOT NULL,
    secret_hash        VARBINARY(64) NOT NULL,
    created_by         BINARY(16) NOT NULL,
    created_at         DATETIME(6) NOT NULL,
    expires_at         DATETIME(6),
    last_used_at       DATETIME(6),
    revoked_at         DATETIME(6),
    CONSTRAINT api_keys_service_account_fk FOREIGN KEY (service_account_id) REFERENCES service_accounts (id) ON DELETE CASCADE,
    CONSTRAINT api_keys_creator_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX api_keys_service_account_idx ON api_keys (service_account_id, id);
