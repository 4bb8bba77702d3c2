//! The one source of "now" for services.
//!
//! Time can be moved forward for this whole process with [`advance`], so
//! that tests of timed behaviour (webhook retries, leases) run without
//! waiting; nothing in the server calls it.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// How far this process's clock has been moved forward, in microseconds.
static OFFSET_MICROS: AtomicI64 = AtomicI64::new(0);

/// The current UTC time truncated to microseconds: PostgreSQL keeps
/// microseconds and SQLite nanoseconds, so truncating before writing makes
/// both backends return identical values.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now() + TimeDelta::microseconds(OFFSET_MICROS.load(Ordering::Relaxed));
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Moves this process's clock forward by `by` (for tests: a test process
/// runs one server whose timers should fire without real waiting).
pub fn advance(by: TimeDelta) {
    OFFSET_MICROS.fetch_add(by.num_microseconds().unwrap_or(0), Ordering::Relaxed);
}
