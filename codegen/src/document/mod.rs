//! The operations document: a Get Connector Operations response, optionally with the header
//! that `tray-connect pull` writes. Only its outline is checked here; schemas are read
//! tolerantly by the model.
//!
//! Besides the header, a vendored document may give a `hasDynamicOutput` operation the key
//! [`SAMPLED_OUTPUT_SCHEMA`] (`"sampledOutputSchema": {"schema": {..}, "sample": {..}}`,
//! written by `tray-connect pull --sample`): the output schema Tray returned for that sample
//! input, from which `connector!` types the operation's output.

mod parse;
mod property;

use serde_json::{Map, Value};
use std::fmt;

pub use parse::{DocumentError, from_value, parse};
pub use property::{LookupRef, filled_by_tray, lookup_of};

/// What a document describes: a connector's operations (Get Connector Operations, header key
/// `connector`) or a trigger's (List Trigger Operations, header key `trigger`). The two answers
/// have the same shape; only the header says which one a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// A connector: its operations are called (`connector!`, Call Connector).
    Connector,
    /// A trigger: its operations are subscribed to (`trigger!`, Create Subscription).
    Trigger,
}

impl DocumentKind {
    /// The header's key: `connector` or `trigger`.
    pub fn header_key(self) -> &'static str {
        match self {
            DocumentKind::Connector => "connector",
            DocumentKind::Trigger => "trigger",
        }
    }

    /// The macro that expands a document of this kind.
    pub fn macro_name(self) -> &'static str {
        match self {
            DocumentKind::Connector => "connector!",
            DocumentKind::Trigger => "trigger!",
        }
    }

    /// "connector" or "trigger", as prose says it.
    pub fn noun(self) -> &'static str {
        self.header_key()
    }
}

/// A parsed operations document.
#[derive(Debug, Clone)]
pub struct OperationsDocument {
    /// The header (`connector` or `trigger`), when the document has one.
    pub header: Option<ConnectorHeader>,
    /// What the header says the document describes; [`DocumentKind::Connector`] for a
    /// document without header (a raw API answer), which whoever reads it names.
    pub kind: DocumentKind,
    /// The operations, in document order.
    pub operations: Vec<OperationDoc>,
    /// The document's size in bytes of JSON: what its expansion's budget grows with.
    pub size: usize,
}

/// The header: which connector (or trigger) and version the document describes, and how Get
/// Connectors (or List Triggers) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorHeader {
    /// The connector's programmatic name, e.g. `twilio-output`.
    pub name: String,
    /// The connector version, e.g. `2.1` (a numeric `version` reads as its text).
    pub version: String,
    /// Its human title, if the header gives one.
    pub title: Option<String>,
    /// Its description, if the header gives one.
    pub description: Option<String>,
    /// The service it authenticates against, if the header gives one.
    pub service: Option<ServiceHeader>,
}

impl ConnectorHeader {
    /// A header with a name and version only.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        ConnectorHeader {
            name: name.into(),
            version: version.into(),
            title: None,
            description: None,
            service: None,
        }
    }
}

/// `connector.service` in a header: each part is optional and read only when well-formed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceHeader {
    /// `service.id`.
    pub id: Option<String>,
    /// `service.name`.
    pub name: Option<String>,
    /// `service.version` (an integer, or a string of digits).
    pub version: Option<i64>,
}

/// The key of an operation that holds the output schema Tray returned for one sample input
/// (`tray-connect pull --sample OPERATION=input.json`), as
/// `{"schema": {..}, "sample": {..}}`. Only a `hasDynamicOutput` operation may have it;
/// `connector!` then types the output from `schema` instead of `Value`, the emulator answers
/// `returnOutputSchema` with it (and never serves the key: Tray's answers have no such key),
/// and `tray-connect check` keeps it out of the comparison with the live API.
pub const SAMPLED_OUTPUT_SCHEMA: &str = "sampledOutputSchema";

