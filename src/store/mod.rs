//! Storage: pooled connections to SQLite, PostgreSQL or MySQL/MariaDB, the
//! schema, and the queries. The store knows how to save and load, not what is valid: business
//! rules live in `services`.
//!
//! Every query is written once, against [`DbConn`], and expanded for every
//! backend by [`db_run!`]; per-backend arms appear only where the SQL dialect
//! truly differs. MySQL has no `RETURNING`: [`update_returning!`] and
//! [`insert_returning!`] read the row back in the same transaction there.

pub mod accounts;
pub mod activity;
pub mod api_keys;
pub mod attachments;
pub mod case_events;
pub mod case_links;
mod case_list;
pub mod case_merge;
pub mod case_templates;
pub mod cases;
pub mod change_feed;
mod change_log;
pub mod comments;
pub mod custom_fields;
pub mod db;
pub mod evidence;
pub mod field_values;
pub mod health;
pub mod idempotency;
pub mod memberships;
pub mod observables;
pub mod outbox;
pub mod scan_queue;
pub mod scans;
pub mod schema;
pub mod search;
pub mod service_accounts;
pub mod sessions;
pub mod tasks;
pub mod trash;
pub mod webhook_deliveries;
pub mod webhook_queue;
pub mod webhooks;
pub mod workspaces;

pub use db::{
    Backend, Contended, DatabaseUrl, DatabaseUrlError, DbConn, DbTime, POOL_APPLICATION_NAME, PoolStatus,
    PooledConn, ReadConn, Store, StoreError, readers, settle_pooled,
};

/// Runs one query body on whichever backend `$conn` (a `&mut DbConn`) holds,
/// recording its latency. Inside the body, `$conn` is the backend's own
/// async connection. The second form gives MySQL a body of its own, for SQL
/// it lacks; the third SQLite; the fourth, SQLite and MySQL each one; the
/// fifth, a MySQL body that runs in a transaction of its own.
///
/// A MySQL connection whose statement was abandoned midway (the request
/// was dropped because its client hung up) cannot be trusted with the next
/// one, so while a body runs outside a transaction of its own the
/// connection is marked broken (see [`db::mysql::InFlight`]); if the body is
/// dropped before it ends, the pool drops the connection instead of handing
/// it to another request.
macro_rules! db_run {
    ($conn:ident: $body:block) => {
        $crate::store::db_run!($conn: $body mysql: $body)
    };
    ($conn:ident: $body:block mysql: $mysql:block) => {
        $crate::store::db_run!($conn: $body sqlite: $body mysql: $mysql)
    };
    ($conn:ident: $body:block sqlite: $sqlite:block) => {
        $crate::store::db_run!($conn: $body sqlite: $sqlite mysql: $body)
    };
    ($conn:ident: $body:block sqlite: $sqlite:block mysql: $mysql:block) => {
        $crate::store::db_run!(@run $conn, $body, $sqlite, {
            let in_flight = $crate::store::db::mysql::InFlight::mark($conn);
            let result = async { $mysql }.await;
            in_flight.clear($conn);
            result
        })
    };
    ($conn:ident: $body:block mysql_transaction: $mysql:block) => {
        // A transaction dropped midway leaves the connection in it, which
        // the pool already counts as broken.
        $crate::store::db_run!(@run $conn, $body, { async { $mysql }.await })
    };
    (@run $conn:ident, $body:block, $mysql:block) => {
        $crate::store::db_run!(@run $conn, $body, $body, $mysql)
    };
    (@run $conn:ident, $body:block, $sqlite:block, $mysql:block) => {{
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
            $crate::store::DbConn::Sqlite($conn) => $sqlite,
            $crate::store::DbConn::Mysql($conn) => {
                let result = $mysql;
                $crate::store::db::mysql::settle($conn, result).await
            }
        };
        $crate::platform::metrics::observe_query(started.elapsed());
        result
    }};
}
pub(crate) use db_run;

