//! Delivering events to a subscription's endpoint, signed and retried the way Tray does, and
//! only ever on this machine.
//!
//! Tray's facts (`docs/fidelity.md`, *Triggers*): the body is the event, `x-tray-signature`
//! is `base64(HMAC-SHA256(base64-decode(signingKey), body))`, and a delivery the receiver did
//! not take is retried with exponential backoff. What Tray does not publish is assumed here and
//! configurable: the method (POST), the content type (`application/json`), which answers count
//! as taken (any 2xx), the number of attempts and their delays.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::faults::FaultTable;
use crate::record::lock;
use crate::subscriptions::{RecordedSubscription, SubscriptionStore};
use crate::{Emulator, EmulatorBuilder, EmulatorError, Scope};

/// The header Tray signs a delivery in.
const SIGNATURE_HEADER: &str = "x-tray-signature";

/// How many times an event is sent before the emulator gives up on it, the first included
/// (see [`EmulatorBuilder::delivery_retries`]). Tray publishes no number: an assumption.
pub const DEFAULT_DELIVERY_ATTEMPTS: u32 = 5;

/// The wait before the first retry of a delivery, doubled before each further one (see
/// [`EmulatorBuilder::delivery_retries`]). Tray publishes no schedule: an assumption, short
/// so that tests of a receiver's outage stay fast.
pub const DEFAULT_DELIVERY_FIRST_DELAY: Duration = Duration::from_millis(100);

/// How long one attempt waits for the receiver's answer (see
/// [`EmulatorBuilder::delivery_timeout`]). Tray publishes none: an assumption.
pub const DEFAULT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The most of a receiver's answer body that is read (and thrown away), so a connection can be
/// used again without reading an endless answer.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// How an event's delivery goes wrong, on purpose. See [`Emulator::inject_delivery`].
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryFault {
    /// Once the receiver has taken the event (a 2xx), deliver it again, as Tray would after
    /// losing the first answer: the receiver must not act twice.
    Duplicate,
    /// Wait this long before the first attempt (deliveries started later may arrive first).
    Delay(Duration),
    /// Sign with another key than the subscription's, as a forger would: the receiver must
    /// refuse it (every attempt then fails, and is retried like any refusal).
    MisSign,
    /// Send only the first `n` bytes of the body, with the signature of the whole body, as a
    /// body cut on the way: the receiver must refuse it.
    Truncate(usize),
}

/// How one delivery went: every attempt, in order. Returned by [`Emulator::deliver_json`] and
/// kept in [`Emulator::deliveries`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The subscription the event was delivered for.
    pub subscription_id: String,
    /// Where it was sent.
    pub endpoint: String,
    /// The body as sent (cut short by [`DeliveryFault::Truncate`]).
    pub body: Bytes,
    /// The `x-tray-signature` sent with it.
    pub signature: String,
    /// The fault applied to it, if any.
    pub fault: Option<DeliveryFault>,
    /// Every attempt, in order.
    pub attempts: Vec<DeliveryAttempt>,
}

impl Delivery {
    /// Whether the receiver took the event: some attempt was answered 2xx.
    pub fn delivered(&self) -> bool {
        self.attempts.iter().any(|a| a.outcome.is_success())
    }

    /// How many times the receiver took the event: 2 for a [`DeliveryFault::Duplicate`] that
    /// went through, else 0 or 1.
    pub fn times_taken(&self) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.outcome.is_success())
            .count()
    }
}

/// One attempt of a [`Delivery`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// What the receiver answered.
    pub outcome: AttemptOutcome,
    /// From sending to the answer's status (or to the failure).
    pub duration: Duration,
    /// Whether this attempt sends the event again after it was taken
    /// ([`DeliveryFault::Duplicate`]).
    pub redelivery: bool,
}

/// What one attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The receiver answered with this status.
    Status(u16),
    /// No answer: the connection was refused or lost, or the attempt timed out (the cause, on
    /// one line).
    NoAnswer(String),
}

impl AttemptOutcome {
    /// Whether the receiver took the event (a 2xx).
    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Status(status) if (200..300).contains(status))
    }
}

/// The delivery settings of an emulator.
#[derive(Debug, Clone)]
pub(crate) struct DeliveryPolicy {
    pub(crate) attempts: u32,
    pub(crate) first_delay: Duration,
    pub(crate) timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            attempts: DEFAULT_DELIVERY_ATTEMPTS,
            first_delay: DEFAULT_DELIVERY_FIRST_DELAY,
            timeout: DEFAULT_DELIVERY_TIMEOUT,
        }
    }
}

