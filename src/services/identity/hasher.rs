//! Password hashing with argon2id: explicit parameters, on a few dedicated
//! threads (one per permitted hash, normally one per core), so a flood of
//! sign-ins queues instead of starving every other request; while the
//! server is busy with other requests, only half of them hash at once (see
//! [`HashAdmission`]). Each thread owns the 19 MiB of memory a hash works
//! in and reuses it from one hash to the next, so hashing never holds more
//! than one such block per thread (a fresh allocation per hash left several
//! alive at once under a flood); a thread idle for a second gives its block
//! back.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::PasswordVerifier as _;
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use crossbeam_channel::RecvTimeoutError;

use super::{IdentityError, Password};
use crate::platform::hash_admission::HashAdmission;

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;
const OUTPUT_BYTES: usize = 32;
const SALT_BYTES: usize = 16;
/// How long a hashing thread keeps its memory without work.
const IDLE_RELEASE: Duration = Duration::from_secs(1);
/// How much lower than the rest of the server a hashing thread runs, in
/// nice steps: when hashes and requests both want the CPU, requests get it
/// (at +10 a thread's scheduler weight is about a tenth), so a sign-in flood
/// delays other requests less. With the CPU otherwise idle, hashing runs at
/// full speed.
const HASHING_NICENESS: i32 = 10;

/// Hashes and verifies passwords.
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    params: Params,
    admission: Arc<HashAdmission>,
    jobs: crossbeam_channel::Sender<Job>,
    holding: Arc<std::sync::atomic::AtomicUsize>,
    /// Verified instead of a real hash when an email is unknown, so that an
    /// unknown email and a wrong password take the same time.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    /// A hasher allowing `max_in_flight` concurrent hashes (normally the
    /// number of cores), half as many while the runtime is busy with other
    /// work. Computes the dummy hash once, here.
    pub fn new(max_in_flight: usize) -> Result<Self, IdentityError> {
        let params =
            Params::new(MEMORY_KIB, ITERATIONS, LANES, Some(OUTPUT_BYTES)).map_err(IdentityError::hashing)?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut salt_source = [0u8; 24];
        getrandom::fill(&mut salt_source).map_err(IdentityError::hashing)?;
        let dummy_password = crate::platform::hex::lower(&salt_source);
        let mut memory = vec![Block::default(); params.block_count()];
        let dummy_hash = phc_hash(&argon2, &params, dummy_password.as_bytes(), &mut memory)?;
        drop(memory);
        let max_in_flight = max_in_flight.max(1);
        let holding = Arc::<std::sync::atomic::AtomicUsize>::default();
        let jobs = start_workers(max_in_flight, params.block_count(), holding.clone())?;
        Ok(Self {
            argon2,
            params,
            admission: Arc::new(HashAdmission::new(max_in_flight)),
            jobs,
            holding,
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes a new password into a PHC string (`$argon2id$v=19$...`).
    pub async fn hash(&self, password: &Password) -> Result<String, IdentityError> {
        let (argon2, params) = (self.argon2.clone(), self.params.clone());
        let password = password.clone();
        self.run(move |memory| phc_hash(&argon2, &params, password.as_bytes(), memory)).await
    }

    /// Checks `password` against `stored` (a PHC string). With no stored hash
    /// (unknown account) it verifies the dummy hash and answers `false`,
    /// taking the same time as a real check.
    pub async fn verify(&self, password: &Password, stored: Option<&str>) -> Result<bool, IdentityError> {
        let (argon2, params) = (self.argon2.clone(), self.params.clone());
        let password = password.clone();
        let known = stored.is_some();
        let hash: Arc<str> = stored.map_or_else(|| self.dummy_hash.clone(), Arc::from);
        self.run(move |memory| {
            let parsed = PasswordHash::new(&hash).map_err(IdentityError::hashing)?;
            let matches = phc_verify(&argon2, &params, password.as_bytes(), &parsed, memory)?;
            Ok(known && matches)
        })
        .await
    }

    /// Hashes running (or handed to a thread) and hashes waiting their
    /// turn, right now.
    pub fn load(&self) -> (usize, usize) {
        (self.admission.running(), self.admission.waiting())
    }

    /// Hashing threads holding their memory block right now (each frees it
    /// a second after its last hash).
    pub fn threads_holding_memory(&self) -> usize {
        self.holding.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `work` on a hashing thread, in that thread's memory, once it is
    /// admitted.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> Result<T, IdentityError> + Send + 'static,
    ) -> Result<T, IdentityError> {
        let admitted = self.admission.admit().await;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let outcome = work(memory);
            drop(admitted);
            let _ = done.send(outcome);
        });
        // Admitted hashes, counted until their thread finishes them, are
        // never more than the threads, so the channel has room.
        self.jobs.send(job).map_err(|_| IdentityError::hashing("the hashing threads have stopped"))?;
        result.await.map_err(|_| IdentityError::hashing("a hashing thread failed"))?
    }
}

