//! Injected faults: which request gets one ([`Scope`]) and what the client sees ([`Fault`]).

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::{Value, json};

/// What a faulted request answers. See [`Emulator::inject`](crate::Emulator::inject).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer this status with this JSON body (e.g. `Status(500, json!({"message": "boom",
    /// "code": null}))`). A status outside 100..=999 answers 500.
    Status(u16, Value),
    /// Answer this status with an HTML error page (`text/html`), as a proxy or load balancer would.
    Html(u16),
    /// Answer this status with a `Retry-After` header (whole seconds, rounded up) and Tray's flat
    /// JSON error body.
    RetryAfter(u16, Duration),
    /// Wait this long, then answer normally.
    Latency(Duration),
    /// Never answer (until the client gives up or the emulator is dropped).
    Hang,
    /// Send the real status and headers with the real body's full `Content-Length`, but only the
    /// first `n` bytes of it, then close the connection.
    Truncate(usize),
    /// Send the real status and headers, about half of the real body (chunked, no
    /// `Content-Length`), then drop the connection.
    DropMidBody,
    /// Send the real answer at this many bytes per second (`0`: headers, then nothing).
    Trickle {
        /// Body bytes per second.
        bytes_per_sec: u32,
    },
    /// Answer `200 {"outcome": "error", "output": <this>}`, as a failing third-party API does.
    ThirdPartyError(Value),
}

/// Which requests a fault applies to. Every request that passed the token check counts,
/// on all endpoints. For a [`DeliveryFault`](crate::DeliveryFault), every delivery counts
/// instead (each call of `deliver`, not each attempt).
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// The next `n` requests.
    Next(usize),
    /// Every `n`-th request counted from the injection (the n-th, 2n-th, ...); `0` never fires.
    Every(usize),
    /// Each request with probability `p` (clamped to 0..=1), decided by a generator seeded with
    /// the second value, so a run is reproducible.
    Fraction(f64, u64),
    /// Every Call Connector request of this operation (any connector); list requests never
    /// match. For a delivery fault: every delivery of an event of this trigger operation.
    Operation(String),
}

/// An injected fault and its progress.
#[derive(Debug)]
struct Rule<F> {
    fault: F,
    scope: Scope,
    /// Requests this rule has observed since injection.
    seen: usize,
    /// Times it fired (for `Next`).
    fired: usize,
    rng: fastrand::Rng,
}

/// Injected faults in injection order: [`Fault`]s of requests, or
/// [`DeliveryFault`](crate::DeliveryFault)s of event deliveries, each counted by its own table.
#[derive(Debug)]
pub(crate) struct FaultTable<F = Fault> {
    rules: Vec<Rule<F>>,
}

impl<F> Default for FaultTable<F> {
    fn default() -> Self {
        FaultTable { rules: Vec::new() }
    }
}

impl<F: Clone> FaultTable<F> {
    pub(crate) fn inject(&mut self, fault: F, scope: Scope) {
        let seed = match scope {
            Scope::Fraction(_, seed) => seed,
            _ => 0,
        };
        self.rules.push(Rule {
            fault,
            scope,
            seen: 0,
            fired: 0,
            rng: fastrand::Rng::with_seed(seed),
        });
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for the request now arriving, if any. Every rule observes every request (so
    /// `Every` and `Fraction` count all traffic); the first rule in injection order that matches
    /// fires. Exhausted `Next` rules are removed.
    pub(crate) fn fault_for(&mut self, operation: Option<&str>) -> Option<F> {
        let mut chosen = None;
        for rule in &mut self.rules {
            rule.seen += 1;
            let matches = match &rule.scope {
                Scope::Next(n) => rule.fired < *n,
                Scope::Every(n) => *n > 0 && rule.seen.is_multiple_of(*n),
                Scope::Fraction(p, _) => rule.rng.f64() < p.clamp(0.0, 1.0),
                Scope::Operation(name) => operation == Some(name.as_str()),
            };
            if matches && chosen.is_none() {
                rule.fired += 1;
                chosen = Some(rule.fault.clone());
            }
        }
        self.rules
            .retain(|rule| !matches!(rule.scope, Scope::Next(n) if rule.fired >= n));
        chosen
    }
}

/// A finished, unfaulted answer: status and JSON body, or recorded bytes ([`RawAnswer`]).
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    /// When set, the answer's bytes and headers, sent as they are instead of `body`.
    pub(crate) raw: Option<Box<RawAnswer>>,
}

/// An answer replayed byte for byte: its body and the headers it was recorded with.
#[derive(Debug, Clone)]
pub(crate) struct RawAnswer {
    pub(crate) bytes: Bytes,
    pub(crate) headers: Vec<(axum::http::HeaderName, HeaderValue)>,
}

impl Reply {
    pub(crate) fn ok(body: Value) -> Reply {
        Reply::with(StatusCode::OK, body)
    }

