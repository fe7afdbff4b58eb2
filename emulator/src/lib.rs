//! A local emulator of Tray's Connectivity API, fed by operations documents.
//!
//! Give it the documents `tray-connect pull` writes (a Get Connector Operations response with a
//! `{"connector": {"name", "version"}}` header; a raw answer without one through
//! [`EmulatorBuilder::document_as`]) and it serves, on `127.0.0.1`:
//!
//! - `GET /core/v1/connectors`, from the documents' headers;
//! - `GET /core/v1/connectors/{name}/versions/{version}/operations`, the elements as written;
//! - `POST /core/v1/connectors/{name}/versions/{version}/call`: the input is validated against
//!   the operation's `inputSchema` (400 in Tray's wording on failure), and the output is the one
//!   scripted with [`Emulator::respond`] or synthesised to conform to `outputSchema`.
//!
//! Documents with a `{"trigger": {"name", "version"}}` header (a List Trigger Operations
//! answer) are trigger documents, served on the trigger routes only (see *Triggers* below):
//! `GET /core/v1/triggers`, `GET /core/v1/triggers/{name}/versions/{version}/operations`, and
//! Create, List, Get and Delete Subscription on `/core/v1/subscriptions`.
//!
//! With the default `typed` feature, [`Emulator::respond_to`], [`Emulator::calls_to`] and
//! [`Emulator::deliver`] do the same with the types `connector!` generates, naming the
//! operation by its type.
//!
//! Every call is recorded ([`Emulator::calls`]) and faults can be injected on any endpoint
//! ([`Emulator::inject`]) to test a client's retries and timeouts. Outputs can be scripted for
//! every call, as a sequence (pages of a listing: [`Emulator::respond_sequence`]) or from the
//! input ([`Emulator::respond_with`]); [`EmulatorBuilder::tray_limits`] makes it refuse load
//! beyond Tray's limits, and [`Emulator::traffic`] tells what load it saw.
//!
//! [`EmulatorBuilder::replay`] answers Call Connector from Tray's real answers instead, as
//! `tray-connect record` wrote them ([`fixture`]), byte for byte, and checks each against the
//! document's `outputSchema` ([`Emulator::replay_mismatches`], each [`Mismatch`] with its JSON
//! pointer).
//!
//! ```
//! use serde_json::json;
//! use tray_connect_emulator::{Emulator, Fault, Scope};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::builder()
//!     .token("test-token")
//!     .document_json(r#"{
//!         "connector": {"name": "twilio-output", "version": "2.1"},
//!         "elements": [{"name": "send_sms",
//!                       "inputSchema": {"type": "object", "required": ["to"],
//!                                       "properties": {"to": {"type": "string"}}},
//!                       "outputSchema": {"type": "object",
//!                                        "properties": {"sid": {"type": "string"}}}}]
//!     }"#)
//!     .start()
//!     .await?;
//! emulator.respond("twilio-output", "send_sms", json!({"sid": "SM123"}));
//! emulator.inject(Fault::Status(500, json!({"message": "boom", "code": null})), Scope::Next(1));
//!
//! // Point the client at `emulator.base_url()`, e.g. "http://127.0.0.1:41234".
//! assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
//! assert!(emulator.calls().is_empty());
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour in detail
//!
//! - **Auth**: every route wants `Authorization: Bearer <token>`: the builder's token, or any
//!   non-empty token when none was set. Otherwise 401 `{"message":"The request is unauthorized"}`.
//!   Unauthorized requests are neither recorded nor counted by fault scopes, and are refused
//!   before their body is read (the connection then closes).
//! - **Hostile clients**: a connection has [`DEFAULT_HEADER_READ_TIMEOUT`] (10 s) to send a
//!   request's headers ([`EmulatorBuilder::header_read_timeout`]), then
//!   [`DEFAULT_BODY_READ_TIMEOUT`] (10 s) to send its whole body
//!   ([`EmulatorBuilder::body_read_timeout`]; 408 and the connection closed past it); the
//!   listen backlog holds 4,096 connections waiting to be accepted (Tray accepts 1,000
//!   concurrent calls).
//! - **Errors** follow Tray: unknown connector or version → 404 `{"message", "code": null}`;
//!   unknown operation → 200 `{"outcome":"error"}` with "the connector unexpectedly failed";
//!   malformed body → 400.
//! - **Validation**: `inputSchema` is normalised (Tray keywords, empty `required`, `""` in
//!   `type` arrays, dangling `$ref`s, ... removed) and compiled once as draft-04. No reference
//!   is ever fetched: a `$ref` to a URL or a file (`https:`, `file:`) that survives normalising
//!   makes the schema fail to compile. An operation whose schema still does not compile is
//!   never served unvalidated: the emulator starts (with one `tracing` warning) and serves the
//!   document's other operations, but every call of that one answers 500 `{"message": "The
//!   emulator cannot validate the input of operation '..' of connector '..' ..: its inputSchema
//!   does not compile (..), so its calls are refused", "code": null}` (the document is at
//!   fault, not the caller's input). [`EmulatorBuilder::validate`]`(false)` turns validation
//!   off for every operation.
//! - **Lookups**: an operation named by a `lookup` in any `inputSchema` of the document answers
//!   `{"result": [{"text", "value"}, ..]}`: scripted, or three synthesised options. It need not be
//!   an element of the document.
//! - **Dynamic output**: `returnOutputSchema: true` answers `{"output_schema": ..}` for
//!   `hasDynamicOutput` operations (the vendored `sampledOutputSchema.schema` of
//!   `tray-connect pull --sample`, else the `outputSchema`, or `{"type":"object"}`), 400
//!   otherwise. Outputs of such an operation are synthesised from the same schema, and the
//!   `sampledOutputSchema` key is never served (Tray's answers have none).
//! - **Limits**: none by default. [`EmulatorBuilder::tray_limits`] answers 429 beyond 1,000
//!   calls in progress or beyond Tray's rate on the other endpoints, as Tray does;
//!   [`Emulator::traffic`] counts calls in progress, their peak and refusals either way.
//! - **Auth ids**: any well-formed `authId` (a UUID, as Tray's call payload declares it) is
//!   accepted, or none; any other value answers Tray's 400 `{"message": .., "code": null}`.
//!   With the `embedded` feature (off by default), the emulator also serves Tray's Embedded
//!   GraphQL API and the authentication endpoints, issues authIds as UUIDs, and checks
//!   `authId`s once authentications exist or a user token calls (the master token only its
//!   own; see `Emulator::complete_auth_dialog` and friends).
//!
//! # Triggers
//!
//! A trigger document's operations can be subscribed to, and the emulator then delivers
//! events to the subscription's endpoint as Tray does, so a service that listens to Tray can be
//! tested whole: subscribe with `tray_connect::Client::subscribe`, deliver with
//! [`Emulator::deliver_json`] (or [`Emulator::deliver`], typed), receive with
//! `tray_connect::TrayEvent` or `tray_connect::decode_event`.
//!
//! - **Create Subscription** answers 200 with the subscription and its `signingKey` (32 random
//!   bytes, base64), the only answer that shows the key. The body is checked (400 naming every
//!   problem; `authenticationId` must be a UUID), then the trigger, version (404) and operation
//!   (404), then the `endpoint`, which must be `http://` on `127.0.0.1`, `[::1]` or
//!   `localhost` (400 otherwise: **the emulator never sends anything off the machine**), then
//!   the `input`, validated against the operation's `inputSchema` exactly as a call's input
//!   (Tray's 400 wording). [`Emulator::fail_next_subscription`] makes the next creation answer
//!   Tray's `creation_failed` (still HTTP 200, with `error: {code, message}`). Subscriptions
//!   are `active` at once.
//! - **List Subscriptions** pages by [`EmulatorBuilder::subscription_page_size`] (default 100,
//!   or the request's `first`), with `pageInfo {startCursor, endCursor, hasNextPage,
//!   hasPreviousPage}`; the cursor is read from `cursor` (Tray's OpenAPI) or `after` (its
//!   reference page). **Get** answers without the key; **Delete** answers 204 with an empty
//!   `text/html` body; an unknown id is 404 `{"message", "code": null}`.
//!   [`Emulator::subscriptions`] lists them, keys included.
//! - **Delivery**: a POST of the event's JSON with `Content-Type: application/json` and
//!   `x-tray-signature: base64(HMAC-SHA256(base64-decode(signingKey), body))`, retried while
//!   the receiver answers anything but a 2xx or does not answer, with exponential backoff
//!   ([`EmulatorBuilder::delivery_retries`], [`EmulatorBuilder::delivery_timeout`]). The
//!   returned [`Delivery`] (also in [`Emulator::deliveries`]) tells each attempt's status or
//!   failure and duration. [`Emulator::inject_delivery`] duplicates, delays, mis-signs or cuts
//!   short the deliveries a [`Scope`] picks. The method, content type, retry schedule and which
//!   answers count as taken are not published by Tray: `docs/fidelity.md` lists every
//!   assumption.
//! - **Delivering from another process**: `POST /_emulator/subscriptions/{id}/deliver` (a
//!   route of the emulator's own, not Tray's; the bearer token is required as everywhere)
//!   delivers its body, any JSON, byte for byte, as [`Emulator::deliver_json`] does, and
//!   answers how it went: `{"subscriptionId", "endpoint", "delivered", "attempts": [{"status",
//!   "durationMs", "redelivery"} | {"error", ..}]}`; 404 for an unknown subscription, 409 for one
//!   that takes no events, 400 for a body that is not JSON. `tray-connect deliver` uses it
//!   against `tray-connect serve`.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use tray_connect::{NewSubscription, SigningKey, Trigger, TrayEvent};
//!
//! #[derive(serde::Serialize)]
//! struct EnteredSmartGroup { api_key: String, site_token: String, url: String, value: String }
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct GroupEvent { boundary: String }
//! impl Trigger for EnteredSmartGroup {
//!     type Event = GroupEvent;
//!     const TRIGGER: &'static str = "gosquared-trigger";
//!     const VERSION: &'static str = "1.0";
//!     const NAME: &'static str = "entered_smart_group_init";
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = tray_connect_emulator::Emulator::builder()
//!     .document("schemas/gosquared-trigger.json") // {"trigger": {..}, "elements": [..]}
//!     .start()
//!     .await?;
//! let client = tray_connect::Client::builder()
//!     .token("test-token")
//!     .base_url(emulator.base_url())
//!     .build()?;
//!
//! // The service under test: a receiver on a free loopback port.
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let endpoint = format!("http://{}/tray/groups", listener.local_addr()?);
//! let input = EnteredSmartGroup {
//!     api_key: "k".into(), site_token: "GSN-1".into(), url: endpoint.clone(), value: "vip".into(),
//! };
//! let created = client.subscribe(NewSubscription::new("VIPs", &endpoint, input)).await?;
//! async fn entered(event: TrayEvent<EnteredSmartGroup>) -> &'static str {
//!     println!("{}", event.boundary);
//!     "ok"
//! }
//! let app: Router = Router::new()
//!     .route("/tray/groups", post(entered))
//!     .with_state(created.signing_key.clone());
//! tokio::spawn(async move { axum::serve(listener, app).await });
//!
//! let event = GroupEvent { boundary: "enter".into() };
//! let delivery = emulator
//!     .deliver::<EnteredSmartGroup>(&created.subscription.id, &event)
//!     .await?;
//! assert!(delivery.delivered());
//! # Ok(())
//! # }
//! ```

