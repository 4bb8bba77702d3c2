-- Nothing to do here: SQLite's search index changes how it is written
-- (see the SQLite migration of the same name).
SELECT 1;
