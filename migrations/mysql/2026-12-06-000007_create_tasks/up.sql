-- Tasks and due times (MySQL/MariaDB; mirrors the PostgreSQL and SQLite
-- migrations of the same name, which explain the model).
ALTER TABLE cases ADD COLUMN due_at DATETIME(6), ADD COLUMN task_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_due_idx ON cases (workspace_id, due_at, id);

CREATE TABLE tasks (
    id              BINARY(16) PRIMARY KEY,
    case_id         BINARY(16) NOT NULL,
    workspace_id    BINARY(16) NOT NULL,
    title           TEXT NOT NULL,
    description     MEDIUMTEXT NOT NULL,
    status          VARCHAR(32) NOT NULL,
    assignee_id     BINARY(16),
    due_at          DATETIME(6),
    due_key         DATETIME(6) NOT NULL,
    completed_at    DATETIME(6),
    position        INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BINARY(16) NOT NULL,
    created_by_kind VARCHAR(20) NOT NULL DEFAULT 'person',
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    CONSTRAINT tasks_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT tasks_assignee_fk FOREIGN KEY (assignee_id) REFERENCES accounts (id),
    CONSTRAINT tasks_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX tasks_case_idx ON tasks (case_id, position);
CREATE INDEX tasks_due_idx ON tasks (workspace_id, due_key, id);
CREATE INDEX tasks_created_idx ON tasks (workspace_id, created_at, id);
CREATE INDEX tasks_assignee_idx ON tasks (workspace_id, assignee_id, due_key, id);
