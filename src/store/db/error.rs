//! What can go wrong in the store. Constraint violations get their own
//! variants so services can turn them into business errors where they happen.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint rejected a write (for example a taken email).
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    /// A foreign key rejected a write (the referenced row does not exist).
    #[error("foreign key violated: {0}")]
    ForeignKeyViolation(String),
    /// No connection could be had from the pool in time.
    #[error("no database connection available")]
    Pool(#[source] diesel_async::pooled_connection::PoolError),
    /// Timed out waiting for a pooled connection.
    #[error("timed out waiting for a database connection")]
    PoolTimeout,
    /// The connection to the database was lost, or a query could not be
    /// sent on it; trying again on another connection may succeed.
    #[error("the database connection was lost")]
    ConnectionLost(#[source] DieselError),
    /// A deadlock or lock wait timeout (MySQL/MariaDB) rolled the work
    /// back; running it again may succeed. Transactions retry it a few times
    /// before passing it on.
    #[error("the database gave up waiting for a lock")]
    Contention(#[source] DieselError),
    /// The query failed.
    #[error("database query failed")]
    Query(#[source] DieselError),
    /// Connecting or migrating failed.
    #[error("{0}")]
    Setup(String),
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::UniqueViolation(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                Self::ForeignKeyViolation(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::ConnectionLost(err),
            err if super::mysql::is_contention(&err) => Self::Contention(err),
            other => Self::Query(other),
        }
    }
}

impl From<bb8::RunError<diesel_async::pooled_connection::PoolError>> for StoreError {
    fn from(err: bb8::RunError<diesel_async::pooled_connection::PoolError>) -> Self {
        match err {
            bb8::RunError::User(err) => Self::Pool(err),
            bb8::RunError::TimedOut => Self::PoolTimeout,
        }
    }
}
