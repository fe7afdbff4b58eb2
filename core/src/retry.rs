//! When a failed request is tried again, and how long to wait first.

use std::time::{Duration, SystemTime};

/// Which kind of request is being retried: they differ in what is safe to repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    /// Get Connectors, Get Connector Operations: repeating them changes nothing.
    Read,
    /// Call Connector: a repeated call runs again (Tray has no idempotency keys).
    Call,
    /// Create Subscription: a repeated request creates a second subscription (with its own
    /// key, delivering every event again). Retried only when nothing can have been created,
    /// whatever the policy says of calls.
    Create,
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be made: nothing was sent.
    Connect,
    /// An HTTP error status.
    Status(u16),
    /// A 2xx answer that reports Tray's rate limit in its body (GraphQL's
    /// `"Rate limit exceeded"`): refused like a 429, so nothing ran.
    RateLimited,
    /// A timeout, a connection lost after sending, a bad body: may have run.
    Other,
}

/// How the [`Client`](crate::Client) retries failed requests.
///
/// The default:
/// - **reads** (the list endpoints) retry a 429, a 5xx and connection failures, at most 5
///   attempts in all;
/// - **calls** retry only what cannot have run: connection failures and Tray's own 429, at most
///   3 retries (4 attempts). A timeout, a 5xx or a connection lost after the request was sent is
///   never retried, because the connector may have acted and a retried call runs again.
/// - **creating a subscription** ([`Client::subscribe`](crate::Client::subscribe)) retries like
///   a call, with the calls' attempts, but never a 5xx, even with
///   [`calls_idempotent`](Self::calls_idempotent): a repeated request that reached Tray creates a
///   second subscription. Deleting one is a read: repeating it is harmless.
///
/// Embedded API (GraphQL) queries are reads, and their `"Rate limit exceeded"` answer (HTTP
/// 200 with `errors`) counts as a 429; GraphQL mutations are calls, and such an answer is
/// returned, never retried.
///
/// The wait before a retry is the server's `Retry-After` (seconds or an HTTP date) when it sent
/// one, else a capped exponential backoff with full jitter: a random delay between zero and
/// `min(max_delay, base_delay × 2^retry)`, base 200 ms, cap 10 s. A `Retry-After` longer than
/// the cap is not waited for: the error is returned so the caller can decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    read_attempts: u32,
    call_attempts: u32,
    calls_like_reads: bool,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            read_attempts: 5,
            call_attempts: 4,
            calls_like_reads: false,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the type's docs).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry anything: one attempt per request.
    pub fn none() -> Self {
        RetryPolicy {
            read_attempts: 1,
            call_attempts: 1,
            ..Self::default()
        }
    }

    /// Retry calls like reads (429, 5xx, connection failures; 5 attempts), for callers whose
    /// operations are idempotent. A 5xx call may have run: retrying repeats it.
    pub fn calls_idempotent() -> Self {
        RetryPolicy {
            call_attempts: 5,
            calls_like_reads: true,
            ..Self::default()
        }
    }

    /// At most `attempts` attempts (the first included) per read; `0` counts as `1`.
    pub fn max_read_attempts(mut self, attempts: u32) -> Self {
        self.read_attempts = attempts.max(1);
        self
    }

    /// At most `attempts` attempts (the first included) per call; `0` counts as `1`.
    pub fn max_call_attempts(mut self, attempts: u32) -> Self {
        self.call_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry (doubled for each further one, before jitter).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff, and the longest `Retry-After` the client waits for.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    pub(crate) fn max_attempts(&self, kind: RequestKind) -> u32 {
        match kind {
            RequestKind::Read => self.read_attempts,
            RequestKind::Call | RequestKind::Create => self.call_attempts,
        }
    }

    /// Whether this failure of a `kind` request may be tried again (attempts aside).
    pub(crate) fn retries(&self, kind: RequestKind, failure: Failure) -> bool {
        let like_reads = match kind {
            RequestKind::Read => true,
            RequestKind::Call => self.calls_like_reads,
            RequestKind::Create => false,
        };
        match failure {
            Failure::Connect => true,
            Failure::Status(429) | Failure::RateLimited => true,
            Failure::Status(status) => like_reads && (500..600).contains(&status),
            Failure::Other => false,
        }
    }

    /// The wait before retry number `retry` (1 for the first retry), `None` when the server
    /// asked for longer than [`max_delay`](Self::max_delay).
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => {
                let ceiling = backoff_ceiling(self.base_delay, self.max_delay, retry);
                Some(ceiling.mul_f64(fastrand::f64()))
            }
        }
    }
}

