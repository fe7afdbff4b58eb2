//! The async client of the three Connectivity API endpoints.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde_json::Value;
use tracing::Instrument;

use crate::body::{BodyError, read_capped, too_large};
use crate::config::{CONNECT_TIMEOUT, Checked, ClientBuilder, MAX_IDLE_CONNECTIONS};
use crate::drift::{DriftLog, DriftReport};
use crate::limits::Limits;
use crate::path::{host_port, is_loopback, segment};
use crate::retry::{Failure, RequestKind, RetryPolicy, parse_retry_after};
use crate::text::one_line;
use crate::wire::{self, Connector, OperationInfo};
use crate::{Error, Lookup, LookupOption, Operation};

/// A client of Tray's Connectivity API.
///
/// Cheap to clone (the connection pool and settings are shared), `Send + Sync`, and every
/// future it returns is `Send`. Needs a Tokio runtime with the time driver enabled (as
/// `#[tokio::main]` gives).
///
/// ```no_run
/// # async fn run() -> Result<(), tray_connect::Error> {
/// let client = tray_connect::Client::from_env()?;
/// for connector in client.list_connectors().await? {
///     println!("{} {}", connector.name, connector.version);
/// }
/// let output = client
///     .call_raw("slack", "9.1", "send_message", "fe6ce53d-b414-4f24-b0d5-16a0a75544a0",
///               serde_json::json!({"channel": "C123", "text": "hi"}))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    /// For hosts other than loopback: uses the system's proxy settings.
    http: reqwest::Client,
    /// For loopback hosts: never a proxy.
    loopback_http: reqwest::Client,
    base_url: String,
    /// The Embedded (GraphQL) API endpoint: another host than `base_url` on Tray.
    pub(crate) graphql_url: String,
    /// `Bearer <token>`, marked sensitive so the HTTP stack never logs it.
    pub(crate) authorization: HeaderValue,
    call_timeout: Duration,
    read_timeout: Duration,
    retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    /// The most items a paged listing may hold in all.
    pub(crate) max_listed_items: usize,
    /// Calls in flight and the pace of other requests; shared with `as_user` clients.
    limits: Arc<Limits>,
    /// What answers held that the documents did not promise; shared with clones and `as_user`
    /// clients.
    drift: Arc<DriftLog>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("token", &"<redacted>")
            .field("call_timeout", &inner.call_timeout)
            .field("read_timeout", &inner.read_timeout)
            .field("retry", &inner.retry)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("max_listed_items", &inner.max_listed_items)
            .field("max_concurrent_calls", &inner.limits.max_concurrent_calls())
            .field("rate_limit", &inner.limits.rate_limit())
            .field("shared_limits", &inner.limits.shared_namespace())
            .finish()
    }
}

/// One HTTP request, ready to be sent (and re-sent).
pub(crate) struct Request {
    kind: RequestKind,
    method: &'static str,
    url: reqwest::Url,
    /// Shared, so a retry resends it without copying.
    body: Option<Bytes>,
    /// The largest answer body accepted: the client's cap, or what is left of a listing's.
    pub(crate) max_bytes: usize,
    /// A Call Connector request, limited by calls in flight rather than paced.
    call_connector: bool,
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

/// The connector operation a Call Connector request calls, for its spans.
#[derive(Clone, Copy)]
struct Target<'a> {
    connector: &'a str,
    version: &'a str,
    operation: &'a str,
}

