-- Workspaces, their members, cases with tags, comments, the case audit
-- trail, and stored responses for idempotent creates (MySQL/MariaDB).
-- Long text is MEDIUMTEXT: a 20,000-character description of 4-byte
-- characters outgrows TEXT's 65,535 bytes.

CREATE TABLE workspaces (
    id           BINARY(16) PRIMARY KEY,
    name         TEXT NOT NULL,
    description  MEDIUMTEXT NOT NULL,
    -- The last case number handed out; raised atomically per create.
    case_seq     INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BINARY(16) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    CONSTRAINT workspaces_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE memberships (
    workspace_id BINARY(16) NOT NULL,
    account_id   BINARY(16) NOT NULL,
    role         VARCHAR(16) NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (workspace_id, account_id),
    CONSTRAINT memberships_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT memberships_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX memberships_account_idx ON memberships (account_id, workspace_id);

CREATE TABLE cases (
    id           BINARY(16) PRIMARY KEY,
    workspace_id BINARY(16) NOT NULL,
    number       INTEGER NOT NULL,
    summary      TEXT NOT NULL,
    description  MEDIUMTEXT NOT NULL,
    status       VARCHAR(32) NOT NULL,
    -- Ranks (low = 1 ... critical = 4; informational = 1 ... critical = 5),
    -- so sorting by importance is sorting by number.
    priority     INTEGER NOT NULL,
    severity     INTEGER NOT NULL,
    assignee_id  BINARY(16),
    -- The tags as a JSON array, for display; case_tags is for filtering.
    tags         TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BINARY(16) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    resolved_at  DATETIME(6),
    closed_at    DATETIME(6),
    CONSTRAINT cases_workspace_number_key UNIQUE (workspace_id, number),
    CONSTRAINT cases_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT cases_assignee_fk FOREIGN KEY (assignee_id) REFERENCES accounts (id),
    CONSTRAINT cases_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
-- One index per sort order, each ending in id for the keyset cursor, plus the
-- common status + priority filter.
CREATE INDEX cases_created_idx ON cases (workspace_id, created_at, id);
CREATE INDEX cases_updated_idx ON cases (workspace_id, updated_at, id);
CREATE INDEX cases_priority_idx ON cases (workspace_id, priority, id);
CREATE INDEX cases_severity_idx ON cases (workspace_id, severity, id);
CREATE INDEX cases_status_priority_idx ON cases (workspace_id, status, priority, created_at, id);
CREATE INDEX cases_assignee_idx ON cases (workspace_id, assignee_id, created_at, id);

CREATE TABLE case_tags (
    case_id      BINARY(16) NOT NULL,
    workspace_id BINARY(16) NOT NULL,
    -- Tags are at most 50 characters.
    tag          VARCHAR(50) NOT NULL,
    PRIMARY KEY (case_id, tag),
    CONSTRAINT case_tags_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX case_tags_lookup_idx ON case_tags (workspace_id, tag, case_id);

CREATE TABLE comments (
    id           BINARY(16) PRIMARY KEY,
    case_id      BINARY(16) NOT NULL,
    author_id    BINARY(16) NOT NULL,
    body         MEDIUMTEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    CONSTRAINT comments_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT comments_author_fk FOREIGN KEY (author_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX comments_case_idx ON comments (case_id, id);

-- The audit trail: append-only, written in the same transaction as the change.
CREATE TABLE case_events (
    id           BINARY(16) PRIMARY KEY,
    case_id      BINARY(16) NOT NULL,
    actor_id     BINARY(16) NOT NULL,
    kind         VARCHAR(64) NOT NULL,
    data         MEDIUMTEXT NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    CONSTRAINT case_events_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT case_events_actor_fk FOREIGN KEY (actor_id) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

-- Responses of creates made with an Idempotency-Key, kept 24 hours.
-- (`key` is a reserved word in MySQL; the queries quote it.)
CREATE TABLE idempotency_keys (
    account_id   BINARY(16) NOT NULL,
    `key`        VARCHAR(255) NOT NULL,
    fingerprint  BLOB NOT NULL,
    snapshot     MEDIUMTEXT NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (account_id, `key`),
    CONSTRAINT idempotency_keys_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
