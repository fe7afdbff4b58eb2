//! Tray's limits shared by every client of a namespace, in any process, through Redis
//! (feature `redis`).
//!
//! Two keys per namespace, each changed only by a Lua script (atomic: no read-modify-write
//! race between processes), each reading Redis' own clock (`TIME`), never a client's:
//!
//! - `{ns}:calls`, a sorted set of **leases**: one member per Call Connector request in flight
//!   (`pid-random:counter`), scored by when it expires (ms). Taking a slot removes the expired
//!   members, then adds one if fewer than the limit remain, else answers how long until the
//!   first expires. A call renews its lease while it runs; giving it back removes it (and
//!   publishes `{ns}:released` when the set was full, so waiters elsewhere ask again at once);
//!   a process that dies gives its slots back when their leases expire.
//! - `{ns}:reads`, the theoretical arrival time (µs) of one GCRA bucket shared by every
//!   client: a request may leave when it is no further ahead of the schedule than a burst
//!   allows, and only a request that leaves books its interval. A waiter is told how long to
//!   wait and asks again then: nothing is booked for it, so a waiter that is dropped leaves the
//!   schedule as it found it.
//!
//! Redis unreachable or slower than the timeout: the client goes on with its in-process limits
//! (which stay in front of the shared ones anyway), logs one warning per outage, and probes in
//! the background; an `info` says when the limits are shared again.

mod limiter;
mod link;
mod scripts;
mod shared;
mod tasks;

pub(crate) use limiter::{Lease, SharedLimiter};

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use crate::Error;

use link::Link;
use shared::Shared;
use tasks::{probe_task, release_task, renew_task, subscribe_task};

/// How long a Redis request of the call path may take before the client goes on without it.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);
/// Added to a client's call timeout to make its default lease.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// How long `connect` and each reconnection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the background work (releases, renewals) may wait for an answer.
const BACKGROUND_TIMEOUT: Duration = Duration::from_secs(2);
/// How often an unreachable Redis is tried again.
const PROBE_INTERVAL: Duration = Duration::from_millis(500);
/// The longest a waiter for a call slot waits before asking again, when no release was heard
/// of (releases are also published; this bounds a lost notice or an expired lease).
const POLL_CAP: Duration = Duration::from_millis(20);
/// The most slot requests one process has in flight to Redis at once: a burst of 1,000 calls
/// asks in waves instead of queueing 1,000 scripts at once, each of which would wait for all
/// the others (and could outlast the timeout).
const MAX_ASKING: usize = 16;
/// The most waiters of one process that ask Redis for a call slot at once (the others queue
/// behind them): enough to take slots as fast as others free them, few enough that a full
/// namespace is not asked hundreds of times over.
const MAX_HEADS: usize = 16;
/// The most leases given back by one script (Lua's `unpack` has a stack limit).
const RELEASE_BATCH: usize = 500;

/// Tray's limits kept in Redis, for every client that shares the same namespace: calls in
/// flight and the pace of the other endpoints are counted together, whatever process or
/// machine they run on. Give it to [`ClientBuilder::shared_limits`](crate::ClientBuilder::shared_limits).
///
/// ```no_run
/// # async fn run() -> Result<(), tray_connect::Error> {
/// let limits = tray_connect::RedisLimits::connect("redis://127.0.0.1:6379/", "acme-prod").await?;
/// let client = tray_connect::Client::builder()
///     .token("my-master-token")
///     .shared_limits(limits)
///     .build()?;
/// # Ok(()) }
/// ```
///
/// - **What is shared**: the client's own limits
///   ([`max_concurrent_calls`](crate::ClientBuilder::max_concurrent_calls), default 1,000;
///   [`rate_limit`](crate::ClientBuilder::rate_limit), default 25 a second in bursts of 20)
///   become the namespace's: with three replicas, the three together keep 1,000 calls in
///   flight, not 3,000. Give every client of a namespace the same limits. The in-process
///   limits stay in front as well, so a process never goes beyond its own.
/// - **Calls in flight are leases**: a lease lasts the client's call timeout plus 5 s (the
///   longest Tray may still be running a call whose caller is gone), is renewed every third of
///   that while its call runs, and is given back when the call ends, fails or is dropped. The
///   slots of a process that dies come back when their leases expire. [`lease`](Self::lease)
///   sets another length.
/// - **Redis down or slow** (a request unanswered after [`timeout`](Self::timeout), 250 ms by
///   default): calls go on under the in-process limits, one `tracing` warning is logged per
///   outage, and Redis is tried again every 500 ms in the background (an `info` event says when
///   the limits are shared again). The limiter never fails a call.
///
/// Cheap to clone (one connection and its background tasks are shared by the clones, and by
/// the clients built with them). Needs the Tokio runtime it was connected in to keep running.
/// Its `Debug` shows the URL without its password.
#[derive(Clone)]
pub struct RedisLimits {
    shared: Arc<Shared>,
    lease: Option<Duration>,
    timeout: Duration,
}

