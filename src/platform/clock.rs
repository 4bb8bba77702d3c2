//! The one source of "now" for services.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The current UTC time truncated to microseconds: PostgreSQL keeps
/// microseconds and SQLite nanoseconds, so truncating before writing makes
/// both backends return identical values.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}
