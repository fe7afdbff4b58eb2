//! Tray's limits, enforced when asked ([`EmulatorBuilder::tray_limits`](crate::EmulatorBuilder::tray_limits)),
//! and the traffic counters that are kept either way ([`Emulator::traffic`](crate::Emulator::traffic)).
//!
//! Tray publishes the limits in words only: Call Connector "limits the concurrent calls to 1000",
//! and every other endpoint is "rate limited at 30 requests per second or 1800 requests per
//! minute", with "limited burst capacity to allow for momentary spikes (up to 50 requests per
//! second) [..] as long as the overall rate is not broken in a set window". The algorithm is not
//! published, so a request is refused when any reading of those words would refuse it: a token
//! bucket of 50 refilled at 30 per second, at most 50 requests in any one second, and at most
//! 1,800 in any minute (see `docs/fidelity.md`).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use tokio::time::{Duration, Instant};

use crate::faults::Reply;
use crate::record::lock;

/// Call Connector requests Tray answers at once.
pub(crate) const MAX_CONCURRENT_CALLS: usize = 1_000;
/// Other requests per second, on average.
const PER_SECOND: u32 = 30;
/// Other requests in a burst, and in any one second.
const BURST: usize = 50;
/// Other requests in any minute.
const PER_MINUTE: usize = 1_800;

/// What the emulator has seen of the load on it, since it started or since
/// [`Emulator::clear_calls`](crate::Emulator::clear_calls). Counted whether or not the limits
/// are enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Traffic {
    /// Call Connector requests being answered now.
    pub calls_in_progress: usize,
    /// The most Call Connector requests that were being answered at the same time. A call is
    /// in progress from when its body has been read until its answer is ready to send (an
    /// injected [`Fault::Latency`](crate::Fault::Latency) or [`Fault::Hang`](crate::Fault::Hang)
    /// keeps it in progress).
    pub peak_calls_in_progress: usize,
    /// Call Connector requests refused with 429 because 1,000 were in progress.
    pub calls_refused: usize,
    /// Other requests refused for the rate limit (429, or a GraphQL "Rate limit exceeded").
    pub rate_limited: usize,
}

/// The limits' state and the counters.
#[derive(Debug)]
pub(crate) struct Limits {
    enforced: bool,
    in_progress: AtomicUsize,
    peak: AtomicUsize,
    calls_refused: AtomicUsize,
    rate_limited: AtomicUsize,
    rate: Mutex<RateWindow>,
}

/// A call being answered: counted in progress until dropped.
#[derive(Debug)]
pub(crate) struct CallSlot<'a> {
    limits: &'a Limits,
}

impl Drop for CallSlot<'_> {
    fn drop(&mut self) {
        self.limits.in_progress.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Limits {
    pub(crate) fn new(enforced: bool) -> Limits {
        Limits {
            enforced,
            in_progress: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            calls_refused: AtomicUsize::new(0),
            rate_limited: AtomicUsize::new(0),
            rate: Mutex::new(RateWindow::default()),
        }
    }

    /// Admits a Call Connector request, or (limits enforced, 1,000 in progress) refuses it with
    /// Tray's 429.
    pub(crate) fn enter_call(&self) -> Result<CallSlot<'_>, Reply> {
        let ceiling = if self.enforced {
            MAX_CONCURRENT_CALLS
        } else {
            usize::MAX
        };
        // Compare-and-swap rather than add-then-check: a refused request must never be counted,
        // even for an instant, or an admitted one could be refused for it.
        let admitted = self
            .in_progress
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < ceiling).then_some(n + 1)
            });
        match admitted {
            Ok(before) => {
                self.peak.fetch_max(before + 1, Ordering::SeqCst);
                Ok(CallSlot { limits: self })
            }
            Err(_) => {
                self.calls_refused.fetch_add(1, Ordering::SeqCst);
                Err(too_many_requests())
            }
        }
    }

    /// Whether a request other than Call Connector, arriving now, is within the rate limit
    /// (always, when the limits are not enforced).
    fn admit_other(&self) -> bool {
        if !self.enforced || lock(&self.rate).admit(Instant::now()) {
            return true;
        }
        self.rate_limited.fetch_add(1, Ordering::SeqCst);
        false
    }

    pub(crate) fn traffic(&self) -> Traffic {
        Traffic {
            calls_in_progress: self.in_progress.load(Ordering::SeqCst),
            peak_calls_in_progress: self.peak.load(Ordering::SeqCst),
            calls_refused: self.calls_refused.load(Ordering::SeqCst),
            rate_limited: self.rate_limited.load(Ordering::SeqCst),
        }
    }

    /// Starts the counters again (the peak from the calls in progress now).
    pub(crate) fn reset(&self) {
        self.peak
            .store(self.in_progress.load(Ordering::SeqCst), Ordering::SeqCst);
        self.calls_refused.store(0, Ordering::SeqCst);
        self.rate_limited.store(0, Ordering::SeqCst);
    }
}

