-- Observables (MySQL/MariaDB; mirrors the PostgreSQL and SQLite migrations
-- of the same name, which explain the model).
CREATE TABLE observables (
    id              BINARY(16) PRIMARY KEY,
    workspace_id    BINARY(16) NOT NULL,
    case_id         BINARY(16) NOT NULL,
    kind            VARCHAR(32) NOT NULL,
    value           MEDIUMTEXT NOT NULL,
    value_key       VARCHAR(255) NOT NULL,
    description     MEDIUMTEXT NOT NULL,
    tlp             VARCHAR(32) NOT NULL,
    is_ioc          BOOLEAN NOT NULL DEFAULT FALSE,
    sighted         BOOLEAN NOT NULL DEFAULT FALSE,
    tags            TEXT NOT NULL,
    source          VARCHAR(32) NOT NULL,
    first_seen_at   DATETIME(6) NOT NULL,
    last_seen_at    DATETIME(6) NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BINARY(16) NOT NULL,
    created_by_kind VARCHAR(32) NOT NULL DEFAULT 'person',
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    CONSTRAINT observables_case_value UNIQUE (case_id, kind, value_key),
    CONSTRAINT observables_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT observables_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX observables_value_idx ON observables (workspace_id, kind, value_key, case_id);
CREATE INDEX observables_workspace_idx ON observables (workspace_id, id);
