//! A runtime of its own for background work that can wait (webhook
//! deliveries): its threads, workers and blocking ones alike, run niced
//! below the request threads, so a burst of such work takes the CPU only
//! where requests leave it. Whatever this work needs that spawns tasks or
//! blocking jobs of its own (a database pool, an HTTP client) must be made
//! and used on this runtime, so those run lowered too and never carry a
//! request's I/O.

use std::future::Future;

use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;

/// The background runtime. Dropping it stops its tasks without waiting
/// for them (as if the instance had died, for the work they were doing).
pub struct Background {
    runtime: Option<Runtime>,
}

impl Background {
    /// A runtime of `threads` workers, all its threads named `{name}-bg` and lowered by
    /// `niceness` steps (see [`crate::platform::priority`]).
    pub fn start(name: &str, threads: usize, niceness: i32) -> std::io::Result<Self> {
        let (work, nice) = (name.to_owned(), crate::platform::priority::below_this_thread(niceness));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name(format!("{name}-bg"))
            // Absolute: a blocking thread started by a lowered worker starts
            // lowered already.
            .on_thread_start(move || crate::platform::priority::set_this_thread(nice, &work))
            .enable_all()
            .build()?;
        Ok(Self { runtime: Some(runtime) })
    }

    /// Runs `task` on this runtime.
    pub fn spawn<F>(&self, task: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle().spawn(task)
    }

    fn handle(&self) -> &Handle {
        self.runtime.as_ref().expect("runtime until dropped").handle()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        // Unlike dropping it, this may happen inside another runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::platform::priority::observed;

    #[tokio::test]
    async fn its_threads_run_below_the_rest_and_its_tasks_stop_with_it() {
        let background = Background::start("lane-test", 1, 10).expect("runtime");
        let blocking = background.spawn(async { tokio::task::spawn_blocking(|| 7).await.expect("blocking") });
        assert_eq!(blocking.await.expect("task"), 7);
        let ours = observed::this_thread();
        let lowered = observed::threads_named("lane-test-bg");
        assert!(lowered.len() >= 2, "a worker and a blocking thread: {lowered:?}");
        assert!(lowered.iter().all(|&nice| nice == (ours + 10).min(19)), "{lowered:?} vs {ours}");

        let forever = background.spawn(std::future::pending::<()>());
        drop(background);
        assert!(forever.await.expect_err("stopped").is_cancelled());
    }
}
