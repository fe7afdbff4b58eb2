//! Tray's limits kept on the client side: at most so many Call Connector requests in flight,
//! and the other endpoints' requests paced, so that a burst waits in the client instead of
//! drawing 429s.

use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use crate::Error;

/// Tray's ceiling of concurrent Call Connector requests, the client's default.
pub(crate) const DEFAULT_MAX_CONCURRENT_CALLS: usize = 1_000;

/// How fast a [`Client`](crate::Client) sends requests other than Call Connector (the list
/// endpoints, the Embedded GraphQL API, the authentication endpoints): a token bucket that
/// lets `burst` requests go at once and refills at `per_second`. A request that finds the
/// bucket empty waits its turn, in order of arrival. Set with
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
///
/// Tray limits these endpoints to "30 requests per second or 1800 requests per minute", with
/// "burst capacity [..] up to 50 requests per second" ([`RateLimit::TRAY`]). The default,
/// **25 per second in bursts of 20**, stays under every reading of that sentence with room to
/// spare, because Tray counts a request when it *arrives* and the client when it *leaves*:
///
/// - a bucket of `burst` refilled at `per_second` can send `burst + per_second` requests
///   within one second: 45 with the default, under Tray's 50 in any second even when requests
///   arrive up to 0.2 s closer together than they left (a pooled connection is faster than a
///   new one); and at most 1,520 in a minute, under 1,800;
/// - pacing at exactly [`RateLimit::TRAY`] sends 80 requests in the first second of a
///   burst, and at 30 per second a request that travels faster than the one before it arrives
///   early: both draw 429s from a server that enforces the limit to the letter, as the
///   emulator does (`EmulatorBuilder::tray_limits`).
///
/// ```
/// use tray_connect::{Client, RateLimit};
///
/// let client = Client::builder()
///     .token("my-master-token")
///     .rate_limit(RateLimit::new(10, 5))      // 10 a second, 5 at once
///     .build()?;
/// let unpaced = Client::builder()
///     .token("my-master-token")
///     .rate_limit(None)                        // no pacing at all
///     .build()?;
/// # Ok::<(), tray_connect::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    per_second: u32,
    burst: u32,
}

impl RateLimit {
    /// Tray's published limit: 30 requests per second, bursts of 50. Pacing at exactly this
    /// rate leaves no room for requests that arrive closer together than they were sent (see
    /// the type's docs); the default keeps a margin.
    pub const TRAY: RateLimit = RateLimit {
        per_second: 30,
        burst: 50,
    };

    /// At most `burst` requests at once, and `per_second` a second after that. Both must be at
    /// least 1 ([`ClientBuilder::build`](crate::ClientBuilder::build) refuses zero with
    /// [`Error::Config`]).
    pub const fn new(per_second: u32, burst: u32) -> RateLimit {
        RateLimit { per_second, burst }
    }

    /// Requests per second, once a burst is spent.
    pub const fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Requests that may go at once.
    pub const fn burst(&self) -> u32 {
        self.burst
    }
}

impl Default for RateLimit {
    /// 25 requests per second, in bursts of at most 20 (see the type's docs for why not 30
    /// and 50).
    fn default() -> Self {
        RateLimit::new(25, 20)
    }
}

/// The limits of one [`Client`](crate::Client) (shared with the clients
/// [`Client::as_user`](crate::Client::as_user) derives from it).
#[derive(Debug)]
pub(crate) struct Limits {
    calls: Option<Semaphore>,
    max_concurrent_calls: Option<usize>,
    pacer: Option<Pacer>,
    /// The same limits counted with every client of a namespace, behind the in-process ones.
    #[cfg(feature = "redis")]
    shared: Option<crate::redis_limits::SharedLimiter>,
}

/// A Call Connector request's hold on the limits: its slot in this process and, with shared
/// limits, its lease in Redis. Both are given back when it is dropped.
pub(crate) struct Slot<'a> {
    _permit: Option<SemaphorePermit<'a>>,
    #[cfg(feature = "redis")]
    lease: Option<crate::redis_limits::Lease>,
    #[cfg(feature = "redis")]
    timeout: std::time::Duration,
}

impl Slot<'_> {
    /// Gives the slot back at the end of an attempt, waiting (at most the shared limits'
    /// timeout) until Redis has the lease back.
    #[cfg(feature = "redis")]
    pub(crate) async fn release(mut self) {
        if let Some(lease) = self.lease.take() {
            lease.release(self.timeout).await;
        }
    }
}

