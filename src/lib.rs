//! Casebook: an OpenAPI-first incident case-management API server.
//!
//! Requests flow one way: [`api`] (the resources: poem-openapi handler
//! structs and wire types) calls [`services`] (business rules), which call
//! [`store`] (queries over pooled connections to SQLite or PostgreSQL).
//! [`http`] is the edge beside the resources (serving, middleware, problem
//! responses, the document); [`platform`] is infrastructure any layer uses.

pub mod api;
pub mod app;
pub mod config;
pub mod http;
pub mod ids;
pub mod platform;
pub mod services;
pub mod store;