    /// `status` with the JSON `body`.
    pub(crate) fn with(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body,
            raw: None,
        }
    }

    /// `status` with recorded bytes and headers, sent as they are.
    pub(crate) fn raw(status: StatusCode, raw: RawAnswer) -> Reply {
        Reply {
            status,
            body: Value::Null,
            raw: Some(Box::new(raw)),
        }
    }

    /// The same answer with another status.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Reply {
        self.status = status;
        self
    }

    /// Tray's flat error body `{"message": .., "code": null}`.
    pub(crate) fn tray_error(status: StatusCode, message: impl Into<String>) -> Reply {
        Reply::with(status, json!({"message": message.into(), "code": null}))
    }

    /// `204 No Content` with an empty `text/html` body, as Tray answers a deletion.
    pub(crate) fn no_content() -> Reply {
        Reply::with(StatusCode::NO_CONTENT, Value::Null)
    }

    fn bytes(&self) -> Bytes {
        if let Some(raw) = &self.raw {
            return raw.bytes.clone();
        }
        if self.status == StatusCode::NO_CONTENT {
            return Bytes::new();
        }
        Bytes::from(serde_json::to_vec(&self.body).unwrap_or_default())
    }

    pub(crate) fn into_response(self) -> Response {
        if let Some(raw) = self.raw {
            let raw = *raw;
            let mut response = Response::new(Body::from(raw.bytes));
            *response.status_mut() = self.status;
            for (name, value) in raw.headers {
                response.headers_mut().insert(name, value);
            }
            return response;
        }
        if self.status == StatusCode::NO_CONTENT {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = self.status;
            // Tray's published deletions (an authentication, a subscription) say `text/html`.
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            return response;
        }
        let bytes = self.bytes();
        json_response(self.status, Body::from(bytes))
    }
}

