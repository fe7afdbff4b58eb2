//! Seeded random schemas across the dialect, each expanded by the real code generator (see
//! `build/`) and compiled here under `#![deny(warnings, missing_docs)]`: generated code must
//! always compile. `tests/oracle/` then checks the types against an independent draft-04
//! validator.

#![deny(warnings, missing_docs)]

use serde_json::Value;
use tray_connect::__private::serde::{Serialize, de::DeserializeOwned};

/// One expanded case: its index among the drawn schemas and its types' round trips.
pub struct Case {
    /// Position in `cases.json`.
    pub index: usize,
    /// The case's `VALUE_FALLBACKS`.
    pub value_fallbacks: &'static [&'static str],
    /// Through `RootOutput` (the schema as an operation's whole output).
    pub root_output: RoundTrip,
    /// Through `Field` (the schema as a required and an optional input property).
    pub field_input: RoundTrip,
    /// Through `FieldOutput` (the same as output properties).
    pub field_output: RoundTrip,
}

/// One event type of a real trigger document (issue 23): its operation's `outputSchema` and
/// the round trip through the type `trigger!` generates for it.
pub struct TriggerEvent {
    /// The document, relative to the workspace.
    pub document: &'static str,
    /// The operation's position in the document.
    pub index: usize,
    /// The operation's wire name.
    pub operation: &'static str,
    /// Its `outputSchema`, as JSON text.
    pub output_schema: &'static str,
    /// Through its `{Operation}Event` type.
    pub round_trip: RoundTrip,
}

/// Deserialises a value into a generated type and serialises it back.
pub type RoundTrip = fn(Value) -> Result<Value, String>;

/// The schemas and documents of every case, as drawn by the build script.
pub const CASES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/cases.json"));

fn roundtrip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let typed: T =
        serde_json::from_value(value).map_err(|e| format!("does not deserialise: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("does not serialise: {e}"))
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
