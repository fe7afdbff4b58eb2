//! The Connectivity API over HTTP: the routes, the token check, the three endpoints, and the
//! accept loop. The state they read is `shared.rs`; the `triggers` and `embedded` routes are
//! mounted here.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpSocket};
use tokio::task::JoinSet;

use crate::documents::Validation;
use crate::faults::{Reply, answer};
use crate::ids::is_uuid;
use crate::limits;
use crate::record::RecordedCall;
use crate::script::Scripted;
use crate::shared::{Shared, unauthorized};
use crate::synth;

type AppState = State<Arc<Shared>>;

/// The axum router for `/core/v1`; a request's body must arrive within `body_read_timeout`.
pub(crate) fn router(shared: Arc<Shared>, body_read_timeout: Duration) -> Router {
    let router = crate::admin::routes(crate::triggers::routes(Router::new()));
    #[cfg(feature = "embedded")]
    let router = crate::embedded_routes::routes(router);
    router
        .route("/core/v1/connectors", get(list_connectors))
        .route(
            "/core/v1/connectors/{name}/versions/{version}/operations",
            get(list_operations),
        )
        .route(
            "/core/v1/connectors/{name}/versions/{version}/call",
            post(call_connector),
        )
        .fallback(not_found)
        // Operation inputs can be large (files as base64); the real API has no small cap either.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        // Only bodies that are read are timed: refused requests never read theirs.
        .layer(middleware::from_fn_with_state(
            body_read_timeout,
            body_in_time,
        ))
        // After the token check: unauthorized requests never count against the rate limit.
        .layer(middleware::from_fn_with_state(
            shared.limits.clone(),
            limits::rate_limit,
        ))
        // Outermost: the token is checked before any handler reads a body.
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            require_token,
        ))
        .with_state(shared)
}

/// Answers 401 to a request without a valid bearer token before anything reads its body, so
/// an unauthenticated client cannot make the emulator take in up to 64 MiB per request.
async fn require_token(State(shared): AppState, request: Request, next: Next) -> Response {
    if shared.authorized(request.headers()) {
        return next.run(request).await;
    }
    let mut refused = unauthorized();
    // The unread body is not drained: the connection ends with this answer.
    refused
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    refused
}

/// Gives a request's body `timeout` from now (its headers are in) to arrive whole. A body still
/// incomplete then fails the handler's read, and the request is answered 408 and its
/// connection closed, so a client with a valid token that stalls mid-body cannot hold a
/// connection and a handler forever.
async fn body_in_time(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let timed_out = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        Body::new(TimedBody {
            inner: body,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            timed_out: timed_out.clone(),
        })
    });
    let response = next.run(request).await;
    if !timed_out.load(Ordering::Relaxed) {
        return response;
    }
    let mut late = Reply::tray_error(
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "The request body was not received within {} s",
            timeout.as_secs_f64()
        ),
    )
    .into_response();
    // The rest of the body is not waited for: the connection ends with this answer.
    late.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    late
}

/// A request body that fails once its deadline has passed before it ended.
struct TimedBody {
    inner: Body,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<AtomicBool>,
}

/// What a [`TimedBody`] fails with.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received in time")]
struct BodyTimedOut;

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        // What has arrived is always taken: the deadline cuts only a body still waited for.
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.timed_out.store(true, Ordering::Relaxed);
                Poll::Ready(Some(Err(BodyTimedOut.into())))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

async fn list_connectors(State(shared): AppState) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || {
        let elements: Vec<Value> = shared
            .connectors
            .iter()
            .map(|c| c.listing.clone())
            .collect();
        Reply::ok(json!({ "elements": elements }))
    })
    .await
}

async fn list_operations(
    State(shared): AppState,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let fault = shared.fault_for(None);
    answer(fault, || match shared.connector(&name, &version) {
        Some(connector) => Reply::ok(json!({ "elements": connector.elements })),
        None => connector_not_found(&name, &version),
    })
    .await
}

async fn not_found() -> Response {
    Reply::tray_error(StatusCode::NOT_FOUND, "Not found").into_response()
}

fn connector_not_found(name: &str, version: &str) -> Reply {
    Reply::tray_error(
        StatusCode::NOT_FOUND,
        format!("Connector '{name}' with version '{version}' not found"),
    )
}

