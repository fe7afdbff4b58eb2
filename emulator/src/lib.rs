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
// reads. `shared` is the state every route reads (`ids` makes and checks Tray's UUIDs);
// `server` serves the Connectivity API and mounts `triggers` (trigger documents and
// subscriptions, held in `subscriptions`), `embedded_routes`, the Embedded API over the state
// and GraphQL schema in `embedded`, and `admin`, the emulator's own `/_emulator` routes; `delivery`
// sends events to subscriptions' endpoints; `typed` scripts, reads and delivers with the
// generated types. `fixture` is the file format of recorded exchanges (with what keeps secrets
// out of it and how a call matches one), `replay` answers from a folder of them, `mismatch`
// says where an output departs from its `outputSchema` (walking it with `schema_walk`).
// `emulator` is the handle of a running emulator; `builder` configures and starts one.
mod admin;
mod builder;
mod delivery;
mod documents;
#[cfg(feature = "embedded")]
mod embedded;
#[cfg(feature = "embedded")]
mod embedded_routes;
mod emulator;
mod error;
mod faults;
pub mod fixture;
mod ids;
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

pub use builder::{DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, EmulatorBuilder};
pub use delivery::{
    AttemptOutcome, DEFAULT_DELIVERY_ATTEMPTS, DEFAULT_DELIVERY_FIRST_DELAY,
    DEFAULT_DELIVERY_TIMEOUT, Delivery, DeliveryAttempt, DeliveryFault,
};
pub use emulator::Emulator;
pub use error::EmulatorError;
pub use faults::{Fault, Scope};
pub use limits::Traffic;
pub use mismatch::{MAX_FOUND_BYTES, Mismatch};
pub use record::RecordedCall;
pub use replay::ReplayedMismatch;
pub use subscriptions::{CreationFailure, RecordedSubscription};
pub use triggers::DEFAULT_SUBSCRIPTION_PAGE_SIZE;
pub use validate::SchemaCheck;