impl fmt::Debug for RedisLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimits")
            .field("url", &self.shared.link.url)
            .field("namespace", &self.shared.namespace)
            .field("lease", &self.lease)
            .field("timeout", &self.timeout)
            .field("connected", &self.shared.link.is_up())
            .finish()
    }
}

impl RedisLimits {
    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db]`, or
    /// `redis+unix:///path`) and shares Tray's limits with every client using `namespace`
    /// (one per Tray account: `acme-prod`).
    ///
    /// Waits up to 1 s for Redis to answer. Unreachable, it still returns the limits (logging a
    /// warning): the clients keep their in-process limits until Redis answers, so a service
    /// starts during a Redis outage.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `url` is not a Redis URL (or is a `rediss://` one: TLS is not
    /// supported yet), or `namespace` is empty, longer than 100 bytes, or holds whitespace,
    /// control characters, `{` or `}`.
    pub async fn connect(url: &str, namespace: &str) -> Result<RedisLimits, Error> {
        check_namespace(namespace)?;
        let display = redacted(url);
        if url.trim_start().to_ascii_lowercase().starts_with("rediss") {
            return Err(Error::config(format!(
                "`{display}`: the shared limits do not speak TLS to Redis (rediss://) yet"
            )));
        }
        let client = redis::Client::open(url).map_err(|_| {
            Error::config(format!(
                "`{display}` is not a Redis URL (expected redis://[user:password@]host[:port][/db])"
            ))
        })?;
        let (releases, released_rx) = mpsc::unbounded_channel();
        let link = Arc::new(Link {
            client,
            url: display,
            namespace: namespace.to_owned(),
            connection: RwLock::new(None),
            // Taken for up until the first attempt says otherwise, so that a Redis unreachable
            // from the start is warned of like any outage (and no "again" is logged when it
            // answers at once).
            up: AtomicBool::new(true),
        });
        let shared = Arc::new(Shared {
            namespace: namespace.to_owned(),
            calls_key: format!("{{{namespace}}}:calls"),
            reads_key: format!("{{{namespace}}}:reads"),
            channel: format!("{{{namespace}}}:released"),
            link: link.clone(),
            lease_prefix: format!("{}-{:016x}", std::process::id(), fastrand::u64(..)),
            next_lease: AtomicU64::new(0),
            held: Mutex::new(HashMap::new()),
            shortest_lease_ms: AtomicU64::new(u64::MAX),
            releases,
            released: Notify::new(),
            call_queue: tokio::sync::Semaphore::new(MAX_HEADS),
            queued_calls: AtomicUsize::new(0),
            read_queue: tokio::sync::Mutex::new(()),
            asking: tokio::sync::Semaphore::new(MAX_ASKING),
        });
        match link.reconnect().await {
            Ok(()) => {}
            Err(error) => link.went_down(&error),
        }
        tokio::spawn(release_task(
            link.clone(),
            Arc::downgrade(&shared),
            shared.calls_key.clone(),
            shared.channel.clone(),
            released_rx,
        ));
        tokio::spawn(renew_task(Arc::downgrade(&shared)));
        tokio::spawn(probe_task(Arc::downgrade(&link)));
        tokio::spawn(subscribe_task(Arc::downgrade(&shared)));
        Ok(RedisLimits {
            shared,
            lease: None,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// How long a call's slot stays taken without being renewed (default: the client's call
    /// timeout plus 5 s). The slots of a process that dies come back this long after their last
    /// renewal at most; a lease shorter than Tray's own run time of a call lets the others
    /// start calls while the dead process's calls may still be running at Tray. At least
    /// 30 ms (a shorter one is taken as 30 ms).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease.max(Duration::from_millis(30)));
        self
    }

    /// How long a request to Redis on a call's path may take before the call goes on under the
    /// in-process limits and Redis is taken for down (default 250 ms). A timeout that fires
    /// while Redis is merely busy sends calls down the in-process path, where the processes
    /// together can exceed Tray's limits; one that is long makes each call of an outage's
    /// first moments wait that long once. 250 ms kept the 4-process test clear of the first on
    /// a loaded 2-core machine.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The namespace whose limits these are.
    pub fn namespace(&self) -> &str {
        &self.shared.namespace
    }

    /// Whether Redis answered the last request: `false` during an outage, while the clients
    /// keep their in-process limits only.
    pub fn is_connected(&self) -> bool {
        self.shared.link.is_up()
    }

    /// The limiter of one client: these limits with the client's own.
    pub(crate) fn limiter(
        &self,
        call_timeout: Duration,
        max_calls: Option<usize>,
        rate: Option<crate::RateLimit>,
    ) -> SharedLimiter {
        let lease = self
            .lease
            .unwrap_or(call_timeout.saturating_add(LEASE_MARGIN));
        let lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1);
        self.shared
            .shortest_lease_ms
            .fetch_min(lease_ms, Ordering::Relaxed);
        SharedLimiter {
            shared: self.shared.clone(),
            timeout: self.timeout,
            lease_ms,
            max_calls: max_calls.map(|n| n.min(i64::MAX as usize) as i64),
            pace: rate.map(|rate| {
                let interval = 1_000_000 / u64::from(rate.per_second()).max(1);
                (
                    interval,
                    interval * u64::from(rate.burst().saturating_sub(1)),
                )
            }),
        }
    }
}

