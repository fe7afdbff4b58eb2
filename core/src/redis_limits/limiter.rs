//! One client's view of the shared limits: taking a call slot (a lease) and a read's turn.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::POLL_CAP;
use super::scripts::scripts;
use super::shared::{Held, Release, Shared};

/// One client's view of the shared limits (its lease length, limits and timeout).
#[derive(Clone)]
pub(crate) struct SharedLimiter {
    pub(super) shared: Arc<Shared>,
    pub(super) timeout: Duration,
    pub(super) lease_ms: u64,
    pub(super) max_calls: Option<i64>,
    /// GCRA interval and tolerance, in µs.
    pub(super) pace: Option<(u64, u64)>,
}

impl fmt::Debug for SharedLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLimiter")
            .field("url", &self.shared.link.url)
            .field("namespace", &self.shared.namespace)
            .field("lease_ms", &self.lease_ms)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A call slot held in Redis; given back when dropped.
pub(crate) struct Lease {
    shared: Arc<Shared>,
    id: u64,
    limit: i64,
    armed: bool,
}

impl Lease {
    /// Takes the lease out of the ones this process renews: its id, if it was held.
    fn take(&mut self) -> Option<String> {
        if !std::mem::replace(&mut self.armed, false) {
            return None;
        }
        let held = self.shared.held.lock().ok()?.remove(&self.id)?;
        Some(held.member)
    }

    /// Gives the lease back and waits (at most `timeout`) until Redis has it: a call returns
    /// only once its slot is free for the others, so a process that exits right after its
    /// calls leaves no lease behind. Sent straight from the call (no hop through a task); when
    /// Redis does not take it, or this future is dropped, the release task sends it later.
    pub(crate) async fn release(mut self, timeout: Duration) {
        let Some(member) = self.take() else {
            return;
        };
        let shared = self.shared.clone();
        let mut unsent = Unsent {
            shared: &shared,
            member: Some(member),
            limit: self.limit,
        };
        let Some(mut connection) = shared.link.connection() else {
            return;
        };
        let mut script = scripts().release.key(&shared.calls_key);
        script
            .arg(&shared.channel)
            .arg(self.limit)
            .arg(unsent.member.as_deref().unwrap_or_default());
        match tokio::time::timeout(timeout, script.invoke_async::<i64>(&mut connection)).await {
            Ok(Ok(_)) => {
                unsent.member = None;
                shared.wake_waiters(1);
            }
            Ok(Err(error)) => shared.link.went_down(&error),
            Err(_) => shared
                .link
                .went_down(&format_args!("no answer within {timeout:?}")),
        }
    }
}

/// A lease id not yet given back: handed to the release task when dropped.
struct Unsent<'a> {
    shared: &'a Shared,
    member: Option<String>,
    limit: i64,
}

impl Drop for Unsent<'_> {
    fn drop(&mut self) {
        if let Some(member) = self.member.take() {
            // Fails only once the release task is gone with the runtime: the lease expires.
            let _ = self.shared.releases.send(Release {
                member,
                limit: self.limit,
            });
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // A call dropped (cancelled, or its task aborted): the lease goes back in the
        // background.
        if let Some(member) = self.take() {
            // Fails only once the release task is gone with the runtime: the lease expires.
            let _ = self.shared.releases.send(Release {
                member,
                limit: self.limit,
            });
        }
    }
}

/// The answer of one try for a slot.
enum Try {
    Granted(Lease),
    /// Full: the first lease expires in this many ms.
    Full(u64),
    /// Redis did not answer: go on under the in-process limits.
    Down,
}

impl SharedLimiter {
    pub(crate) fn namespace(&self) -> &str {
        &self.shared.namespace
    }