/// The PHC string (`$argon2id$v=19$m=...`) of `password` under a fresh salt,
/// computed in `memory`.
fn phc_hash(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    memory: &mut [Block],
) -> Result<String, IdentityError> {
    let failed = |err: &dyn std::fmt::Display| IdentityError::hashing(err);
    let mut salt = [0u8; SALT_BYTES];
    getrandom::fill(&mut salt).map_err(|err| failed(&err))?;
    let mut output = [0u8; OUTPUT_BYTES];
    argon2
        .hash_password_into_with_memory(password, &salt, &mut output, memory)
        .map_err(|err| failed(&err))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|err| failed(&err))?,
        salt: Some(Salt::new(&salt).map_err(|err| failed(&err))?),
        hash: Some(Output::new(&output).map_err(|err| failed(&err))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches `stored`. A hash made with this server's
/// parameters is recomputed in `memory`; any other (older parameters) the
/// argon2 crate checks in memory of its own. Comparison is constant-time.
fn phc_verify(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    stored: &PasswordHash,
    memory: &mut [Block],
) -> Result<bool, IdentityError> {
    let ours = stored.algorithm == Algorithm::Argon2id.ident()
        && stored.version == Some(Version::V0x13.into())
        && Params::try_from(stored).is_ok_and(|theirs| theirs == *params);
    let (true, Some(salt), Some(expected)) = (ours, &stored.salt, &stored.hash) else {
        return Ok(argon2.verify_password(password, stored).is_ok());
    };
    let mut output = [0u8; OUTPUT_BYTES];
    argon2
        .hash_password_into_with_memory(password, salt.as_ref(), &mut output, memory)
        .map_err(IdentityError::hashing)?;
    Ok(Output::new(&output).is_ok_and(|computed| computed == *expected))
}

/// A unit of hashing work, given the memory to hash in.
type Job = Box<dyn FnOnce(&mut [Block]) + Send>;

/// Starts `count` hashing threads sharing one queue, each allocating
/// `blocks` of memory when work comes and freeing them after a second
/// without any (`holding` counts the threads holding theirs); they end when
/// the hasher (the queue's sender) is dropped. Every idle thread waits on
/// the queue itself, so each one's second runs on its own clock.
fn start_workers(
    count: usize,
    blocks: usize,
    holding: Arc<std::sync::atomic::AtomicUsize>,
) -> Result<crossbeam_channel::Sender<Job>, IdentityError> {
    use std::sync::atomic::Ordering::Relaxed;
    let (sender, receiver) = crossbeam_channel::bounded::<Job>(count);
    for n in 0..count {
        let (receiver, holding) = (receiver.clone(), holding.clone());
        std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || {
                crate::platform::priority::lower_this_thread(HASHING_NICENESS, "password hashing");
                let mut memory: Vec<Block> = Vec::new();
                loop {
                    match receiver.recv_timeout(IDLE_RELEASE) {
                        Ok(job) => {
                            if memory.is_empty() {
                                memory = vec![Block::default(); blocks];
                                holding.fetch_add(1, Relaxed);
                            }
                            job(&mut memory);
                        }
                        Err(RecvTimeoutError::Timeout) if !memory.is_empty() => {
                            memory = Vec::new();
                            holding.fetch_sub(1, Relaxed);
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .map_err(IdentityError::hashing)?;
    }
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(raw: &str) -> Password {
        Password::parse(raw.to_owned()).expect("valid password")
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let hasher = PasswordHasher::new(2).expect("hasher");
        let hash = hasher.hash(&password("correct horse")).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify(&password("correct horse"), Some(&hash)).await.expect("verify"));
        assert!(!hasher.verify(&password("battery staple"), Some(&hash)).await.expect("verify"));
    }

    #[tokio::test]
    async fn hashes_agree_with_the_argon2_crates_own_format() {
        use argon2::password_hash::PasswordHasher as _;
        let hasher = PasswordHasher::new(1).expect("hasher");
        let ours = hasher.hash(&password("correct horse")).await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(hasher.argon2.verify_password(b"correct horse", &parsed).is_ok(), "the crate refuses {ours}");
        assert!(hasher.argon2.verify_password(b"battery staple", &parsed).is_err());
        let theirs = hasher.argon2.hash_password(b"correct horse").expect("hash").to_string();
        assert!(hasher.verify(&password("correct horse"), Some(&theirs)).await.expect("verify"));
        assert!(!hasher.verify(&password("battery staple"), Some(&theirs)).await.expect("verify"));
    }

    #[tokio::test]
    async fn hashes_made_with_other_parameters_still_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let older = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, Some(OUTPUT_BYTES)).expect("params"),
        );
        let stored = older.hash_password(b"correct horse").expect("hash").to_string();
        let hasher = PasswordHasher::new(1).expect("hasher");
        assert!(hasher.verify(&password("correct horse"), Some(&stored)).await.expect("verify"));
        assert!(!hasher.verify(&password("battery staple"), Some(&stored)).await.expect("verify"));
    }

    #[tokio::test]
    async fn idle_threads_give_their_memory_back() {
        let hasher = PasswordHasher::new(2).expect("hasher");
        let (first, second) = (password("correct horse"), password("battery staple"));
        let (first, second) = tokio::join!(hasher.hash(&first), hasher.hash(&second));
        first.expect("hash");
        second.expect("hash");
        assert!(hasher.threads_holding_memory() >= 1, "a thread that just hashed keeps its block");
        // A second after its last hash, each thread frees its block; with
        // the queue behind a lock, one idle thread could keep the other
        // waiting (and holding 19 MiB) indefinitely.
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while hasher.threads_holding_memory() > 0 {
            assert!(std::time::Instant::now() < deadline, "hashing memory still held after 15 s idle");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_threads_run_below_the_rest_of_the_server() {
        let hasher = PasswordHasher::new(2).expect("hasher");
        hasher.hash(&password("correct horse")).await.expect("hash");
        let ours = crate::platform::priority::observed::this_thread();
        let hashing = crate::platform::priority::observed::threads_named("argon2-");
        assert!(hashing.len() >= 2, "hashing threads: {hashing:?}");
        assert!(
            hashing.iter().all(|&nice| nice == (ours + HASHING_NICENESS).min(19)),
            "{hashing:?} vs {ours}"
        );
    }

    #[tokio::test]
    async fn a_hash_whose_request_is_gone_counts_until_its_thread_is_done() {
        let hasher = PasswordHasher::new(1).expect("hasher");
        let (release, held) = std::sync::mpsc::channel::<()>();
        let request = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.run(move |_| Ok(held.recv().is_ok())).await }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while hasher.load().0 == 0 {
            assert!(std::time::Instant::now() < deadline, "the job never started");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        request.abort();
        assert!(request.await.expect_err("aborted").is_cancelled());
        assert_eq!(hasher.load().0, 1, "the abandoned job stopped counting while its thread ran it");

        let next = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.hash(&password("correct horse")).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(hasher.load(), (1, 1), "the next hash waits for the thread");
        release.send(()).expect("the job is still waiting");
        let hash = tokio::time::timeout(Duration::from_secs(30), next).await.expect("the next hash ran");
        hash.expect("task").expect("hash");
        assert_eq!(hasher.load(), (0, 0));
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let hasher = PasswordHasher::new(1).expect("hasher");
        assert!(!hasher.verify(&password("anything at all"), None).await.expect("verify"));
    }
}
