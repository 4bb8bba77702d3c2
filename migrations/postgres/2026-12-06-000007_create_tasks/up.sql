-- Tasks: the checklist of a case, and due times on cases and tasks.
-- A task's `position` orders it within its case, from 1 with no gaps. Every
-- change of positions first raises the case's `task_seq`, which locks the
-- case row, so concurrent moves of one case's tasks run one after another
-- and positions stay a permutation.
ALTER TABLE cases ADD COLUMN due_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN task_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_due_idx ON cases (workspace_id, due_at, id);

CREATE TABLE tasks (
    id              BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    case_id         BYTEA NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    workspace_id    BYTEA NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    assignee_id     BYTEA REFERENCES accounts (id),
    due_at          TIMESTAMP,
    -- `due_at`, or 9999-12-31 when there is none: the never-null key of
    -- the workspace list sorted by due time (tasks without one come last).
    due_key         TIMESTAMP NOT NULL,
    completed_at    TIMESTAMP,
    position        INTEGER NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BYTEA NOT NULL REFERENCES accounts (id),
    created_by_kind TEXT NOT NULL DEFAULT 'person',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX tasks_case_idx ON tasks (case_id, position);
CREATE INDEX tasks_due_idx ON tasks (workspace_id, due_key, id);
CREATE INDEX tasks_created_idx ON tasks (workspace_id, created_at, id);
CREATE INDEX tasks_assignee_idx ON tasks (workspace_id, assignee_id, due_key, id);