/// The span of one attempt: `tray.call` for a Call Connector request, `tray.request` for any
/// other, at `INFO`, with OpenTelemetry's HTTP client names (`otel.kind = "client"`,
/// `http.request.method`, `url.path`, `server.address`, `server.port`,
/// `http.request.resend_count`, then `http.response.status_code`, and on failure
/// `error.type` and `otel.status_code = "ERROR"`), and for a call `tray.connector`,
/// `tray.version`, `tray.operation`. Never the token, an authId, an input or an output:
/// `url.path` shows the ids of authentications and subscriptions as `{id}`.
fn attempt_span(request: &Request, target: Option<Target<'_>>, attempt: u32) -> tracing::Span {
    use tracing::field::{Empty, display};
    let path = display(PathTemplate(request.url.path()));
    let host = request.url.host_str().unwrap_or_default();
    let port = request.url.port_or_known_default();
    let resends = attempt.saturating_sub(1);
    match target {
        Some(target) => tracing::info_span!(
            "tray.call",
            otel.kind = "client",
            otel.status_code = Empty,
            http.request.method = request.method,
            url.path = path,
            server.address = host,
            server.port = port,
            http.request.resend_count = resends,
            http.response.status_code = Empty,
            error.type = Empty,
            tray.connector = target.connector,
            tray.version = target.version,
            tray.operation = target.operation,
            tray.attempt = attempt,
        ),
        None => tracing::info_span!(
            "tray.request",
            otel.kind = "client",
            otel.status_code = Empty,
            http.request.method = request.method,
            url.path = path,
            server.address = host,
            server.port = port,
            http.request.resend_count = resends,
            http.response.status_code = Empty,
            error.type = Empty,
            tray.attempt = attempt,
        ),
    }
}

/// A URL path with the ids of authentications, subscriptions and users written `{id}`: a
/// span's `url.path` never holds an authId (and has few distinct values).
struct PathTemplate<'a>(&'a str);

impl fmt::Display for PathTemplate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut previous = "";
        for (i, segment) in self.0.split('/').enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            let is_id = matches!(previous, "authentications" | "subscriptions" | "users")
                && !segment.is_empty();
            f.write_str(if is_id { "{id}" } else { segment })?;
            previous = segment;
        }
        Ok(())
    }
}

impl Client {
    /// A client of the US region with `token`.
    pub fn new(token: impl Into<String>) -> Result<Client, Error> {
        Client::builder().token(token).build()
    }

