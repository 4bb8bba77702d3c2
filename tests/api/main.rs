//! Integration tests: the real server, over HTTP, on SQLite and PostgreSQL.

mod helpers;

mod members;
mod metrics;
mod operations;

mod accounts;
mod cases;
mod cases_list;
mod comments;
mod contract;
mod problems;
mod query_plans;
mod rate_limits;
mod scan_streams;
mod scan_support;
mod scans;
mod sessions;
mod shutdown;
mod team;
mod workspaces;