/// Tray's answer beyond its limits. Its wording is not published: the emulator's own, in Tray's
/// flat error shape, without `Retry-After` (Tray documents none).
fn too_many_requests() -> Reply {
    Reply::tray_error(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
}

/// The rate limit of requests other than Call Connector, as a request arriving at `now`
/// sees it. Only admitted requests count.
#[derive(Debug, Default)]
struct RateWindow {
    /// The token bucket's theoretical arrival time (GCRA): the bucket is full when it is
    /// `now` or earlier, and each admitted request moves it one interval on.
    bucket_full_at: Option<Instant>,
    /// When the admitted requests of the last minute arrived, oldest first.
    admitted: VecDeque<Instant>,
}

impl RateWindow {
    fn admit(&mut self, now: Instant) -> bool {
        let interval = Duration::from_secs(1) / PER_SECOND;
        let tolerance = interval * (BURST as u32 - 1);
        let full_at = self.bucket_full_at.map_or(now, |at| at.max(now));
        if full_at.saturating_duration_since(now) > tolerance {
            return false;
        }
        let minute_ago = now.checked_sub(Duration::from_secs(60));
        while let (Some(oldest), Some(minute_ago)) = (self.admitted.front(), minute_ago) {
            if *oldest > minute_ago {
                break;
            }
            self.admitted.pop_front();
        }
        let last_second = self
            .admitted
            .iter()
            .rev()
            .take_while(|at| now.saturating_duration_since(**at) < Duration::from_secs(1))
            .count();
        if last_second >= BURST || self.admitted.len() >= PER_MINUTE {
            return false;
        }
        self.bucket_full_at = Some(full_at + interval);
        self.admitted.push_back(now);
        true
    }
}

/// Whether a request is a Call Connector request: `POST
/// /core/v1/connectors/{name}/versions/{version}/call`. Those have a concurrency limit (checked
/// in the handler, so that a refused call is still recorded) and no rate limit.
fn is_call(request: &Request) -> bool {
    let segments: Vec<&str> = request.uri().path().split('/').collect();
    request.method() == Method::POST
        && matches!(
            segments.as_slice(),
            ["", "core", "v1", "connectors", _, "versions", _, "call"]
        )
}

/// Middleware: refuses requests other than Call Connector beyond the rate limit, before their
/// handler runs. The GraphQL endpoint refuses as Tray's GraphQL API does: HTTP 200 with
/// `{"errors": [{"message": "Rate limit exceeded"}]}`; every other endpoint with a 429.
pub(crate) async fn rate_limit(
    State(limits): State<std::sync::Arc<Limits>>,
    request: Request,
    next: Next,
) -> Response {
    if is_call(&request) || limits.admit_other() {
        return next.run(request).await;
    }
    if request.uri().path() == "/graphql" {
        return Reply::ok(json!({"data": null, "errors": [{"message": "Rate limit exceeded"}]}))
            .into_response();
    }
    too_many_requests().into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admitted_at(window: &mut RateWindow, start: Instant, offsets_ms: &[u64]) -> Vec<bool> {
        offsets_ms
            .iter()
            .map(|ms| window.admit(start + Duration::from_millis(*ms)))
            .collect()
    }

    #[test]
    fn a_burst_of_fifty_is_admitted_and_the_fifty_first_refused() {
        let mut window = RateWindow::default();
        let start = Instant::now();
        let burst = admitted_at(&mut window, start, &[0; 51]);
        assert!(burst[..50].iter().all(|a| *a));
        assert!(!burst[50]);
    }

    #[test]
    fn after_a_burst_nothing_more_until_the_second_is_over() {
        let mut window = RateWindow::default();
        let start = Instant::now();
        admitted_at(&mut window, start, &[0; 50]);
        // The bucket refills one request per 33.3 ms, but the second already holds 50.
        assert_eq!(admitted_at(&mut window, start, &[34, 500, 999]), [false; 3]);
        // A second later: the 30 requests the bucket refilled in that second.
        let next = admitted_at(&mut window, start, &[1_000; 31]);
        assert_eq!(next.iter().filter(|a| **a).count(), 30);
    }

    #[test]
    fn a_sustained_forty_per_second_empties_the_bucket_then_thirty_get_through() {
        let mut window = RateWindow::default();
        let start = Instant::now();
        // One request every 25 ms for 10 s: never more than 40 in a second, but the bucket
        // loses 10 a second (1,633 ms of tolerance, 8.3 ms gained per request).
        let offsets: Vec<u64> = (0..400).map(|i| i * 25).collect();
        let admitted = admitted_at(&mut window, start, &offsets);
        assert!(admitted[..190].iter().all(|a| *a));
        // The last 4 seconds: 30 a second.
        let late = admitted[240..].iter().filter(|a| **a).count();
        assert!((119..=121).contains(&late), "{late}");
    }

    #[test]
    fn no_second_holds_more_than_fifty_even_with_tokens_left() {
        let mut window = RateWindow::default();
        let start = Instant::now();
        admitted_at(&mut window, start, &[0; 30]);
        // 900 ms later the bucket holds ~47 tokens, but only 20 more fit in the second.
        let second = admitted_at(&mut window, start, &[900; 21]);
        assert_eq!(second.iter().filter(|a| **a).count(), 20);
        // Once the first 30 are a second old, there is room again.
        assert_eq!(admitted_at(&mut window, start, &[1_001]), [true]);
    }

    #[test]
    fn no_minute_holds_more_than_eighteen_hundred() {
        let mut window = RateWindow::default();
        let start = Instant::now();
        // 30 per second exactly, for a minute: 1,800 admitted.
        let offsets: Vec<u64> = (0..1_800).map(|i| i * 1_000 / 30).collect();
        assert!(admitted_at(&mut window, start, &offsets).iter().all(|a| *a));
        // The bucket has 49 tokens by now, but the minute is full until its first request
        // is a minute old.
        assert_eq!(admitted_at(&mut window, start, &[59_990]), [false]);
        assert_eq!(admitted_at(&mut window, start, &[60_001]), [true]);
    }

    #[test]
    fn calls_beyond_the_ceiling_are_refused_only_when_enforced() {
        let limits = Limits::new(true);
        let slots: Vec<_> = (0..MAX_CONCURRENT_CALLS)
            .map(|_| limits.enter_call().unwrap())
            .collect();
        let refused = limits.enter_call().unwrap_err();
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            refused.body,
            json!({"message": "Too many requests", "code": null})
        );
        drop(slots);
        let traffic = limits.traffic();
        assert_eq!(traffic.calls_in_progress, 0);
        assert_eq!(traffic.peak_calls_in_progress, MAX_CONCURRENT_CALLS);
        assert_eq!(traffic.calls_refused, 1);
        assert!(limits.enter_call().is_ok());
        limits.reset();
        assert_eq!(limits.traffic(), Traffic::default());

        let unlimited = Limits::new(false);
        let slots: Vec<_> = (0..MAX_CONCURRENT_CALLS + 5)
            .map(|_| unlimited.enter_call().unwrap())
            .collect();
        assert_eq!(
            unlimited.traffic().peak_calls_in_progress,
            MAX_CONCURRENT_CALLS + 5
        );
        drop(slots);
    }
}
