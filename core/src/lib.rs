//! Typed Rust for Tray's Connectivity API.
//!
//! Vendor a connector's operations document into your repository, and one macro line turns it
//! into typed, documented input builders and outputs:
//!
//! ```
//! mod twilio {
//!     tray_connect::connector!("twilio-output", "2.1", "schemas/twilio-output.json");
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = tray_connect_emulator::Emulator::builder()
//! #     .document_json(include_str!("../../schemas/twilio-output.json"))
//! #     .start()
//! #     .await?;
//! # let client = tray_connect::Client::builder()
//! #     .token("example-token")
//! #     .base_url(emulator.base_url())
//! #     .build()?;
//! # let auth_id = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0"; // an authId is a UUID
//! // let client = tray_connect::Client::from_env()?;   // TRAY_TOKEN, TRAY_REGION
//! let sms = twilio::SendSms::builder()
//!     .to("+15551234567")
//!     .from("+15557654321")
//!     .body("Your code is 1234")
//!     .build(); // does not compile until `to`, `from` and `body` are set
//! let sent: twilio::SendSmsOutput = client.call(auth_id, sms).await?;
//! println!("{} is {:?}", sent.sid, sent.status);
//! # Ok(())
//! # }
//! ```
//!
//! The pieces: [`connector!`] (compile time), [`Client`] (the three endpoints, retries,
//! timeouts), [`Error`] (what went wrong and where), [`Operation`] (the glue between them).
//! `tray-connect-emulator` is a local Connectivity API for examples and tests.
//!
//! # Triggers: listening as well as calling
//!
//! A trigger's operations are subscribed to: [`Client::subscribe`] asks Tray to deliver the
//! events of one operation to an endpoint of yours, and returns the [`SigningKey`] Tray signs
//! them with (only then: store it). The receiver verifies each delivery's `x-tray-signature`
//! before reading it, with [`decode_event`] (any framework) or the `TrayEvent` extractor
//! (feature `axum`). [`Client::list_triggers`], [`Client::list_trigger_operations`],
//! [`Client::subscriptions`], [`Client::subscription`] and [`Client::unsubscribe`] do the rest;
//! [`Client::subscribe_raw`] subscribes with a JSON input to a trigger named at run time.
//!
//! ```no_run
//! # #[derive(serde::Serialize)] struct EnteredSmartGroup { value: String }
//! # #[derive(serde::Deserialize)] struct GroupEvent { boundary: String }
//! # impl tray_connect::Trigger for EnteredSmartGroup { type Event = GroupEvent;
//! #     const TRIGGER: &'static str = "gosquared-trigger"; const VERSION: &'static str = "1.0";
//! #     const NAME: &'static str = "entered_smart_group_init"; }
//! # async fn run(client: tray_connect::Client, body: &[u8], header: &str)
//! #     -> Result<(), Box<dyn std::error::Error>> {
//! use tray_connect::{NewSubscription, decode_event};
//!
//! let input = EnteredSmartGroup { value: "vip".into() };
//! let endpoint = "https://hooks.example.com/tray/vip";  // one URL per subscription
//! let created = client.subscribe(NewSubscription::new("VIPs", endpoint, input)).await?;
//! let key = created.signing_key;   // store it with your secrets: Tray never shows it again
//!
//! // In the receiver, for each POST to the endpoint: the raw body and its x-tray-signature.
//! let event = decode_event::<EnteredSmartGroup>(&key, body, header)?;
//! println!("{}", event.boundary);
//! # Ok(()) }
//! ```
//!
//! **Events can arrive more than once, and in any order.** Tray retries a delivery that was not
//! taken, and sends no event id, timestamp or delivery id to tell a repeat from a new event.
//! Make what a handler does idempotent: dedupe on a field of the event that identifies it (see
//! [`decode_event`]'s *Duplicates*).

// Lets this crate's own tests and doctests expand `connector!`, whose output names `::tray_connect`.
extern crate self as tray_connect;

mod auth_dialog;
mod authentications;
mod body;
mod client;
mod config;
mod drift;
mod embedded;
mod enum_value;
mod error;
mod event;
mod graphql;
mod limits;
mod lookup;
mod operation;
mod pages;
mod path;
#[cfg(feature = "redis")]
mod redis_limits;
mod retry;
mod secret;
mod signing;
mod subscription_list;
mod subscription_raw;
mod subscriptions;
mod text;
mod tolerant;
#[cfg(feature = "axum")]
mod tray_event;
mod trigger;
mod triggers;
pub mod typestate;
mod wire;

