//! Rate limits: `N/period` quotas over keys (addresses, emails, accounts),
//! with the wait until the next allowed request. Built on governor's keyed
//! GCRA limiters; memory is bounded by forgetting idle keys.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// A quota: `count` requests per `period`, spent evenly, with bursts of up to `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests per period.
    pub count: u32,
    /// The period.
    pub period: Duration,
}

impl Rate {
    /// Parses `10/1m`, `5/30s`, `600/1h`; `off` disables the limit.
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (count, period) = raw.split_once('/').ok_or("must look like 10/1m (requests/period) or off")?;
        let count: u32 = count.trim().parse().map_err(|_| format!("{count:?} is not a count"))?;
        let period = humantime::parse_duration(period.trim()).map_err(|err| err.to_string())?;
        if count == 0 || period.is_zero() {
            return Err("count and period must be more than 0".into());
        }
        Ok(Some(Self { count, period }))
    }
}

/// A limiter over keys of type `K`; a disabled one allows everything.
pub struct Limiter<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// A limiter enforcing `rate`, or none.
    pub fn new(rate: Option<Rate>) -> Self {
        let limiter = rate.and_then(|rate| {
            let count = NonZeroU32::new(rate.count)?;
            let quota = Quota::with_period(rate.period / rate.count)?.allow_burst(count);
            Some(RateLimiter::keyed(quota))
        });
        Self { limiter }
    }

    /// Spends one request of `key`'s quota; `Err(wait)` when it is spent.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else { return Ok(()) };
        limiter.check_key(key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets keys whose quota is whole again (call now and then).
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse() {
        assert_eq!(Rate::parse("10/1m"), Ok(Some(Rate { count: 10, period: Duration::from_secs(60) })));
        assert_eq!(Rate::parse("off"), Ok(None));
        for bad in ["10", "0/1m", "10/0s", "x/1m", "10/soon"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_spent_quota_says_how_long_to_wait() {
        let limiter = Limiter::new(Some(Rate { count: 2, period: Duration::from_secs(60) }));
        assert!(limiter.check(&"a").is_ok() && limiter.check(&"a").is_ok());
        let wait = limiter.check(&"a").expect_err("spent");
        assert!(wait > Duration::from_secs(20) && wait <= Duration::from_secs(30), "{wait:?}");
        assert!(limiter.check(&"b").is_ok(), "keys are separate");
        assert!(Limiter::<&str>::new(None).check(&"a").is_ok());
    }
}