/// A Call Connector body, as far as it could be read.
struct CallRequest {
    operation: String,
    auth_id: Option<String>,
    input: Value,
    return_output_schema: bool,
    /// Why the body is malformed, if it is.
    malformed: Option<String>,
}

impl CallRequest {
    fn parse(body: &[u8]) -> CallRequest {
        let mut request = CallRequest {
            operation: String::new(),
            auth_id: None,
            input: Value::Null,
            return_output_schema: false,
            malformed: None,
        };
        let parsed: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(e) => {
                request.malformed = Some(format!("The request body is not valid JSON: {e}"));
                return request;
            }
        };
        let Value::Object(mut body) = parsed else {
            request.malformed = Some("The request body must be a JSON object".into());
            return request;
        };
        let mut problems = Vec::new();
        match body.remove("operation") {
            Some(Value::String(op)) if !op.is_empty() => request.operation = op,
            _ => problems.push("\"operation\" must be a non-empty string"),
        }
        match body.remove("authId") {
            None | Some(Value::Null) => {}
            // Tray's call payload declares `authId` as `format: uuid`; anything else is refused
            // before any authentication is looked at (and still recorded as sent).
            Some(Value::String(id)) => {
                if !is_uuid(&id) {
                    problems.push("\"authId\" must be a UUID");
                }
                request.auth_id = Some(id);
            }
            Some(_) => problems.push("\"authId\" must be a UUID string"),
        }
        match body.remove("input") {
            Some(input @ Value::Object(_)) => request.input = input,
            Some(other) => {
                request.input = other;
                problems.push("\"input\" must be a JSON object");
            }
            None => problems.push("\"input\" is required"),
        }
        match body.remove("returnOutputSchema") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(flag)) => request.return_output_schema = flag,
            Some(_) => problems.push("\"returnOutputSchema\" must be a boolean"),
        }
        if !problems.is_empty() {
            request.malformed = Some(format!("Invalid request body: {}", problems.join("; ")));
        }
        request
    }
}

async fn call_connector(
    State(shared): AppState,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    #[cfg(not(feature = "embedded"))]
    let _ = &headers; // read only to check authIds against end users (`embedded`)
    let request = CallRequest::parse(&body);
    shared.calls.push(RecordedCall {
        connector: name.clone(),
        version: version.clone(),
        operation: request.operation.clone(),
        auth_id: request.auth_id.clone(),
        input: request.input.clone(),
        return_output_schema: request.return_output_schema,
    });
    // Held until the answer is ready: the call counts as in progress meanwhile.
    let _slot = match shared.limits.enter_call() {
        Ok(slot) => slot,
        Err(refused) => return refused.into_response(),
    };
    #[cfg(feature = "embedded")]
    if request.malformed.is_none()
        && let Some(refused) = crate::embedded_routes::check_auth_id(
            &shared,
            &headers,
            &name,
            &version,
            request.auth_id.as_deref(),
        )
    {
        return refused.into_response();
    }
    let fault = shared.fault_for(Some(&request.operation));
    answer(fault, || call_reply(&shared, &name, &version, request)).await
}

