//! Typed Rust for Tray's Connectivity API.
//!
//! Vendor a connector's operations document into your repository, and one macro line turns it
//! into typed, documented input builders and outputs:
//!
//! ```ignore
//! mod twilio {
//!     tray_connect::connector!("twilio-output", "2.1", "schemas/twilio.json");
//! }
//!
//! let client = tray_connect::Client::from_env()?;
//! let sms = twilio::SendSms::builder()
//!     .to("+15551234567")
//!     .from("+15557654321")
//!     .body("Your code is 1234")
//!     .build();
//! let out: twilio::SendSmsOutput = client.call(&auth_id, sms).await?;
//! ```
//!
//! The pieces: [`connector!`] (compile time), [`Client`] (the three endpoints, retries,
//! timeouts), [`Error`] (what went wrong and where), [`Operation`] (the glue between them).

// Lets this crate's own tests and doctests expand `connector!`, whose output names `::tray_connect`.
extern crate self as tray_connect;

mod body;
mod client;
mod config;
mod error;
mod lookup;
mod operation;
mod path;
mod retry;
mod secret;
pub mod typestate;
mod wire;

/// The client's pure decoding functions (response body → value or [`Error`]), for tests and
/// tools that hold recorded answers. Not a stable API.
#[doc(hidden)]
pub mod __wire {
    pub use crate::wire::{
        api_error, decode_call, decode_call_response, decode_connectors, decode_lookup,
        decode_operations, decode_output, decode_output_schema, encode_call,
    };
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::Client;
pub use config::{ClientBuilder, Region, RetryPolicy};
pub use error::Error;
pub use lookup::{Lookup, LookupOption};
pub use operation::Operation;
pub use secret::Secret;
pub use wire::{Connector, OperationInfo, ServiceRef};

/// Expands a vendored operations document into typed inputs, builders and outputs.
///
/// `connector!(NAME, VERSION, PATH)` or
/// `connector!(NAME, VERSION, PATH, operations = ["send_sms", ...])`; `PATH` is relative to the
/// directory of the crate's `Cargo.toml` (or, failing that, of the workspace root).
#[cfg(feature = "macros")]
pub use tray_connect_macros::connector;
