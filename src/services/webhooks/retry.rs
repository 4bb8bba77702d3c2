//! When a failed delivery is tried again: exponential backoff from 5
//! seconds, doubling to at most an hour, each delay jittered by ±20% so
//! that deliveries failed together do not retry together; tried for 24
//! hours from the event, then failed for good.

use chrono::{DateTime, TimeDelta, Utc};

/// How long a delivery is retried, from its event.
pub const RETRY_WINDOW: TimeDelta = TimeDelta::hours(24);
/// The first delay.
const FIRST_DELAY_SECONDS: f64 = 5.0;
/// The longest delay.
const LONGEST_DELAY_SECONDS: f64 = 3600.0;
/// Deliveries failed for good in a row that deactivate a subscription.
pub const FAILURES_BEFORE_DISABLE: i32 = 5;

/// When to try again after `attempts` failed attempts, or `None` when the
/// window is over. `jitter` is uniform in [0, 1).
pub fn next_attempt(
    attempts: i32,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    jitter: f64,
) -> Option<DateTime<Utc>> {
    let doublings = attempts.clamp(1, 30) - 1;
    let delay = (FIRST_DELAY_SECONDS * 2f64.powi(doublings)).min(LONGEST_DELAY_SECONDS);
    let delay = delay * (0.8 + 0.4 * jitter.clamp(0.0, 1.0));
    let at = now + TimeDelta::milliseconds((delay * 1000.0) as i64);
    (at < created_at + RETRY_WINDOW).then_some(at)
}

/// A uniform number in [0, 1) from the system's random source.
pub fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_within_their_jitter_and_stop_after_a_day() {
        let start = Utc::now();
        let delay = |attempts, jitter| {
            next_attempt(attempts, start, start, jitter).map(|at| (at - start).num_seconds())
        };
        assert_eq!(delay(1, 0.0), Some(4));
        assert_eq!(delay(1, 0.999_999), Some(5));
        assert_eq!(delay(2, 0.5), Some(10));
        assert_eq!(delay(3, 0.5), Some(20));
        assert_eq!(delay(20, 0.5), Some(3600), "at most an hour");
        let late = start + TimeDelta::hours(24) - TimeDelta::seconds(3);
        assert_eq!(next_attempt(1, start, late, 0.5), None, "the window closes 24 hours after the event");
        assert!((0..1000).map(|_| jitter()).all(|j| (0.0..1.0).contains(&j)));
    }
}
