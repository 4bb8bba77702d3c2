-- Custom fields: definitions per workspace, the values on each case (as a
-- JSON object on the case, for reading), and one index row per value (per
-- option of a multi-select) for filtering. An index row carries its case's
-- creation time, so "cases with this value, newest first" is one range of
-- one index.
CREATE TABLE custom_fields (
    id           BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id BYTEA NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    label        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    field_type   TEXT NOT NULL,
    -- The options of select and multi-select fields, as a JSON array.
    options      TEXT NOT NULL DEFAULT '[]',
    required     BOOLEAN NOT NULL DEFAULT FALSE,
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   BYTEA NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CONSTRAINT custom_fields_workspace_key UNIQUE (workspace_id, key)
);

ALTER TABLE cases ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';

CREATE TABLE case_field_values (
    case_id      BYTEA NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    field_id     BYTEA NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
    workspace_id BYTEA NOT NULL,
    -- The case's creation time.
    created_at   TIMESTAMP NOT NULL,
    -- What equality compares: the value in a canonical text form (a digest
    -- for long text); dates and times in a fixed form that sorts in time.
    value_key    TEXT NOT NULL,
    -- Integers and numbers, for ranges.
    value_number DOUBLE PRECISION,
    PRIMARY KEY (case_id, field_id, value_key)
);
CREATE INDEX case_field_values_key_idx ON case_field_values (workspace_id, field_id, value_key, created_at, case_id);
CREATE INDEX case_field_values_number_idx ON case_field_values (workspace_id, field_id, value_number, case_id);
CREATE INDEX case_field_values_field_idx ON case_field_values (field_id);
