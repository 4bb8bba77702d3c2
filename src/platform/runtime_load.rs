//! Whether the async runtime has lately been busy serving requests: the
//! share of wall time its workers spent running tasks since the previous
//! look, from tokio's own counters. Password hashing asks before it takes a
//! second core, so a sign-in flood does not crowd out every other request.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

/// Shortest span a verdict is measured over; asked again sooner, the last
/// verdict stands. Workers report their busy time in batches (when they
/// park, and every 61 tasks polled), so a much shorter span could fall
/// between two reports of a busy worker and read as idle.
pub(super) const WINDOW: Duration = Duration::from_millis(50);
/// Busy means the workers together ran tasks for at least this share of the
/// span (a quarter of one core): more than a trickle of requests. A
/// sign-in flood on its own keeps them far below it (its work is on the
/// hashing threads).
const BUSY_SHARE: f64 = 0.25;

/// Watches the current runtime's workers.
#[derive(Debug, Default)]
pub struct RuntimeLoad {
    last: Mutex<Option<Look>>,
}

/// What the workers had done by one moment, and the verdict drawn then.
#[derive(Debug, Clone, Copy)]
struct Look {
    at: Instant,
    busy_total: Duration,
    busy: bool,
}

impl RuntimeLoad {
    /// Whether the workers of the runtime this is called on spent at least a
    /// quarter of one core on tasks since the last look (a first look, or a
    /// call outside a runtime, answers no).
    pub fn busy(&self) -> bool {
        let Ok(runtime) = Handle::try_current() else {
            return false;
        };
        let metrics = runtime.metrics();
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(look) = *last
            && now.duration_since(look.at) < WINDOW
        {
            return look.busy;
        }
        let busy_total: Duration =
            (0..metrics.num_workers()).map(|worker| metrics.worker_total_busy_duration(worker)).sum();
        let busy = last.is_some_and(|look| {
            let span = now.duration_since(look.at).as_secs_f64();
            let worked = busy_total.saturating_sub(look.busy_total).as_secs_f64();
            worked >= span * BUSY_SHARE
        });
        *last = Some(Look { at: now, busy_total, busy });
        busy
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Keeps one worker running a task until `stop`: each turn works for
    /// 100 µs of wall time, then yields, as request tasks do, so the worker
    /// reports its busy time as it goes.
    pub(in crate::platform) fn keep_busy(
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let turn = Instant::now();
                while turn.elapsed() < Duration::from_micros(100) {
                    std::hint::spin_loop();
                }
                tokio::task::yield_now().await;
            }
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_idle_runtime_is_not_busy_and_a_working_one_is() {
        let load = RuntimeLoad::default();
        assert!(!load.busy(), "a first look has nothing to compare with");
        tokio::time::sleep(WINDOW * 2).await;
        assert!(!load.busy(), "nothing ran since the last look");

        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let worker = keep_busy(stop.clone());
        tokio::time::sleep(WINDOW * 2).await;
        let busy = load.busy();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        worker.await.expect("busy task");
        assert!(busy, "a worker ran a task throughout since the last look");
    }

    #[test]
    fn outside_a_runtime_nothing_is_busy() {
        assert!(!RuntimeLoad::default().busy());
    }
}
