-- Service accounts and their API keys: machine principals of one workspace.
-- A service account is also a row of `accounts` (kind 'service_account',
-- never able to sign in) with a membership holding its role, so every
-- record that names who acted keeps naming it after it is deleted, and
-- access checks treat it as any member. Records that name an actor also say
-- which kind it was.
ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'
    CHECK (kind IN ('person', 'service_account'));
ALTER TABLE cases ADD COLUMN created_by_kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE comments ADD COLUMN author_kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE case_events ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE scans ADD COLUMN created_by_kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE attachments ADD COLUMN uploaded_by_kind TEXT NOT NULL DEFAULT 'person';

CREATE TABLE service_accounts (
    id           BYTEA PRIMARY KEY REFERENCES accounts (id),
    workspace_id BYTEA NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BYTEA NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX service_accounts_workspace_idx ON service_accounts (workspace_id, id);

-- Keys are stored as a keyed hash of the secret, never the secret.
CREATE TABLE api_keys (
    id                 BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    service_account_id BYTEA NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    prefix             TEXT NOT NULL,
    secret_hash        BYTEA NOT NULL,
    created_by         BYTEA NOT NULL REFERENCES accounts (id),
    created_at         TIMESTAMP NOT NULL,
    expires_at         TIMESTAMP,
    last_used_at       TIMESTAMP,
    revoked_at         TIMESTAMP
);
CREATE INDEX api_keys_service_account_idx ON api_keys (service_account_id, id);
