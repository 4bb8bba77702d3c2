-- MySQL/MariaDB only: the change log that stands in for LISTEN/NOTIFY (see
-- migrations/mysql). PostgreSQL notifies instead; SQLite has one instance per
-- file. This empty migration keeps the three folders mirrored by name.
SELECT 1;
