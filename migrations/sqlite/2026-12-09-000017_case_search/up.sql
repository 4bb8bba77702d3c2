-- Full-text search of cases (see the PostgreSQL migration of the same name
-- for the model). SQLite indexes the search text with FTS5, as an
-- external-content table over `case_search`, kept in step by triggers; the
-- integer key gives FTS5 its rowid (an implicit rowid may change on VACUUM).
-- The terms are already stemmed; `remove_diacritics 0` keeps words as the
-- application wrote them, as the other engines do.
CREATE TABLE case_search (
    id           INTEGER PRIMARY KEY,
    case_id      BLOB NOT NULL UNIQUE REFERENCES cases (id) ON DELETE CASCADE CHECK (length(case_id) = 16),
    workspace_id BLOB NOT NULL,
    analyzer     INTEGER NOT NULL,
    terms        TEXT NOT NULL
);
CREATE INDEX case_search_analyzer_idx ON case_search (analyzer);
CREATE VIRTUAL TABLE case_search_fts USING fts5(
    terms, content = 'case_search', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER case_search_inserted AFTER INSERT ON case_search BEGIN
    INSERT INTO case_search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
CREATE TRIGGER case_search_deleted AFTER DELETE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
END;
CREATE TRIGGER case_search_updated AFTER UPDATE OF terms ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
    INSERT INTO case_search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
