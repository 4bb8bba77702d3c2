ALTER TABLE cases DROP FOREIGN KEY cases_merged_into_fk;
ALTER TABLE cases DROP COLUMN merged_into;
