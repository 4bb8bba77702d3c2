//! Thread scheduling priority. Work that can wait (password hashing,
//! webhook deliveries) runs on threads niced below the request threads:
//! when both want the CPU the requests get it (at +10 a thread's scheduler
//! weight is about a tenth of a normal one), and with the CPU otherwise idle
//! the lowered threads run at full speed.

/// The nice value `steps` below the calling thread's (19 at most).
pub fn below_this_thread(steps: i32) -> i32 {
    #[cfg(target_os = "linux")]
    let nice = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(0);
    #[cfg(not(target_os = "linux"))]
    let nice = 0;
    nice.saturating_add(steps).min(19)
}

/// Lowers the calling thread's scheduling priority by `steps` nice steps
/// (to 19 at most).
pub fn lower_this_thread(steps: i32, work: &str) {
    set_this_thread(below_this_thread(steps), work);
}

/// Sets the calling thread's nice value. Linux keeps one per thread (a new
/// thread starts with its creator's), so this touches no other thread;
/// elsewhere it does nothing. A failure only leaves the thread as it was,
/// and says so in the log for `work`.
pub fn set_this_thread(nice: i32, work: &str) {
    #[cfg(target_os = "linux")]
    if let Err(err) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), nice) {
        tracing::warn!(error = %err, work, "runs at normal priority");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (nice, work);
}

/// What tests read: the nice value of the calling thread, and of each
/// thread of this process whose name starts with a prefix.
#[cfg(all(test, target_os = "linux"))]
pub mod observed {
    /// A thread's nice value, from its `/proc` stat (the field after `priority`).
    fn nice_of(stat: &str) -> i32 {
        let after_name = stat.rsplit_once(')').expect("stat").1;
        after_name.split_whitespace().nth(16).expect("nice").parse().expect("number")
    }

    /// The calling thread's nice value.
    pub fn this_thread() -> i32 {
        nice_of(&std::fs::read_to_string("/proc/thread-self/stat").expect("own stat"))
    }

    /// The nice values of this process's threads named `prefix...`.
    pub fn threads_named(prefix: &str) -> Vec<i32> {
        let mut found = Vec::new();
        for task in std::fs::read_dir("/proc/self/task").expect("tasks") {
            let path = task.expect("task").path();
            let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
            if name.starts_with(prefix) {
                found.push(nice_of(&std::fs::read_to_string(path.join("stat")).expect("stat")));
            }
        }
        found
    }
}
