ALTER TABLE cases DROP COLUMN template_id;
DROP TABLE case_templates;
