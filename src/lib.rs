//! Casebook: an OpenAPI-first incident case-management API server.
//!
//! Requests flow one way: [`api`] (HTTP handlers and wire types) calls
//! [`services`] (business rules), which call [`store`] (queries over pooled
//! connections to SQLite or PostgreSQL).

pub mod api;
pub mod app;
pub mod config;
pub mod counted;
pub mod keys;
pub mod metrics;
pub mod serve;
pub mod services;
pub mod store;
pub mod telemetry;
