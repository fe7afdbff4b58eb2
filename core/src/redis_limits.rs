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

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use redis::aio::MultiplexedConnection;
use tokio::sync::{Notify, mpsc};

use crate::Error;

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

/// The connection to Redis and whether it is taken for up.
struct Link {
    client: redis::Client,
    /// The URL without its password.
    url: String,
    namespace: String,
    connection: RwLock<Option<MultiplexedConnection>>,
    up: AtomicBool,
}

impl Link {
    fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// The connection, when Redis is taken for up.
    fn connection(&self) -> Option<MultiplexedConnection> {
        if !self.is_up() {
            return None;
        }
        self.connection.read().ok()?.clone()
    }

    /// Opens a new connection and checks that Redis answers; marks it up if so.
    async fn reconnect(&self) -> Result<(), String> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(BACKGROUND_TIMEOUT));
        let attempt = async {
            let mut connection = self
                .client
                .get_multiplexed_async_connection_with_config(&config)
                .await?;
            redis::cmd("PING")
                .query_async::<()>(&mut connection)
                .await?;
            Ok::<_, redis::RedisError>(connection)
        };
        let connection = match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(error)) => return Err(error.to_string()),
            Err(_) => return Err(format!("no answer within {CONNECT_TIMEOUT:?}")),
        };
        if let Ok(mut slot) = self.connection.write() {
            *slot = Some(connection);
        }
        if !self.up.swap(true, Ordering::AcqRel) {
            tracing::info!(
                namespace = %self.namespace,
                redis = %self.url,
                "Redis answers: Tray's limits are shared again"
            );
        }
        Ok(())
    }

    /// Takes Redis for down after `error`: logs once per outage.
    fn went_down(&self, error: &dyn fmt::Display) {
        if self.up.swap(false, Ordering::AcqRel) {
            tracing::warn!(
                namespace = %self.namespace,
                redis = %self.url,
                error = %error,
                "Redis is unreachable or slow: Tray's limits are kept in this process only \
                 until it answers again"
            );
        }
    }
}

/// What the clients of one [`RedisLimits`] share: the link, the keys, the leases this
/// process holds and the queues of its waiters.
struct Shared {
    namespace: String,
    calls_key: String,
    reads_key: String,
    channel: String,
    link: Arc<Link>,
    /// This process's lease ids start with it: `pid-random`.
    lease_prefix: String,
    next_lease: AtomicU64,
    /// The leases this process holds (or may hold: taken while a script runs), to renew them.
    held: Mutex<HashMap<u64, Held>>,
    /// The shortest lease a client of this process asks for: renewals run every third of it.
    shortest_lease_ms: AtomicU64,
    /// Leases to give back, to the release task.
    releases: mpsc::UnboundedSender<Release>,
    /// Rung after leases are given back, here or (published) in another process.
    released: Notify,
    /// The waiters for a call slot, first come first served: only the first [`MAX_HEADS`]
    /// ask Redis, each again when woken by a release or at the first lease's expiry.
    call_queue: tokio::sync::Semaphore,
    /// How many of this process's calls are waiting for a slot.
    queued_calls: AtomicUsize,
    /// The waiters for a read's turn, in the same way.
    read_queue: tokio::sync::Mutex<()>,
    /// Bounds the slot requests in flight to Redis ([`MAX_ASKING`]).
    asking: tokio::sync::Semaphore,
}

struct Held {
    member: String,
    lease_ms: u64,
    renewed: Instant,
}

struct Release {
    member: String,
    limit: i64,
}

