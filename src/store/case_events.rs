//! The append-only audit trail of cases.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::schema::case_events;
use super::{DbConn, DbTime, DbUuid, StoreError, db_run, insert_rows};

/// An audit event as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    /// Event id (UUIDv7: ordered in time).
    pub id: DbUuid,
    /// The case.
    pub case_id: DbUuid,
    /// Who did it.
    pub actor_id: DbUuid,
    /// What happened (`case_created`, `field_changed`, ...).
    pub kind: String,
    /// Details, as a JSON object.
    pub data: String,
    /// When.
    pub created_at: DbTime,
}

/// Appends events.
pub async fn insert(conn: &mut DbConn<'_>, events: Vec<CaseEventRow>) -> Result<(), StoreError> {
    insert_rows!(conn, case_events::table, events)
}

/// A case's events, newest first, after the event id `after`.
pub async fn list(
    conn: &mut DbConn<'_>,
    case_id: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<CaseEventRow>, StoreError> {
    let after = DbUuid(after.unwrap_or(Uuid::max()));
    db_run!(conn: {
        Ok(case_events::table
            .filter(case_events::case_id.eq(DbUuid(case_id)))
            .filter(case_events::id.lt(after))
            .order(case_events::id.desc())
            .limit(limit)
            .select(CaseEventRow::as_select())
            .load(conn)
            .await?)
    })
}
