//! Drift seen at run time: what Tray's answers hold that the vendored document did not promise.
//!
//! Generated outputs are decoded liberally: a member the document does not list lands in
//! `extra`, an enum value it does not list in `Unknown`, a number sent as text (`"42"` where the
//! schema says integer) is taken as the number. Each of those is a difference between the
//! document and reality, reported here rather than kept silently.
//!
//! How it stays cheap: while a [`Client`](crate::Client) decodes an answer, the runtime types
//! (the generated `extra` arms, `Unknown` variants, the lenient scalars of
//! [`__private`](crate::__private)) set a thread-local flag when they keep something
//! unpromised. An answer that sets no flag costs two thread-local accesses and no allocation.
//! Only an answer that did set it is decoded a second time, from a
//! [`Value`](serde_json::Value), through a deserializer that tracks the JSON pointer of every
//! member, to find where; each new (operation, pointer) is then logged once (a `tracing` event,
//! target `tray_connect::drift`) and kept for
//! [`Client::drift_report`](crate::Client::drift_report).

mod collector;
mod fallback;
mod lenient;
mod log;
mod tracked;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub(crate) use collector::report;
pub use fallback::Fallback;
pub use lenient::Lenient;
pub(crate) use log::EVENTS;
pub use log::{DriftLog, event_drift_report};

/// What an answer held that the document did not promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    /// A member the document does not list (kept in the struct's `extra` map).
    UnlistedMember,
    /// An enum value the document does not list (kept in the enum's `Unknown` variant).
    UnknownEnumValue,
    /// A value of another JSON type than the document's, taken as the promised one: a number
    /// or boolean sent as text, an integral number sent as a float.
    TypeMismatch,
    /// A value (not `null`) of a member the document gives no Rust type (no `type`, a
    /// construct Rust cannot type: see the module's `VALUE_FALLBACKS`), kept as a
    /// `serde_json::Value`.
    ValueFallback,
}

impl DriftKind {
    /// The kind as written in reports and events: `unlisted_member`, `unknown_enum_value`,
    /// `type_mismatch`, `value_fallback`.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::UnlistedMember => "unlisted_member",
            DriftKind::UnknownEnumValue => "unknown_enum_value",
            DriftKind::TypeMismatch => "type_mismatch",
            DriftKind::ValueFallback => "value_fallback",
        }
    }
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place where Tray's answers differed from the document: an operation's output and a
/// JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObservedDrift {
    /// The connector's name, e.g. `"twilio-output"`.
    pub connector: String,
    /// The connector's version, e.g. `"2.1"`.
    pub version: String,
    /// The operation's wire name, e.g. `"send_sms"`.
    pub operation: String,
    /// The JSON pointer (RFC 6901) into the operation's `output`, of the first answer it was
    /// seen in: `/status` for an unknown enum value, `/messages/0/flag` for a member of the
    /// first item of a list. Sightings in other items of the same list (`/messages/7/flag`)
    /// count as this one.
    pub pointer: String,
    /// What was kept that the document did not promise.
    pub kind: DriftKind,
    /// How many answers it was seen in, by this client.
    pub count: u64,
}

/// What a [`Client`](crate::Client) saw in Tray's answers that its documents did not promise
/// ([`Client::drift_report`](crate::Client::drift_report)).
///
/// Serializable: write it to a file with [`write_json`](Self::write_json) (or `serde_json`)
/// and give it to `tray-connect check --observed FILE`, which fails (exit 1) when it is not
/// empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// Every place seen, ordered by connector, version, operation and pointer.
    pub observed: Vec<ObservedDrift>,
}

impl DriftReport {
    /// Whether nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.observed.is_empty()
    }

    /// Writes the report as pretty JSON to `path`, the file `tray-connect check --observed`
    /// reads.
    pub fn write_json(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }
}

/// A generated output's stand-in, read through [`Lenient`] scalars: shared by the tests of the
/// lenient scalars, the collector and the log.
#[cfg(test)]
mod fixtures {
    use std::fmt;

    use serde::Deserialize;

    use super::Lenient;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    pub(super) struct Item {
        pub(super) n: Lenient<i64>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    pub(super) struct Out {
        pub(super) items: Vec<Item>,
        pub(super) flag: Lenient<Option<bool>>,
    }

    impl fmt::Debug for Lenient<i64> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    impl fmt::Debug for Lenient<Option<bool>> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }
}
