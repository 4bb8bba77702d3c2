//! Readiness: the database answers and carries every migration this binary
//! knows. (Liveness needs no service: the process answering is the answer.)

use std::time::Duration;

use crate::store::{Store, StoreError, health};

/// Longest a readiness check waits for the database.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Why the server is not ready.
#[derive(Debug, thiserror::Error)]
pub enum Unready {
    /// The database did not answer.
    #[error("the database does not answer: {0}")]
    Database(String),
    /// The database lacks migrations this binary expects.
    #[error("the database is at migration {applied}; this server expects {expected}")]
    MigrationsPending {
        /// The newest applied migration.
        applied: String,
        /// The newest migration this binary carries.
        expected: String,
    },
}

/// Checks readiness.
pub struct HealthService {
    store: Store,
    expected: Option<String>,
}

impl HealthService {
    /// A checker over `store`.
    pub fn new(store: Store) -> Self {
        let expected = health::latest_embedded_migration(store.backend());
        Self { store, expected }
    }

    /// `Ok` when the database answers (within 2 s) and its migrations are current.
    pub async fn ready(&self) -> Result<(), Unready> {
        let check = async {
            let mut pooled = self.store.conn().await?;
            health::latest_applied_migration(&mut pooled.db()).await
        };
        let applied = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
            Err(_) => return Err(Unready::Database("timed out".into())),
            Ok(Err(err)) => return Err(Unready::Database(database_error(&err))),
            Ok(Ok(applied)) => applied.unwrap_or_default(),
        };
        match &self.expected {
            Some(expected) if *expected > applied => {
                Err(Unready::MigrationsPending { applied, expected: expected.clone() })
            }
            _ => Ok(()),
        }
    }
}

fn database_error(err: &StoreError) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