// `documents` reads operations documents; `normalise` turns their schemas into plain draft-04,
// which `validate` checks inputs against with Tray's wording and `synth` makes outputs up from.
// `script`, `faults`, `limits` and `record` hold what a test scripts, injects, enforces and
// reads. `shared` is the state every route reads; `server` serves the Connectivity API and
// mounts `triggers` (trigger documents and subscriptions, held in `subscriptions`) and
// `embedded`, the Embedded API, and `admin`, the emulator's own `/_emulator` routes; `delivery`
// sends events to subscriptions' endpoints; `typed` scripts, reads and delivers with the
// generated types. `fixture` is the file format of recorded exchanges (with what keeps secrets
// out of it and how a call matches one), `replay` answers from a folder of them, `mismatch`
// says where an output departs from its `outputSchema` (walking it with `schema_walk`).
mod admin;
mod delivery;
mod documents;
#[cfg(feature = "embedded")]
mod embedded;
mod error;
mod faults;
pub mod fixture;
mod limits;
mod mismatch;
mod normalise;
mod record;
mod replay;
mod schema_walk;
mod script;
mod server;
mod shared;
mod subscriptions;
mod synth;
mod triggers;
#[cfg(feature = "typed")]
mod typed;
mod validate;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

pub use delivery::{
    AttemptOutcome, DEFAULT_DELIVERY_ATTEMPTS, DEFAULT_DELIVERY_FIRST_DELAY,
    DEFAULT_DELIVERY_TIMEOUT, Delivery, DeliveryAttempt, DeliveryFault,
};
pub use error::EmulatorError;
pub use faults::{Fault, Scope};
pub use limits::Traffic;
pub use mismatch::{MAX_FOUND_BYTES, Mismatch};
pub use record::RecordedCall;
pub use replay::ReplayedMismatch;
pub use subscriptions::{CreationFailure, RecordedSubscription};
pub use triggers::DEFAULT_SUBSCRIPTION_PAGE_SIZE;
pub use validate::SchemaCheck;