    /// A builder for other regions, base URLs, timeouts and retry policies.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `TRAY_TOKEN` (required), `TRAY_REGION`
    /// (`us`, `eu` or `ap`; default `us`) and `TRAY_API_URL` (overrides the region's base URL,
    /// e.g. an emulator's `http://127.0.0.1:PORT`).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env_with(|name| std::env::var(name).ok())?.build()
    }

    pub(crate) fn from_builder(builder: ClientBuilder) -> Result<Client, Error> {
        let Checked {
            authorization,
            base_url,
            graphql_url,
            limits,
        } = builder.check()?;
        // Loopback stays loopback: a proxy from the environment (`HTTP_PROXY`, ...) would
        // otherwise receive the token in clear for an `http://` emulator URL. One HTTP client
        // serves both URLs unless only one of them is on loopback.
        let loopback = |url: &str| reqwest::Url::parse(url).is_ok_and(|url| is_loopback(&url));
        let (http, loopback_http) = match (
            &builder.http_client,
            loopback(&base_url),
            loopback(&graphql_url),
        ) {
            // The caller's own, for every host (its docs say what that gives up).
            (Some(own), _, _) => (own.clone(), own.clone()),
            (None, true, true) => {
                let direct = http_client(&builder, false)?;
                (direct.clone(), direct)
            }
            (None, false, false) => {
                let proxied = http_client(&builder, true)?;
                (proxied.clone(), proxied)
            }
            (None, _, _) => (http_client(&builder, true)?, http_client(&builder, false)?),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                loopback_http,
                base_url,
                graphql_url,
                authorization,
                call_timeout: builder.call_timeout,
                read_timeout: builder.read_timeout,
                retry: builder.retry,
                max_response_bytes: builder.max_response_bytes,
                max_listed_items: builder.max_listed_items,
                limits: Arc::new(limits),
                drift: Arc::default(),
            }),
        })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Get Connectors: every connector version the token can use.
    pub async fn list_connectors(&self) -> Result<Vec<Connector>, Error> {
        let request = self.request(RequestKind::Read, "/core/v1/connectors".to_owned(), None)?;
        let body = self.send(request).await?;
        wire::decode_connectors(&body)
    }

    /// Get Connector Operations: the operations of connector `name` at `version`, with their
    /// input and output schemas.
    pub async fn list_operations(
        &self,
        name: &str,
        version: &str,
    ) -> Result<Vec<OperationInfo>, Error> {
        let body = self.operations_body(name, version).await?;
        wire::decode_operations(&body)
    }

    /// Get Connector Operations as raw JSON: the whole answer (`{"elements": [...]}`), every
    /// key kept, for tools that vendor the document (`tray-connect pull`). Same path checks,
    /// retries, size cap and timeouts as [`list_operations`](Self::list_operations).
    ///
    /// # Errors
    ///
    /// As `list_operations`: an answer that is not a well-formed Get Connector Operations
    /// response is [`Error::Decode`], located the same way.
    pub async fn operations_document(&self, name: &str, version: &str) -> Result<Value, Error> {
        let body = self.operations_body(name, version).await?;
        // Checked through the typed decoder first, so a malformed answer fails exactly as
        // `list_operations` would; the raw value then keeps every key the types ignore.
        wire::decode_operations(&body)?;
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            what: "Get Connector Operations response".to_owned(),
            path: format!("line {} column {}", source.line(), source.column()),
            message: source.to_string(),
            output: None,
            source: Some(source),
        })
    }

    async fn operations_body(&self, name: &str, version: &str) -> Result<Bytes, Error> {
        let path = format!(
            "/core/v1/connectors/{}/versions/{}/operations",
            segment("connector name", name)?,
            segment("connector version", version)?
        );
        self.send(self.request(RequestKind::Read, path, None)?)
            .await
    }

    /// Calls the operation `O` with `input` through the authentication `auth_id` (an empty
    /// `auth_id` sends none), and decodes its output.
    ///
    /// A third-party failure (HTTP 200 with `outcome: "error"`) is [`Error::Connector`]; an
    /// output that does not match `O::Output` is [`Error::Decode`] carrying the whole output.
    pub async fn call<O: Operation>(&self, auth_id: &str, input: O) -> Result<O::Output, Error> {
        // Typed both ways: the input is serialised straight into the request body and the
        // answer decoded straight into the output, with no `Value` in between.
        let body = wire::encode_call(O::NAME, auth_id, &input, false)?;
        self.call_encoded::<O>(body).await
    }

    /// Sends the Call Connector `body` of an `O` call and decodes its output.
    pub(crate) async fn call_encoded<O: Operation>(
        &self,
        body: Vec<u8>,
    ) -> Result<O::Output, Error> {
        let answer = self
            .call_body(O::CONNECTOR, O::VERSION, O::NAME, body)
            .await?;
        self.inner
            .drift
            .watch::<O::Output, _>(O::CONNECTOR, O::VERSION, O::NAME, &answer, || {
                wire::decode_call_typed(&answer, || {
                    format!("output of {} {}", O::CONNECTOR, O::NAME)
                })
            })
    }

    /// What Tray's answers to this client's typed calls ([`call`](Self::call)) held that the
    /// vendored documents did not promise: members the document does not list (kept in
    /// `extra`), enum values it does not list (kept in `Unknown`), numbers or booleans sent as
    /// text, values of members it gives no type (kept as `serde_json::Value`). One entry per
    /// connector, version, operation and JSON pointer into the output, with how many answers
    /// it was seen in.
    ///
    /// Each entry is also logged once, when first seen, as a `tracing` event at `WARN` with
    /// target `tray_connect::drift` and the fields `connector`, `version`, `operation`,
    /// `pointer` and `kind` (never a value). Both are kept per client: a client's clones and
    /// its [`as_user`](Self::as_user) clients share them, other clients have their own (a
    /// process normally has one client; tests and tenants with several get reports of their
    /// own rather than each other's).
    ///
    /// An answer with nothing unpromised costs nothing more to decode; one with something is
    /// decoded a second time, through a path-tracking deserializer, to find where. Write the
    /// report to a file and give it to `tray-connect check --observed FILE` to fail a CI job on
    /// what production saw:
    ///
    /// ```no_run
    /// # fn run(client: tray_connect::Client) -> std::io::Result<()> {
    /// let report = client.drift_report();
    /// if !report.is_empty() {
    ///     report.write_json("drift-observed.json")?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn drift_report(&self) -> DriftReport {
        self.inner.drift.report()
    }

    /// Calls `operation` of connector `name` at `version` with a JSON `input`, returning the
    /// `output` of a successful call as JSON.
    pub async fn call_raw(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        auth_id: &str,
        input: Value,
    ) -> Result<Value, Error> {
        self.call_value(name, version, operation, auth_id, &input, false)
            .await
    }

    /// Asks for the output schema of a `hasDynamicOutput` operation for this `input`
    /// (`returnOutputSchema: true`), returning `output.output_schema` (JSON Schema draft-04).
    pub async fn output_schema<O: Operation>(
        &self,
        auth_id: &str,
        input: O,
    ) -> Result<Value, Error> {
        let input = encode_input(O::NAME, &input)?;
        let output = self
            .call_value(O::CONNECTOR, O::VERSION, O::NAME, auth_id, &input, true)
            .await?;
        wire::decode_output_schema(
            output,
            &format!("output schema of {} {}", O::CONNECTOR, O::NAME),
        )
    }

    /// [`Client::output_schema`] by name, with the input as JSON (what `tray-connect pull
    /// --sample` sends): `output.output_schema` of a `returnOutputSchema: true` call.
    pub async fn output_schema_raw(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        auth_id: &str,
        input: Value,
    ) -> Result<Value, Error> {
        let output = self
            .call_value(name, version, operation, auth_id, &input, true)
            .await?;
        wire::decode_output_schema(output, &format!("output schema of {name} {operation}"))
    }

    /// Runs a lookup (the choices of a dynamic dropdown), reading `output.result`.
    pub async fn lookup(&self, auth_id: &str, lookup: Lookup) -> Result<Vec<LookupOption>, Error> {
        let output = self
            .call_value(
                lookup.connector(),
                lookup.version(),
                lookup.operation(),
                auth_id,
                lookup.input(),
                false,
            )
            .await?;
        wire::decode_lookup(
            output,
            &format!(
                "lookup result of {} {}",
                lookup.connector(),
                lookup.operation()
            ),
        )
    }

    async fn call_value(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        auth_id: &str,
        input: &Value,
        return_output_schema: bool,
    ) -> Result<Value, Error> {
        let body = wire::encode_call(operation, auth_id, input, return_output_schema)?;
        let answer = self.call_body(name, version, operation, body).await?;
        wire::decode_call(&answer)
    }

    /// Sends a Call Connector request body and returns the answer's body (2xx only).
    async fn call_body(
        &self,
        name: &str,
        version: &str,
        operation: &str,
        body: Vec<u8>,
    ) -> Result<Bytes, Error> {
        if operation.is_empty() {
            return Err(Error::config("operation name is empty"));
        }
        // One string for the whole URL: this runs on every call.
        let url = format!(
            "{}/core/v1/connectors/{}/versions/{}/call",
            self.inner.base_url,
            segment("connector name", name)?,
            segment("connector version", version)?
        );
        let mut request = self.request_to(RequestKind::Call, "POST", &url, Some(body))?;
        request.call_connector = true;
        let target = Target {
            connector: name,
            version,
            operation,
        };
        self.send_traced(request, |_| None, Some(target)).await
    }

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
    fn request(
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
    async fn send_traced(
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
            let span = attempt_span(&request, target, attempt);
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

impl ClientBuilder {
    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] when the token is missing or empty, the base URL is
    /// refused, or a limit is zero.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(self)
    }
}