/// One client's view of the shared limits (its lease length, limits and timeout).
#[derive(Clone)]
pub(crate) struct SharedLimiter {
    shared: Arc<Shared>,
    timeout: Duration,
    lease_ms: u64,
    max_calls: Option<i64>,
    /// GCRA interval and tolerance, in µs.
    pace: Option<(u64, u64)>,
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

impl Shared {
    /// Wakes one waiter for a call slot per slot `freed` (as many as ask at once at most), if
    /// any waits.
    fn wake_waiters(&self, freed: usize) {
        if self.queued_calls.load(Ordering::Acquire) > 0 {
            for _ in 0..freed.min(MAX_HEADS) {
                self.released.notify_one();
            }
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

/// The scripts, each run by its digest (and loaded again when Redis answers NOSCRIPT, e.g.
/// after a restart).
struct Scripts {
    acquire: redis::Script,
    renew: redis::Script,
    release: redis::Script,
    pace: redis::Script,
}

fn scripts() -> &'static Scripts {
    static SCRIPTS: std::sync::OnceLock<Scripts> = std::sync::OnceLock::new();
    SCRIPTS.get_or_init(|| Scripts {
        acquire: redis::Script::new(ACQUIRE),
        renew: redis::Script::new(RENEW),
        release: redis::Script::new(RELEASE),
        pace: redis::Script::new(PACE),
    })
}

/// Takes a call slot. KEYS[1] the leases; ARGV: the limit, the lease (ms), the lease's id.
/// Returns 0 when taken, else the ms until the first lease expires (at least 1).
/// Numbers are written with `%.0f`: Lua's own conversion keeps 14 digits only.
const ACQUIRE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
local lease = tonumber(ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now + lease), ARGV[3])
  if redis.call('PTTL', KEYS[1]) < lease then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)
";

/// Renews leases still held (never brings back one that expired and was removed).
/// KEYS[1] the leases; ARGV: the lease (ms), then the ids. Returns how many were renewed.
const RENEW: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
local at = string.format('%.0f', now + lease)
local renewed = 0
for i = 2, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', at, ARGV[i])
end
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return renewed
";

/// Gives leases back. KEYS[1] the leases; ARGV: the channel, the limit, then the ids.
/// Publishes on the channel when the set was full, so that waiters ask again.
const RELEASE: &str = r"
local before = redis.call('ZCARD', KEYS[1])
local removed = redis.call('ZREM', KEYS[1], unpack(ARGV, 3))
if removed > 0 and before >= tonumber(ARGV[2]) then
  redis.call('PUBLISH', ARGV[1], removed)
end
return removed
";

/// A read's turn in the shared GCRA bucket. KEYS[1] the theoretical arrival time (µs);
/// ARGV: the interval and the tolerance (µs). Returns 0 when the turn is taken (and booked),
/// else the µs to wait before asking again (nothing booked).
const PACE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local early = tat - tonumber(ARGV[2]) - now
if early > 0 then
  return early
end
local booked = tat + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', booked), 'PX',
  string.format('%.0f', math.ceil((booked - now) / 1000) + 1000))
return 0
";

/// Gives leases back in batches, then wakes this process's waiters. Releases that Redis did
/// not take (an outage) are tried again once it answers; past [`MAX_UNSENT`] the oldest are
/// left to expire. Ends when every clone of the limits is gone (its channel closes), after
/// one last try.
async fn release_task(
    link: Arc<Link>,
    shared: Weak<Shared>,
    calls_key: String,
    channel: String,
    mut releases: mpsc::UnboundedReceiver<Release>,
) {
    let mut unsent: Vec<Release> = Vec::new();
    let mut incoming = Vec::with_capacity(RELEASE_BATCH);
    loop {
        let received = if unsent.is_empty() {
            releases.recv_many(&mut incoming, RELEASE_BATCH).await
        } else {
            tokio::time::timeout(
                PROBE_INTERVAL,
                releases.recv_many(&mut incoming, RELEASE_BATCH),
            )
            .await
            .unwrap_or(usize::MAX)
        };
        let closed = received == 0;
        unsent.append(&mut incoming);
        let mut freed = 0;
        if link.is_up() {
            while !unsent.is_empty() {
                let rest = unsent.split_off(unsent.len().min(RELEASE_BATCH));
                let batch = std::mem::replace(&mut unsent, rest);
                if !release(&link, &calls_key, &channel, &batch).await {
                    unsent.splice(0..0, batch);
                    break;
                }
                freed += batch.len();
            }
        }
        if unsent.len() > MAX_UNSENT {
            unsent.drain(..unsent.len() - MAX_UNSENT);
        }
        if let Some(shared) = shared.upgrade() {
            shared.wake_waiters(freed);
        }
        if closed {
            return;
        }
    }
}

/// Releases kept for a Redis that does not answer, at most.
const MAX_UNSENT: usize = 100_000;