use delivery::{Deliverer, DeliveryPolicy};
use documents::{DocumentSource, Origin};
use limits::Limits;
use record::{CallLog, lock};
use shared::Shared;
use tray_connect_codegen::document::DocumentKind;

/// A running emulator. The server stops, and every open connection closes, when it is dropped:
/// dropping aborts the server's task, which the runtime frees (with the documents it holds) the
/// next time it runs, i.e. at the next `.await` that yields.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    address: SocketAddr,
    server: JoinHandle<()>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Emulator {
    /// Starts configuring an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: the client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The token the emulator requires, or `None` when it accepts any non-empty bearer token.
    pub fn token(&self) -> Option<&str> {
        self.shared.token.as_deref()
    }

    /// Every Call Connector request since start or the last [`clear_calls`](Self::clear_calls),
    /// in arrival order, including those answered with an error or a fault.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.calls.snapshot()
    }

    /// What departs from the documents' `outputSchema` in the recorded outputs replayed so
    /// far ([`EmulatorBuilder::replay`]), in the order they were first replayed, each once:
    /// the fixture file, its operation and the [`Mismatch`] with its JSON pointer in the
    /// call's `output`. Empty without a replay.
    pub fn replay_mismatches(&self) -> Vec<ReplayedMismatch> {
        self.shared
            .replay
            .as_ref()
            .map(replay::Replay::mismatches)
            .unwrap_or_default()
    }

    /// How many recorded exchanges the emulator replays ([`EmulatorBuilder::replay`]); `0`
    /// without a replay.
    pub fn replay_len(&self) -> usize {
        self.shared.replay.as_ref().map_or(0, replay::Replay::len)
    }

    /// Forgets the recorded calls and starts the [`traffic`](Self::traffic) counters again.
    pub fn clear_calls(&self) {
        self.shared.calls.clear();
        self.shared.limits.reset();
    }

    /// The load the emulator has seen since start or the last
    /// [`clear_calls`](Self::clear_calls): calls in progress now and at most, and requests
    /// refused for Tray's limits ([`EmulatorBuilder::tray_limits`]).
    pub fn traffic(&self) -> Traffic {
        self.shared.limits.traffic()
    }

    /// Scripts the `output` of `operation` of `connector` (any version) for every call; the
    /// latest script of an operation wins (`respond`, [`respond_sequence`](Self::respond_sequence)
    /// or [`respond_with`](Self::respond_with)).
    ///
    /// Input is still validated first. A scripted operation answers even when the document does
    /// not define it. For a lookup, give the whole output (`{"result": [..]}`) or just the array
    /// of options.
    pub fn respond(&self, connector: &str, operation: &str, output: Value) {
        self.shared.scripts.fixed(connector, operation, output);
    }

    /// Scripts one output per call of `operation` of `connector`, in order: the first call
    /// answers the first output, the second the second, and so on (pages of a listing, say).
    /// Once every output has been answered, the operation answers as if it had never been
    /// scripted (a synthesised output, or "the connector unexpectedly failed" for an operation
    /// the document does not define), so a client that asks for one page too many notices.
    ///
    /// Only answers that carry an output take one: a call refused by validation, a
    /// `returnOutputSchema` call, or one answered by a [`Fault`] that replaces the answer
    /// (a status, a third-party error, a hang) leaves the sequence where it was. Concurrent
    /// calls take outputs in the order they reach the script. The latest script of an operation
    /// wins, as with [`respond`](Self::respond); an empty sequence removes the script.
    ///
    /// ```
    /// # use serde_json::json;
    /// # async fn run(emulator: tray_connect_emulator::Emulator) {
    /// emulator.respond_sequence("slack", "list_conversations", [
    ///     json!({"channels": [{"id": "C1"}], "response_metadata": {"next_cursor": "c2"}}),
    ///     json!({"channels": [{"id": "C2"}], "response_metadata": {"next_cursor": ""}}),
    /// ]);
    /// # }
    /// ```
    pub fn respond_sequence(
        &self,
        connector: &str,
        operation: &str,
        outputs: impl IntoIterator<Item = Value>,
    ) {
        self.shared
            .scripts
            .sequence(connector, operation, outputs.into_iter().collect());
    }

    /// Scripts the output of `operation` of `connector` as a function of each call's `input`
    /// (validated first): a listing whose page depends on the cursor sent, an echo, ...
    ///
    /// The function may run for several calls at once. If it panics, that call answers 500
    /// `{"message": .., "code": null}` naming the operation, and the script stays in place.
    /// The latest script of an operation wins, as with [`respond`](Self::respond).
    ///
    /// ```
    /// # use serde_json::{json, Value};
    /// # async fn run(emulator: tray_connect_emulator::Emulator) {
    /// // Offsets 0, 2, 4 of five records, two a page.
    /// emulator.respond_with("salesforce", "find_records", |input: &Value| {
    ///     let offset = input["page_offset"].as_u64().unwrap_or(0);
    ///     let ids: Vec<Value> = (offset..5.min(offset + 2)).map(|i| json!({"Id": i})).collect();
    ///     json!({"records": ids})
    /// });
    /// # }
    /// ```
    pub fn respond_with(
        &self,
        connector: &str,
        operation: &str,
        output: impl Fn(&Value) -> Value + Send + Sync + 'static,
    ) {
        self.shared
            .scripts
            .computed(connector, operation, std::sync::Arc::new(output));
    }

    /// Injects a fault for subsequent requests, on all endpoints, that match `scope`.
    ///
    /// Faults are checked in injection order and the first matching one applies; each
    /// [`Scope::Every`] and [`Scope::Fraction`] counts every request, faulted by another rule or
    /// not. Faulted Call Connector requests are still recorded in [`calls`](Self::calls).
    pub fn inject(&self, fault: Fault, scope: Scope) {
        lock(&self.shared.faults).inject(fault, scope);
    }

    /// Removes every injected fault, those of deliveries
    /// ([`inject_delivery`](Self::inject_delivery)) included.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
        self.shared.deliverer.clear_faults();
    }

    /// Every subscription created and not deleted, in creation order, with its key.
    pub fn subscriptions(&self) -> Vec<RecordedSubscription> {
        self.shared.subscriptions.snapshot()
    }

    /// Makes the next Create Subscription (after any failures already scripted) fail as a
    /// third party's refusal does on Tray: HTTP 200 with `state: "creation_failed"` and
    /// `error: {code, message}`. The subscription exists afterwards (listed, readable,
    /// deletable) but takes no deliveries. Requests refused before creation (a 400, a 404, a
    /// fault) do not use it up.
    ///
    /// `code` is one of Tray's `user_input_error`, `api_error`, `timeout_error`,
    /// `oauth_refresh`, `no_trigger` or `internal_error` (not checked).
    pub fn fail_next_subscription(&self, code: impl Into<String>, message: impl Into<String>) {
        self.shared.subscriptions.fail_next(CreationFailure {
            code: code.into(),
            message: message.into(),
        });
    }
}

