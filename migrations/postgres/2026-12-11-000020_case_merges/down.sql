ALTER TABLE cases DROP COLUMN merged_into;
