-- Evidence attachments (MySQL/MariaDB). File contents are stored once per
-- SHA-256 in the evidence store (a directory or an S3 bucket);
-- `evidence_blobs` records which contents are stored, and attachments point
-- at them. A blob no attachment points at is removed by the sweeper.
--
-- Unlike PostgreSQL and SQLite, there is no CHECK that exactly one of
-- case_id and scan_id is set: MySQL refuses a CHECK on columns that a
-- foreign key's ON DELETE action changes. The attachment service sets
-- exactly one. The two owner indexes are whole, not partial.

CREATE TABLE evidence_blobs (
    sha256      VARCHAR(64) PRIMARY KEY CHECK (char_length(sha256) = 64),
    size        BIGINT NOT NULL CHECK (size >= 0),
    created_at  DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE attachments (
    id            BINARY(16) PRIMARY KEY,
    workspace_id  BINARY(16) NOT NULL,
    -- Exactly one owner: a case or a scan.
    case_id       BINARY(16),
    scan_id       BINARY(16),
    file_name     TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size          BIGINT NOT NULL CHECK (size >= 0),
    sha256        VARCHAR(64) NOT NULL,
    description   MEDIUMTEXT,
    uploaded_by   BINARY(16) NOT NULL,
    created_at    DATETIME(6) NOT NULL,
    CONSTRAINT attachments_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT attachments_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT attachments_scan_fk FOREIGN KEY (scan_id) REFERENCES scans (id) ON DELETE CASCADE,
    CONSTRAINT attachments_blob_fk FOREIGN KEY (sha256) REFERENCES evidence_blobs (sha256),
    CONSTRAINT attachments_uploaded_by_fk FOREIGN KEY (uploaded_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX attachments_case_idx ON attachments (case_id, id);
CREATE INDEX attachments_scan_idx ON attachments (scan_id, id);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);
