-- Workspaces, their members, cases with tags, comments, the case audit
-- trail, and stored responses for idempotent creates.

CREATE TABLE workspaces (
    id           BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    -- The last case number handed out; raised atomically per create.
    case_seq     INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BLOB NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    account_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, account_id)
);
CREATE INDEX memberships_account_idx ON memberships (account_id, workspace_id);

CREATE TABLE cases (
    id           BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    workspace_id BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    summary      TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    -- Ranks (low = 1 ... critical = 4; informational = 1 ... critical = 5),
    -- so sorting by importance is sorting by number.
    priority     INTEGER NOT NULL,
    severity     INTEGER NOT NULL,
    assignee_id  BLOB REFERENCES accounts (id),
    -- The tags as a JSON array, for display; case_tags is for filtering.
    tags         TEXT NOT NULL DEFAULT '[]',
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BLOB NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    resolved_at  TIMESTAMP,
    closed_at    TIMESTAMP,
    CONSTRAINT cases_workspace_number_key UNIQUE (workspace_id, number)
);
-- One index per sort order, each ending in id for the keyset cursor, plus the
-- common status + priority filter.
CREATE INDEX cases_created_idx ON cases (workspace_id, created_at, id);
CREATE INDEX cases_updated_idx ON cases (workspace_id, updated_at, id);
CREATE INDEX cases_priority_idx ON cases (workspace_id, priority, id);
CREATE INDEX cases_severity_idx ON cases (workspace_id, severity, id);
CREATE INDEX cases_status_priority_idx ON cases (workspace_id, status, priority, created_at, id);
CREATE INDEX cases_assignee_idx ON cases (workspace_id, assignee_id, created_at, id);

CREATE TABLE case_tags (
    case_id      BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    workspace_id BLOB NOT NULL,
    tag          TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_tags_lookup_idx ON case_tags (workspace_id, tag, case_id);

CREATE TABLE comments (
    id           BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    case_id      BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id    BLOB NOT NULL REFERENCES accounts (id),
    body         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX comments_case_idx ON comments (case_id, id);

-- The audit trail: append-only, written in the same transaction as the change.
CREATE TABLE case_events (
    id           BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    case_id      BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    actor_id     BLOB NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

-- Responses of creates made with an Idempotency-Key, kept 24 hours.
CREATE TABLE idempotency_keys (
    account_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    fingerprint  BLOB NOT NULL,
    snapshot     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, key)
);
