-- Observables: the facts of a case (addresses, names, hashes...), each in
-- the canonical form of its type, so one fact is one row per case.
-- `value_key` is the value itself when short (up to 200 characters) and a
-- SHA-256 digest of it otherwise, so that it fits every engine's index:
-- uniqueness per case and correlation across the workspace's cases compare
-- it, and one index range finds every case holding a value.
CREATE TABLE observables (
    id              BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id    BYTEA NOT NULL,
    case_id         BYTEA NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    value           TEXT NOT NULL,
    value_key       TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    tlp             TEXT NOT NULL,
    is_ioc          BOOLEAN NOT NULL DEFAULT FALSE,
    sighted         BOOLEAN NOT NULL DEFAULT FALSE,
    tags            TEXT NOT NULL DEFAULT '[]',
    source          TEXT NOT NULL,
    first_seen_at   TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BYTEA NOT NULL REFERENCES accounts (id),
    created_by_kind TEXT NOT NULL DEFAULT 'person',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT observables_case_value UNIQUE (case_id, kind, value_key)
);
CREATE INDEX observables_value_idx ON observables (workspace_id, kind, value_key, case_id);
CREATE INDEX observables_workspace_idx ON observables (workspace_id, id);