/// Gives `batch` back; whether Redis took it.
async fn release(link: &Link, calls_key: &str, channel: &str, batch: &[Release]) -> bool {
    let Some(mut connection) = link.connection() else {
        return false;
    };
    let limit = batch.iter().map(|r| r.limit).min().unwrap_or(0);
    let mut invocation = scripts().release.key(calls_key);
    invocation.arg(channel).arg(limit);
    for release in batch {
        invocation.arg(&release.member);
    }
    let answer = tokio::time::timeout(
        BACKGROUND_TIMEOUT,
        invocation.invoke_async::<i64>(&mut connection),
    )
    .await;
    match answer {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => {
            link.went_down(&error);
            false
        }
        Err(_) => {
            link.went_down(&"a release went unanswered");
            false
        }
    }
}

/// Renews the leases this process holds, each once a third of its length has passed.
async fn renew_task(shared: Weak<Shared>) {
    loop {
        let tick = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let shortest = shared.shortest_lease_ms.load(Ordering::Relaxed);
            Duration::from_millis(shortest / 6)
                .clamp(Duration::from_millis(5), Duration::from_secs(1))
        };
        tokio::time::sleep(tick).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let now = Instant::now();
        let mut due: HashMap<u64, Vec<String>> = HashMap::new();
        if let Ok(held) = shared.held.lock() {
            for lease in held.values() {
                if now.duration_since(lease.renewed) >= Duration::from_millis(lease.lease_ms / 3) {
                    due.entry(lease.lease_ms)
                        .or_default()
                        .push(lease.member.clone());
                }
            }
        }
        if due.is_empty() {
            continue;
        }
        let Some(mut connection) = shared.link.connection() else {
            continue;
        };
        let mut renewed = Vec::new();
        for (lease_ms, members) in due {
            for chunk in members.chunks(RELEASE_BATCH) {
                let mut invocation = scripts().renew.key(&shared.calls_key);
                invocation.arg(lease_ms);
                for member in chunk {
                    invocation.arg(member);
                }
                let answer = tokio::time::timeout(
                    BACKGROUND_TIMEOUT,
                    invocation.invoke_async::<i64>(&mut connection),
                )
                .await;
                match answer {
                    Ok(Ok(_)) => renewed.extend(chunk.iter().cloned()),
                    Ok(Err(error)) => {
                        shared.link.went_down(&error);
                        break;
                    }
                    Err(_) => {
                        shared.link.went_down(&"a renewal went unanswered");
                        break;
                    }
                }
            }
        }
        if let Ok(mut held) = shared.held.lock() {
            let renewed: std::collections::HashSet<String> = renewed.into_iter().collect();
            for lease in held.values_mut() {
                if renewed.contains(&lease.member) {
                    lease.renewed = now;
                }
            }
        }
    }
}

/// Tries Redis again every 500 ms while it is taken for down.
async fn probe_task(link: Weak<Link>) {
    loop {
        tokio::time::sleep(PROBE_INTERVAL).await;
        let Some(link) = link.upgrade() else {
            return;
        };
        if !link.is_up() {
            let _ = link.reconnect().await;
        }
    }
}

/// Hears the releases of other processes (`PUBLISH` on the namespace's channel) and wakes
/// this process's waiters; subscribes again after Redis comes back.
async fn subscribe_task(shared: Weak<Shared>) {
    loop {
        let (client, channel) = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            if !shared.link.is_up() {
                drop(shared);
                tokio::time::sleep(PROBE_INTERVAL).await;
                continue;
            }
            (shared.link.client.clone(), shared.channel.clone())
        };
        let subscribed = tokio::time::timeout(CONNECT_TIMEOUT, async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            Ok::<_, redis::RedisError>(pubsub)
        })
        .await;
        let Ok(Ok(pubsub)) = subscribed else {
            tokio::time::sleep(PROBE_INTERVAL).await;
            continue;
        };
        let mut messages = pubsub.into_on_message();
        loop {
            // Checks now and then that someone still uses the limits.
            match tokio::time::timeout(Duration::from_secs(1), messages.next()).await {
                Ok(Some(message)) => match shared.upgrade() {
                    // The payload is how many slots were freed.
                    Some(shared) => shared.wake_waiters(
                        message
                            .get_payload::<i64>()
                            .map_or(1, |n| usize::try_from(n).unwrap_or(1)),
                    ),
                    None => return,
                },
                Ok(None) => break,
                Err(_) => {
                    if shared.strong_count() == 0 {
                        return;
                    }
                }
            }
        }
        tokio::time::sleep(PROBE_INTERVAL).await;
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