/// Configures an [`Emulator`]; [`start`](Self::start) reads the documents and binds.
#[derive(Debug, Default)]
pub struct EmulatorBuilder {
    token: Option<String>,
    documents: Vec<DocumentSource>,
    inline_documents: usize,
    no_validation: bool,
    port: u16,
    header_read_timeout: Option<Duration>,
    body_read_timeout: Option<Duration>,
    tray_limits: bool,
    subscription_page_size: Option<usize>,
    delivery: DeliveryPolicy,
    #[cfg(feature = "embedded")]
    embedded: embedded::EmbeddedOptions,
    replay: Option<std::path::PathBuf>,
}

/// How long a connection may take to send a request's headers (see
/// [`EmulatorBuilder::header_read_timeout`]).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request's body may take to arrive whole, once its headers are in (see
/// [`EmulatorBuilder::body_read_timeout`]).
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

impl EmulatorBuilder {
    /// Requires this bearer token. Without it, any non-empty bearer token is accepted.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Adds an operations document file with a header (as `tray-connect pull` writes it). It
    /// is read in [`start`](Self::start), which reports any problem with it.
    ///
    /// A relative path is looked up from the current directory, then, when `cargo run` or
    /// `cargo test` runs the program (they set `CARGO_MANIFEST_DIR`), from the crate's directory
    /// and its parents up to the workspace root: the path written in `connector!` works here
    /// too. [`EmulatorError::NotFound`] lists every place tried and any similarly named
    /// document next to them.
    ///
    /// A `connector` header serves it on the connector routes; a `trigger` header (a List
    /// Trigger Operations answer, `{"trigger": {"name", "version"}, "elements": [..]}`) on the
    /// trigger routes, and its operations can be subscribed to.
    pub fn document(self, path: impl AsRef<std::path::Path>) -> Self {
        self.add(Origin::Path(path.as_ref().to_path_buf()), None)
    }

