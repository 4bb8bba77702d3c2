-- The application writes FTS5 rows itself when it writes a case's search
-- text (see `store::search::put_all`). Written by a trigger, each row went
-- through a statement savepoint, at which FTS5 flushes its pending terms
-- to disk: one tiny segment per row, merged again and again. At 190,000
-- cases a row took 12 ms that way, and 0.02 ms written directly. The
-- delete trigger stays, for the cascades of purged cases.
DROP TRIGGER case_search_inserted;
DROP TRIGGER case_search_updated;
