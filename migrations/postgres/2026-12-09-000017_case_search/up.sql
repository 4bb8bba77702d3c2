-- Full-text search of cases. Each case has one row holding its search
-- text: the terms (words lowercased and stemmed by the application, which
-- every engine then indexes alike) of its summary, description, comments,
-- task titles and observable values. The row is written in the transaction
-- of every change to that text. PostgreSQL indexes it as a `tsvector` with
-- the `simple` configuration (the terms are already stemmed) under GIN.
-- `analyzer` names the version of the application's analysis that wrote
-- the terms, so that a later version can rewrite older rows.
CREATE TABLE case_search (
    case_id      BYTEA PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    workspace_id BYTEA NOT NULL,
    analyzer     INTEGER NOT NULL,
    terms        TEXT NOT NULL,
    vector       TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED
);
CREATE INDEX case_search_vector_idx ON case_search USING gin (vector);
-- Cases still to be indexed (those made before this migration) are found
-- by the server at startup through this index.
CREATE INDEX case_search_analyzer_idx ON case_search (analyzer);