    /// Adds an operations document file served as connector `name` version `version`: for a
    /// raw Get Connector Operations answer without a header. A header, if the file has one,
    /// must agree.
    pub fn document_as(
        self,
        name: impl Into<String>,
        version: impl Into<String>,
        path: impl AsRef<std::path::Path>,
    ) -> Self {
        let given = Some((name.into(), version.into()));
        self.add(Origin::Path(path.as_ref().to_path_buf()), given)
    }

    /// Adds an operations document given as JSON text, with a `connector` or `trigger` header
    /// (see [`document`](Self::document)).
    pub fn document_json(mut self, json: impl Into<String>) -> Self {
        self.inline_documents += 1;
        let n = self.inline_documents;
        self.add(Origin::Json(json.into(), n), None)
    }

    /// Adds an operations document given as JSON text, served as connector `name` version
    /// `version` (see [`document_as`](Self::document_as)).
    pub fn document_json_as(
        mut self,
        name: impl Into<String>,
        version: impl Into<String>,
        json: impl Into<String>,
    ) -> Self {
        self.inline_documents += 1;
        let n = self.inline_documents;
        let given = Some((name.into(), version.into()));
        self.add(Origin::Json(json.into(), n), given)
    }

    fn add(mut self, origin: Origin, given: Option<(String, String)>) -> Self {
        self.documents.push(DocumentSource { origin, given });
        self
    }