/// Inserts many rows into `$table` (optionally ignoring rows that would
/// violate a unique key). PostgreSQL and MySQL get one multi-row statement;
/// SQLite one statement per row, because diesel-async cannot send multi-row
/// inserts to SQLite (call it inside a transaction there). The only place
/// that difference is handled.
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
                $crate::store::DbConn::Mysql(conn) => {
                    diesel::insert_into($table).values(rows)$(.$on_conflict())?.execute(&mut **conn).await?;
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

/// The first row of `$query` that no other transaction holds, locked for
/// this one: `FOR UPDATE SKIP LOCKED` on PostgreSQL and MySQL/MariaDB, so
/// instances sharing a database take different rows (job queues); on
/// SQLite, whose one writer at a time is the lock, simply the first. Call
/// inside `db_transaction!` (a row lock lasts as long as its transaction,
/// which a shared connection never holds).
macro_rules! first_unlocked {
    ($conn:ident, $query:expr) => {{
        let query = $query;
        match $conn {
            $crate::store::DbConn::Postgres(conn) => {
                query.for_update().skip_locked().first(&mut **conn).await.optional()?
            }
            $crate::store::DbConn::Mysql(conn) => {
                query.for_update().skip_locked().first(&mut **conn).await.optional()?
            }
            $crate::store::DbConn::SharedPostgres(_) => {
                return Err(diesel::result::Error::QueryBuilderError(
                    "taking a queued row needs a transaction".into(),
                )
                .into());
            }
            $crate::store::DbConn::Sqlite(conn) => query.first(&mut **conn).await.optional()?,
        }
    }};
}
pub(crate) use first_unlocked;

/// Runs `$body` in one transaction on `$conn` (a `&mut DbConn`); inside,
/// `$tx` is a `&mut DbConn` bound to the transaction. On SQLite the
/// transaction waits for its turn at the write lock (see
/// [`db::sqlite_writer`]) and starts with `BEGIN IMMEDIATE`, so concurrent
/// read-then-write transactions queue for the write lock instead of failing
/// with "database is locked". On MySQL, a transaction that loses a
/// deadlock or times out waiting for a lock runs again, up to
/// [`db::mysql::CONTENTION_RETRIES`] times (so the body must be able to run
/// more than once). The body's error type must implement
/// `From<diesel::result::Error>` and [`Contended`].
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
                let _turn = $crate::store::db::sqlite_writer::turn(conn).await;
                conn.immediate_transaction(async |conn| {
                    let $tx = &mut $crate::store::DbConn::Sqlite(conn);
                    $body
                })
                .await
            }
            $crate::store::DbConn::Mysql(conn) => {
                let mut attempt = 0;
                loop {
                    let result = diesel_async::AsyncConnection::transaction(&mut **conn, async |conn| {
                        let $tx = &mut $crate::store::DbConn::Mysql(conn);
                        $body
                    })
                    .await;
                    match result {
                        Err(err)
                            if attempt < $crate::store::db::mysql::CONTENTION_RETRIES
                                && $crate::store::Contended::is_contention(&err) =>
                        {
                            attempt += 1;
                            tokio::time::sleep($crate::store::db::mysql::contention_backoff(attempt)).await;
                        }
                        // BEGIN and COMMIT run outside any `db_run!`: a
                        // failure there may be a lost connection.
                        Err(err) => break Err($crate::store::db::mysql::settle_transaction(conn, err).await),
                        ok => break ok,
                    }
                }
            }
        }
    };
}
pub(crate) use db_transaction;

/// Runs `$update` (an UPDATE statement) and returns the row it changed as
/// `$selection` (a `Selectable` selection or a column), or `None` when no
/// row matched. On MySQL, which has no `RETURNING`, the update and the read
/// back of `$row` (a query for the same row by its key) run atomically (see
/// [`db::mysql::atomically!`]).
macro_rules! update_returning {
    ($conn:ident, $update:expr, $selection:expr, $row:expr) => {{
        let update = $update;
        $crate::store::db_run!($conn: {
            Ok(update.returning($selection).get_result($conn).await.optional()?)
        } mysql_transaction: {
            let write_and_read = async |conn: &mut diesel_async::AsyncMysqlConnection| {
                if update.execute(conn).await? == 0 {
                    return Ok(None);
                }
                Ok::<_, $crate::store::StoreError>(Some($row.select($selection).get_result(conn).await?))
            };
            $crate::store::db::mysql::atomically!($conn, write_and_read)
        })
    }};
}
pub(crate) use update_returning;

