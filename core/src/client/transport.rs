//! How a request is sent: built against the base URL, let go by the client's limits, bounded
//! by its timeout, retried as the policy allows, and a failed attempt turned into an [`Error`].

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use tracing::Instrument;

use super::Client;
use super::span::{Target, attempt_span};
use crate::Error;
use crate::body::{BodyError, read_capped, too_large};
use crate::path::{host_port, is_loopback};
use crate::retry::{Failure, RequestKind, parse_retry_after};
use crate::text::one_line;
use crate::wire;

/// One HTTP request, ready to be sent (and re-sent).
pub(crate) struct Request {
    kind: RequestKind,
    pub(super) method: &'static str,
    pub(super) url: reqwest::Url,
    /// Shared, so a retry resends it without copying.
    body: Option<Bytes>,
    /// The largest answer body accepted: the client's cap, or what is left of a listing's.
    pub(crate) max_bytes: usize,
    /// A Call Connector request, limited by calls in flight rather than paced.
    pub(super) call_connector: bool,
    /// An idempotent deletion: a 404 after an attempt that may have deleted (a 5xx) means the
    /// thing is gone, which is what was asked.
    pub(crate) gone_is_done: bool,
}

/// Now, when debug logs are on: the clock is read only for them (each read is a measurable
/// share of a call).
fn debug_clock() -> Option<Instant> {
    tracing::enabled!(tracing::Level::DEBUG).then(Instant::now)
}

/// A failed attempt and what the retry logic needs to know about it.
struct Failed {
    error: Error,
    failure: Failure,
    retry_after: Option<Duration>,
}

impl Failed {
    /// OpenTelemetry's `error.type`: the status code of an HTTP error, else what failed.
    fn error_type(&self) -> &'static str {
        match (&self.failure, &self.error) {
            (Failure::Status(_), _) => "http_status",
            (Failure::Connect, _) => "connect",
            (Failure::RateLimited, _) => "rate_limited",
            (Failure::Other, Error::Timeout { .. }) => "timeout",
            (Failure::Other, Error::ResponseTooLarge { .. }) => "response_too_large",
            (Failure::Other, _) => "transport",
        }
    }
}

impl Client {
    /// Sends a `method` request to `path` under the base URL (the REST endpoints other than
    /// the three of the Connectivity API) and returns the body of its 2xx answer.
    pub(crate) async fn rest(
        &self,
        kind: RequestKind,
        method: &'static str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Bytes, Error> {
        let url = format!("{}{path}", self.inner.base_url);
        let request = self.request_to(kind, method, &url, body)?;
        self.send(request).await
    }

    /// A request to `path` under the base URL: a POST with a body, else a GET.
    pub(super) fn request(
        &self,
        kind: RequestKind,
        path: String,
        body: Option<Vec<u8>>,
    ) -> Result<Request, Error> {
        let method = if body.is_some() { "POST" } else { "GET" };
        let url = format!("{}{path}", self.inner.base_url);
        self.request_to(kind, method, &url, body)
    }

    /// A request to an absolute `url` with any method.
    pub(crate) fn request_to(
        &self,
        kind: RequestKind,
        method: &'static str,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Request, Error> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| Error::config(format!("could not build the request URL: {e}")))?;
        Ok(Request {
            kind,
            method,
            url,
            body: body.map(Bytes::from),
            max_bytes: self.inner.max_response_bytes,
            call_connector: false,
            gone_is_done: false,
        })
    }

    /// Sends `request`, retrying as the policy allows; returns the body of a 2xx answer.
    pub(crate) async fn send(&self, request: Request) -> Result<Bytes, Error> {
        self.send_checked(request, |_| None).await
    }

    /// Like [`send`](Self::send), but a 2xx body for which `rate_limited` returns an error is
    /// Tray's rate limit reported in the body (GraphQL answers so with HTTP 200): retried like a
    /// 429 within the same attempt budget, and that error returned once the budget is spent.
    pub(crate) async fn send_checked(
        &self,
        request: Request,
        rate_limited: impl Fn(&[u8]) -> Option<Error>,
    ) -> Result<Bytes, Error> {
        self.send_traced(request, rate_limited, None).await
    }