    /// Validates call inputs against `inputSchema` (`true`, the default). Turn it off for
    /// benchmarks that measure the client, not the emulator's validator.
    pub fn validate(mut self, yes: bool) -> Self {
        self.no_validation = !yes;
        self
    }

    /// Listens on this port of 127.0.0.1 instead of a free one (for `tray-connect serve
    /// --port`); tests should keep the default, so that they never collide.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How long a connection may take to send the headers of a request, counted from when
    /// it opened or got its previous answer (default [`DEFAULT_HEADER_READ_TIMEOUT`], 10 s).
    /// A connection over it is closed, so clients that open connections and send half a
    /// request cannot hold the emulator's descriptors; an idle kept-alive connection closes
    /// after the same time (clients reconnect as they would with Tray).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = Some(timeout);
        self
    }

    /// How long a request's body may take to arrive whole, counted from when its headers were
    /// read (default [`DEFAULT_BODY_READ_TIMEOUT`], 10 s). A body still incomplete then is
    /// answered 408 `{"message": "The request body was not received within .. s", "code":
    /// null}` and its connection closed, so a client with a valid token that stalls after its
    /// headers cannot hold a connection. Bodies that are never read (a request refused for its
    /// token or the rate limit) are not timed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = Some(timeout);
        self
    }

    /// Enforces Tray's limits (`false` by default), so that a client's own limiting is tested
    /// against a server that really refuses:
    ///
    /// - **Call Connector**: at most 1,000 calls in progress at once; one more is answered 429
    ///   `{"message": "Too many requests", "code": null}` (and still recorded in
    ///   [`Emulator::calls`]).
    /// - **Every other endpoint**: a request is answered 429 with the same body (the GraphQL
    ///   endpoint: HTTP 200 with `{"errors": [{"message": "Rate limit exceeded"}]}`) when
    ///   admitting it would break any reading of Tray's "30 requests per second or 1800 per
    ///   minute, bursts up to 50 per second": a token bucket of 50 refilled at 30 per second,
    ///   more than 50 in one second, or more than 1,800 in one minute. No `Retry-After` is
    ///   sent, as Tray documents none.
    ///
    /// The limits are checked after the token and before any [`Fault`]; a refused request is
    /// not counted by fault scopes. [`Emulator::traffic`] counts refusals and the peak of calls
    /// in progress, with or without the limits.
    pub fn tray_limits(mut self, yes: bool) -> Self {
        self.tray_limits = yes;
        self
    }

    /// How many subscriptions a page of List Subscriptions holds (default
    /// [`DEFAULT_SUBSCRIPTION_PAGE_SIZE`], 100; `0` counts as `1`): small, to test a client's
    /// paging. A request's `first` asks for fewer or more.
    pub fn subscription_page_size(mut self, size: usize) -> Self {
        self.subscription_page_size = Some(size.max(1));
        self
    }

    /// Answers Call Connector from the exchanges recorded in `folder` (the fixture files
    /// `tray-connect record` writes; see [`fixture`]) instead of validating, scripting
    /// ([`Emulator::respond`] and friends are not consulted) and synthesising:
    /// a call gets the recorded answer of the same connector, version, operation,
    /// `returnOutputSchema` and input (equal as JSON; a recorded `"<redacted>"` matches any
    /// value), byte for byte, with its status and `content-type`. The k-th identical call
    /// gets the k-th such recording (the last one again once all are used), so a replay is
    /// deterministic. A call no recording matches is answered 404 `{"message", "code": null,
    /// "replay": {"closest", "differences"}}` naming the closest recording and where its
    /// input differs.
    ///
    /// Each replayed output is checked against the `outputSchema` of the emulator's
    /// documents; [`Emulator::replay_mismatches`] lists what departs from it (also logged
    /// as a `tracing` warning). The other endpoints are served from the documents as usual.
    /// The folder is read in [`start`](Self::start): a missing folder, or a fixture file
    /// that is malformed or larger than [`fixture::MAX_FIXTURE_BYTES`], fails it with
    /// [`EmulatorError::Replay`] naming the file.
    pub fn replay(mut self, folder: impl AsRef<std::path::Path>) -> Self {
        self.replay = Some(folder.as_ref().to_path_buf());
        self
    }

    /// Reads and checks the documents, binds `127.0.0.1:0` (or [`port`](Self::port)) and starts serving on the current
    /// tokio runtime.
    ///
    /// # Errors
    ///
    /// [`EmulatorError`] naming the document for an unreadable file, invalid JSON (with line and
    /// column), a missing header (or one that disagrees with `document_as`), a malformed document
    /// or a connector declared twice; or a bind
    /// failure.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let mut connectors: Vec<documents::Connector> = Vec::with_capacity(self.documents.len());
        let mut triggers: Vec<documents::Connector> = Vec::new();
        for source in &self.documents {
            let served = documents::load(source, !self.no_validation)?;
            // A connector and a trigger may share a name and version: they are served apart.
            let kind = served.kind;
            let same_kind = match kind {
                DocumentKind::Connector => &mut connectors,
                DocumentKind::Trigger => &mut triggers,
            };
            if let Some(first) = same_kind
                .iter()
                .find(|c| c.name == served.name && c.version == served.version)
            {
                let (name, version, first, second) = (
                    served.name,
                    served.version,
                    first.document.clone(),
                    served.document,
                );
                return Err(match kind {
                    DocumentKind::Connector => EmulatorError::DuplicateConnector {
                        name,
                        version,
                        first,
                        second,
                    },
                    DocumentKind::Trigger => EmulatorError::DuplicateTrigger {
                        name,
                        version,
                        first,
                        second,
                    },
                });
            }
            same_kind.push(served);
        }
        let replay = match &self.replay {
            Some(folder) => {
                let mut checks = fixture::OutputChecks::new();
                for connector in &connectors {
                    for (name, operation) in &connector.operations {
                        checks.add_operation(
                            &connector.name,
                            &connector.version,
                            name,
                            operation.output_schema.clone(),
                            // A sampled dynamic output promises its sampled schema.
                            operation.has_dynamic_output && !operation.sampled,
                        );
                    }
                }
                Some(replay::load(folder, &checks)?)
            }
            None => None,
        };
        let listener = server::listen((Ipv4Addr::LOCALHOST, self.port).into())
            .map_err(|source| EmulatorError::Bind { source })?;
        let address = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind { source })?;
        #[cfg(feature = "embedded")]
        let embedded = embedded::surface::Surface::new(&connectors, self.embedded);
        let shared = Arc::new(Shared {
            connectors,
            triggers,
            subscriptions: Default::default(),
            subscription_page_size: self
                .subscription_page_size
                .unwrap_or(DEFAULT_SUBSCRIPTION_PAGE_SIZE),
            deliverer: Deliverer::new(self.delivery),
            token: self.token,
            calls: CallLog::default(),
            scripts: Default::default(),
            faults: Mutex::default(),
            limits: Arc::new(Limits::new(self.tray_limits)),
            #[cfg(feature = "embedded")]
            embedded,
            replay,
        });
        let server = tokio::spawn(server::serve(
            listener,
            server::router(
                shared.clone(),
                self.body_read_timeout.unwrap_or(DEFAULT_BODY_READ_TIMEOUT),
            ),
            self.header_read_timeout
                .unwrap_or(DEFAULT_HEADER_READ_TIMEOUT),
        ));
        Ok(Emulator {
            shared,
            address,
            server,
        })
    }
}
