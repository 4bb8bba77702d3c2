-- Network scans: a durable job queue (status + lease), their open ports,
-- and the numbered event log that live streams replay from (MySQL/MariaDB).

CREATE TABLE scans (
    id                BINARY(16) PRIMARY KEY,
    workspace_id      BINARY(16) NOT NULL,
    case_id           BINARY(16),
    target            MEDIUMTEXT NOT NULL,
    ports             MEDIUMTEXT NOT NULL,
    timeout_ms        INTEGER NOT NULL,
    concurrency       INTEGER NOT NULL,
    status            VARCHAR(16) NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    -- Probes in all (addresses x ports) and probes finished, in scan order:
    -- a worker that takes over resumes at probes_done.
    probes_total      INTEGER NOT NULL,
    probes_done       INTEGER NOT NULL DEFAULT 0,
    open_count        INTEGER NOT NULL DEFAULT 0,
    closed_count      INTEGER NOT NULL DEFAULT 0,
    filtered_count    INTEGER NOT NULL DEFAULT 0,
    error             MEDIUMTEXT,
    cancel_requested  BOOLEAN NOT NULL DEFAULT FALSE,
    -- The worker holding the job, and until when; an expired lease is taken over.
    lease_owner       VARCHAR(255),
    lease_expires_at  DATETIME(6),
    attempts          INTEGER NOT NULL DEFAULT 0,
    -- The last event number written for this scan.
    event_seq         INTEGER NOT NULL DEFAULT 0,
    created_by        BINARY(16) NOT NULL,
    created_at        DATETIME(6) NOT NULL,
    started_at        DATETIME(6),
    finished_at       DATETIME(6),
    CONSTRAINT scans_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT scans_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE SET NULL,
    CONSTRAINT scans_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX scans_workspace_idx ON scans (workspace_id, id);
CREATE INDEX scans_queue_idx ON scans (status, created_at);

CREATE TABLE scan_results (
    scan_id     BINARY(16) NOT NULL,
    -- An IP address as text (at most 45 characters for IPv6).
    address     VARCHAR(64) NOT NULL,
    port        INTEGER NOT NULL,
    latency_us  INTEGER NOT NULL,
    banner      MEDIUMTEXT,
    found_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (scan_id, address, port),
    CONSTRAINT scan_results_scan_fk FOREIGN KEY (scan_id) REFERENCES scans (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE scan_events (
    scan_id     BINARY(16) NOT NULL,
    seq         INTEGER NOT NULL,
    kind        VARCHAR(64) NOT NULL,
    data        MEDIUMTEXT NOT NULL,
    created_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (scan_id, seq),
    CONSTRAINT scan_events_scan_fk FOREIGN KEY (scan_id) REFERENCES scans (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