fn json_response(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// How long a shaped body waits before failing, so the bytes before the failure reach the client.
const FLUSH_GRACE: Duration = Duration::from_millis(50);

/// Answers `real` as shaped by `fault`. `real` is computed only when the fault needs it.
pub(crate) async fn answer(fault: Option<Fault>, real: impl FnOnce() -> Reply) -> Response {
    let Some(fault) = fault else {
        return real().into_response();
    };
    match fault {
        Fault::Status(code, body) => Reply::with(status(code), body).into_response(),
        Fault::Html(code) => {
            let status = status(code);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\
                 <body><h1>{title}</h1><hr><center>emulated proxy</center></body></html>\n"
            );
            let mut response = Response::new(Body::from(page));
            *response.status_mut() = status;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Fault::RetryAfter(code, wait) => {
            let status = status(code);
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let message = if status == StatusCode::TOO_MANY_REQUESTS {
                "Too many requests".to_owned()
            } else {
                status.canonical_reason().unwrap_or("Error").to_owned()
            };
            let mut response = Reply::tray_error(status, message).into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
        Fault::Latency(wait) => {
            tokio::time::sleep(wait).await;
            real().into_response()
        }
        Fault::Hang => std::future::pending().await,
        Fault::ThirdPartyError(output) => {
            Reply::ok(json!({"outcome": "error", "output": output})).into_response()
        }
        Fault::Truncate(n) => {
            let reply = real();
            let bytes = reply.bytes();
            let full = bytes.len();
            if n >= full {
                return reply.into_response();
            }
            let mut response = json_response(reply.status, failing_body(bytes.slice(..n)));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
            response
        }
        Fault::DropMidBody => {
            let reply = real();
            let bytes = reply.bytes();
            let half = bytes.len() / 2;
            json_response(reply.status, failing_body(bytes.slice(..half)))
        }
        Fault::Trickle { bytes_per_sec } => {
            let reply = real();
            let bytes = reply.bytes();
            let full = bytes.len();
            let mut response = json_response(reply.status, trickle_body(bytes, bytes_per_sec));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
            response
        }
    }
}

/// A body that sends `head`, then fails: hyper then aborts the connection mid-body.
fn failing_body(head: Bytes) -> Body {
    let head = futures_util::stream::iter([Ok::<_, std::io::Error>(head)]);
    let failure = futures_util::stream::once(async {
        tokio::time::sleep(FLUSH_GRACE).await;
        Err(std::io::Error::other(
            "connection dropped by an injected fault",
        ))
    });
    Body::from_stream(head.chain(failure))
}

/// A body that releases `bytes` at about `bytes_per_sec`, in ticks of 50 ms.
fn trickle_body(bytes: Bytes, bytes_per_sec: u32) -> Body {
    if bytes_per_sec == 0 {
        return Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
    }
    let tick = Duration::from_millis(50);
    let per_tick = (bytes_per_sec as usize / 20).max(1);
    // At very low rates one byte per tick would be too fast: stretch the tick instead.
    let tick = if bytes_per_sec < 20 {
        Duration::from_secs_f64(1.0 / f64::from(bytes_per_sec))
    } else {
        tick
    };
    let stream = futures_util::stream::unfold(bytes, move |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        tokio::time::sleep(tick).await;
        let chunk = rest.split_to(per_tick.min(rest.len()));
        Some((Ok::<_, std::io::Error>(chunk), rest))
    });
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fires(table: &mut FaultTable, requests: usize, operation: Option<&str>) -> Vec<bool> {
        (0..requests)
            .map(|_| table.fault_for(operation).is_some())
            .collect()
    }

    #[test]
    fn next_fires_n_times_then_goes_away() {
        let mut table = FaultTable::default();
        table.inject(Fault::Hang, Scope::Next(2));
        assert_eq!(fires(&mut table, 4, None), [true, true, false, false]);
        assert!(table.rules.is_empty());
    }

    #[test]
    fn every_fires_on_each_nth_request() {
        let mut table = FaultTable::default();
        table.inject(Fault::Hang, Scope::Every(3));
        assert_eq!(
            fires(&mut table, 7, None),
            [false, false, true, false, false, true, false]
        );
        let mut never = FaultTable::default();
        never.inject(Fault::Hang, Scope::Every(0));
        assert_eq!(fires(&mut never, 3, None), [false; 3]);
    }

    #[test]
    fn fraction_is_seeded_and_roughly_proportional() {
        let run = |seed| {
            let mut table = FaultTable::default();
            table.inject(Fault::Hang, Scope::Fraction(0.3, seed));
            fires(&mut table, 1000, None)
        };
        assert_eq!(run(7), run(7));
        let hits = run(7).into_iter().filter(|f| *f).count();
        assert!((200..400).contains(&hits), "{hits}");
        let mut all = FaultTable::default();
        all.inject(Fault::Hang, Scope::Fraction(1.0, 1));
        assert_eq!(fires(&mut all, 3, None), [true; 3]);
    }

    #[test]
    fn operation_matches_only_that_call() {
        let mut table = FaultTable::default();
        table.inject(Fault::Hang, Scope::Operation("send_sms".into()));
        assert!(table.fault_for(Some("send_sms")).is_some());
        assert!(table.fault_for(Some("get_rows")).is_none());
        assert!(table.fault_for(None).is_none());
    }

    #[test]
    fn first_injected_matching_rule_wins() {
        let mut table = FaultTable::default();
        table.inject(Fault::Html(502), Scope::Next(1));
        table.inject(Fault::Hang, Scope::Every(1));
        assert_eq!(table.fault_for(None), Some(Fault::Html(502)));
        assert_eq!(table.fault_for(None), Some(Fault::Hang));
        table.clear();
        assert_eq!(table.fault_for(None), None);
    }
}
