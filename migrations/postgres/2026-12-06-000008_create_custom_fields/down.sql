DROP TABLE case_field_values;
ALTER TABLE cases DROP COLUMN custom_fields;
DROP TABLE custom_fields;