impl Limits {
    #[cfg(test)]
    pub(crate) fn new(
        max_concurrent_calls: Option<usize>,
        rate: Option<RateLimit>,
    ) -> Result<Limits, Error> {
        Self::configured(max_concurrent_calls, rate)
    }

    /// The limits of `builder`: in-process, and shared when it has shared limits.
    pub(crate) fn of(builder: &crate::ClientBuilder) -> Result<Limits, Error> {
        #[allow(unused_mut)]
        let mut limits = Self::configured(builder.max_concurrent_calls, builder.rate_limit)?;
        #[cfg(feature = "redis")]
        {
            limits.shared = builder.shared_limits.as_ref().map(|shared| {
                shared.limiter(
                    builder.call_timeout,
                    builder.max_concurrent_calls,
                    builder.rate_limit,
                )
            });
        }
        Ok(limits)
    }

    fn configured(
        max_concurrent_calls: Option<usize>,
        rate: Option<RateLimit>,
    ) -> Result<Limits, Error> {
        let calls = match max_concurrent_calls {
            None => None,
            Some(0) => {
                return Err(Error::config(
                    "max_concurrent_calls must be at least 1 (None turns the limit off)",
                ));
            }
            Some(n) if n > Semaphore::MAX_PERMITS => {
                return Err(Error::config(format!(
                    "max_concurrent_calls must be at most {} (None turns the limit off)",
                    Semaphore::MAX_PERMITS
                )));
            }
            Some(n) => Some(Semaphore::new(n)),
        };
        let pacer = match rate {
            None => None,
            Some(rate) if rate.per_second == 0 || rate.burst == 0 => {
                return Err(Error::config(
                    "a rate limit needs at least 1 request per second and a burst of at least \
                     1 (None turns pacing off)",
                ));
            }
            Some(rate) => Some(Pacer::new(rate)),
        };
        Ok(Limits {
            calls,
            max_concurrent_calls,
            pacer,
            #[cfg(feature = "redis")]
            shared: None,
        })
    }

    /// The namespace of the shared limits, if any.
    pub(crate) fn shared_namespace(&self) -> Option<&str> {
        #[cfg(feature = "redis")]
        {
            self.shared.as_ref().map(|shared| shared.namespace())
        }
        #[cfg(not(feature = "redis"))]
        {
            None
        }
    }

    pub(crate) fn max_concurrent_calls(&self) -> Option<usize> {
        self.max_concurrent_calls
    }

    pub(crate) fn rate_limit(&self) -> Option<RateLimit> {
        self.pacer.as_ref().map(|pacer| pacer.rate)
    }

    /// Waits until one more request may be sent: a Call Connector request (`call_connector`)
    /// for a free slot, which it holds until the returned slot is dropped; any other for its
    /// turn in the pace. The in-process limits come first, then the shared ones (which go on
    /// without Redis when it does not answer): a process never goes beyond its own limits.
    pub(crate) async fn wait_turn(&self, call_connector: bool) -> Option<Slot<'_>> {
        if call_connector {
            // `acquire` fails only on a closed semaphore, which this one never is.
            let permit = match &self.calls {
                Some(calls) => calls.acquire().await.ok(),
                None => None,
            };
            #[cfg(feature = "redis")]
            let lease = match &self.shared {
                Some(shared) => shared.call_slot().await,
                None => None,
            };
            #[cfg(feature = "redis")]
            let held = permit.is_some() || lease.is_some();
            #[cfg(not(feature = "redis"))]
            let held = permit.is_some();
            return held.then_some(Slot {
                _permit: permit,
                #[cfg(feature = "redis")]
                lease,
                #[cfg(feature = "redis")]
                timeout: self
                    .shared
                    .as_ref()
                    .map_or(std::time::Duration::ZERO, |shared| shared.timeout()),
            });
        }
        if let Some(pacer) = &self.pacer {
            pacer.wait_turn().await;
        }
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            shared.read_turn().await;
        }
        None
    }
}

