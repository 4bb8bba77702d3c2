-- Full-text search of cases (MySQL/MariaDB; see the PostgreSQL migration of
-- the same name for the model). InnoDB indexes the search text with
-- FULLTEXT. Its default stopword list would leave out words such as `the`
-- and `about` that the other engines find, so the index is made without
-- one (the setting is read when an index is made). Words shorter than
-- `innodb_ft_min_token_size` (3) are padded by the application instead.
CREATE TABLE case_search (
    case_id      BINARY(16) PRIMARY KEY,
    workspace_id BINARY(16) NOT NULL,
    analyzer     INTEGER NOT NULL,
    terms        MEDIUMTEXT NOT NULL,
    CONSTRAINT case_search_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX case_search_analyzer_idx ON case_search (analyzer);
SET SESSION innodb_ft_enable_stopword = OFF;
CREATE FULLTEXT INDEX case_search_terms_idx ON case_search (terms);
SET SESSION innodb_ft_enable_stopword = ON;
