//! The database itself, apart from the tables: which engine a URL names,
//! pooled and shared connections, migrations, column adapters and the
//! storage error. The table modules beside this one hold the queries.

mod database_url;
mod error;
pub(crate) mod migrate;
pub mod mysql;
mod pool;
pub mod readers;
mod sql_types;
pub mod sqlite_writer;

pub use database_url::{DatabaseUrl, DatabaseUrlError, postgres_session_url};
pub use error::StoreError;
pub use mysql::Contended;
pub use pool::{
    APPLICATION_NAME as POOL_APPLICATION_NAME, Backend, DbConn, PoolStatus, PooledConn, ReadConn, Store,
    settle_pooled,
};
pub use sql_types::DbTime;
