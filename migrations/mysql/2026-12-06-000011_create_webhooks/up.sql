-- Outbound webhooks (MySQL/MariaDB; mirrors the PostgreSQL and SQLite
-- migrations of the same name, which explain the model).
CREATE TABLE webhooks (
    id                         BINARY(16) PRIMARY KEY,
    workspace_id               BINARY(16) NOT NULL,
    url                        TEXT NOT NULL,
    events                     TEXT NOT NULL,
    description                MEDIUMTEXT NOT NULL,
    active                     BOOLEAN NOT NULL,
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at DATETIME(6),
    failure_streak             INTEGER NOT NULL DEFAULT 0,
    disabled_reason            TEXT,
    lease_owner                VARCHAR(255),
    lease_expires_at           DATETIME(6),
    version                    INTEGER NOT NULL DEFAULT 1,
    created_by                 BINARY(16) NOT NULL,
    created_by_kind            VARCHAR(32) NOT NULL DEFAULT 'person',
    created_at                 DATETIME(6) NOT NULL,
    updated_at                 DATETIME(6) NOT NULL,
    CONSTRAINT webhooks_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE,
    CONSTRAINT webhooks_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX webhooks_workspace_idx ON webhooks (workspace_id, id);

ALTER TABLE workspaces ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;
CREATE TABLE workspace_events (
    id           BINARY(16) PRIMARY KEY,
    workspace_id BINARY(16) NOT NULL,
    seq          BIGINT NOT NULL,
    kind         VARCHAR(64) NOT NULL,
    actor_id     BINARY(16) NOT NULL,
    actor_kind   VARCHAR(32) NOT NULL,
    data         MEDIUMTEXT NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    CONSTRAINT workspace_events_seq UNIQUE (workspace_id, seq),
    CONSTRAINT workspace_events_workspace_fk FOREIGN KEY (workspace_id) REFERENCES workspaces (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE webhook_deliveries (
    id              BINARY(16) PRIMARY KEY,
    webhook_id      BINARY(16) NOT NULL,
    event_id        BINARY(16) NOT NULL,
    seq             BIGINT NOT NULL,
    status          VARCHAR(32) NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    delivered_at    DATETIME(6),
    created_at      DATETIME(6) NOT NULL,
    CONSTRAINT webhook_deliveries_webhook_fk FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE,
    CONSTRAINT webhook_deliveries_event_fk FOREIGN KEY (event_id) REFERENCES workspace_events (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (webhook_id, status, seq);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE webhook_attempts (
    delivery_id BINARY(16) NOT NULL,
    attempt     INTEGER NOT NULL,
    started_at  DATETIME(6) NOT NULL,
    status_code INTEGER,
    latency_ms  INTEGER NOT NULL,
    error       TEXT,
    PRIMARY KEY (delivery_id, attempt),
    CONSTRAINT webhook_attempts_delivery_fk FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
