//! Column adapters: UTC times as `TIMESTAMP`, the same way on both backends.
//! (Ids bind and load as themselves: see [`crate::ids`].)

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Timestamp;

/// A UTC time stored as `TIMESTAMP` (no zone; UTC by convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, AsExpression, FromSqlRow)]
#[diesel(sql_type = Timestamp)]
pub struct DbTime(pub NaiveDateTime);

impl<DB: Backend> ToSql<Timestamp, DB> for DbTime
where
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <NaiveDateTime as ToSql<Timestamp, DB>>::to_sql(&self.0, out)
    }
}

impl<DB: Backend> FromSql<Timestamp, DB> for DbTime
where
    NaiveDateTime: FromSql<Timestamp, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(Self(<NaiveDateTime as FromSql<Timestamp, DB>>::from_sql(bytes)?))
    }
}

impl DbTime {
    /// The time `micros` microseconds after the epoch (a keyset cursor's
    /// position); the epoch itself when out of range.
    pub fn from_micros(micros: i64) -> Self {
        Self::from(DateTime::from_timestamp_micros(micros).unwrap_or_default())
    }
}

impl From<DateTime<Utc>> for DbTime {
    fn from(time: DateTime<Utc>) -> Self {
        Self(time.naive_utc())
    }
}

impl From<DbTime> for DateTime<Utc> {
    fn from(time: DbTime) -> Self {
        time.0.and_utc()
    }
}