impl DeliveryPolicy {
    /// The wait before retry number `retry` (1 for the first): `first_delay × 2^(retry-1)`.
    fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.first_delay.saturating_mul(factor)
    }
}

/// What the emulator keeps to deliver events: its settings, its HTTP client, the faults to
/// apply and the log of deliveries.
#[derive(Debug, Default)]
pub(crate) struct Deliverer {
    pub(crate) policy: DeliveryPolicy,
    /// Built on the first delivery: an emulator that never delivers never sets one up.
    http: OnceLock<Result<reqwest::Client, String>>,
    faults: Mutex<FaultTable<DeliveryFault>>,
    log: Mutex<Vec<Delivery>>,
}

impl Deliverer {
    pub(crate) fn new(policy: DeliveryPolicy) -> Deliverer {
        Deliverer {
            policy,
            ..Deliverer::default()
        }
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    fn http(&self) -> Result<&reqwest::Client, String> {
        self.http
            .get_or_init(|| {
                let loopback: [SocketAddr; 2] = [
                    (Ipv4Addr::LOCALHOST, 0).into(),
                    (Ipv6Addr::LOCALHOST, 0).into(),
                ];
                reqwest::Client::builder()
                    .user_agent(concat!("tray-connect-emulator/", env!("CARGO_PKG_VERSION")))
                    // Nothing leaves the machine: no proxy, no redirect (a receiver could
                    // redirect elsewhere), and `localhost` never asks a resolver.
                    .no_proxy()
                    .redirect(reqwest::redirect::Policy::none())
                    .resolve_to_addrs("localhost", &loopback)
                    .build()
                    .map_err(|e| format!("could not set up the emulator's HTTP client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Checks a subscription's `endpoint`: the emulator delivers only over `http://` to this
/// machine (`127.0.0.0/8`, `[::1]`, `localhost`). The error is the 400's message.
pub(crate) fn check_endpoint(endpoint: &str) -> Result<reqwest::Url, String> {
    let url =
        reqwest::Url::parse(endpoint).map_err(|e| format!("Invalid endpoint '{endpoint}': {e}"))?;
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    if !loopback {
        return Err(format!(
            "The emulator delivers events only to this machine, so the endpoint must be on \
             127.0.0.1, [::1] or localhost; '{endpoint}' is not"
        ));
    }
    if url.scheme() != "http" {
        return Err(format!(
            "The emulator delivers events over plain http:// only (to this machine); \
             '{endpoint}' uses {}://",
            url.scheme()
        ));
    }
    Ok(url)
}

/// A new subscription's key: 32 random bytes, base64. Random enough for a test double, not for
/// secrets (`fastrand`).
pub(crate) fn new_signing_key() -> String {
    let bytes: [u8; 32] = std::array::from_fn(|_| fastrand::u8(..));
    STANDARD.encode(bytes)
}

/// `x-tray-signature` of `body` with the key `key` (base64), as Tray computes it.
fn sign(key: &str, body: &[u8]) -> String {
    // Keys are the emulator's own (`new_signing_key`): always base64.
    let key = STANDARD.decode(key).unwrap_or_default();
    let mac = Hmac::<Sha256>::new_from_slice(&key)
        .expect("HMAC takes keys of any length")
        .chain_update(body)
        .finalize()
        .into_bytes();
    STANDARD.encode(mac)
}

impl EmulatorBuilder {
    /// How deliveries are retried: at most `attempts` attempts in all (`0` counts as `1`),
    /// waiting `first_delay` before the first retry and twice as long before each further one.
    /// Defaults: [`DEFAULT_DELIVERY_ATTEMPTS`] (5) and [`DEFAULT_DELIVERY_FIRST_DELAY`]
    /// (100 ms). Tray publishes neither.
    pub fn delivery_retries(mut self, attempts: u32, first_delay: Duration) -> Self {
        self.delivery.attempts = attempts.max(1);
        self.delivery.first_delay = first_delay;
        self
    }

    /// How long one delivery attempt waits for the receiver's answer (default
    /// [`DEFAULT_DELIVERY_TIMEOUT`], 10 s); no answer by then is retried like a refusal.
    pub fn delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery.timeout = timeout;
        self
    }
}

impl Emulator {
    /// Delivers `event` to subscription `subscription_id` as Tray would: a POST of its JSON to
    /// the subscription's endpoint, with `Content-Type: application/json` and an
    /// `x-tray-signature` made with the subscription's key; retried while the receiver answers
    /// anything but a 2xx or does not answer (see [`EmulatorBuilder::delivery_retries`]).
    ///
    /// Returns when the receiver took it or the attempts ran out: [`Delivery::delivered`]
    /// tells which, and [`Delivery::attempts`] what each attempt got. The event is not checked
    /// against the operation's `outputSchema`, so a test can send one of the wrong shape.
    ///
    /// # Errors
    ///
    /// [`EmulatorError::UnknownSubscription`] for an id the emulator does not have, and
    /// [`EmulatorError::NotDeliverable`] for a subscription whose creation failed. A receiver
    /// that refuses the event is not an error.
    pub async fn deliver_json(
        &self,
        subscription_id: &str,
        event: Value,
    ) -> Result<Delivery, EmulatorError> {
        let subscription = self.subscription_for_delivery(subscription_id)?;
        let body = serde_json::to_vec(&event).expect("a Value is always JSON");
        self.deliver_body(subscription, body).await
    }

    /// Makes deliveries that match `scope` go wrong as `fault` says: duplicated, delayed,
    /// mis-signed or cut short. Each delivery counts once for the scope (not each attempt);
    /// [`Scope::Operation`] names a trigger operation. The first matching fault in injection
    /// order applies; [`clear_faults`](Self::clear_faults) removes these too.
    pub fn inject_delivery(&self, fault: DeliveryFault, scope: Scope) {
        lock(&self.shared.deliverer.faults).inject(fault, scope);
    }

    /// Every delivery since start, in the order they finished.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.shared.deliverer.log).clone()
    }

    /// The subscription `id`, if events can be delivered to it.
    pub(crate) fn subscription_for_delivery(
        &self,
        id: &str,
    ) -> Result<RecordedSubscription, EmulatorError> {
        deliverable(&self.shared.subscriptions, id)
    }

    /// Signs and sends `body` to `subscription`'s endpoint (see [`Deliverer::deliver`]).
    pub(crate) async fn deliver_body(
        &self,
        subscription: RecordedSubscription,
        body: Vec<u8>,
    ) -> Result<Delivery, EmulatorError> {
        self.shared.deliverer.deliver(subscription, body).await
    }
}

/// The subscription `id` of `subscriptions`, if events can be delivered to it: what
/// [`Emulator::deliver_json`] and the `/_emulator` route of `tray-connect deliver` check.
pub(crate) fn deliverable(
    subscriptions: &SubscriptionStore,
    id: &str,
) -> Result<RecordedSubscription, EmulatorError> {
    let subscription = subscriptions
        .get(id)
        .ok_or_else(|| EmulatorError::UnknownSubscription { id: id.to_owned() })?;
    if subscription.state != "active" {
        return Err(EmulatorError::NotDeliverable {
            id: id.to_owned(),
            reason: format!(
                "it is in state {}, and Tray delivers only to active subscriptions",
                subscription.state
            ),
        });
    }
    Ok(subscription)
}

impl Deliverer {
    /// Signs and sends `body` to `subscription`'s endpoint, with retries and any injected
    /// fault, and logs the delivery.
    pub(crate) async fn deliver(
        &self,
        subscription: RecordedSubscription,
        body: Vec<u8>,
    ) -> Result<Delivery, EmulatorError> {
        let deliverer = self;
        let not_deliverable = |reason: String| EmulatorError::NotDeliverable {
            id: subscription.id.clone(),
            reason,
        };
        let url = check_endpoint(&subscription.endpoint).map_err(not_deliverable)?;
        let http = deliverer.http().map_err(not_deliverable)?;
        let fault = lock(&deliverer.faults).fault_for(Some(&subscription.operation));
        let signature = match fault {
            Some(DeliveryFault::MisSign) => sign(&new_signing_key(), &body),
            _ => sign(&subscription.signing_key, &body),
        };
        let mut body = Bytes::from(body);
        if let Some(DeliveryFault::Truncate(n)) = fault {
            body.truncate(n);
        }
        if let Some(DeliveryFault::Delay(wait)) = fault {
            tokio::time::sleep(wait).await;
        }
        let send = Outgoing {
            http,
            url: &url,
            body: &body,
            signature: &signature,
            policy: &deliverer.policy,
        };
        let mut attempts = send.until_taken(false).await;
        let taken = attempts.iter().any(|a| a.outcome.is_success());
        if taken && fault == Some(DeliveryFault::Duplicate) {
            attempts.extend(send.until_taken(true).await);
        }
        let delivery = Delivery {
            subscription_id: subscription.id,
            endpoint: subscription.endpoint,
            body,
            signature,
            fault,
            attempts,
        };
        lock(&deliverer.log).push(delivery.clone());
        Ok(delivery)
    }
}

/// One event on its way: what each attempt sends.
struct Outgoing<'a> {
    http: &'a reqwest::Client,
    url: &'a reqwest::Url,
    body: &'a Bytes,
    signature: &'a str,
    policy: &'a DeliveryPolicy,
}

impl Outgoing<'_> {
    /// Attempts until the receiver takes the event or the attempts run out.
    async fn until_taken(&self, redelivery: bool) -> Vec<DeliveryAttempt> {
        let mut attempts = Vec::new();
        for number in 1..=self.policy.attempts {
            if number > 1 {
                tokio::time::sleep(self.policy.delay(number - 1)).await;
            }
            let started = Instant::now();
            let outcome = self.attempt().await;
            let taken = outcome.is_success();
            attempts.push(DeliveryAttempt {
                outcome,
                duration: started.elapsed(),
                redelivery,
            });
            if taken {
                break;
            }
        }
        attempts
    }

    async fn attempt(&self) -> AttemptOutcome {
        let sent = self
            .http
            .post(self.url.clone())
            .timeout(self.policy.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, self.signature)
            .body(self.body.clone())
            .send()
            .await;
        match sent {
            Ok(mut answer) => {
                let status = answer.status().as_u16();
                // Read what little the receiver says, so the connection serves the next one.
                let mut read = 0usize;
                while let Ok(Some(chunk)) = answer.chunk().await {
                    read += chunk.len();
                    if read > MAX_ANSWER_BYTES {
                        break;
                    }
                }
                AttemptOutcome::Status(status)
            }
            Err(error) if error.is_timeout() => AttemptOutcome::NoAnswer(format!(
                "no answer within {} s",
                self.policy.timeout.as_secs_f64()
            )),
            Err(error) => AttemptOutcome::NoAnswer(innermost_cause(&error)),
        }
    }
}

/// The deepest message of an error chain, on one line ("Connection refused (os error 111)").
fn innermost_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(next) = deepest.source() {
        deepest = next;
    }
    deepest.to_string().replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_endpoints_are_accepted() {
        for ok in [
            "http://127.0.0.1:8080/tray/a",
            "http://127.9.9.9/",
            "http://[::1]:9000/x",
            "http://localhost:3000/hook",
            "http://LOCALHOST/",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
        for (refused, says) in [
            ("https://hooks.example.com/tray", "only to this machine"),
            ("http://10.0.0.1/x", "only to this machine"),
            ("http://localhost.evil.com/", "only to this machine"),
            ("http://[::2]/", "only to this machine"),
            ("https://127.0.0.1:8443/", "plain http"),
            ("not a url", "Invalid endpoint"),
        ] {
            let message = check_endpoint(refused).map(|_| ()).unwrap_err();
            assert!(message.contains(says), "{refused}: {message}");
        }
    }

    #[test]
    fn signatures_follow_trays_algorithm() {
        // The `valid_ascii` vector of core/tests/fixtures/trigger-signature-vectors.json.
        assert_eq!(
            sign(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                br#"{"group":{"id":"my-group","name":"My Group"},"boundary":"enter"}"#
            ),
            "Fn1gf/90NXwIvg+1pgKvdDBC7fK/4rvc0oJ683WCyHQ="
        );
        let key = new_signing_key();
        assert_eq!(STANDARD.decode(&key).unwrap().len(), 32);
        assert_ne!(key, new_signing_key());
    }

    #[test]
    fn retries_back_off_exponentially() {
        let policy = DeliveryPolicy {
            attempts: 40,
            first_delay: Duration::from_millis(10),
            timeout: Duration::from_secs(1),
        };
        assert_eq!(policy.delay(1), Duration::from_millis(10));
        assert_eq!(policy.delay(2), Duration::from_millis(20));
        assert_eq!(policy.delay(4), Duration::from_millis(80));
        assert!(policy.delay(39) > Duration::from_secs(1_000_000));
    }
}
