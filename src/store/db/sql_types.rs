//! Column adapters: UUIDs as 16 raw bytes and UTC times as `TIMESTAMP`, the same
//! way on both backends. Models keep `Uuid` and `DateTime<Utc>` fields and name
//! these adapters with `serialize_as` / `deserialize_as`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Binary, Timestamp};
use uuid::Uuid;

/// A UUID stored as a 16-byte `BYTEA` / `BLOB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Binary)]
pub struct DbUuid(pub Uuid);

impl<DB: Backend> ToSql<Binary, DB> for DbUuid
where
    [u8]: ToSql<Binary, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <[u8] as ToSql<Binary, DB>>::to_sql(self.0.as_bytes().as_slice(), out)
    }
}

impl<DB: Backend> FromSql<Binary, DB> for DbUuid
where
    Vec<u8>: FromSql<Binary, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let raw = <Vec<u8> as FromSql<Binary, DB>>::from_sql(bytes)?;
        Ok(Self(Uuid::from_slice(&raw)?))
    }
}

impl From<Uuid> for DbUuid {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

impl From<DbUuid> for Uuid {
    fn from(id: DbUuid) -> Self {
        id.0
    }
}

/// A UTC time stored as `TIMESTAMP` (no zone; UTC by convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
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
