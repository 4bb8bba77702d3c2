//! Password hashing with argon2id: explicit parameters, on a few dedicated
//! threads (one per permitted hash, normally one per core), so a flood of
//! sign-ins queues instead of starving every other request. Dedicated
//! threads also bound memory: each hash takes 19 MiB, and the allocator
//! keeps what a thread freed for that thread's next hash; on the shared
//! blocking pool, every thread that ever hashed would keep its 19 MiB.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use tokio::sync::Semaphore;

use super::{IdentityError, Password};

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;
const OUTPUT_BYTES: usize = 32;

/// Hashes and verifies passwords.
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    permits: Arc<Semaphore>,
    max_in_flight: usize,
    jobs: std::sync::mpsc::SyncSender<Job>,
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    /// Verified instead of a real hash when an email is unknown, so that an
    /// unknown email and a wrong password take the same time.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    /// A hasher allowing `max_in_flight` concurrent hashes (normally the
    /// number of cores). Computes the dummy hash once, here.
    pub fn new(max_in_flight: usize) -> Result<Self, IdentityError> {
        let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, Some(OUTPUT_BYTES))
            .map_err(|err| IdentityError::Hashing(err.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut salt_source = [0u8; 24];
        getrandom::fill(&mut salt_source).map_err(|err| IdentityError::Hashing(err.to_string()))?;
        let dummy_password = crate::services::hex::lower(&salt_source);
        let dummy_hash = argon2
            .hash_password(dummy_password.as_bytes())
            .map_err(|err| IdentityError::Hashing(err.to_string()))?
            .to_string();
        let max_in_flight = max_in_flight.max(1);
        Ok(Self {
            argon2,
            permits: Arc::new(Semaphore::new(max_in_flight)),
            max_in_flight,
            jobs: start_workers(max_in_flight)?,
            waiting: Arc::default(),
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes a new password into a PHC string (`$argon2id$v=19$...`).
    pub async fn hash(&self, password: &Password) -> Result<String, IdentityError> {
        let argon2 = self.argon2.clone();
        let password = password.clone();
        self.run(move || {
            argon2
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|err| IdentityError::Hashing(err.to_string()))
        })
        .await
    }

    /// Checks `password` against `stored` (a PHC string). With no stored hash
    /// (unknown account) it verifies the dummy hash and answers `false`,
    /// taking the same time as a real check.
    pub async fn verify(&self, password: &Password, stored: Option<&str>) -> Result<bool, IdentityError> {
        let argon2 = self.argon2.clone();
        let password = password.clone();
        let known = stored.is_some();
        let hash: Arc<str> = stored.map_or_else(|| self.dummy_hash.clone(), Arc::from);
        self.run(move || {
            let parsed = PasswordHash::new(&hash).map_err(|err| IdentityError::Hashing(err.to_string()))?;
            let matches = argon2.verify_password(password.as_bytes(), &parsed).is_ok();
            Ok(known && matches)
        })
        .await
    }

    /// Hashes running and hashes waiting for a permit, right now.
    pub fn load(&self) -> (usize, usize) {
        let running = self.max_in_flight - self.permits.available_permits();
        (running, self.waiting.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Runs `work` on a hashing thread once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, IdentityError> + Send + 'static,
    ) -> Result<T, IdentityError> {
        self.waiting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let permit = self.permits.acquire().await;
        self.waiting.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        let _permit = permit.map_err(|err| IdentityError::Hashing(err.to_string()))?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        // A permit is held, so a worker is free and the channel has room.
        self.jobs.send(job).map_err(|_| IdentityError::Hashing("the hashing threads have stopped".into()))?;
        result.await.map_err(|_| IdentityError::Hashing("a hashing thread failed".into()))?
    }
}

/// A unit of hashing work.
type Job = Box<dyn FnOnce() + Send>;

/// Starts `count` hashing threads sharing one queue; they end when the
/// hasher (the queue's sender) is dropped.
fn start_workers(count: usize) -> Result<std::sync::mpsc::SyncSender<Job>, IdentityError> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(count);
    let receiver = Arc::new(std::sync::Mutex::new(receiver));
    for n in 0..count {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .map_err(|err| IdentityError::Hashing(err.to_string()))?;
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
    async fn an_unknown_account_never_verifies() {
        let hasher = PasswordHasher::new(1).expect("hasher");
        assert!(!hasher.verify(&password("anything at all"), None).await.expect("verify"));
    }
}
