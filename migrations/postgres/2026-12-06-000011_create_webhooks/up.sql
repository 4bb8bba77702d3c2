-- Outbound webhooks.
--
-- `webhooks`: a workspace's subscriptions. `events` is a JSON array of event
-- types (or ["*"]). The signing secrets are sealed (ChaCha20-Poly1305 under
-- a key derived from the token keys), never stored readable; the previous
-- one stays valid until `previous_secret_expires_at` after a rotation.
-- `failure_streak` counts deliveries that failed for good in a row; the
-- lease columns let one worker on any instance deliver a subscription's
-- events in order.
CREATE TABLE webhooks (
    id                         BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id               BYTEA NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url                        TEXT NOT NULL,
    events                     TEXT NOT NULL,
    description                TEXT NOT NULL DEFAULT '',
    active                     BOOLEAN NOT NULL,
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at TIMESTAMP,
    failure_streak             INTEGER NOT NULL DEFAULT 0,
    disabled_reason            TEXT,
    lease_owner                TEXT,
    lease_expires_at           TIMESTAMP,
    version                    INTEGER NOT NULL DEFAULT 1,
    created_by                 BYTEA NOT NULL REFERENCES accounts (id),
    created_by_kind            TEXT NOT NULL DEFAULT 'person',
    created_at                 TIMESTAMP NOT NULL,
    updated_at                 TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_workspace_idx ON webhooks (workspace_id, id);

-- The outbox: events of a workspace that subscriptions asked for, written
-- in the transaction of the change they report. `seq` numbers a
-- workspace's events in commit order: it comes from `workspaces.event_seq`,
-- whose row lock the writing transaction holds until it commits. `data` is
-- the resource as the API returns it.
ALTER TABLE workspaces ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;
CREATE TABLE workspace_events (
    id           BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id BYTEA NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    actor_id     BYTEA NOT NULL,
    actor_kind   TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    CONSTRAINT workspace_events_seq UNIQUE (workspace_id, seq)
);

-- One row per (subscription, event): its state, and the attempts made.
CREATE TABLE webhook_deliveries (
    id              BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    webhook_id      BYTEA NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        BYTEA NOT NULL REFERENCES workspace_events (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (webhook_id, status, seq);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE webhook_attempts (
    delivery_id BYTEA NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms  INTEGER NOT NULL,
    error       TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
