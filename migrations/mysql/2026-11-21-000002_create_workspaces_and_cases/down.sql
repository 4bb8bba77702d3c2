DROP TABLE idempotency_keys;
DROP TABLE case_events;
DROP TABLE comments;
DROP TABLE case_tags;
DROP TABLE cases;
DROP TABLE memberships;
DROP TABLE workspaces;