/// An operation's [`SAMPLED_OUTPUT_SCHEMA`]: the schema Tray returned and the input that
/// produced it.
#[derive(Debug, Clone, Copy)]
pub struct SampledOutput<'d> {
    /// The output schema (a JSON object).
    pub schema: &'d Value,
    /// The sample input it was returned for.
    pub sample: &'d Value,
}

/// One element of `elements`, kept whole as written (the emulator serves it back).
#[derive(Debug, Clone)]
pub struct OperationDoc {
    /// The operation's wire name.
    pub name: String,
    /// Its human title, if any.
    pub title: Option<String>,
    /// Its description, if any.
    pub description: Option<String>,
    /// Whether the output depends on the input (`hasDynamicOutput`).
    pub has_dynamic_output: bool,
    /// Index in `elements`, for JSON pointers in messages.
    pub index: usize,
    element: Map<String, Value>,
}

static NULL: Value = Value::Null;

impl OperationDoc {
    /// The JSON pointer of this operation in the document.
    pub fn pointer(&self) -> String {
        format!("/elements/{}", self.index)
    }

    /// The raw `inputSchema` (`null` when absent).
    pub fn input_schema(&self) -> &Value {
        self.element.get("inputSchema").unwrap_or(&NULL)
    }

    /// The raw `outputSchema` (`null` when absent).
    pub fn output_schema(&self) -> &Value {
        self.element.get("outputSchema").unwrap_or(&NULL)
    }

    /// The output schema Tray returned for a sample input, when the document vendored one
    /// ([`SAMPLED_OUTPUT_SCHEMA`]; checked when the document is read).
    pub fn sampled_output(&self) -> Option<SampledOutput<'_>> {
        let sampled = self.element.get(SAMPLED_OUTPUT_SCHEMA)?.as_object()?;
        Some(SampledOutput {
            schema: sampled.get("schema")?,
            sample: sampled.get("sample")?,
        })
    }

    /// The element exactly as the document writes it.
    pub fn element(&self) -> &Map<String, Value> {
        &self.element
    }
}

/// Why a document's header does not say which connector it describes (see
/// [`OperationsDocument::connector`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// No header, and no name and version given with the document.
    Missing,
    /// The header names another connector or version than the one given.
    Mismatch {
        /// Which header: `connector` or `trigger`.
        kind: DocumentKind,
        /// `name` or `version`.
        field: &'static str,
        /// What was given.
        expected: String,
        /// What the header says.
        found: String,
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::Missing => f.write_str(
                "the document has no `connector` header saying which connector it describes; \
                 add `\"connector\": {\"name\": \"<name>\", \"version\": \"<version>\"}` at its top \
                 (`tray-connect pull` writes it), or give the name and version with the document",
            ),
            HeaderError::Mismatch {
                kind,
                field,
                expected,
                found,
            } => write!(
                f,
                "the document's header says {} {field} `{found}`, not `{expected}` \
                 (at /{}/{field})",
                kind.noun(),
                kind.header_key()
            ),
        }
    }
}

impl std::error::Error for HeaderError {}

impl OperationsDocument {
    /// The connector this document serves, by the one header rule every reader follows:
    /// a header is authoritative; `given` (the macro's literals, `document_as`, `--name`) must
    /// agree with it; a headerless document takes `given`, and without it is refused.
    pub fn connector(&self, given: Option<(&str, &str)>) -> Result<ConnectorHeader, HeaderError> {
        match (&self.header, given) {
            (Some(header), Some((name, version))) => {
                if header.name != name {
                    return Err(HeaderError::Mismatch {
                        kind: self.kind,
                        field: "name",
                        expected: name.to_owned(),
                        found: header.name.clone(),
                    });
                }
                if header.version != version {
                    return Err(HeaderError::Mismatch {
                        kind: self.kind,
                        field: "version",
                        expected: version.to_owned(),
                        found: header.version.clone(),
                    });
                }
                Ok(header.clone())
            }
            (Some(header), None) => Ok(header.clone()),
            (None, Some((name, version))) => Ok(ConnectorHeader::new(name, version)),
            (None, None) => Err(HeaderError::Missing),
        }
    }
}
