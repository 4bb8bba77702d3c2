-- Case templates (MySQL/MariaDB; mirrors the PostgreSQL and SQLite
-- migrations of the same name, which explain the model).
CREATE TABLE case_templates (
    id           BINARY(16) PRIMARY KEY,
    workspace_id BINARY(16) NOT NULL,
    name         VARCHAR(100) NOT NULL,
    -- Lowercasing may lengthen a name (up to three characters for one).
    name_key     VARCHAR(400) NOT NULL,
    description  MEDIUMTEXT NOT NULL,
    defaults     MEDIUMTEXT NOT NULL,
    tasks        MEDIUMTEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BINARY(16) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    CONSTRAINT case_templates_workspace_name UNIQUE (workspace_id, name_key),
    CONSTRAINT case_templates_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT case_templates_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

ALTER TABLE cases ADD COLUMN template_id BINARY(16);
