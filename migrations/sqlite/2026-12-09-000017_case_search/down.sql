DROP TRIGGER case_search_updated;
DROP TRIGGER case_search_deleted;
DROP TRIGGER case_search_inserted;
DROP TABLE case_search_fts;
DROP TABLE case_search;
