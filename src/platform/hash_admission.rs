//! When a password hash may start: in arrival order, at most the permitted
//! number at once, and at most half of them (at least one) while the
//! runtime is busy with other requests. A hash counts from its admission
//! until its hashing thread has finished it, even when the request that
//! asked for it has gone, so the threads are never handed more than they
//! can take.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, Notify};

use crate::platform::counted::Counted;

use super::runtime_load::{self, RuntimeLoad};

/// How often a hash held back by a busy runtime looks again, besides when
/// a running hash finishes: as often as the verdict can change.
const RECHECK: Duration = runtime_load::WINDOW;

/// Admits hashes to the hashing threads.
#[derive(Debug)]
pub struct HashAdmission {
    /// Held by the first hash in line, the only one that may be admitted;
    /// tokio's mutex hands it over in arrival order.
    line: Mutex<()>,
    running: AtomicUsize,
    waiting: AtomicUsize,
    /// Told whenever a hash finishes.
    finished: Notify,
    most: usize,
    most_while_busy: usize,
    load: RuntimeLoad,
}

/// An admitted hash; dropping it (once the hash is done) lets the next in.
#[derive(Debug)]
pub struct Admitted(Arc<HashAdmission>);

impl HashAdmission {
    /// Admits up to `most` hashes at once (at least one), and half as many
    /// while the runtime is busy.
    pub fn new(most: usize) -> Self {
        let most = most.max(1);
        Self {
            line: Mutex::new(()),
            running: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            finished: Notify::new(),
            most,
            most_while_busy: (most / 2).max(1),
            load: RuntimeLoad::default(),
        }
    }

    /// Waits until a hash may start, after every hash that asked earlier.
    pub async fn admit(self: &Arc<Self>) -> Admitted {
        let _waiting = Counted::enter(&self.waiting);
        let _first_in_line = self.line.lock().await;
        loop {
            let finished = self.finished.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            let limit = if self.load.busy() { self.most_while_busy } else { self.most };
            // Only the first in line adds to `running`, so it cannot pass
            // the limit between this check and the increment.
            if self.running.load(Ordering::Acquire) < limit {
                break;
            }
            let _ = tokio::time::timeout(RECHECK, finished).await;
        }
        self.running.fetch_add(1, Ordering::AcqRel);
        Admitted(self.clone())
    }

    /// Hashes admitted and not yet finished.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }

    /// Hashes waiting to be admitted.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
        self.0.finished.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::super::runtime_load::tests::keep_busy;
    use super::*;

    #[tokio::test]
    async fn admits_up_to_the_limit_then_the_next_when_one_finishes() {
        let admission = Arc::new(HashAdmission::new(2));
        let (first, _second) = (admission.admit().await, admission.admit().await);
        assert_eq!(admission.running(), 2);
        let third = tokio::spawn({
            let admission = admission.clone();
            async move { admission.admit().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!third.is_finished(), "a third hash started beside two");
        assert_eq!(admission.waiting(), 1);
        drop(first);
        let _third = tokio::time::timeout(Duration::from_secs(5), third)
            .await
            .expect("admitted once one finished")
            .expect("task");
        assert_eq!((admission.running(), admission.waiting()), (2, 0));
    }

    #[tokio::test]
    async fn a_request_that_gives_up_leaves_the_counts_as_they_were() {
        let admission = Arc::new(HashAdmission::new(1));
        let running = admission.admit().await;
        let gave_up = tokio::time::timeout(Duration::from_millis(30), admission.admit()).await;
        assert!(gave_up.is_err(), "admitted past the limit");
        assert_eq!((admission.running(), admission.waiting()), (1, 0));
        drop(running);
        assert_eq!(admission.running(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_busy_runtime_gets_half_the_hashes_at_once() {
        let admission = Arc::new(HashAdmission::new(2));
        admission.load.busy();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let worker = keep_busy(stop.clone());
        tokio::time::sleep(Duration::from_millis(100)).await;
        let first = admission.admit().await;
        let second = tokio::time::timeout(Duration::from_millis(200), admission.admit()).await;
        stop.store(true, Ordering::Relaxed);
        worker.await.expect("busy task");
        assert!(second.is_err(), "a second hash started while the runtime was busy");
        drop(first);

        let idle = Arc::new(HashAdmission::new(2));
        let (_one, _two) = (idle.admit().await, idle.admit().await);
        assert_eq!(idle.running(), 2, "an idle runtime takes both");
    }
}
