DROP TABLE case_links;