/// The unfaulted answer to a Call Connector request.
fn call_reply(shared: &Shared, name: &str, version: &str, request: CallRequest) -> Reply {
    if let Some(message) = request.malformed {
        return Reply::tray_error(StatusCode::BAD_REQUEST, message);
    }
    if let Some(replay) = &shared.replay {
        let (operation, input) = (&request.operation, &request.input);
        return replay.answer(
            name,
            version,
            operation,
            input,
            request.return_output_schema,
        );
    }
    let Some(connector) = shared.connector(name, version) else {
        return connector_not_found(name, version);
    };
    let operation_name = request.operation.as_str();
    let scripted = shared.scripts.has(name, operation_name);
    let operation = connector.operations.get(operation_name);
    let is_lookup = connector.lookups.contains(operation_name);
    if operation.is_none() && !is_lookup && !scripted {
        return unknown_operation(name, version, operation_name);
    }

    match operation.map(|op| &op.validation) {
        Some(Validation::Checked(validator)) => {
            if let Err(message) = validator.check(&request.input) {
                return Reply::tray_error(StatusCode::BAD_REQUEST, message);
            }
        }
        // Never served unvalidated: the document's schema is at fault, not the caller's input.
        Some(Validation::Refused(reason)) => {
            return Reply::tray_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "The emulator cannot validate the input of operation '{operation_name}' of \
                     connector '{name}' {version}: its inputSchema does not compile ({reason}), \
                     so its calls are refused"
                ),
            );
        }
        Some(Validation::Off) | None => {}
    }

    if request.return_output_schema {
        return match operation {
            Some(op) if op.has_dynamic_output => {
                let schema = match &op.output_schema {
                    Value::Object(map) if !map.is_empty() => op.output_schema.clone(),
                    _ => json!({"type": "object"}),
                };
                success(json!({ "output_schema": schema }))
            }
            _ => Reply::tray_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "returnOutputSchema is only supported for operations with dynamic output; \
                     '{operation_name}' of connector '{name}' does not have one"
                ),
            ),
        };
    }

    match shared.scripts.answer(name, operation_name, &request.input) {
        // A lookup scripted with a bare array means its options.
        Some(Scripted::Output(Value::Array(options))) if is_lookup => {
            return success(json!({ "result": options }));
        }
        Some(Scripted::Output(output)) => return success(output),
        Some(Scripted::Panicked) => {
            return Reply::tray_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "the emulator's respond_with function for '{operation_name}' of connector \
                     '{name}' panicked"
                ),
            );
        }
        // Not scripted, or a sequence used up since the check above.
        None => {}
    }
    if is_lookup {
        return success(synth::lookup_options(operation_name));
    }
    match operation {
        Some(op) => success(synth::synthesise(&op.output_schema)),
        None => unknown_operation(name, version, operation_name),
    }
}

fn success(output: Value) -> Reply {
    Reply::ok(json!({"outcome": "success", "output": output}))
}

/// A call of an operation the document lacks: Tray's answer, which says nothing useful, and a
/// warning for the developer running the emulator naming the operation their code asked for
/// (names from a request: escaped).
fn unknown_operation(name: &str, version: &str, operation: &str) -> Reply {
    let shown = |text: &str| tray_connect_codegen::untrusted::visible(text).into_owned();
    tracing::warn!(
        "a call of operation `{}`, which the document of {} {} does not define, was answered \
         as Tray answers it: outcome \"error\", \"the connector unexpectedly failed\"",
        shown(operation),
        shown(name),
        shown(version),
    );
    unexpectedly_failed()
}

/// Tray's answer to an operation name the connector does not have.
fn unexpectedly_failed() -> Reply {
    let error_id = format!("{:010x}", fastrand::u64(..) & 0xff_ffff_ffff);
    Reply::ok(json!({
        "outcome": "error",
        "output": {"message": format!(
            "Unfortunately, the connector unexpectedly failed. \
             Please contact support if this persists. Error ID: {error_id}")},
    }))
}

/// How many connections may wait to be accepted: Tray's 1,000 concurrent calls, twice over.
/// Tokio's default (128, std's) refused hundreds of 2,000 simultaneous connects. Linux caps it
/// at `net.core.somaxconn` (4,096 by default since 5.4).
pub(crate) const LISTEN_BACKLOG: u32 = 4_096;

/// Binds `address` with a listen backlog of [`LISTEN_BACKLOG`].
pub(crate) fn listen(address: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does: a restarted `serve --port N` can bind again at once.
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `router` on `listener` until this future is dropped. Connections are tasks of a
/// `JoinSet` owned here, so dropping (aborting) this future closes every one of them.
///
/// A connection that has not sent a request's whole headers within `header_read_timeout`
/// (counted from its opening or from its previous answer, so idle kept-alive connections close
/// too) is closed: half-sent requests cannot hold descriptors.
pub(crate) async fn serve(listener: TcpListener, router: Router, header_read_timeout: Duration) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!("emulator accept failed: {e}");
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let service = TowerToHyperService::new(router.clone());
                let connection = http.serve_connection(TokioIo::new(stream), service);
                connections.spawn(async move {
                    let _ = connection.await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
