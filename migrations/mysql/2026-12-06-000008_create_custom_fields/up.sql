-- Custom fields (MySQL/MariaDB; mirrors the PostgreSQL and SQLite
-- migrations of the same name, which explain the model). `key` is a
-- reserved word here; the queries quote it.
CREATE TABLE custom_fields (
    id           BINARY(16) PRIMARY KEY,
    workspace_id BINARY(16) NOT NULL,
    `key`        VARCHAR(64) NOT NULL,
    label        TEXT NOT NULL,
    description  MEDIUMTEXT NOT NULL,
    field_type   VARCHAR(32) NOT NULL,
    options      MEDIUMTEXT NOT NULL,
    required     BOOLEAN NOT NULL DEFAULT FALSE,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BINARY(16) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    CONSTRAINT custom_fields_workspace_key UNIQUE (workspace_id, `key`),
    CONSTRAINT custom_fields_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT custom_fields_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

ALTER TABLE cases ADD COLUMN custom_fields MEDIUMTEXT NOT NULL DEFAULT ('{}');

CREATE TABLE case_field_values (
    case_id      BINARY(16) NOT NULL,
    field_id     BINARY(16) NOT NULL,
    workspace_id BINARY(16) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    -- At most 255 characters of 4 bytes (longer text is stored as a digest).
    value_key    VARCHAR(255) NOT NULL,
    value_number DOUBLE,
    PRIMARY KEY (case_id, field_id, value_key),
    CONSTRAINT case_field_values_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT case_field_values_field_fk FOREIGN KEY (field_id) REFERENCES custom_fields (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX case_field_values_key_idx ON case_field_values (workspace_id, field_id, value_key, created_at, case_id);
CREATE INDEX case_field_values_number_idx ON case_field_values (workspace_id, field_id, value_number, case_id);