/// The HTTP client of a [`Client`]; `system_proxy: false` ignores `HTTP_PROXY` and friends.
fn http_client(builder: &ClientBuilder, system_proxy: bool) -> Result<reqwest::Client, Error> {
    let mut http = reqwest::Client::builder()
        .user_agent(concat!("tray-connect/", env!("CARGO_PKG_VERSION")))
        // The API does not redirect; following one could replay a call elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT.min(builder.call_timeout.max(builder.read_timeout)))
        // Bursts open connections the pool would otherwise keep idle without limit (1,000
        // concurrent calls left ~1,800 idle sockets); Tray accepts at most this many
        // concurrent calls, so more idle connections are never useful.
        .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS);
    if !system_proxy {
        http = http.no_proxy();
    }
    http.build().map_err(|e| {
        Error::config(format!(
            "could not set up the HTTP client: {}",
            one_line(&e.to_string())
        ))
    })
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

fn encode_input<O: serde::Serialize>(operation: &str, input: &O) -> Result<Value, Error> {
    serde_json::to_value(input).map_err(|source| Error::Encode {
        operation: operation.to_owned(),
        message: source.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tok-very-secret-0123456789";

    #[test]
    fn client_is_send_sync_clone_and_its_futures_are_send() {
        fn send_sync<T: Send + Sync + Clone>() {}
        fn send<T: Send>(_: &T) {}
        send_sync::<Client>();
        let client = Client::new(TOKEN).unwrap();
        send(&client.list_connectors());
        send(&client.list_operations("a", "1"));
        send(&client.call_raw("a", "1", "op", "", Value::Null));
        send(&client.lookup("", Lookup::new("a", "1", "op", Value::Null)));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = Client::builder()
            .token(TOKEN)
            .region(crate::Region::Eu)
            .build()
            .unwrap();
        let text = format!("{client:?} {:#?}", client.clone());
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("https://api.eu1.tray.io"), "{text}");
    }

    #[test]
    fn missing_or_empty_token_is_a_config_error() {
        for builder in [
            Client::builder(),
            Client::builder().token(""),
            Client::builder().token("  "),
        ] {
            let err = builder.build().unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[test]
    fn token_with_a_newline_is_refused_without_echoing_it() {
        let err = Client::new("abc\ndef-secret").unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(!err.to_string().contains("def-secret"));
        // Surrounding whitespace (a trailing newline from a file) is trimmed.
        assert!(Client::new(format!("{TOKEN}\n")).is_ok());
    }

    #[test]
    fn base_url_is_checked_in_build() {
        let err = Client::builder()
            .token(TOKEN)
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        let ok = Client::builder()
            .token(TOKEN)
            .base_url("http://example.com/")
            .allow_insecure_http(true)
            .build()
            .unwrap();
        assert_eq!(ok.base_url(), "http://example.com");
        assert_eq!(
            Client::new(TOKEN).unwrap().base_url(),
            "https://api.tray.io"
        );
    }

    #[tokio::test]
    async fn bad_path_segments_fail_before_any_request() {
        // Port 9 on loopback: a request would fail with a transport error, not Config.
        let client = Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        for (name, version) in [("", "1"), ("..", "1"), ("a", "."), ("a\r\n", "1")] {
            let err = client.list_operations(name, version).await.unwrap_err();
            assert!(
                matches!(err, Error::Config { .. }),
                "{name:?} {version:?}: {err}"
            );
            let err = client
                .call_raw(name, version, "op", "", Value::Null)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[tokio::test]
    async fn operations_document_checks_path_segments_like_list_operations() {
        let client = Client::builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        for (name, version) in [("", "1"), ("..", "1"), ("a", "."), ("a\r\n", "1")] {
            let err = client.operations_document(name, version).await.unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{err}");
        }
    }

    #[tokio::test]
    async fn operations_document_keeps_keys_the_typed_list_drops() {
        let emulator = tray_connect_emulator::Emulator::builder()
            .document_json(
                r#"{"connector": {"name": "echo", "version": "1.0"},
                    "elements": [{"name": "ping", "title": "Ping", "x-vendor": {"kept": true},
                                  "inputSchema": {"type": "object", "tytpe": "typo"}}]}"#,
            )
            .start()
            .await
            .unwrap();
        let client = Client::builder()
            .token(TOKEN)
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        let document = client.operations_document("echo", "1.0").await.unwrap();
        let element = &document["elements"][0];
        assert_eq!(element["name"], "ping");
        assert_eq!(element["x-vendor"]["kept"], true);
        assert_eq!(element["inputSchema"]["tytpe"], "typo");
        let err = client.operations_document("echo", "9.9").await.unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
    }

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