/// `min(cap, base × 2^(retry - 1))`, without overflow.
pub(crate) fn backoff_ceiling(base: Duration, cap: Duration, retry: u32) -> Duration {
    let factor = 1u32
        .checked_shl(retry.saturating_sub(1))
        .unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(cap)
}

/// Reads a `Retry-After` value: delay-seconds, or an HTTP date (a date in the past means now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        // A date in the past: retry now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn backoff_grows_then_caps() {
        let base = Duration::from_millis(200);
        let cap = Duration::from_secs(10);
        assert_eq!(backoff_ceiling(base, cap, 1), Duration::from_millis(200));
        assert_eq!(backoff_ceiling(base, cap, 2), Duration::from_millis(400));
        assert_eq!(backoff_ceiling(base, cap, 4), Duration::from_millis(1600));
        assert_eq!(backoff_ceiling(base, cap, 7), cap);
        assert_eq!(backoff_ceiling(base, cap, 40), cap);
        assert_eq!(backoff_ceiling(base, cap, u32::MAX), cap);
    }

    #[test]
    fn jittered_delays_stay_within_bounds() {
        let policy = RetryPolicy::default();
        for retry in 1..=8 {
            let ceiling = backoff_ceiling(policy.base_delay, policy.max_delay, retry);
            for _ in 0..200 {
                let d = policy.delay(retry, None).unwrap();
                assert!(d <= ceiling, "retry {retry}: {d:?} > {ceiling:?}");
            }
        }
        // Full jitter: not always the ceiling.
        let distinct: std::collections::HashSet<_> =
            (0..50).map(|_| policy.delay(3, None).unwrap()).collect();
        assert!(distinct.len() > 1);
    }

    #[test]
    fn retry_after_is_used_unless_longer_than_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.delay(1, Some(Duration::from_secs(60))), None);
    }

    #[test]
    fn default_policy_retries_reads_broadly_and_calls_narrowly() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts(RequestKind::Read), 5);
        assert_eq!(p.max_attempts(RequestKind::Call), 4);
        for f in [Failure::Connect, Failure::Status(429), Failure::Status(503)] {
            assert!(p.retries(RequestKind::Read, f), "{f:?}");
        }
        assert!(!p.retries(RequestKind::Read, Failure::Other));
        assert!(!p.retries(RequestKind::Read, Failure::Status(404)));
        assert!(p.retries(RequestKind::Call, Failure::Connect));
        assert!(p.retries(RequestKind::Call, Failure::Status(429)));
        assert!(!p.retries(RequestKind::Call, Failure::Status(500)));
        assert!(!p.retries(RequestKind::Call, Failure::Status(502)));
        assert!(!p.retries(RequestKind::Call, Failure::Other));
    }

    #[test]
    fn creating_never_retries_what_may_have_created() {
        for policy in [RetryPolicy::default(), RetryPolicy::calls_idempotent()] {
            assert!(policy.retries(RequestKind::Create, Failure::Connect));
            assert!(policy.retries(RequestKind::Create, Failure::Status(429)));
            for failure in [Failure::Status(500), Failure::Status(503), Failure::Other] {
                assert!(!policy.retries(RequestKind::Create, failure), "{failure:?}");
            }
            assert_eq!(
                policy.max_attempts(RequestKind::Create),
                policy.max_attempts(RequestKind::Call)
            );
        }
    }

    #[test]
    fn idempotent_calls_retry_5xx_and_none_retries_nothing() {
        let p = RetryPolicy::calls_idempotent();
        assert!(p.retries(RequestKind::Call, Failure::Status(500)));
        assert_eq!(p.max_attempts(RequestKind::Call), 5);
        assert!(!p.retries(RequestKind::Call, Failure::Other));
        let none = RetryPolicy::none();
        assert_eq!(none.max_attempts(RequestKind::Read), 1);
        assert_eq!(none.max_attempts(RequestKind::Call), 1);
        let knobs = RetryPolicy::new().max_read_attempts(0).max_call_attempts(2);
        assert_eq!(knobs.max_attempts(RequestKind::Read), 1);
        assert_eq!(knobs.max_attempts(RequestKind::Call), 2);
    }
}
