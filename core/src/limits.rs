//! Tray's limits kept on the client side: at most so many Call Connector requests in flight,
//! and the other endpoints' requests paced, so that a burst waits in the client instead of
//! drawing 429s.

use std::sync::Mutex;
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
}

impl Limits {
    pub(crate) fn new(
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
        })
    }

    pub(crate) fn max_concurrent_calls(&self) -> Option<usize> {
        self.max_concurrent_calls
    }

    pub(crate) fn rate_limit(&self) -> Option<RateLimit> {
        self.pacer.as_ref().map(|pacer| pacer.rate)
    }

    /// Waits until one more request may be sent: a Call Connector request (`call_connector`)
    /// for a free slot, which it holds until the returned permit is dropped; any other for its
    /// turn in the pace.
    pub(crate) async fn wait_turn(&self, call_connector: bool) -> Option<SemaphorePermit<'_>> {
        if call_connector {
            // `acquire` fails only on a closed semaphore, which this one never is.
            return match &self.calls {
                Some(calls) => calls.acquire().await.ok(),
                None => None,
            };
        }
        if let Some(pacer) = &self.pacer {
            pacer.wait_turn().await;
        }
        None
    }
}

/// A token bucket kept as the time its next token is due (GCRA): one lock, one comparison and
/// at most one sleep per request; every request reserves its own departure time, so waiters
/// leave in order of arrival without waking each other.
#[derive(Debug)]
struct Pacer {
    rate: RateLimit,
    /// Time between two requests once a burst is spent.
    interval: Duration,
    /// How far ahead of the schedule a request may go: the rest of a burst.
    tolerance: Duration,
    /// When the bucket is next full, were no further request sent: the schedule's head.
    /// `None` before the first request.
    full_at: Mutex<Option<Instant>>,
}

impl Pacer {
    fn new(rate: RateLimit) -> Pacer {
        let interval = Duration::from_secs(1) / rate.per_second;
        Pacer {
            rate,
            interval,
            tolerance: interval * (rate.burst - 1),
            full_at: Mutex::new(None),
        }
    }

    /// Reserves the next departure time and sleeps until it. A waiter that is dropped (its
    /// request cancelled) leaves its slot unused: the client then sends a little under the
    /// rate, never over it.
    async fn wait_turn(&self) {
        let now = Instant::now();
        let depart = {
            let mut full_at = self
                .full_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = full_at.map_or(now, |at| at.max(now));
            *full_at = Some(due.checked_add(self.interval).unwrap_or(due));
            due.checked_sub(self.tolerance)
                .map_or(now, |earliest| earliest.max(now))
        };
        if depart > now {
            tokio::time::sleep_until(depart).await;
        }
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
