-- Links between two cases of a workspace (relates to, duplicates, parent
-- of). A link is stored once, from the end whose id sorts first
-- (`low_case_id`), with its type as seen from there; the other end sees
-- the inverse type. Two cases have at most one link, which the unique
-- index keeps true under concurrent writers.
CREATE TABLE case_links (
    id              BYTEA PRIMARY KEY CHECK (octet_length(id) = 16),
    workspace_id    BYTEA NOT NULL,
    low_case_id     BYTEA NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    high_case_id    BYTEA NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    created_by      BYTEA NOT NULL REFERENCES accounts (id),
    created_by_kind TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    CHECK (low_case_id < high_case_id)
);
CREATE UNIQUE INDEX case_links_pair_idx ON case_links (low_case_id, high_case_id);
CREATE INDEX case_links_high_idx ON case_links (high_case_id);
