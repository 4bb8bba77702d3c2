-- Links between two cases (MySQL/MariaDB; mirrors the PostgreSQL and
-- SQLite migrations of the same name, which explain the model).
CREATE TABLE case_links (
    id              BINARY(16) PRIMARY KEY,
    workspace_id    BINARY(16) NOT NULL,
    low_case_id     BINARY(16) NOT NULL,
    high_case_id    BINARY(16) NOT NULL,
    kind            VARCHAR(32) NOT NULL,
    created_by      BINARY(16) NOT NULL,
    created_by_kind VARCHAR(20) NOT NULL,
    created_at      DATETIME(6) NOT NULL,
    CONSTRAINT case_links_order CHECK (low_case_id < high_case_id),
    CONSTRAINT case_links_low_fk FOREIGN KEY (low_case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT case_links_high_fk FOREIGN KEY (high_case_id) REFERENCES cases (id) ON DELETE CASCADE,
    CONSTRAINT case_links_created_by_fk FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE UNIQUE INDEX case_links_pair_idx ON case_links (low_case_id, high_case_id);
CREATE INDEX case_links_high_idx ON case_links (high_case_id);
