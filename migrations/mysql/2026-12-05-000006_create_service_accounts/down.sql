DROP TABLE api_keys;
DROP TABLE service_accounts;
ALTER TABLE attachments DROP COLUMN uploaded_by_kind;
ALTER TABLE scans DROP COLUMN created_by_kind;
ALTER TABLE case_events DROP COLUMN actor_kind;
ALTER TABLE comments DROP COLUMN author_kind;
ALTER TABLE cases DROP COLUMN created_by_kind;
ALTER TABLE accounts DROP COLUMN kind;