    /// How long a request to Redis on a call's path may take.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Waits for a call slot in the namespace. `None` when calls are not limited, or Redis is
    /// down (the call then goes on under the in-process limits). Cancellation-safe: a waiter
    /// dropped holds nothing; a slot granted while its waiter was being dropped is given back.
    pub(crate) async fn call_slot(&self) -> Option<Lease> {
        let limit = self.max_calls?;
        let shared = &self.shared;
        if shared.queued_calls.load(Ordering::Acquire) == 0 {
            match self.try_slot(limit).await {
                Try::Granted(lease) => return Some(lease),
                Try::Down => return None,
                Try::Full(_) => {}
            }
        }
        shared.queued_calls.fetch_add(1, Ordering::AcqRel);
        let _queued = Dequeue(&shared.queued_calls);
        // Never closed.
        let _head = shared.call_queue.acquire().await.ok();
        loop {
            // Registered before asking, so a release heard during the script is not missed.
            let released = shared.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            match self.try_slot(limit).await {
                Try::Granted(lease) => return Some(lease),
                Try::Down => return None,
                Try::Full(expires_in) => {
                    let wait = Duration::from_millis(expires_in.max(1)).min(POLL_CAP);
                    let sleep = tokio::time::sleep(wait);
                    tokio::pin!(sleep);
                    futures_util::future::select(released, sleep).await;
                }
            }
        }
    }

    async fn try_slot(&self, limit: i64) -> Try {
        let shared = &self.shared;
        // Never closed. The timeout below starts once this request's turn to ask has come.
        let _asking = shared.asking.acquire().await.ok();
        let Some(mut connection) = shared.link.connection() else {
            return Try::Down;
        };
        let id = shared.next_lease.fetch_add(1, Ordering::Relaxed);
        let member = format!("{}:{id}", shared.lease_prefix);
        // Held before the script runs: if this future is dropped while it runs, the lease it
        // may have taken is given back.
        let mut lease = Lease {
            shared: shared.clone(),
            id,
            limit,
            armed: true,
        };
        if let Ok(mut held) = shared.held.lock() {
            held.insert(
                id,
                Held {
                    member: member.clone(),
                    lease_ms: self.lease_ms,
                    renewed: Instant::now(),
                },
            );
        }
        let mut script = scripts().acquire.key(&shared.calls_key);
        script.arg(limit).arg(self.lease_ms).arg(&member);
        let answer =
            tokio::time::timeout(self.timeout, script.invoke_async::<u64>(&mut connection)).await;
        match answer {
            Ok(Ok(0)) => Try::Granted(lease),
            Ok(Ok(expires_in)) => {
                lease.armed = false;
                if let Ok(mut held) = shared.held.lock() {
                    held.remove(&id);
                }
                Try::Full(expires_in)
            }
            Ok(Err(error)) => {
                shared.link.went_down(&error);
                Try::Down
            }
            Err(_) => {
                shared
                    .link
                    .went_down(&format_args!("no answer within {:?}", self.timeout));
                Try::Down
            }
        }
    }

    /// Waits for a read's turn in the namespace's pace (nothing when reads are not paced, or
    /// Redis is down). Cancellation-safe: nothing is booked until the turn is taken.
    pub(crate) async fn read_turn(&self) {
        let Some((interval, tolerance)) = self.pace else {
            return;
        };
        let shared = &self.shared;
        let _head = shared.read_queue.lock().await;
        loop {
            let Some(mut connection) = shared.link.connection() else {
                return;
            };
            let mut script = scripts().pace.key(&shared.reads_key);
            script.arg(interval).arg(tolerance);
            let answer =
                tokio::time::timeout(self.timeout, script.invoke_async::<u64>(&mut connection))
                    .await;
            match answer {
                Ok(Ok(0)) => return,
                Ok(Ok(wait_us)) => tokio::time::sleep(Duration::from_micros(wait_us)).await,
                Ok(Err(error)) => return shared.link.went_down(&error),
                Err(_) => {
                    return shared
                        .link
                        .went_down(&format_args!("no answer within {:?}", self.timeout));
                }
            }
        }
    }
}

/// Counts a waiter out of the queue when it leaves it (slot taken, or dropped).
struct Dequeue<'a>(&'a AtomicUsize);

impl Drop for Dequeue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
