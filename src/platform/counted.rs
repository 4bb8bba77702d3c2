//! A gauge of callers inside some section (waiting for a connection, for a
//! hash) that stays right when a caller's future is dropped part-way: the
//! count is given back by a guard, not by the line after the `await`.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts one in its gauge for as long as it lives.
#[must_use = "the count is given back when this is dropped"]
pub struct Counted<'a>(&'a AtomicUsize);

impl<'a> Counted<'a> {
    /// Adds one to `gauge` until the guard is dropped.
    pub fn enter(gauge: &'a AtomicUsize) -> Self {
        gauge.fetch_add(1, Ordering::Relaxed);
        Self(gauge)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_caller_dropped_while_inside_gives_its_count_back() {
        let gauge = AtomicUsize::new(0);
        let waiter = async {
            let _inside = Counted::enter(&gauge);
            std::future::pending::<()>().await;
        };
        let gave_up = tokio::time::timeout(std::time::Duration::from_millis(10), waiter).await;
        assert!(gave_up.is_err());
        assert_eq!(gauge.load(Ordering::Relaxed), 0);
    }
}
