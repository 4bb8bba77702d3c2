//! A bounded, short-lived cache of values read from the database, which
//! change notices empty. It never serves a value that a committed change has
//! made stale, as long as every change is forgotten here after it commits:
//!
//! - a reader takes a [`Mark`] *before* it reads the database, and its value
//!   is kept only if nothing was forgotten in between (checked again after
//!   the insert, so a concurrent forget cannot slip between check and insert);
//! - while the cache is not live (the change feed is down, so notices from
//!   other instances could be missed), nothing is served or kept;
//! - every entry expires after the time to live whatever happens.

use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use quick_cache::sync::Cache;

/// Where the cache stood when a reader began: see [`ChangeCache::mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark(u64);

#[derive(Clone)]
struct Entry<V> {
    value: V,
    stored: Instant,
}

/// A cache of `V` by `K`, emptied by change notices.
pub struct ChangeCache<K, V> {
    entries: Cache<K, Entry<V>>,
    generation: AtomicU64,
    live: AtomicBool,
    ttl: Duration,
}

impl<K: Eq + Hash + Clone, V: Clone> ChangeCache<K, V> {
    /// A cache of at most about `capacity` entries, each kept at most `ttl`.
    /// It starts not live; a zero `ttl` turns it off.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            entries: Cache::new(capacity.max(1)),
            generation: AtomicU64::new(0),
            live: AtomicBool::new(false),
            ttl,
        }
    }

    /// The value for `key`, if one is cached and fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        if !self.live.load(Ordering::Acquire) {
            return None;
        }
        let entry = self.entries.get(key)?;
        (entry.stored.elapsed() < self.ttl).then_some(entry.value)
    }

    /// Take this before reading the value from the database.
    pub fn mark(&self) -> Mark {
        Mark(self.generation.load(Ordering::SeqCst))
    }

    /// Keeps `value`, read after `mark` was taken, unless something was
    /// forgotten since.
    pub fn put(&self, mark: Mark, key: K, value: V) {
        if self.ttl.is_zero() || !self.live.load(Ordering::Acquire) || self.mark() != mark {
            return;
        }
        self.entries.insert(key.clone(), Entry { value, stored: Instant::now() });
        if self.mark() != mark {
            self.entries.remove(&key);
        }
    }

    /// Forgets `key`.
    pub fn forget(&self, key: &K) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.remove(key);
    }

    /// Forgets every entry `stale` picks.
    pub fn forget_where(&self, stale: impl Fn(&K, &V) -> bool) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.retain(|key, entry| !stale(key, &entry.value));
    }

    /// Forgets everything.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.clear();
    }

    /// Starts or stops serving. Either way everything cached is forgotten:
    /// changes may have been missed while the cache was not live.
    pub fn set_live(&self, live: bool) {
        self.live.store(false, Ordering::Release);
        self.forget_all();
        self.live.store(live && !self.ttl.is_zero(), Ordering::Release);
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live_cache() -> ChangeCache<u32, &'static str> {
        let cache = ChangeCache::new(16, Duration::from_secs(60));
        cache.set_live(true);
        cache
    }

    #[test]
    fn a_value_read_after_the_mark_is_served() {
        let cache = live_cache();
        let mark = cache.mark();
        cache.put(mark, 1, "one");
        assert_eq!(cache.get(&1), Some("one"));
        assert_eq!(cache.get(&2), None);
    }

    #[test]
    fn a_value_read_across_a_forget_is_not_kept() {
        let cache = live_cache();
        let mark = cache.mark();
        cache.forget(&7);
        cache.put(mark, 1, "read before the change committed");
        assert_eq!(cache.get(&1), None);
        assert!(cache.is_empty());
    }

    #[test]
    fn forgetting_removes_what_it_names() {
        let cache = live_cache();
        for key in 1..=4 {
            cache.put(cache.mark(), key, "v");
        }
        cache.forget(&1);
        cache.forget_where(|key, _| key % 2 == 0);
        assert_eq!(
            (cache.get(&1), cache.get(&2), cache.get(&3), cache.get(&4)),
            (None, None, Some("v"), None)
        );
        cache.forget_all();
        assert!(cache.is_empty());
    }

    #[test]
    fn nothing_is_served_or_kept_while_not_live() {
        let cache = live_cache();
        cache.put(cache.mark(), 1, "one");
        cache.set_live(false);
        assert_eq!(cache.get(&1), None, "served while the feed was down");
        cache.put(cache.mark(), 2, "two");
        cache.set_live(true);
        assert_eq!(cache.get(&2), None, "kept while the feed was down");
    }

    #[test]
    fn entries_expire_and_a_zero_ttl_turns_the_cache_off() {
        let cache = ChangeCache::new(16, Duration::from_millis(1));
        cache.set_live(true);
        cache.put(cache.mark(), 1, "one");
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(cache.get(&1), None);
        let off = ChangeCache::new(16, Duration::ZERO);
        off.set_live(true);
        off.put(off.mark(), 1, "one");
        assert_eq!(off.get(&1), None);
    }
}
