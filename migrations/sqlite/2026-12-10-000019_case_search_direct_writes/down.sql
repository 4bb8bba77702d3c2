CREATE TRIGGER case_search_inserted AFTER INSERT ON case_search BEGIN
    INSERT INTO case_search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
CREATE TRIGGER case_search_updated AFTER UPDATE OF terms ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
    INSERT INTO case_search_fts (rowid, terms) VALUES (new.id, new.terms);
END;
