//! The one place passwords are hashed and verified, with a bounded number running at once.
//!
//! Each argon2 run takes 19 MiB and a core for a good part of a second. Unbounded, a flood of
//! anonymous logins ran hundreds at once and took gigabytes; here at most `limit` run (about
//! one per core), the rest wait in line up to `queue_timeout` and are then refused with `LIMIT`.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use tokio::sync::{OnceCell, Semaphore};

use crate::error::{Error, Result};

pub struct Hasher {
    /// Logins checked at once for one email (see [`InFlight`]).
    pub per_email: InFlight,
    permits: Arc<Semaphore>,
    queue_timeout: Duration,
    /// A hash to verify against when the email is unknown, so both paths cost the same.
    dummy: OnceCell<String>,
    verifications: Arc<AtomicU64>,
}

impl Hasher {
    pub fn new(limit: usize, queue_timeout: Duration) -> Self {
        Self {
            per_email: InFlight::new(PER_EMAIL_IN_FLIGHT, IN_FLIGHT_KEYS),
            permits: Arc::new(Semaphore::new(limit.max(1))),
            queue_timeout,
            dummy: OnceCell::new(),
            verifications: Arc::new(AtomicU64::new(0)),
        }
    }

    /// About one hash per core: more would only queue inside the CPU and hold more memory.
    pub fn default_limit() -> usize {
        std::thread::available_parallelism().map(usize::from).unwrap_or(2)
    }

    /// Runs `work` on the blocking pool once a permit is free; `LIMIT` after the queue timeout.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let permit = tokio::time::timeout(self.queue_timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Error::Limit("the server is busy checking passwords; try again shortly".into()))?
            .map_err(Error::internal)?;
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await
        .map_err(Error::internal)
    }

    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await?
        .map_err(Error::internal)
    }

    /// Whether `password` matches `hash`; `None` verifies against a dummy hash (same cost).
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool> {
        let hash = match hash {
            Some(h) => h,
            None => self.dummy.get_or_try_init(|| self.hash("not-a-real-password".into())).await?.clone(),
        };
        let counter = self.verifications.clone();
        self.run(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            PasswordHash::new(&hash)
                .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
    }

    /// Password verifications run so far; tests read it to count what a flood cost.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

/// Logins for one email checked at the same time; more are refused at once with `LIMIT`.
pub const PER_EMAIL_IN_FLIGHT: usize = 2;
/// Most distinct keys tracked at once, so that a flood of made-up emails cannot grow the map.
const IN_FLIGHT_KEYS: usize = 10_000;

/// An in-memory limit on how many requests per key run at once. It holds nothing once a
/// request is done, so it can never lock anyone out for longer than the requests in flight:
/// the lasting lock is the database's count of failed attempts, which expires.
pub struct InFlight {
    per_key: usize,
    max_keys: usize,
    running: Mutex<HashMap<String, usize>>,
}

/// A place taken in an [`InFlight`] limit, given back on drop.
pub struct Pass<'a> {
    gate: &'a InFlight,
    key: String,
}

impl InFlight {
    pub fn new(per_key: usize, max_keys: usize) -> Self {
        Self { per_key, max_keys, running: Mutex::new(HashMap::new()) }
    }

    /// A place for `key`, or `LIMIT` when the key (or the whole map) is full.
    pub fn enter(&self, key: &str) -> Result<Pass<'_>> {
        let busy = || Error::Limit("a login for this email is already being checked; try again shortly".into());
        let mut running = self.running.lock().map_err(|_| Error::internal("in-flight limit poisoned"))?;
        let full = running.len() >= self.max_keys;
        match running.get_mut(key) {
            Some(n) if *n >= self.per_key => return Err(busy()),
            Some(n) => *n += 1,
            None if full => return Err(busy()),
            None => {
                running.insert(key.to_string(), 1);
            }
        }
        Ok(Pass { gate: self, key: key.to_string() })
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.gate.running.lock()
            && let Some(n) = running.get_mut(&self.key)
        {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_the_queue_times_out() {
        let hasher = Arc::new(Hasher::new(1, Duration::from_millis(1)));
        let hash = hasher.hash("richtig-richtig".into()).await.unwrap();
        assert!(hasher.verify("richtig-richtig".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("falsch-falsch".into(), Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("falsch-falsch".into(), None).await.unwrap());
        // With the one permit taken, the next caller waits 1 ms and is refused.
        let held = hasher.permits.clone().acquire_owned().await.unwrap();
        let refused = hasher.verify("richtig-richtig".into(), Some(hash)).await.unwrap_err();
        assert_eq!(refused.code(), "LIMIT");
        drop(held);
    }

    #[test]
    fn in_flight_places_are_per_key_bounded_and_given_back() {
        let gate = InFlight::new(2, 3);
        let a1 = gate.enter("a").unwrap();
        let _a2 = gate.enter("a").unwrap();
        assert_eq!(gate.enter("a").err().map(|e| e.code()), Some("LIMIT"));
        let _b = gate.enter("b").unwrap();
        let _c = gate.enter("c").unwrap();
        assert_eq!(gate.enter("d").err().map(|e| e.code()), Some("LIMIT"), "the map is full");
        drop(a1);
        let _a3 = gate.enter("a").unwrap();
        drop((_b, _c));
        assert!(gate.enter("d").is_ok(), "finished keys leave the map");
        assert_eq!(gate.running.lock().unwrap().len(), 1);
    }
}