fn check_namespace(namespace: &str) -> Result<(), Error> {
    let bad = namespace.is_empty()
        || namespace.len() > 100
        || namespace
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '{' || c == '}');
    if bad {
        return Err(Error::config(format!(
            "the shared limits' namespace `{}` must be 1 to 100 bytes without whitespace, \
             control characters, `{{` or `}}`",
            crate::text::excerpt(&namespace.escape_debug().to_string(), 40)
        )));
    }
    Ok(())
}

/// `url` without its password (or anything after `?`, where a unix socket URL may carry one).
fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let had_password = parsed.password().is_some();
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            let mut text = parsed.to_string();
            if had_password {
                // `scheme://user@host` → `scheme://user:<redacted>@host`; `scheme://host` (no
                // user) → `scheme://:<redacted>@host`.
                match (parsed.username().is_empty(), text.find("://")) {
                    (false, _) => {
                        if let Some(at) = text.find('@') {
                            text.insert_str(at, ":<redacted>");
                        }
                    }
                    (true, Some(scheme)) => text.insert_str(scheme + 3, ":<redacted>@"),
                    (true, None) => {}
                }
            }
            text
        }
        Err(_) => "<unparsable URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            redacted("redis://user:hunter2@cache.internal:6380/2"),
            "redis://user:<redacted>@cache.internal:6380/2"
        );
        assert_eq!(
            redacted("redis://:hunter2@127.0.0.1/"),
            "redis://:<redacted>@127.0.0.1/"
        );
        assert_eq!(
            redacted("redis+unix:///run/redis.sock?pass=hunter2"),
            "redis+unix:///run/redis.sock"
        );
        assert_eq!(
            redacted("redis://127.0.0.1:6379/"),
            "redis://127.0.0.1:6379/"
        );
        assert!(!redacted("not a url hunter2").contains("hunter2"));
    }

    #[test]
    fn namespaces_are_checked() {
        for good in ["acme-prod", "a", "tenant:42/eu"] {
            assert!(check_namespace(good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "a{b", "x}", "a\nb", &"x".repeat(101)] {
            let err = check_namespace(bad).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[tokio::test]
    async fn debug_and_errors_never_show_the_password() {
        let err = RedisLimits::connect("http://:hunter2@127.0.0.1/", "ns")
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(matches!(err, Error::Config { .. }), "{err}");
        // Port 9 on loopback: nothing answers, and connect still returns the limits.
        let limits = RedisLimits::connect("redis://:hunter2@127.0.0.1:9/", "ns")
            .await
            .unwrap();
        let text = format!(
            "{limits:?} {:?}",
            limits.clone().lease(Duration::from_secs(1))
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        assert!(!limits.is_connected());
        let client = crate::Client::builder()
            .token("t")
            .shared_limits(limits)
            .build()
            .unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}