    /// Like [`send_checked`](Self::send_checked), each attempt in a span that names the
    /// connector operation `target` when it is a call.
    pub(super) async fn send_traced(
        &self,
        request: Request,
        rate_limited: impl Fn(&[u8]) -> Option<Error>,
        target: Option<Target<'_>>,
    ) -> Result<Bytes, Error> {
        let retry = &self.inner.retry;
        let max_attempts = retry.max_attempts(request.kind);
        let mut attempt = 1;
        // Whether an earlier attempt may have done what was asked before failing.
        let mut may_have_acted = false;
        loop {
            let span = attempt_span(request.method, &request.url, target, attempt);
            let failed = match self.attempt(&request).instrument(span.clone()).await {
                Ok(body) => match rate_limited(&body) {
                    None => return Ok(body),
                    Some(error) => Failed {
                        error,
                        failure: Failure::RateLimited,
                        retry_after: None,
                    },
                },
                Err(failed) => failed,
            };
            if !span.is_disabled() {
                span.record("otel.status_code", "ERROR");
                span.record("error.type", failed.error_type());
            }
            if request.gone_is_done && may_have_acted && failed.failure == Failure::Status(404) {
                span.in_scope(|| {
                    tracing::debug!("gone after an earlier attempt that may have deleted it: done");
                });
                return Ok(Bytes::new());
            }
            if attempt >= max_attempts || !retry.retries(request.kind, failed.failure) {
                return Err(failed.error);
            }
            may_have_acted |= matches!(failed.failure, Failure::Status(500..));
            let Some(delay) = retry.delay(attempt, failed.retry_after) else {
                return Err(failed.error);
            };
            span.in_scope(|| {
                tracing::debug!(
                    delay_ms = delay.as_millis() as u64,
                    error = %failed.error,
                    "retrying"
                );
            });
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, bounded as a whole (connect, headers and body) by the timeout, which
    /// starts once the client's limits let the request go.
    async fn attempt(&self, request: &Request) -> Result<Bytes, Failed> {
        let timeout = match request.kind {
            RequestKind::Read => self.inner.read_timeout,
            // Creating a subscription registers a webhook with the third party, as slow as a call.
            RequestKind::Call | RequestKind::Create => self.inner.call_timeout,
        };
        let queued = debug_clock();
        // A call's slot is held until its answer has been read (dropped with this attempt).
        let slot = self.inner.limits.wait_turn(request.call_connector).await;
        let started = debug_clock();
        if let (Some(queued), Some(started)) = (queued, started) {
            let waited = started.duration_since(queued);
            if waited >= Duration::from_millis(1) {
                tracing::debug!(
                    waited_ms = waited.as_millis() as u64,
                    "waited for the client's limits"
                );
            }
        }
        let result = match tokio::time::timeout(timeout, self.exchange(request)).await {
            Ok(result) => result,
            Err(_elapsed) => {
                if let Some(started) = started {
                    tracing::debug!(
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "timed out"
                    );
                }
                Err(Failed {
                    error: Error::Timeout {
                        after: timeout,
                        method: request.method,
                        path: request.url.path().to_owned(),
                    },
                    failure: Failure::Other,
                    retry_after: None,
                })
            }
        };
        // A lease in Redis is given back before the call returns (a process that exits right
        // after its calls leaves none behind); the in-process slot goes with it.
        #[cfg(feature = "redis")]
        if let Some(slot) = slot {
            slot.release().await;
        }
        #[cfg(not(feature = "redis"))]
        drop(slot);
        result
    }

    async fn exchange(&self, request: &Request) -> Result<Bytes, Failed> {
        let inner = &self.inner;
        let started = debug_clock();
        let http = if is_loopback(&request.url) {
            &inner.loopback_http
        } else {
            &inner.http
        };
        let mut builder = match (&request.body, request.method) {
            (_, "DELETE") => http.delete(request.url.clone()),
            (Some(body), "PUT") => http
                .put(request.url.clone())
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone()),
            (Some(body), _) => http
                .post(request.url.clone())
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone()),
            (None, _) => http.get(request.url.clone()),
        };
        builder = builder
            .header(AUTHORIZATION, inner.authorization.clone())
            .header(ACCEPT, "application/json");
        let mut response = builder
            .send()
            .await
            .map_err(|e| self.transport_failure(e, request))?;
        let status = response.status().as_u16();
        tracing::Span::current().record("http.response.status_code", status);
        tracing::debug!(
            status,
            elapsed_ms = started.map_or(0, |s| s.elapsed().as_millis() as u64),
            "response"
        );
        let body = read_capped(&mut response, request.max_bytes).await;
        if response.status().is_success() {
            return body.map_err(|e| self.body_failure(e, request));
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        // An unreadable error body still leaves the status worth reporting.
        let error = match body {
            Ok(body) => wire::api_error(status, content_type, &body, retry_after),
            Err(unread) => {
                let what: &[u8] = match unread {
                    BodyError::TooLarge => b"(error body over the size limit)",
                    BodyError::Transport(_) => b"(error body lost: connection closed)",
                };
                let mut error = wire::api_error(status, content_type, what, retry_after);
                if let Error::Tray { body, .. } = &mut error {
                    *body = "".into();
                }
                error
            }
        };
        Err(Failed {
            error,
            failure: Failure::Status(status),
            retry_after,
        })
    }

    fn transport_failure(&self, error: reqwest::Error, request: &Request) -> Failed {
        let connect = error.is_connect();
        let summary = if connect {
            "could not connect to"
        } else if error.is_body() || error.is_decode() {
            "connection lost while reading the response from"
        } else {
            "no answer from"
        };
        Failed {
            error: transport_error(summary, error, connect, request),
            failure: if connect {
                Failure::Connect
            } else {
                Failure::Other
            },
            retry_after: None,
        }
    }

    fn body_failure(&self, error: BodyError, request: &Request) -> Failed {
        let error = match error {
            BodyError::TooLarge => too_large(request.max_bytes, request.method, request.url.path()),
            BodyError::Transport(e) => transport_error(
                "connection lost while reading the response from",
                e,
                false,
                request,
            ),
        };
        Failed {
            error,
            failure: Failure::Other,
            retry_after: None,
        }
    }
}

fn transport_error(
    summary: &'static str,
    error: reqwest::Error,
    connect: bool,
    request: &Request,
) -> Error {
    let error = error.without_url();
    Error::Transport {
        summary,
        host: host_port(&request.url).into(),
        cause: innermost_cause(&error),
        method: request.method,
        path: request.url.path().into(),
        connect,
        source: Box::new(error),
    }
}

/// The deepest message of an error chain: reqwest's own top message ("error sending request")
/// says less than the OS error at the bottom.
fn innermost_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(next) = deepest.source() {
        deepest = next;
    }
    one_line(&deepest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::segment;

    const TOKEN: &str = "tok-very-secret-0123456789";

    #[test]
    fn segments_with_slashes_stay_one_segment_in_the_url() {
        let client = Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9/prefix/")
            .build()
            .unwrap();
        let path = format!(
            "/core/v1/connectors/{}/versions/{}/operations",
            segment("n", "a/../b?x#y").unwrap(),
            segment("v", "1 0").unwrap()
        );
        let request = client.request(RequestKind::Read, path, None).unwrap();
        assert_eq!(
            request.url.as_str(),
            "http://127.0.0.1:9/prefix/core/v1/connectors/a%2F..%2Fb%3Fx%23y/versions/1%200/operations"
        );
        assert_eq!(request.method, "GET");
        assert_eq!(request.url.query(), None);
    }
}
