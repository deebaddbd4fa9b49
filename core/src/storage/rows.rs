//! Converting between rows and domain values: timestamps, JSON columns, ids
//! and enums. Columns are read by name.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::ids::{AuditId, CandidateId, PlanId, SessionId};
use crate::session::{AuditAction, Recommendation, Status};

/// Timestamps are stored as RFC 3339 text with milliseconds, in UTC.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn conversion<E: std::error::Error + Send + Sync + 'static>(e: E) -> FromSqlError {
    FromSqlError::Other(Box::new(e))
}

/// A timestamp column.
pub(crate) struct Ts(pub DateTime<Utc>);

impl FromSql for Ts {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = v.as_str()?;
        DateTime::parse_from_rfc3339(s)
            .map(|t| Ts(t.with_timezone(&Utc)))
            .map_err(conversion)
    }
}

pub(crate) fn opt_ts(v: Option<Ts>) -> Option<DateTime<Utc>> {
    v.map(|t| t.0)
}

/// A JSON column holding `T`.
pub(crate) struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromSql for Json<T> {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        serde_json::from_str(v.as_str()?)
            .map(Json)
            .map_err(conversion)
    }
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialising plain data cannot fail")
}

macro_rules! sql_uuid {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                v.as_str()?.parse().map_err(conversion)
            }
        }
    )*};
}
sql_uuid!(SessionId, CandidateId, AuditId, PlanId);

macro_rules! sql_enum {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                <$t>::parse(v.as_str()?).map_err(conversion)
            }
        }
    )*};
}
sql_enum!(Status, Recommendation, AuditAction);