/// The client's pure decoding functions (response body → value or [`Error`]), for tests and
/// tools that hold recorded answers. Not a stable API.
#[doc(hidden)]
pub mod __wire {
    pub use crate::drift::DriftLog;
    pub use crate::wire::{
        api_error, decode_call, decode_call_response, decode_call_typed, decode_connectors,
        decode_lookup, decode_operations, decode_output, decode_output_schema, encode_call,
    };
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use auth_dialog::{AuthDialogUrl, DEFAULT_AUTH_DIALOG_BASE};
pub use authentications::{
    AuthenticationInfo, AuthenticationUpdate, FullAuthentication, NewAuthentication, ScopeInfo,
    ServiceEnvironment,
};
pub use client::Client;
pub use config::{ClientBuilder, Region, RetryPolicy};
pub use drift::{DriftKind, DriftReport, ObservedDrift, event_drift_report};
pub use embedded::{Authentication, AuthenticationEnvironment, AuthenticationService, NewUser};
pub use enum_value::ParseEnumError;
pub use error::Error;
pub use event::{EventError, MAX_EVENT_BYTES, decode_event};
pub use limits::RateLimit;
pub use lookup::{Lookup, LookupOption};
pub use operation::Operation;
pub use pages::Pages;
#[cfg(feature = "redis")]
pub use redis_limits::RedisLimits;
pub use secret::Secret;
pub use signing::{SIGNATURE_HEADER, SignatureError, SigningKey, verify_event};
pub use subscription_list::Subscriptions;
pub use subscription_raw::RawSubscription;
pub use subscriptions::{
    CreatedSubscription, NewSubscription, SubscriptionFailure, SubscriptionInfo, SubscriptionState,
};
#[cfg(feature = "axum")]
pub use tray_event::TrayEvent;
pub use trigger::Trigger;
pub use wire::{Connector, OperationInfo, ServiceRef};

/// Expands a vendored operations document into typed inputs, builders and outputs.
///
/// ```text
/// connector!(NAME, VERSION, PATH)
/// connector!(NAME, VERSION, PATH, operations = ["send_sms", ...])
/// ```
///
/// `PATH` is relative to the directory of your crate's `Cargo.toml`, then to each ancestor up
/// to the workspace root; cargo rebuilds when the file changes. `NAME` and `VERSION` must match
/// the document's `connector` header when it has one. `operations = [..]` expands only those
/// operations (an unknown name is an error that suggests the closest ones).
///
/// The expansion is in place, so wrap it in a module. It defines `CONNECTOR`, `VERSION`,
/// `OPERATIONS` and, per operation (e.g. `send_sms`):
///
/// - `SendSms`, the input, with `SendSms::builder()`: one setter per input taking
///   `impl Into<T>`, `maybe_x(Option<T>)` for optional ones, and a `build()` that compiles only
///   once every required input is set (the error names each missing input);
/// - `SendSmsOutput`, the output: optional fields are `Option`s, unlisted fields land in
///   `extra`, unknown enum values in `Unknown(String)`, an integer, number or boolean sent as
///   text (`"42"`) is taken as one, each reported in [`Client::drift_report`]; `Value` where
///   the document gives no schema or the operation has dynamic output;
/// - `impl Operation for SendSms`, so that [`Client::call`] returns `SendSmsOutput`;
/// - for inputs with a `lookup`, `SendSms::{input}_lookup(..)` for [`Client::lookup`].
///
/// Schema nodes that have no Rust type become `serde_json::Value`, each listed with its reason
/// in the hidden `VALUE_FALLBACKS` (and shown by `tray-connect generate --report`).
#[cfg(feature = "macros")]
pub use tray_connect_macros::connector;

/// Expands a vendored trigger operations document (List Trigger Operations' answer, with a
/// `{"trigger": {"name", "version"}}` header) into typed subscription inputs and events.
///
/// ```text
/// trigger!(NAME, VERSION, PATH)
/// trigger!(NAME, VERSION, PATH, operations = ["group_boundary", ...])
/// ```
///
/// The same generator as [`connector!`], with the same names, docs, diagnostics and budget. It
/// defines `TRIGGER`, `VERSION`, `OPERATIONS` and, per trigger operation (e.g.
/// `entered_smart_group_init`):
///
/// - `EnteredSmartGroupInit`, what a subscription needs, with a builder whose `build()`
///   compiles only once every required input is set. Inputs Tray fills itself
///   (`default_jsonpath: "$.env.public_url"`, `"$.auth.api_key"`, a `default` of
///   `"{$.env.public_url}"`) are optional to set, and say so in their docs;
/// - `EnteredSmartGroupInitEvent`, the event Tray delivers (the operation's `outputSchema`),
///   decoded liberally like outputs: unlisted fields land in `extra`, unknown enum values in
///   `Unknown(String)`;
/// - `impl Trigger for EnteredSmartGroupInit`, so that [`Client::subscribe`] and
///   [`decode_event`] know the trigger, the operation and the event type.
///
/// A connector document given to `trigger!` (or a trigger document to `connector!`) is an error
/// on the path that says which macro to use.
#[cfg(feature = "macros")]
pub use tray_connect_macros::trigger;
