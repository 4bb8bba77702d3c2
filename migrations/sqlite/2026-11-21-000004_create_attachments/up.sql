-- Evidence attachments. File contents are stored once per SHA-256 in the
-- evidence store (a directory or an S3 bucket); `evidence_blobs` records
-- which contents are stored, and attachments point at them. A blob no
-- attachment points at is removed by the sweeper.

CREATE TABLE evidence_blobs (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    size        BIGINT NOT NULL CHECK (size >= 0),
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE attachments (
    id            BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    workspace_id  BLOB NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Exactly one owner: a case or a scan.
    case_id       BLOB REFERENCES cases (id) ON DELETE CASCADE,
    scan_id       BLOB REFERENCES scans (id) ON DELETE CASCADE,
    file_name     TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size          BIGINT NOT NULL CHECK (size >= 0),
    sha256        TEXT NOT NULL REFERENCES evidence_blobs (sha256),
    description   TEXT,
    uploaded_by   BLOB NOT NULL REFERENCES accounts (id),
    created_at    TIMESTAMP NOT NULL,
    CHECK ((case_id IS NULL) <> (scan_id IS NULL))
);
CREATE INDEX attachments_case_idx ON attachments (case_id, id) WHERE case_id IS NOT NULL;
CREATE INDEX attachments_scan_idx ON attachments (scan_id, id) WHERE scan_id IS NOT NULL;
CREATE INDEX attachments_sha256_idx ON attachments (sha256);