/// A token bucket kept as the time its next token is due (GCRA): one comparison and at most
/// one sleep per request.
///
/// Waiters queue on a fair (FIFO) asynchronous lock, so they leave in order of arrival. The
/// one holding it works out its departure from the schedule, sleeps until then *holding the
/// lock*, and books its departure only once it leaves. A waiter whose future is dropped (its
/// request cancelled or timed out, in the lock's queue or asleep holding it) has booked
/// nothing: the next in line takes the very turn it gave up, so cancellations never delay
/// anyone (booking at arrival, as the pacer once did, kept every cancelled waiter's turn:
/// 10,000 dropped reads booked about 400 s of a queue no one was in).
#[derive(Debug)]
struct Pacer {
    rate: RateLimit,
    /// Time between two requests once a burst is spent.
    interval: Duration,
    /// How far ahead of the schedule a request may go: the rest of a burst.
    tolerance: Duration,
    /// When the bucket is next full, were no further request sent: the schedule's head.
    /// `None` before the first request. Its lock is also the waiters' queue.
    full_at: tokio::sync::Mutex<Option<Instant>>,
}

impl Pacer {
    fn new(rate: RateLimit) -> Pacer {
        let interval = Duration::from_secs(1) / rate.per_second;
        Pacer {
            rate,
            interval,
            tolerance: interval * (rate.burst - 1),
            full_at: tokio::sync::Mutex::new(None),
        }
    }

    /// Waits for this request's turn and books its departure as it leaves. Cancellation-safe:
    /// dropped at any point before it returns, it leaves the schedule as it found it.
    async fn wait_turn(&self) {
        // Tokio's mutex is fair (first come, first served) and a dropped `lock()` leaves its
        // queue, so waiters leave in order of arrival and a cancelled one holds up no one.
        let mut full_at = self.full_at.lock().await;
        let now = Instant::now();
        if let Some(depart) = self.departure(*full_at, now) {
            tokio::time::sleep_until(depart).await;
        }
        // Booked from the time it actually leaves (a sleep may end a little late): the pace
        // can fall a little under the rate, never go over it.
        let left = Instant::now();
        let due = full_at.map_or(left, |at| at.max(left));
        *full_at = Some(due.checked_add(self.interval).unwrap_or(due));
    }

