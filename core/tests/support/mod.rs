//! What the client's integration tests share: the `acme` test connector (its document, its
//! `send_message` operation, an emulator serving it, a client of that emulator), and
//! [`docs_server`], a stand-in for Tray that answers with Tray's published examples.
#![allow(dead_code)] // each test file uses its own part of this module

pub mod docs_server;
pub mod gosquared;
pub mod redis_server;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tray_connect::{Client, ClientBuilder, Operation, RetryPolicy};
use tray_connect_emulator::{Emulator, EmulatorBuilder};

/// An authId as Tray issues them (a UUID; the emulator refuses anything else with a 400):
/// the one of the "Slack Send Message" example in Tray's published Call Connector payload.
pub const AUTH_ID: &str = "fe6ce53d-b414-4f24-b0d5-16a0a75544a0";

/// The token the [`acme`] emulator requires and [`client_of`] sends.
pub const TOKEN: &str = "emulator-token-5f3c9a1e";

/// The test connector `acme` 1.0, with a full header: `send_message` (`channel` with a lookup
/// and `text` required, `count` optional; `ok` and `ts` out) and `get_record` (dynamic output,
/// one auth scope).
pub const ACME: &str = r#"{
  "connector": {"name": "acme", "version": "1.0", "title": "Acme", "description": "Test connector",
                "service": {"id": "svc-1", "name": "acme", "version": 3}},
  "elements": [
    {"name": "send_message", "title": "Send message", "description": "Posts a message.",
     "inputSchema": {"type": "object", "required": ["channel", "text"],
                     "properties": {
                       "channel": {"type": "string",
                                   "lookup": {"operation": "list_channels_ddl", "input": {}}},
                       "text": {"type": "string"},
                       "count": {"type": "integer"}}},
     "outputSchema": {"type": "object", "required": ["ok", "ts"],
                      "properties": {"ok": {"type": "boolean"}, "ts": {"type": "string"}}},
     "hasDynamicOutput": false},
    {"name": "get_record", "title": "Get record",
     "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}},
     "outputSchema": {"type": "object", "properties": {"id": {"type": "string"},
                                                       "name": {"type": "string"}}},
     "hasDynamicOutput": true, "authScopes": ["records:read"]}
  ]
}"#;

/// `send_message` of [`ACME`], as a hand-written [`Operation`].
#[derive(Debug, Serialize)]
pub struct SendMessage {
    pub channel: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct SendMessageOutput {
    pub ok: bool,
    pub ts: String,
}

impl Operation for SendMessage {
    type Output = SendMessageOutput;
    const CONNECTOR: &'static str = "acme";
    const VERSION: &'static str = "1.0";
    const NAME: &'static str = "send_message";
}

/// "hello" to channel `C1`.
pub fn message() -> SendMessage {
    SendMessage {
        channel: "C1".into(),
        text: "hello".into(),
        count: None,
    }
}

/// An emulator serving [`ACME`] and requiring [`TOKEN`], ready for a test to add to and start.
pub fn acme() -> EmulatorBuilder {
    Emulator::builder().token(TOKEN).document_json(ACME)
}

/// A client of `emulator` sending [`TOKEN`], ready for a test to give its timeout and retries.
pub fn client_of(emulator: &Emulator) -> ClientBuilder {
    Client::builder().token(TOKEN).base_url(emulator.base_url())
}

/// `policy` with millisecond backoff (1 ms, at most 20 ms), so retries cost nothing.
pub fn fast(policy: RetryPolicy) -> RetryPolicy {
    policy
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
}
