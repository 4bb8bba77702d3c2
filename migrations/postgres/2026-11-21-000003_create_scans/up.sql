-- Network scans: a durable job queue (status + lease), their open ports,
-- and the numbered event log that live streams replay from.

CREATE TABLE scans (
    id                BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id      BYTEA NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    case_id           BYTEA REFERENCES cases (id) ON DELETE SET NULL,
    target            TEXT NOT NULL,
    ports             TEXT NOT NULL,
    timeout_ms        INTEGER NOT NULL,
    concurrency       INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    -- Probes in all (addresses x ports) and probes finished, in scan order:
    -- a worker that takes over resumes at probes_done.
    probes_total      INTEGER NOT NULL,
    probes_done       INTEGER NOT NULL DEFAULT 0,
    open_count        INTEGER NOT NULL DEFAULT 0,
    closed_count      INTEGER NOT NULL DEFAULT 0,
    filtered_count    INTEGER NOT NULL DEFAULT 0,
    error             TEXT,
    cancel_requested  BOOLEAN NOT NULL DEFAULT FALSE,
    -- The worker holding the job, and until when; an expired lease is taken over.
    lease_owner       TEXT,
    lease_expires_at  TIMESTAMP,
    attempts          INTEGER NOT NULL DEFAULT 0,
    -- The last event number written for this scan.
    event_seq         INTEGER NOT NULL DEFAULT 0,
    created_by        BYTEA NOT NULL REFERENCES accounts (id),
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP
);
CREATE INDEX scans_workspace_idx ON scans (workspace_id, id);
CREATE INDEX scans_queue_idx ON scans (status, created_at);

CREATE TABLE scan_results (
    scan_id     BYTEA NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    address     TEXT NOT NULL,
    port        INTEGER NOT NULL,
    latency_us  INTEGER NOT NULL,
    banner      TEXT,
    found_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (scan_id, address, port)
);

CREATE TABLE scan_events (
    scan_id     BYTEA NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (scan_id, seq)
);
