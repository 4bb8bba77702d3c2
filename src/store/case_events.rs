//! The append-only audit trail of cases.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::schema::case_events;
use crate::ids::{AccountId, CaseId, EventId};

use super::{DbConn, DbTime, StoreError, db_run, insert_rows};

/// An audit event as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    /// Event id (UUIDv7: ordered in time).
    pub id: EventId,
    /// The case.
    pub case_id: CaseId,
    /// Who did it.
    pub actor_id: AccountId,
    /// Whether a `person` or a `service_account` acted.
    pub actor_kind: String,
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
    case_id: CaseId,
    after: Option<EventId>,
    limit: i64,
) -> Result<Vec<CaseEventRow>, StoreError> {
    let after = after.unwrap_or(EventId::MAX);
    db_run!(conn: {
        Ok(case_events::table
            .filter(case_events::case_id.eq(case_id))
            .filter(case_events::id.lt(after))
            .order(case_events::id.desc())
            .limit(limit)
            .select(CaseEventRow::as_select())
            .load(conn)
            .await?)
    })
}
