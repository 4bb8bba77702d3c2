//! What readiness checks ask of the database.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;

use super::{DbConn, StoreError, db_run};

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// The newest migration applied to the database (one round trip, which also
/// proves the database answers).
pub async fn latest_applied_migration(conn: &mut DbConn<'_>) -> Result<Option<String>, StoreError> {
    let query = "SELECT version FROM __diesel_schema_migrations ORDER BY version DESC LIMIT 1";
    db_run!(conn: {
        let rows: Vec<Version> = diesel::sql_query(query).load(conn).await?;
        Ok(rows.into_iter().next().map(|row| row.version))
    })
}

/// The newest migration this binary carries.
pub fn latest_embedded_migration(backend: super::Backend) -> Option<String> {
    use diesel::migration::MigrationSource;
    let source = super::db::migrate::embedded(backend);
    let migrations = MigrationSource::<diesel::pg::Pg>::migrations(&source).ok()?;
    migrations.iter().map(|m| m.name().version().to_string()).max()
}