/// Inserts `$row` into `$table` and returns it as stored, as `$selection`;
/// on MySQL, which has no `RETURNING`, it is read back by `$key` (the
/// query for the row by its key) atomically (see [`db::mysql::atomically!`]).
macro_rules! insert_returning {
    ($conn:ident, $table:path, $row:expr, $selection:expr, $key:expr) => {{
        let insert = diesel::insert_into($table).values($row);
        $crate::store::db_run!($conn: {
            Ok(insert.returning($selection).get_result($conn).await?)
        } mysql_transaction: {
            let write_and_read = async |conn: &mut diesel_async::AsyncMysqlConnection| {
                insert.execute(conn).await?;
                Ok::<_, $crate::store::StoreError>($key.select($selection).get_result(conn).await?)
            };
            $crate::store::db::mysql::atomically!($conn, write_and_read)
        })
    }};
}
pub(crate) use insert_returning;

/// Orders a boxed query by `$col` then `$id` (both ascending or both
/// descending), starting after `$after`. The bound is
/// written `col <= v AND (col < v OR id < x)` rather than the equivalent
/// `col < v OR (col = v AND id < x)`: the leading range lets PostgreSQL seek
/// the index to the cursor, where the OR form makes it walk every row before
/// it (see the query plan test).
macro_rules! keyset {
    ($query:expr, $col:expr, $id:expr, $after:expr, Asc) => {{
        let mut query = $query;
        if let Some((value, id)) = $after {
            query = query.filter($col.ge(value).and($col.gt(value).or($id.gt(id))));
        }
        query.order(($col.asc(), $id.asc()))
    }};
    ($query:expr, $col:expr, $id:expr, $after:expr, Desc) => {{
        let mut query = $query;
        if let Some((value, id)) = $after {
            query = query.filter($col.le(value).and($col.lt(value).or($id.lt(id))));
        }
        query.order(($col.desc(), $id.desc()))
    }};
}

pub(crate) use keyset;

/// How a list ordered by id is read: in its own order, or (for
/// incremental sync) what changed since a time, oldest change first.
#[derive(Debug, Clone, Copy)]
pub enum Reading<I> {
    /// Newest first (by id), before this id.
    Newest {
        /// Where the previous page ended.
        before: Option<I>,
    },
    /// Changed (or created) at or after `since`, by `updated_at` then id,
    /// after this position.
    ChangedSince {
        /// The earliest change wanted.
        since: DbTime,
        /// Where the previous page ended.
        after: Option<(DbTime, I)>,
    },
}

/// Restricts a boxed query to rows changed at or after `$since` and
/// orders it by `$updated` then `$id`, after `$after` (a
/// [`Reading::ChangedSince`]).
macro_rules! changed_since {
    ($query:expr, $updated:expr, $id:expr, $since:expr, $after:expr) => {{
        let query = $query.filter($updated.ge($since));
        $crate::store::keyset!(query, $updated, $id, $after, Asc)
    }};
}
pub(crate) use changed_since;

/// Orders a boxed query as `$reading` (a [`Reading`]) says: newest first
/// by `$id`, or changed since a time by `$updated` then `$id`.
macro_rules! paged {
    ($query:expr, $reading:expr, $id:expr, $updated:expr) => {
        match $reading {
            $crate::store::Reading::Newest { before: Some(before) } => {
                $query.filter($id.lt(before)).order($id.desc())
            }
            $crate::store::Reading::Newest { before: None } => $query.order($id.desc()),
            $crate::store::Reading::ChangedSince { since, after } => {
                $crate::store::changed_since!($query, $updated, $id, since, after)
            }
        }
    };
}
pub(crate) use paged;
