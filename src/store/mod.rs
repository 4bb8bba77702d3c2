//! Storage: pooled connections to SQLite or PostgreSQL, the schema, and the
//! queries. The store knows how to save and load, not what is valid: business
//! rules live in `services`.
//!
//! Every query is written once, against [`DbConn`], and expanded for both
//! backends by [`db_run!`]; per-backend arms appear only where the SQL dialect
//! truly differs.

pub mod accounts;
pub mod attachments;
pub mod case_events;
pub mod cases;
pub mod change_feed;
pub mod comments;
pub mod db;
pub mod evidence;
pub mod health;
pub mod idempotency;
pub mod memberships;
pub mod scan_queue;
pub mod scans;
pub mod schema;
pub mod sessions;
pub mod workspaces;

pub use db::{
    Backend, DatabaseUrl, DatabaseUrlError, DbConn, DbTime, POOL_APPLICATION_NAME, PoolStatus, PooledConn,
    ReadConn, Store, StoreError, readers, settle_pooled,
};

/// Runs one query body on whichever backend `$conn` (a `&mut DbConn`) holds,
/// recording its latency. Inside the body, `$conn` is the backend's own
/// async connection.
macro_rules! db_run {
    ($conn:ident: $body:block) => {{
        let started = std::time::Instant::now();
        let result = match $conn {
            // Each in an async block, so that the body's `?` ends the
            // block, not the function, and `settle` sees every failure.
            $crate::store::DbConn::Postgres($conn) => {
                let result = async { $body }.await;
                $crate::store::settle_pooled($conn, result).await
            }
            $crate::store::DbConn::SharedPostgres(shared) => {
                let $conn = &mut shared.conn();
                shared.settle(async { $body }.await).await
            }
            $crate::store::DbConn::Sqlite($conn) => $body,
        };
        $crate::platform::metrics::observe_query(started.elapsed());
        result
    }};
}
pub(crate) use db_run;

/// Inserts many rows into `$table` (optionally ignoring rows that would
/// violate a unique key). PostgreSQL gets one multi-row statement; SQLite one
/// statement per row, because diesel-async cannot send multi-row inserts to
/// SQLite (call it inside a transaction there). The only place that
/// difference is handled.
macro_rules! insert_rows {
    ($conn:ident, $table:path, $rows:expr $(, $on_conflict:ident)?) => {{
        let rows = $rows;
        if !rows.is_empty() {
            match $conn {
                $crate::store::DbConn::Postgres(conn) => {
                    diesel::insert_into($table).values(rows)$(.$on_conflict())?.execute(&mut **conn).await?;
                }
                $crate::store::DbConn::SharedPostgres(shared) => {
                    diesel::insert_into($table).values(rows)$(.$on_conflict())?.execute(&mut shared.conn()).await?;
                }
                $crate::store::DbConn::Sqlite(conn) => {
                    for row in rows {
                        diesel::insert_into($table).values(row)$(.$on_conflict())?.execute(&mut **conn).await?;
                    }
                }
            }
        }
        Ok::<(), $crate::store::StoreError>(())
    }};
}
pub(crate) use insert_rows;

/// Runs `$body` in one transaction on `$conn` (a `&mut DbConn`); inside,
/// `$tx` is a `&mut DbConn` bound to the transaction. On SQLite the
/// transaction starts with `BEGIN IMMEDIATE`, so concurrent read-then-write
/// transactions queue on the write lock instead of failing with "database is
/// locked". The body's error type must implement `From<diesel::result::Error>`.
macro_rules! db_transaction {
    ($conn:ident, |$tx:ident| $body:block) => {
        match $conn {
            $crate::store::DbConn::Postgres(conn) => {
                diesel_async::AsyncConnection::transaction(*conn, async |conn| {
                    let $tx = &mut $crate::store::DbConn::Postgres(conn);
                    $body
                })
                .await
            }
            // A shared connection runs other callers' statements between
            // ours, so it cannot hold a transaction; `Store::reader` hands
            // them out only for single statements.
            $crate::store::DbConn::SharedPostgres(_) => Err(diesel::result::Error::QueryBuilderError(
                "a transaction needs a connection of its own, not a shared reader".into(),
            )
            .into()),
            $crate::store::DbConn::Sqlite(conn) => {
                conn.immediate_transaction(async |conn| {
                    let $tx = &mut $crate::store::DbConn::Sqlite(conn);
                    $body
                })
                .await
            }
        }
    };
}
pub(crate) use db_transaction;
