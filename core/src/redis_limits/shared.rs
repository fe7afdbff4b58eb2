//! What the clients of one `RedisLimits` share, and the leases this process holds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{Notify, mpsc};

use super::MAX_HEADS;
use super::link::Link;

/// What the clients of one [`RedisLimits`](super::RedisLimits) share: the link, the keys, the
/// leases this process holds and the queues of its waiters.
pub(super) struct Shared {
    pub(super) namespace: String,
    pub(super) calls_key: String,
    pub(super) reads_key: String,
    pub(super) channel: String,
    pub(super) link: Arc<Link>,
    /// This process's lease ids start with it: `pid-random`.
    pub(super) lease_prefix: String,
    pub(super) next_lease: AtomicU64,
    /// The leases this process holds (or may hold: taken while a script runs), to renew them.
    pub(super) held: Mutex<HashMap<u64, Held>>,
    /// The shortest lease a client of this process asks for: renewals run every third of it.
    pub(super) shortest_lease_ms: AtomicU64,
    /// Leases to give back, to the release task.
    pub(super) releases: mpsc::UnboundedSender<Release>,
    /// Rung after leases are given back, here or (published) in another process.
    pub(super) released: Notify,
    /// The waiters for a call slot, first come first served: only the first [`MAX_HEADS`]
    /// ask Redis, each again when woken by a release or at the first lease's expiry.
    pub(super) call_queue: tokio::sync::Semaphore,
    /// How many of this process's calls are waiting for a slot.
    pub(super) queued_calls: AtomicUsize,
    /// The waiters for a read's turn, in the same way.
    pub(super) read_queue: tokio::sync::Mutex<()>,
    /// Bounds the slot requests in flight to Redis ([`MAX_ASKING`](super::MAX_ASKING)).
    pub(super) asking: tokio::sync::Semaphore,
}

pub(super) struct Held {
    pub(super) member: String,
    pub(super) lease_ms: u64,
    pub(super) renewed: Instant,
}

pub(super) struct Release {
    pub(super) member: String,
    pub(super) limit: i64,
}

impl Shared {
    /// Wakes one waiter for a call slot per slot `freed` (as many as ask at once at most), if
    /// any waits.
    pub(super) fn wake_waiters(&self, freed: usize) {
        if self.queued_calls.load(Ordering::Acquire) > 0 {
            for _ in 0..freed.min(MAX_HEADS) {
                self.released.notify_one();
            }
        }
    }
}
