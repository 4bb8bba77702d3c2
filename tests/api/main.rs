//! Integration tests: the real server, over HTTP, on SQLite, PostgreSQL and
//! MySQL/MariaDB.

mod db_proxy;
mod helpers;
mod test_db;

mod members;
mod metrics;
mod observable_batches;
mod observable_imports;
mod observables;
mod operations;
mod pooled_connections;
mod postgres_admin;

mod abandoned_requests;
mod accounts;
mod api_keys;
mod attachment_content;
mod attachments;
mod auth_cache;
mod case_templates;
mod cases;
mod cases_list;
mod comments;
mod contract;
mod custom_field_filters;
mod custom_fields;
mod evidence;
mod problems;
mod query_plans;
mod rate_limits;
mod receiver;
mod scan_streams;
mod scan_support;
mod scans;
mod service_accounts;
mod sessions;
mod shared_readers;
mod shutdown;
mod storage;
mod tasks;
mod tasks_list;
mod team;
mod webhook_deliveries;
mod webhooks;
mod workspaces;
