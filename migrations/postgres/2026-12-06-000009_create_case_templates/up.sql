-- Case templates: a workspace's recipes for opening a case. The defaults
-- for the case and the list of tasks are JSON documents read whole with
-- the template (nothing filters on them). `name_key` is the lowercased
-- name, so names are unique in a workspace regardless of case on every
-- engine. A case records the template that made it in `template_id`,
-- without a foreign key: the record stays when the template is deleted.
CREATE TABLE case_templates (
    id           BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id BYTEA NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    defaults     TEXT NOT NULL DEFAULT '{}',
    tasks        TEXT NOT NULL DEFAULT '[]',
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BYTEA NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CONSTRAINT case_templates_workspace_name UNIQUE (workspace_id, name_key)
);

ALTER TABLE cases ADD COLUMN template_id BYTEA CHECK (octet_length(template_id) = 16);