    /// When a request asking at `now` may leave, `None` for at once, given the schedule's head.
    fn departure(&self, full_at: Option<Instant>, now: Instant) -> Option<Instant> {
        let due = full_at?;
        let earliest = due.checked_sub(self.tolerance)?;
        (earliest > now).then_some(earliest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    /// When each of `n` requests, all asked for at the start, leaves (ms after the start).
    async fn departures(rate: RateLimit, n: usize) -> Vec<u128> {
        let pacer = std::sync::Arc::new(Pacer::new(rate));
        let start = Instant::now();
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    pacer.wait_turn().await;
                    start.elapsed().as_millis()
                })
            })
            .collect();
        let mut left = Vec::with_capacity(n);
        for task in tasks {
            left.push(task.await.unwrap());
        }
        left
    }

    // Tokio's paused clock: sleeps complete in virtual time, so these read the schedule, not
    // the machine's speed.
    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_one_request_per_interval() {
        let left = departures(RateLimit::new(25, 20), 30).await;
        assert!(left[..20].iter().all(|ms| *ms == 0), "{left:?}");
        let rest: Vec<u128> = left[20..].to_vec();
        assert_eq!(rest, [40, 80, 120, 160, 200, 240, 280, 320, 360, 400]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_second_sees_more_than_burst_plus_rate() {
        let rate = RateLimit::default();
        let left = departures(rate, 200).await;
        for (i, first) in left.iter().enumerate() {
            let within_a_second = left[i..].iter().filter(|ms| **ms < first + 1000).count();
            assert!(
                within_a_second <= (rate.burst() + rate.per_second()) as usize,
                "{within_a_second} requests in the second from {first} ms"
            );
        }
        // 200 requests: 20 at once, 180 more at 25 a second.
        assert_eq!(*left.last().unwrap(), 180 * 40);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_pacer_refills_its_burst() {
        let pacer = Pacer::new(RateLimit::new(10, 3));
        let start = Instant::now();
        for _ in 0..3 {
            pacer.wait_turn().await;
        }
        pacer.wait_turn().await;
        assert_eq!(start.elapsed(), Duration::from_millis(100));
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rested = Instant::now();
        for _ in 0..3 {
            pacer.wait_turn().await;
        }
        assert_eq!(rested.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_leave_in_order_of_arrival() {
        let pacer = std::sync::Arc::new(Pacer::new(RateLimit::new(25, 5)));
        let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let (pacer, order) = (pacer.clone(), order.clone());
                tokio::spawn(async move {
                    pacer.wait_turn().await;
                    order.lock().unwrap().push(i);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..40).collect::<Vec<_>>());
    }

    /// Takes the whole burst of `pacer` at once.
    async fn spend_the_burst(pacer: &Pacer) {
        let start = Instant::now();
        for _ in 0..pacer.rate.burst() {
            pacer.wait_turn().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_waiters_give_their_turn_back() {
        // The red team's case: 10,000 reads dropped while waiting their turn. Booked at
        // arrival, they held 400 s of the schedule (10,000 × 40 ms) after they were gone.
        let pacer = std::sync::Arc::new(Pacer::new(RateLimit::default()));
        spend_the_burst(&pacer).await;
        let start = Instant::now();
        let waiters: Vec<_> = (0..10_000)
            .map(|_| {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    tokio::time::timeout(Duration::from_millis(1), pacer.wait_turn()).await
                })
            })
            .collect();
        for waiter in waiters {
            assert!(waiter.await.unwrap().is_err(), "no waiter left in 1 ms");
        }
        assert_eq!(start.elapsed(), Duration::from_millis(1));
        // A fresh request takes the turn the first cancelled one gave up: 40 ms after the
        // burst, as though no one else had asked.
        pacer.wait_turn().await;
        assert_eq!(start.elapsed(), Duration::from_millis(40));
        // The same, once more after a pause: the burst is back whole, and leaves at once.
        tokio::time::sleep(Duration::from_secs(1)).await;
        spend_the_burst(&pacer).await;
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_waiters_holding_the_queue_give_their_turn_back() {
        // Cancelled while asleep at the head of the queue, not only while in it.
        let pacer = Pacer::new(RateLimit::new(1, 1));
        let start = Instant::now();
        pacer.wait_turn().await;
        for _ in 0..10 {
            let turn = tokio::time::timeout(Duration::from_millis(50), pacer.wait_turn());
            assert!(turn.await.is_err());
        }
        assert_eq!(start.elapsed(), Duration::from_millis(500));
        // The next is due 1 s after the first, not 11 s.
        pacer.wait_turn().await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_under_a_short_timeout_leaves_the_next_read_its_turn() {
        // The red team's second case: 200 reads under the caller's 2 s timeout, then one more.
        // Booked at arrival, the 130 cancelled ones delayed it 4.2 s.
        let pacer = std::sync::Arc::new(Pacer::new(RateLimit::default()));
        let start = Instant::now();
        let reads: Vec<_> = (0..200)
            .map(|_| {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    // 2 s and a little, so that no departure ties with a timeout.
                    tokio::time::timeout(Duration::from_millis(2_010), pacer.wait_turn()).await
                })
            })
            .collect();
        let mut answered = 0;
        for read in reads {
            answered += usize::from(read.await.unwrap().is_ok());
        }
        // 20 at once, then one every 40 ms up to 2,000 ms.
        assert_eq!(answered, 70);
        assert_eq!(start.elapsed(), Duration::from_millis(2_010));
        // The next read leaves at the next free slot of the pace, 2,040 ms: the cancelled
        // reads took none.
        pacer.wait_turn().await;
        assert_eq!(start.elapsed(), Duration::from_millis(2_040));
    }

    #[test]
    fn zero_limits_are_configuration_errors() {
        for (calls, rate) in [
            (Some(0), None),
            (None, Some(RateLimit::new(0, 5))),
            (None, Some(RateLimit::new(5, 0))),
            (Some(usize::MAX), None),
        ] {
            let err = Limits::new(calls, rate).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
        let limits = Limits::new(None, None).unwrap();
        assert_eq!(limits.max_concurrent_calls(), None);
        assert_eq!(limits.rate_limit(), None);
    }

    #[tokio::test]
    async fn call_slots_are_held_until_dropped() {
        let limits = Limits::new(Some(2), None).unwrap();
        let first = limits.wait_turn(true).await;
        let second = limits.wait_turn(true).await;
        assert!(first.is_some() && second.is_some());
        let third = limits.wait_turn(true);
        tokio::pin!(third);
        assert!(
            third.as_mut().now_or_never().is_none(),
            "a third slot while two are held"
        );
        drop(first);
        assert!(third.await.is_some());
        // Reads never take a call slot, and no limit means no permit to hold.
        assert!(limits.wait_turn(false).await.is_none());
        let unlimited = Limits::new(None, None).unwrap();
        assert!(unlimited.wait_turn(true).await.is_none());
    }
}
